"""What the network screen shows: groups by resource family or park, anchors, short chains, resilience.

Every table names firms, families and categories in the reader's language (never an internal id) and
keeps its figures numeric (rounded) so that the screen sorts them as numbers; the page formats them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from symbiosis.engine.network import Outcome, park_split, resilience
from symbiosis.engine.network_insights import OUTSIDE_PARK
from symbiosis.i18n import t
from symbiosis.views.map_common import fmt

__all__ = [
    "NUMERIC_COLUMNS",
    "anchor_table",
    "chain_table",
    "fmt_tonnes",
    "group_table",
    "park_table",
    "resilience_table",
]

#: Message keys of the numeric columns of these tables (the page formats them as numbers).
NUMERIC_COLUMNS: tuple[str, ...] = (
    "network.col.firms",
    "network.col.exchanges",
    "network.col.within",
    "advisor.col.tonnes",
    "advisor.col.net_value",
    "advisor.col.co2e",
    "network.col.components",
    "network.col.value_at_stake",
    "network.col.share",
    "network.col.partners",
    "network.col.hops",
    "advisor.net.lost_exchanges",
    "advisor.net.direct_value",
    "advisor.net.direct_co2e",
    "advisor.net.reopt_value",
    "advisor.net.reopt_co2e",
)


def _names(firms: pd.DataFrame) -> pd.Series:
    return firms.drop_duplicates("firm_id").set_index("firm_id")["name"].astype(str)


def _name_list(ids: tuple[str, ...], names: pd.Series) -> str:
    return ", ".join(str(names.get(i, i)) for i in ids)


def _group_label(group: str, by: str, lang: str, parks: pd.DataFrame | None) -> str:
    if by == "family":
        return t(f"advisor.family.{group}", lang) if group != "other" else t("network.family_other", lang)
    if group == OUTSIDE_PARK:
        return t("network.outside_park", lang)
    names = {} if parks is None else dict(zip(parks["park_id"], parks["name"], strict=True))
    return str(names.get(group, group))


def group_table(
    groups: pd.DataFrame, firms: pd.DataFrame, by: str, lang: str = "fr", *, parks: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return :func:`~symbiosis.engine.network_insights.group_clusters` readable: names, rounded figures."""
    names = _names(firms)
    out = {
        t(f"network.by.{by}", lang): [_group_label(g, by, lang, parks) for g in groups["group"]],
        t("network.col.firms", lang): groups["n_firms"].astype(int),
        t("network.col.exchanges", lang): groups["n_exchanges"].astype(int),
    }
    if by == "park":
        out[t("network.col.within", lang)] = groups["n_within"].astype(int)
    out |= {
        t("advisor.col.tonnes", lang): groups["tonnes_t_per_yr"].astype(float).round(0),
        t("advisor.col.net_value", lang): groups["net_value_cad_per_yr"].astype(float).round(0),
        t("advisor.col.co2e", lang): groups["co2e_avoided_t_per_yr"].astype(float).round(1),
        t("network.col.components", lang): groups["n_components"].astype(int),
        t("network.col.top_firms", lang): [_name_list(ids, names) for ids in groups["top_firm_ids"]],
    }
    return pd.DataFrame(out)


