"""What the network screen shows: clusters, hubs, parks, chains and resilience, with firm names."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pandas as pd

from symbiosis.engine.network import Outcome, chains, clusters, hubs, park_split, resilience
from symbiosis.i18n import t
from symbiosis.views.map import fmt

__all__ = ["chain_table", "cluster_table", "hub_table", "park_table", "resilience_table", "top_hub_ids"]


def _names(firms: pd.DataFrame) -> pd.Series:
    return firms.drop_duplicates("firm_id").set_index("firm_id")["name"]


def _name_list(ids: tuple[str, ...], names: pd.Series, shown: int = 4) -> str:
    listed = [str(names.get(i, i)) for i in ids[:shown]]
    more = len(ids) - shown
    return ", ".join(listed) + (f" (+{more})" if more > 0 else "")


def cluster_table(graph: nx.DiGraph, firms: pd.DataFrame, lang: str = "fr", *, top: int = 20) -> pd.DataFrame:
    """Return the largest clusters: size, exchanges, value, CO2e and their firms, readable."""
    frame = clusters(graph).head(top)
    names = _names(firms)
    return pd.DataFrame(
        {
            t("advisor.net.cluster", lang): frame["cluster_id"],
            t("advisor.net.n_firms", lang): frame["n_firms"],
            t("advisor.net.n_exchanges", lang): frame["n_exchanges"],
            t("advisor.col.net_value", lang): [fmt(v, lang) for v in frame["net_value_cad_per_yr"]],
            t("advisor.col.co2e", lang): [fmt(v, lang, 1) for v in frame["co2e_avoided_t_per_yr"]],
            t("advisor.net.firms", lang): [_name_list(ids, names) for ids in frame["firm_ids"]],
        }
    )


def hub_table(hub_frame: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return :func:`~symbiosis.engine.network.hubs` with firm names and formatted figures."""
    names = _names(firms)
    return pd.DataFrame(
        {
            t("advisor.col.firm", lang): hub_frame["firm_id"].map(names).fillna(hub_frame["firm_id"]),
            t("advisor.net.degree", lang): hub_frame["degree"],
            t("advisor.net.in_out", lang): [
                f"{i} / {o}" for i, o in zip(hub_frame["in_degree"], hub_frame["out_degree"], strict=True)
            ],
            t("advisor.col.net_value", lang): [fmt(v, lang) for v in hub_frame["weighted_degree_cad_per_yr"]],
            t("advisor.net.betweenness", lang): [fmt(v, lang, 3) for v in hub_frame["betweenness"]],
        }
    )


def park_table(exchanges: pd.DataFrame, firms: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return exchanges, tonnes and value within one park versus between parks or outside."""
    split = park_split(exchanges, firms)
    return pd.DataFrame(
        {
            t("advisor.net.scope", lang): [t("advisor.net.within", lang), t("advisor.net.between", lang)],
            t("advisor.net.n_exchanges", lang): [split.n_within, split.n_between],
            t("advisor.col.tonnes", lang): [
                fmt(split.tonnes_within_t_per_yr, lang),
                fmt(split.tonnes_between_t_per_yr, lang),
            ],
            t("advisor.col.net_value", lang): [
                fmt(split.value_within_cad_per_yr, lang),
                fmt(split.value_between_cad_per_yr, lang),
            ],
        }
    )


def chain_table(graph: nx.DiGraph, firms: pd.DataFrame, lang: str = "fr", *, top: int = 5) -> pd.DataFrame:
    """Return the longest multi-hop chains with firm names (``A → B → C``)."""
    frame = chains(graph, top=top)
    names = _names(firms)
    labels = [
        " → ".join("+".join(str(names.get(f, f)) for f in step) for step in steps) for steps in frame["steps"]
    ]
    return pd.DataFrame({t("advisor.net.hops", lang): frame["hops"], t("advisor.net.chain", lang): labels})


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
        t("advisor.net.lost_exchanges", lang): frame["n_exchanges_lost"],
        t("advisor.net.direct_value", lang): [fmt(v, lang) for v in frame["direct_value_lost_cad_per_yr"]],
        t("advisor.net.direct_co2e", lang): [fmt(v, lang, 1) for v in frame["direct_co2e_lost_t_per_yr"]],
    }
    if resolve is not None:
        out[t("advisor.net.reopt_value", lang)] = [
            fmt(v, lang) for v in frame["reoptimised_value_lost_cad_per_yr"]
        ]
        out[t("advisor.net.reopt_co2e", lang)] = [
            fmt(v, lang, 1) for v in frame["reoptimised_co2e_lost_t_per_yr"]
        ]
    return pd.DataFrame(out)


def top_hub_ids(graph: nx.DiGraph, *, top: int = 5) -> list[str]:
    """Return the ids of the ``top`` hub firms (by degree, then value)."""
    return hubs(graph, top=top)["firm_id"].tolist()
