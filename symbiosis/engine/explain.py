"""Why each exchange is proposed: rule and evidence, distance, quantity fit, season, baseline, dollars,
CO2e, quality uncertainties, the authorisation pathway, flags.

Every figure of an explanation is labelled *estimated* (a proposal, not a verified synergy) and
names its emission factors and its baseline (today's fate of the supply, today's use of the demand,
declared or the category's default); road distances are a detour-factor estimate, said so in the text.
Every sentence and word comes from the message catalogue (``symbiosis/data/messages/explain.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine.permits import pathway_label
from symbiosis.engine.quality import SPEC_LABELS
from symbiosis.i18n import catalogue_keys, t
from symbiosis.kb.wording import evidence_text, pretreatment_label
from symbiosis.schemas import CANONICAL_UNIT

__all__ = ["MONTHS_EN", "MONTHS_FR", "explain", "explain_text", "month_names"]

MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PER_YR = (
    "avoided_disposal_cad",
    "avoided_purchase_cad",
    "gate_fee_cad",
    "transport_cost_cad",
    "pretreatment_cost_cad",
    "net_value_cad",
    "co2e_disposal_avoided_t",
    "co2e_virgin_avoided_t",
    "co2e_transport_t",
    "co2e_avoided_t",
    "diverted_t",
)
_EVIDENCE = ("evidence_type", "evidence_ref", "evidence_note")
_UNIT = {kind: unit.removesuffix("/yr") for kind, unit in CANONICAL_UNIT.items()}
#: A stored unit (``trip``) back to the canonical unit of its yearly flow (``trip/yr``; ``m2`` stays ``m2``).
_RATE = {unit.removesuffix("/yr"): unit for unit in CANONICAL_UNIT.values()}


def _words() -> ModuleType:
    """:mod:`symbiosis.units.words`, imported when a paragraph is written: the units package loads pint
    (half a second), which ``pipeline.run()`` never needs."""
    from symbiosis.units import words

    return words


def month_names(mask: int, lang: str = "fr") -> str:
    """Months of a 12-bit mask, named (``"toute l'année"``/``"all year"`` for 4095)."""
    mask = int(mask) & 4095
    if mask == 4095:
        return "toute l'année" if lang == "fr" else "all year"
    names = MONTHS_EN if lang == "en" else MONTHS_FR
    return ", ".join(names[m] for m in range(12) if mask >> m & 1) or ("aucun" if lang == "fr" else "none")


def explain(
    exchanges_or_candidates: pd.DataFrame,
    scored: pd.DataFrame,
    rules: pd.DataFrame | None,
    categories: pd.DataFrame | None,
    *,
    unconfirmed: Collection[str] = (),
) -> pd.DataFrame:
    """One explanation row per exchange (or candidate).

    Parameters
    ----------
    exchanges_or_candidates
        Rows with ``candidate_id``; ``flow_per_yr`` when they are allocated exchanges (the
        candidate's ``max_flow_per_yr`` is used otherwise).
    scored
        Scored candidates (:func:`~symbiosis.engine.scoring.score_candidates`).
    rules
        Rules, for the evidence of rule-based matches.
    categories
        Categories, for French and English labels.
    unconfirmed
        Ids of the streams whose category awaits an advisor's confirmation (guessed by the classifier
        or replaced by the importer): a pair that rests on one is flagged ``category_unconfirmed``
        (unless it is already flagged ``category_to_confirm``, matched under a runner-up).

    Returns
    -------
    pandas.DataFrame
        Rule and evidence, ``text_similarity``, ``distance_km`` (crow-fly, geodesic) and
        ``road_distance_km`` (estimate), quantity fit in %, months in common named in French and
        English, ``*_per_yr`` value and CO2e breakdowns at the exchange's flow, ``flag_*`` columns,
        ``flags`` (codes joined by ``|``), the factor ids and ``status = "estimated"``.
    """
    keep = [c for c in ("candidate_id", "flow_per_yr") if c in exchanges_or_candidates.columns]
    rows = exchanges_or_candidates[keep].merge(scored, on="candidate_id", how="left", validate="many_to_one")
    flow = rows["flow_per_yr" if "flow_per_yr" in rows else "max_flow_per_yr"].to_numpy(float)
    yld = rows["yield_ratio"].to_numpy(float)
    out = rows[
        [
            "candidate_id",
            "supply_id",
            "demand_id",
            "supply_firm_id",
            "demand_firm_id",
            "match_basis",
            "rule_id",
            "text_similarity",
            "distance_km",
            "road_distance_km",
            "months_overlap",
            "supply_category_id",
            "demand_category_id",
        ]
    ].copy()
    out = _with_evidence(out, rules)
    out = _with_labels(out, categories)
    out["flow_per_yr"] = flow
    out["delivered_per_yr"] = flow * yld
    out["yield_ratio"] = yld
    out["supply_unit"] = rows["kind"].map(_UNIT).fillna("")
    out["demand_unit"] = rows.get("demand_kind", rows["kind"]).map(_UNIT).fillna("")
    s_qty, d_qty = rows["supply_quantity_per_yr"], rows["demand_quantity_per_yr"]
    out["pct_of_supply"] = 100 * flow / s_qty.where(s_qty > 0)
    out["pct_of_demand"] = 100 * flow * yld / d_qty.where(d_qty > 0)
    masks = rows["months_common_mask"].fillna(0).astype(int)
    out["months_common_fr"] = masks.map(lambda m: month_names(m, "fr"))
    out["months_common_en"] = masks.map(lambda m: month_names(m, "en"))
    for name in _PER_YR:
        per_unit = f"{name}_per_unit"
        out[f"{name}_per_yr"] = (
            rows[per_unit].to_numpy(float) * flow
            if per_unit in rows
            else rows[f"{name}_per_yr"].to_numpy(float) * _share(flow, rows)
        )
    out = out.join(_flags(rows, frozenset(map(str, unconfirmed))))
    for col in (
        "disposal_factor_id",
        "virgin_factor_id",
        "transport_factor_id",
        "pretreatment",
        "r_code",
        "receiving_process",
        "material_class",
        "supply_fate",
        "supply_fate_source",
        "supply_fate_cost_source",
        "demand_use",
        "demand_use_source",
        "purchase_price_source",
        "spec_unknown",
        "pathway",
        "permit_reference",
    ):
        out[col] = rows[col].fillna("").astype(str) if col in rows else ""
    for col in ("avoided_disposal_cad_per_unit", "avoided_purchase_cad_per_unit", "gate_fee_cad_per_unit"):
        out[col] = rows[col].to_numpy(float) if col in rows else np.nan
    # The supplier states the rule's pre-treatment as done: not charged, still a point to confirm.
    out["pretreatment_done"] = (
        rows["pretreatment_done"].fillna(False).astype(bool).to_numpy()
        if "pretreatment_done" in rows
        else False
    )
    out["heat_share"] = rows["heat_share"].fillna(1.0).to_numpy(float) if "heat_share" in rows else 1.0
    # a preheating pair's return temperature, and whether the demand firm declared it (not its category)
    out["return_temperature_c"] = (
        rows["return_temperature_c"].to_numpy(float) if "return_temperature_c" in rows else np.nan
    )
    out["return_declared"] = (
        rows["return_declared"].fillna(False).astype(bool).to_numpy() if "return_declared" in rows else False
    )
    out["status"] = "estimated"
    return out


def _share(flow: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
    full = rows["max_flow_per_yr"].to_numpy(float)
    return np.divide(flow, full, out=np.zeros_like(flow), where=full > 0)


def _with_evidence(out: pd.DataFrame, rules: pd.DataFrame | None) -> pd.DataFrame:
    if rules is None or len(rules) == 0:
        return out.assign(**{c: "" for c in _EVIDENCE})
    ev = rules.drop_duplicates("rule_id").reindex(columns=["rule_id", *_EVIDENCE])
    merged = out.merge(ev, on="rule_id", how="left")
    merged[list(_EVIDENCE)] = merged[list(_EVIDENCE)].astype("string").fillna("").astype(object)
    return merged


def _with_labels(out: pd.DataFrame, categories: pd.DataFrame | None) -> pd.DataFrame:
    for side in ("supply", "demand"):
        ids = out[f"{side}_category_id"].astype(str)
        for lang in ("fr", "en"):
            labels = None
            if categories is not None and f"label_{lang}" in categories:
                labels = categories.drop_duplicates("category_id").set_index("category_id")[f"label_{lang}"]
            out[f"{side}_label_{lang}"] = ids.map(labels).fillna(ids) if labels is not None else ids
    return out


def _text_col(rows: pd.DataFrame, name: str) -> pd.Series:
    return rows[name].astype("string").fillna("") if name in rows else pd.Series("", index=rows.index)


def _flags(rows: pd.DataFrame, unconfirmed: frozenset[str] = frozenset()) -> pd.DataFrame:
    def col(name: str) -> pd.Series:
        return rows[name].fillna(False).astype(bool) if name in rows else pd.Series(False, index=rows.index)

    pre = (
        rows["pretreatment"].astype("string").fillna("").str.strip().str.lower()
        if "pretreatment" in rows
        else pd.Series("", index=rows.index)
    )
    flags = pd.DataFrame(
        {
            "flag_hazardous": col("hazardous"),
            "flag_authorisation": col("requires_authorisation"),
            "flag_pretreatment": ~pre.isin(["", "none", "aucun", "aucune"]),
            "flag_internal": col("internal"),
            "flag_text_only": rows["match_basis"].eq("text"),
            "flag_spec_unknown": rows["spec_unknown"].fillna("").astype(str).ne("")
            if "spec_unknown" in rows
            else pd.Series(False, index=rows.index),
            "flag_category_to_confirm": col("category_alternative"),
            # A guessed category nobody confirmed: the pair may rest on a wrong reading.
            "flag_category_unconfirmed": (
                rows["supply_id"].astype(str).isin(unconfirmed)
                | rows["demand_id"].astype(str).isin(unconfirmed)
            )
            & ~col("category_alternative"),
            # A colder supply that only preheats the use: a boiler still does the rest of the duty.
            "flag_preheat": (
                pd.to_numeric(rows["heat_share"], errors="coerce").fillna(1.0).lt(1.0)
                if "heat_share" in rows
                else pd.Series(False, index=rows.index)
            ),
            # Sold today, at a price nobody gave: the lost sale counts 0, so the value is overstated
            # by what it sells for (a buyer's full purchase price counted as saved).
            "flag_sale_price_unknown": (
                _text_col(rows, "supply_fate").eq("sold_byproduct")
                & _text_col(rows, "supply_fate_cost_source").eq("config_default")
            ).to_numpy(dtype=bool),
        },
        index=rows.index,
    )
    codes = np.array([c.removeprefix("flag_") for c in flags.columns], dtype=object)
    flags["flags"] = ["|".join(codes[r]) for r in flags.to_numpy(bool)]
    return flags


def _say(name: str, lang: str, **values: object) -> str:
    """The catalogue sentence ``explain.<name>`` in ``lang``, formatted with ``values``."""
    return t(f"explain.{name}", lang, **values)


def _say_or(name: str, lang: str, default: str) -> str:
    """The catalogue word ``explain.<name>``, or ``default`` when the code has no entry."""
    return t(f"explain.{name}", lang) if f"explain.{name}" in catalogue_keys() else default


def explain_text(row: pd.Series | dict, lang: str = "fr") -> str:
    """A short paragraph explaining one row of :func:`explain`, in French (default) or English."""
    r = dict(row)
    lang = "en" if lang == "en" else "fr"
    ev = evidence_text(r.get("evidence_type"), r.get("evidence_ref"), r.get("evidence_note"), lang)

    def n(value: object, digits: int = 0) -> str:
        return _fmt(_nz(value), digits, lang)

    parts = [
        _say(
            "rule",
            lang,
            s_label=r[f"supply_label_{lang}"],
            d_label=r[f"demand_label_{lang}"],
            evidence=f" ({ev})" if ev else "",
        )
        if r["match_basis"] == "rule"
        else _say("text", lang, sim=n(r.get("text_similarity"), 2)),
        _say("where", lang, km=n(r["distance_km"], 1), road=n(r["road_distance_km"])),
        _say(
            "qty",
            lang,
            flow=n(r["flow_per_yr"]),
            unit=_words().unit_label(_RATE.get(str(r["supply_unit"]), r["supply_unit"]), lang),
            ps=n(r["pct_of_supply"]),
            pd=n(r["pct_of_demand"]),
        ),
        _say("months", lang, months=r[f"months_common_{lang}"]),
        *_baseline(r, lang, n),
        _say(
            "value",
            lang,
            net=n(r["net_value_cad_per_yr"]),
            disp=n(r["avoided_disposal_cad_per_yr"]),
            buy=n(r["avoided_purchase_cad_per_yr"]),
            fee=n(r.get("gate_fee_cad_per_yr")),
            tr=n(r["transport_cost_cad_per_yr"]),
            pre=n(r["pretreatment_cost_cad_per_yr"]),
        ),
        _say(
            "co2",
            lang,
            co2=n(r["co2e_avoided_t_per_yr"], 1),
            cd=n(r["co2e_disposal_avoided_t_per_yr"], 1),
            cv=n(r["co2e_virgin_avoided_t_per_yr"], 1),
            ct=n(r["co2e_transport_t_per_yr"], 1),
        ),
    ]
    codes = str(r.get("spec_unknown") or "").split("|")
    unknown = [SPEC_LABELS[c].get(lang) for c in codes if c in SPEC_LABELS]
    if unknown:
        parts.append(_say("unknown", lang, items=", ".join(unknown)))
    pathways = [pathway_label(c, lang) for c in str(r.get("pathway") or "").split("|") if c]
    if pathways:
        separator = " ; " if lang == "fr" else "; "
        ref = separator.join(p for p in str(r.get("permit_reference") or "").split("|") if p)
        joined = separator.join(pathways)
        covered_by = _say("ref", lang, ref=ref) if ref else _say("no_ref", lang)
        parts.append(_say("pathway", lang, pathways=joined, ref=covered_by))
    flags = [_flag_words(f, r, lang) for f in str(r.get("flags") or "").split("|") if f]
    if flags:
        parts.append(_say("attention", lang, items=", ".join(flags)))
    return " ".join(parts)


def _flag_words(flag: str, r: dict, lang: str) -> str:
    """One flag in words; the pre-treatment flag names its step (« prétraitement : séchage ») and says
    when the supplier states it as done (not charged)."""
    step = str(r.get("pretreatment") or "").strip()
    if flag == "preheat":
        pct = _fmt(100 * _nz(r.get("heat_share")), 0, lang)
        if bool(r.get("return_declared")):  # the firm's own loop, not its category's typical value
            back = _fmt(_nz(r.get("return_temperature_c")), 0, lang)
            return _say("flags.preheat_declared", lang, pct=pct, back=back)
        return _say("flags.preheat", lang, pct=pct)
    if flag == "pretreatment" and step:
        key = "flags.pretreatment_done" if bool(r.get("pretreatment_done")) else "flags.pretreatment_step"
        return _say(key, lang, step=pretreatment_label(step, lang))
    return _say(f"flags.{flag}", lang)


def _baseline(r: dict, lang: str, n: Callable[..., str]) -> list[str]:
    """The sentence naming today's fate of the supply and today's use of the demand (none if unknown)."""
    fate = str(r.get("supply_fate") or "")
    if not fate:
        return []
    use = str(r.get("demand_use") or "virgin_input")
    yld = _nz(r.get("yield_ratio") if r.get("yield_ratio") is not None else 1.0) or 1.0
    du = r.get("demand_unit") or ""
    text = _say_or(f"uses.{use}", lang, use).format(
        price=n(_nz(r.get("avoided_purchase_cad_per_unit")) / yld, 2),
        fee=n(_nz(r.get("gate_fee_cad_per_unit")) / yld, 2),
        du=_words().per_unit_label(du, lang),
    )
    source = str(r.get("supply_fate_source") or "") or "none"
    return [
        _say(
            "baseline",
            lang,
            fate=_say_or(f"fates.{fate}", lang, fate),
            fate_src=_say_or(f"sources.{source}", lang, ""),
            cost=n(r.get("avoided_disposal_cad_per_unit"), 2),
            su=_words().per_unit_label(r.get("supply_unit") or "", lang),
            use=text,
        )
    ]


def _fmt(value: float, digits: int, lang: str) -> str:
    """Thousands-separated number; French uses a narrow no-break space and a decimal comma."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _nz(value: Any) -> float:
    v = float(value) if value is not None else float("nan")
    return 0.0 if np.isnan(v) else v