def anchor_table(anchors: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return :func:`~symbiosis.engine.network_insights.anchor_firms` with names and roles in words."""
    names = _names(firms)
    return pd.DataFrame(
        {
            t("advisor.col.firm", lang): anchors["firm_id"].map(names).fillna(anchors["firm_id"]),
            t("network.col.role", lang): [t(f"network.role.{r}", lang) for r in anchors["role"]],
            t("network.col.value_at_stake", lang): anchors["value_at_stake_cad_per_yr"]
            .astype(float)
            .round(0),
            t("network.col.share", lang): anchors["share_pct"].astype(float).round(1),
            t("network.col.exchanges", lang): anchors["n_exchanges"].astype(int),
            t("network.col.partners", lang): anchors["n_partners"].astype(int),
            t("advisor.col.tonnes", lang): anchors["tonnes_t_per_yr"].astype(float).round(0),
        }
    )


def _hop_text(category: str, n_categories: int, tonnes: float, labels: dict[str, str], lang: str) -> str:
    """``Sciure de bois (1 200 t/an ; autres ressources : 1)``: the main category, its tonnes, the others."""
    details = [fmt_tonnes(tonnes, lang)] if tonnes > 0 else []
    if n_categories > 1:
        details.append(t("network.more_categories", lang, n=n_categories - 1))
    text = labels.get(category, category)
    return f"{text} ({' ; '.join(details) if lang == 'fr' else '; '.join(details)})" if details else text


def fmt_tonnes(tonnes: float, lang: str) -> str:
    """``1 200 t/an`` (French) or ``1,200 t/yr`` (English)."""
    return f"{fmt(tonnes, lang)} {'t/an' if lang == 'fr' else 't/yr'}"


def chain_table(
    chains: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return :func:`~symbiosis.engine.network_insights.short_chains` as sentences an advisor reads.

    ``Chaîne``: ``A → B → C`` with firm names; ``Ce qui circule``: each hop's main category (and how
    many others move on it) with its tonnes, in the same order.
    """
    names = _names(firms)
    labels = (
        {}
        if categories is None
        else categories.drop_duplicates("category_id").set_index("category_id")[f"label_{lang}"].to_dict()
    )
    flows = [
        " → ".join(_hop_text(c, n, tn, labels, lang) for c, n, tn in zip(cats, ns, tons, strict=True))
        for cats, ns, tons in zip(
            chains["category_ids"], chains["n_categories"], chains["tonnes_t_per_yr"], strict=True
        )
    ]
    return pd.DataFrame(
        {
            t("network.col.hops", lang): chains["hops"].astype(int),
            t("advisor.net.chain", lang): [
                " → ".join(str(names.get(f, f)) for f in ids) for ids in chains["firm_ids"]
            ],
            t("network.col.flows", lang): flows,
            t("advisor.col.net_value", lang): chains["net_value_cad_per_yr"].astype(float).round(0),
        }
    )


def park_table(exchanges: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return exchanges, tonnes and value within one park versus between parks or outside."""
    split = park_split(exchanges, firms)
    return pd.DataFrame(
        {
            t("advisor.net.scope", lang): [t("advisor.net.within", lang), t("advisor.net.between", lang)],
            t("network.col.exchanges", lang): [split.n_within, split.n_between],
            t("advisor.col.tonnes", lang): [
                round(split.tonnes_within_t_per_yr),
                round(split.tonnes_between_t_per_yr),
            ],
            t("advisor.col.net_value", lang): [
                round(split.value_within_cad_per_yr),
                round(split.value_between_cad_per_yr),
            ],
        }
    )


def resilience_table(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    firm_ids: list[str],
    lang: str = "fr",
    *,
    resolve: Callable[[str], Outcome] | None = None,
) -> pd.DataFrame:
    """Return the value and CO2e lost if each firm closes: direct, and re-optimised with ``resolve``."""
    frame = resilience(exchanges, firm_ids=firm_ids, resolve=resolve)
    names = _names(firms)
    out = {
        t("advisor.col.firm", lang): frame["firm_id"].map(names).fillna(frame["firm_id"]),
        t("advisor.net.lost_exchanges", lang): frame["n_exchanges_lost"].astype(int),
        t("advisor.net.direct_value", lang): frame["direct_value_lost_cad_per_yr"].astype(float).round(0),
        t("advisor.net.direct_co2e", lang): frame["direct_co2e_lost_t_per_yr"].astype(float).round(1),
    }
    if resolve is not None:
        reopt_value = frame["reoptimised_value_lost_cad_per_yr"].astype(float)
        reopt_co2e = frame["reoptimised_co2e_lost_t_per_yr"].astype(float)
        out[t("advisor.net.reopt_value", lang)] = reopt_value.round(0)
        out[t("advisor.net.reopt_co2e", lang)] = reopt_co2e.round(1)
    return pd.DataFrame(out)
