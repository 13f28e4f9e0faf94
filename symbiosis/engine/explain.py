"""Why each exchange is proposed: rule and evidence, distance, quantity fit, season, baseline, dollars,
CO2e, quality uncertainties, the authorisation pathway, flags.

Every figure of an explanation is labelled *estimated* (a proposal, not a verified synergy) and
names its emission factors and its baseline (today's fate of the supply, today's use of the demand,
declared or the category's default); road distances are a detour-factor estimate, said so in the text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.engine.permits import pathway_label
from symbiosis.engine.quality import SPEC_LABELS
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
    out = out.join(_flags(rows))
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


def _flags(rows: pd.DataFrame) -> pd.DataFrame:
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
        },
        index=rows.index,
    )
    codes = np.array([c.removeprefix("flag_") for c in flags.columns], dtype=object)
    flags["flags"] = ["|".join(codes[r]) for r in flags.to_numpy(bool)]
    return flags


_TEXT = {
    "fr": {
        "rule": "Règle {rule_id} : {s_label} → {d_label}{evidence}.",
        "text": "Aucune règle : descriptions proches (similarité {sim}), à valider.",
        "where": "Distance {km} km à vol d'oiseau (≈ {road} km par la route, estimation).",
        "qty": "Flux {flow} {su}/an : {ps} % de l'offre, {pd} % du besoin.",
        "months": "Mois en commun : {months}.",
        "value": (
            "Valeur nette estimée {net} $/an (élimination évitée {disp} $, achat évité "
            "{buy} $, redevance de traitement −{fee} $, transport −{tr} $, prétraitement −{pre} $)."
        ),
        "baseline": "Situation actuelle : {fate} ({fate_src}), {cost} $/{su} ; receveur : {use}.",
        "fates": {
            "landfill": "enfouissement",
            "incineration": "incinération",
            "land_spreading": "épandage",
            "sold_byproduct": "sous-produit déjà vendu (non détourné)",
            "internal_reuse": "réemploi interne",
            "paid_treatment": "traitement payé",
            "discharged": "rejeté (chaleur, gaz ou eau)",
        },
        "uses": {
            "virgin_input": "achat de matière vierge à {price} $/{du}",
            "treatment_service": ("service de traitement payé {fee} $/{du} (redevance, pas un achat évité)"),
        },
        "sources": {
            "declared": "déclaré",
            "category_default": "défaut de la catégorie",
            "config_default": "défaut du scénario",
            "": "—",
        },
        "unknown": "Exigences non vérifiées (valeur non déclarée par le fournisseur) : {items}.",
        "pathway": "Autorisation requise : {pathways}{ref}.",
        "ref": " — couverte par {ref}",
        "no_ref": " — référence non déclarée",
        "co2": (
            "GES évités estimés {co2} t éq. CO2/an (élimination {cd}, production vierge "
            "{cv}, transport −{ct})."
        ),
        "flags": {
            "hazardous": "matière dangereuse",
            "authorisation": "autorisation requise",
            "pretreatment": "prétraitement",
            "internal": "réemploi interne",
            "text_only": "appariement textuel seulement",
            "spec_unknown": "qualité à confirmer",
            "category_to_confirm": (
                "catégorie déduite à confirmer (appariement sous une catégorie de second choix)"
            ),
        },
        "attention": "À noter : {items}.",
    },
    "en": {
        "rule": "Rule {rule_id}: {s_label} → {d_label}{evidence}.",
        "text": "No rule: descriptions are close (similarity {sim}); to be confirmed.",
        "where": "Distance {km} km crow-fly (≈ {road} km by road, estimated).",
        "qty": "Flow {flow} {su}/yr: {ps} % of the supply, {pd} % of the need.",
        "months": "Months in common: {months}.",
        "value": (
            "Estimated net value {net} $/yr (avoided disposal {disp} $, avoided purchase "
            "{buy} $, treatment gate fee −{fee} $, transport −{tr} $, pre-treatment −{pre} $)."
        ),
        "baseline": "Today: {fate} ({fate_src}), {cost} $/{su}; receiver: {use}.",
        "fates": {
            "landfill": "landfill",
            "incineration": "incineration",
            "land_spreading": "land spreading",
            "sold_byproduct": "by-product already sold (not diverted)",
            "internal_reuse": "internal reuse",
            "paid_treatment": "paid treatment",
            "discharged": "released (heat, gas or water)",
        },
        "uses": {
            "virgin_input": "buys virgin input at {price} $/{du}",
            "treatment_service": (
                "treatment service paid {fee} $/{du} (a gate fee, not an avoided purchase)"
            ),
        },
        "sources": {
            "declared": "declared",
            "category_default": "category default",
            "config_default": "scenario default",
            "": "—",
        },
        "unknown": "Specs not checked (value not declared by the supplier): {items}.",
        "pathway": "Authorisation needed: {pathways}{ref}.",
        "ref": " — covered by {ref}",
        "no_ref": " — reference not declared",
        "co2": (
            "Estimated GHG avoided {co2} t CO2e/yr (disposal {cd}, virgin production {cv}, transport −{ct})."
        ),
        "flags": {
            "hazardous": "hazardous residue",
            "authorisation": "authorisation needed",
            "pretreatment": "pre-treatment",
            "internal": "internal reuse",
            "text_only": "text-only match",
            "spec_unknown": "quality to confirm",
            "category_to_confirm": "inferred category to confirm (matched under a runner-up category)",
        },
        "attention": "Note: {items}.",
    },
}


def explain_text(row: pd.Series | dict, lang: str = "fr") -> str:
    """A short paragraph explaining one row of :func:`explain`, in French (default) or English."""
    t = _TEXT["en" if lang == "en" else "fr"]
    r = dict(row)
    ev = " ".join(str(r.get(k) or "") for k in ("evidence_ref", "evidence_note")).strip()
    lang = "en" if lang == "en" else "fr"

    def n(value: object, digits: int = 0) -> str:
        return _fmt(_nz(value), digits, lang)

    parts = [
        t["rule"].format(
            rule_id=r["rule_id"],
            s_label=r[f"supply_label_{lang}"],
            d_label=r[f"demand_label_{lang}"],
            evidence=f" ({ev})" if ev else "",
        )
        if r["match_basis"] == "rule"
        else t["text"].format(sim=n(r.get("text_similarity"), 2)),
        t["where"].format(km=n(r["distance_km"], 1), road=n(r["road_distance_km"])),
        t["qty"].format(
            flow=n(r["flow_per_yr"]), su=r["supply_unit"], ps=n(r["pct_of_supply"]), pd=n(r["pct_of_demand"])
        ),
        t["months"].format(months=r[f"months_common_{lang}"]),
        *_baseline(r, t, n),
        t["value"].format(
            net=n(r["net_value_cad_per_yr"]),
            disp=n(r["avoided_disposal_cad_per_yr"]),
            buy=n(r["avoided_purchase_cad_per_yr"]),
            fee=n(r.get("gate_fee_cad_per_yr")),
            tr=n(r["transport_cost_cad_per_yr"]),
            pre=n(r["pretreatment_cost_cad_per_yr"]),
        ),
        t["co2"].format(
            co2=n(r["co2e_avoided_t_per_yr"], 1),
            cd=n(r["co2e_disposal_avoided_t_per_yr"], 1),
            cv=n(r["co2e_virgin_avoided_t_per_yr"], 1),
            ct=n(r["co2e_transport_t_per_yr"], 1),
        ),
    ]
    codes = str(r.get("spec_unknown") or "").split("|")
    unknown = [SPEC_LABELS[c].get(lang) for c in codes if c in SPEC_LABELS]
    if unknown:
        parts.append(t["unknown"].format(items=", ".join(unknown)))
    pathways = [pathway_label(c, lang) for c in str(r.get("pathway") or "").split("|") if c]
    if pathways:
        ref = str(r.get("permit_reference") or "")
        joined = (" ; " if lang == "fr" else "; ").join(pathways)
        covered_by = t["ref"].format(ref=ref) if ref else t["no_ref"]
        parts.append(t["pathway"].format(pathways=joined, ref=covered_by))
    flags = [t["flags"][f] for f in str(r.get("flags") or "").split("|") if f]
    if flags:
        parts.append(t["attention"].format(items=", ".join(flags)))
    return " ".join(parts)


def _baseline(r: dict, t: dict, n: object) -> list[str]:
    """The sentence naming today's fate of the supply and today's use of the demand (none if unknown)."""
    fate = str(r.get("supply_fate") or "")
    if not fate:
        return []
    use = str(r.get("demand_use") or "virgin_input")
    yld = _nz(r.get("yield_ratio") if r.get("yield_ratio") is not None else 1.0) or 1.0
    du = r.get("demand_unit") or ""
    text = (
        t["uses"]
        .get(use, use)
        .format(
            price=n(_nz(r.get("avoided_purchase_cad_per_unit")) / yld, 2),
            fee=n(_nz(r.get("gate_fee_cad_per_unit")) / yld, 2),
            du=du,
        )
    )
    return [
        t["baseline"].format(
            fate=t["fates"].get(fate, fate),
            fate_src=t["sources"].get(str(r.get("supply_fate_source") or ""), ""),
            cost=n(r.get("avoided_disposal_cad_per_unit"), 2),
            su=r.get("supply_unit") or "",
            use=text,
        )
    ]


def _fmt(value: float, digits: int, lang: str) -> str:
    """Thousands-separated number; French uses a narrow no-break space and a decimal comma."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _nz(value: object) -> float:
    v = float(value) if value is not None else float("nan")
    return 0.0 if np.isnan(v) else v
