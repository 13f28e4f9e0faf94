"""Checker of the knowledge base: many small ``_check_*`` functions gathered into a bilingual report.

``check_categories`` and ``check_rules`` return a list of :class:`~symbiosis.findings.Finding`;
errors make the base unusable, warnings deserve a look.
``python -m symbiosis.kb.check [--lang en]`` checks the shipped
files, prints the report and exits with status 1 when there is an error (``make test`` runs it
through ``tests/test_kb_check.py``).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterator, Mapping, Sequence

import pandas as pd

from symbiosis.findings import Finding, has_errors
from symbiosis.i18n import Text, t, tn
from symbiosis.kb.categories import FAMILIES, load_categories, parse_categories
from symbiosis.kb.generic import generic_categories, is_generic
from symbiosis.kb.priors import check_sector_priors
from symbiosis.kb.rules import (
    AUTHORISATIONS,
    CROSS_KIND_NOTE_PREFIX,
    CROSS_KIND_PAIRS,
    EVIDENCE_TYPES,
    LOADED_RULE_COLUMNS,
    PRETREATMENTS,
    R_CODES,
    RULE_COLUMNS,
    parse_rules,
)
from symbiosis.kb.selectors import (
    CHECK_NAMES,
    YIELD_BASES,
    Selector,
    expand_rules,
    selector_kind,
    unused_statements,
)
from symbiosis.kb.tables import CATEGORY_COLUMNS, parse_bool, read_package_csv, split_list
from symbiosis.kb.waste_codes import load_waste_codes
from symbiosis.schemas import CANONICAL_UNIT, RESOURCE_KINDS

__all__ = [
    "FEED_CATEGORIES",
    "FOOD_CATEGORIES",
    "check_categories",
    "check_knowledge_base",
    "check_rules",
    "format_report",
    "has_errors",
    "main",
]

log = logging.getLogger(__name__)

#: Demand categories a hazardous residue must never reach.
FEED_CATEGORIES: frozenset[str] = frozenset({"animal_feed_ingredient"})
FOOD_CATEGORIES: frozenset[str] = frozenset({"food_ingredient_upcycled", "food_surplus_edible"})
#: Demand categories that put a residue on land (a fertilising residual material in Québec).
LAND_CATEGORIES: frozenset[str] = frozenset({"soil_amendment_organic", "liming_agent"})
#: Supplies spread without an MRF authorisation: manure (farm regulation, REA) and certified compost.
LAND_EXEMPT_SUPPLIES: frozenset[str] = frozenset({"manure", "compost_product"})

#: List-of-Waste chapters whose codes a family's categories may carry. A chapter names where a waste
#: comes from (10: thermal processes) or, for 15, 17, 19 and 20, a collected fraction of a material
#: (plastic packaging, C&D wood, sorted ferrous metal, municipal glass), hence the overlaps.
FAMILY_CHAPTERS: dict[str, frozenset[str]] = {
    "metals_scrap": frozenset({"10", "11", "12", "16", "17", "19", "20"}),  # 11 05: zinc ash, galvanising
    "aluminium_residues": frozenset({"01", "10", "12", "16", "17", "19", "20"}),
    "wood_forestry": frozenset({"02", "03", "15", "17", "19", "20"}),
    "pulp_paper": frozenset({"03", "19"}),
    "agrifood_organics": frozenset({"02", "19", "20"}),
    "mineral_ashes": frozenset({"01", "06", "10", "12", "16", "17", "19"}),
    "chemicals_solvents": frozenset({"05", "06", "07", "08", "09", "11", "14", "16"}),
    "oils": frozenset({"02", "05", "12", "13", "16", "19", "20"}),
    "plastics": frozenset({"02", "07", "15", "16", "17", "19", "20"}),
    "paper_cardboard": frozenset({"03", "15", "19", "20"}),
    "glass": frozenset({"10", "15", "16", "17", "19", "20"}),
    "construction_demolition": frozenset({"10", "17", "19", "20"}),
    "packaging_pallets": frozenset({"15"}),
    "textiles": frozenset({"04", "15", "19", "20"}),
    "waste_treatment": frozenset({"16", "19"}),
    "healthcare": frozenset({"18"}),
    "municipal": frozenset({"20"}),
}

_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_MAESTRI = re.compile(r"^MAESTRI:\d+\.\d+\.\d+$")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def _error(check: str, item: object, fr: str, en: str) -> Finding:
    return Finding(severity="error", code=check, location=str(item), detail=Text(fr, en))


def _warning(check: str, item: object, fr: str, en: str) -> Finding:
    return Finding(severity="warning", code=check, location=str(item), detail=Text(fr, en))


def _columns(frame: pd.DataFrame, expected: Sequence[str], table: str) -> list[Finding]:
    if list(frame.columns) == list(expected):
        return []
    return [
        _error(
            "columns",
            table,
            f"colonnes attendues {list(expected)}, trouvées {list(frame.columns)}",
            f"expected columns {list(expected)}, found {list(frame.columns)}",
        )
    ]


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna("").str.strip()


# --------------------------------------------------------------------------- categories


def _check_category_ids(cats: pd.DataFrame) -> Iterator[Finding]:
    ids = _text(cats["category_id"])
    for cid in ids[~ids.str.match(_ID)]:
        yield _error(
            "category_id_format", cid, "identifiant non snake_case ascii", "id is not ascii snake_case"
        )
    for cid in ids[ids.duplicated()].unique():
        yield _error("duplicate_category", cid, "identifiant en double", "duplicate id")


def _check_category_enums(cats: pd.DataFrame) -> Iterator[Finding]:
    for row in cats.itertuples(index=False):
        if row.family not in FAMILIES:
            yield _error(
                "unknown_family",
                row.category_id,
                f"famille inconnue {row.family!r}",
                f"unknown family {row.family!r}",
            )
        if row.kind not in RESOURCE_KINDS:
            yield _error(
                "unknown_kind",
                row.category_id,
                f"type de ressource inconnu {row.kind!r}",
                f"unknown resource kind {row.kind!r}",
            )
        elif row.canonical_unit != CANONICAL_UNIT[row.kind]:
            yield _error(
                "unit_kind_mismatch",
                row.category_id,
                f"unité {row.canonical_unit!r} au lieu de {CANONICAL_UNIT[row.kind]!r}",
                f"unit {row.canonical_unit!r} is not {CANONICAL_UNIT[row.kind]!r} for {row.kind}",
            )


def _present(series: pd.Series) -> pd.Series:
    """Cells holding a value (not NaN, not blank)."""
    return ~series.isna() & ~series.astype("string").fillna("").str.strip().isin(("", "nan"))


def _check_category_density(cats: pd.DataFrame) -> Iterator[Finding]:
    raw = cats["default_density_t_per_m3"]
    density = pd.to_numeric(raw, errors="coerce")
    for cid in cats["category_id"][_present(raw) & (density.isna() | (density <= 0))]:
        yield _error(
            "bad_density", cid, "masse volumique non numérique ou ≤ 0", "density is not a positive number"
        )
    gaseous = cats["family"].isin(["energy_co2", "energy_gas"])
    generated = cats["category_id"].map(is_generic)  # generated per sub-chapter: no density to claim
    for cid in cats["category_id"][cats["kind"].eq("material") & ~_present(raw) & ~gaseous & ~generated]:
        yield _warning(
            "missing_density",
            cid,
            "matière sans masse volumique par défaut",
            "material without a default density",
        )


def _check_category_properties(cats: pd.DataFrame) -> Iterator[Finding]:
    """Temperature bands, heating values and energy per tonne: numbers where they mean something."""
    low = pd.to_numeric(cats["temperature_low_c"], errors="coerce")
    high = pd.to_numeric(cats["temperature_high_c"], errors="coerce")
    for cid in cats["category_id"][(low.isna() != high.isna()) | (low >= high)]:
        yield _error(
            "bad_band",
            cid,
            "bande de température incomplète ou inversée",
            "temperature band incomplete or reversed",
        )
    back = pd.to_numeric(cats.get("temperature_return_c", pd.Series("", index=cats.index)), errors="coerce")
    for cid in cats["category_id"][back.notna() & ~(back < low)]:
        yield _error(
            "bad_return_temperature",
            cid,
            "température de retour absente de la bande ou pas sous son bas",
            "return temperature without a band, or not below the band's low end",
        )
    for col in ("lhv_mwh_per_t", "energy_mwh_per_t", "energy_mwh_per_m3"):
        value = pd.to_numeric(cats[col], errors="coerce")
        for cid in cats["category_id"][_present(cats[col]) & ~(value > 0)]:
            yield _error(
                "bad_property", cid, f"{col} non numérique ou ≤ 0", f"{col} is not a positive number"
            )
    for col, fr, en in (
        ("energy_mwh_per_t", "tonne", "tonne"),
        ("energy_mwh_per_m3", "mètre cube", "cubic metre"),
    ):
        energy = pd.to_numeric(cats[col], errors="coerce") > 0
        for cid in cats["category_id"][energy & cats["kind"].ne("energy")]:
            yield _error(
                "bad_property",
                cid,
                f"énergie par {fr} pour une catégorie qui n'est pas de l'énergie",
                f"energy per {en} on a category that is not energy",
            )


def _check_category_labels(cats: pd.DataFrame) -> Iterator[Finding]:
    for col in ("label_fr", "label_en"):
        for cid in cats["category_id"][_text(cats[col]).eq("")]:
            yield _error("missing_label", cid, f"{col} vide", f"{col} is empty")
    for col in ("synonyms_fr", "synonyms_en"):  # generated categories are described by their codes
        for cid in cats["category_id"][_text(cats[col]).eq("") & ~cats["category_id"].map(is_generic)]:
            yield _warning("missing_synonyms", cid, f"{col} vide", f"{col} is empty")


def _check_category_waste_codes(cats: pd.DataFrame, low: pd.DataFrame) -> Iterator[Finding]:
    entry = dict(zip(low["code"], low["entry_type"], strict=True))
    haz_flag = parse_bool(cats["hazardous"])
    for row, hazardous in zip(cats.itertuples(index=False), haz_flag, strict=True):
        codes = split_list(row.waste_codes)
        unknown = [c for c in codes if c not in entry]
        if unknown:
            yield _error(
                "unknown_waste_code",
                row.category_id,
                f"codes absents de la LoW : {unknown}",
                f"codes not in the List of Waste: {unknown}",
            )
        known = [entry[c] for c in codes if c in entry]
        if not hazardous and "absolute_hazardous" in known:
            yield _error(
                "hazard_flag",
                row.category_id,
                "code dangereux absolu mais catégorie non dangereuse",
                "absolute hazardous code in a non-hazardous category",
            )
        if hazardous and known and all(t == "absolute_non_hazardous" for t in known):
            yield _warning(
                "hazard_flag",
                row.category_id,
                "catégorie dangereuse dont tous les codes sont non dangereux",
                "hazardous category whose codes are all non-hazardous",
            )


def _check_family_chapters(cats: pd.DataFrame) -> Iterator[Finding]:
    """Each waste code's chapter fits the category's family (:data:`FAMILY_CHAPTERS`); families of
    energy, water, logistics, capacity and services carry no waste code."""
    for row in cats.itertuples(index=False):
        allowed = FAMILY_CHAPTERS.get(row.family, frozenset())
        wrong = [c for c in split_list(row.waste_codes) if c[:2] not in allowed]
        if wrong:
            yield _error(
                "code_family",
                row.category_id,
                f"codes hors des chapitres de la famille {row.family} : {wrong}",
                f"codes outside the chapters of family {row.family}: {wrong}",
            )


def _check_low_coverage(cats: pd.DataFrame, low: pd.DataFrame) -> Iterator[Finding]:
    """Every code of the List of Waste reaches a category (a specific or a generic one)."""
    listed = {code for codes in cats["waste_codes"] for code in split_list(codes)}
    missing = sorted(set(low["code"]) - listed)
    if missing:
        yield _error(
            "low_not_covered",
            "",
            f"{len(missing)} codes sans catégorie, ex. {missing[:5]}",
            f"{len(missing)} codes reach no category, e.g. {missing[:5]}",
        )


def check_categories(
    categories: pd.DataFrame, *, waste_codes: pd.DataFrame | None = None, complete: bool = False
) -> list[Finding]:
    """Check a categories table (as :func:`symbiosis.kb.load_categories` returns it).

    Parameters
    ----------
    categories
        The table to check.
    waste_codes
        The List of Waste (default: the shipped one) the ``waste_codes`` column must use.
    complete
        Also require every code of the List of Waste to reach a category (the shipped base with its
        generic categories must; a partial table need not).

    Returns
    -------
    list of Finding
        Empty when the table is clean.
    """
    issues = _columns(categories, CATEGORY_COLUMNS, "categories")
    if issues:
        return issues
    low = load_waste_codes() if waste_codes is None else waste_codes
    for check in (
        _check_category_ids,
        _check_category_enums,
        _check_category_density,
        _check_category_properties,
        _check_category_labels,
    ):
        issues.extend(check(categories))
    issues.extend(_check_category_waste_codes(categories, low))
    issues.extend(_check_family_chapters(categories))
    if complete:
        issues.extend(_check_low_coverage(categories, low))
    return issues


# --------------------------------------------------------------------------- rules


def _check_rule_ids(rules: pd.DataFrame) -> Iterator[Finding]:
    ids = _text(rules["rule_id"])
    for rid in ids[ids.eq("")].index:
        yield _error("missing_rule_id", f"row {rid}", "rule_id vide", "empty rule_id")
    for rid in ids[ids.duplicated() & ids.ne("")].unique():
        yield _error("duplicate_rule_id", rid, "rule_id en double", "duplicate rule_id")
    pairs = rules[["supply_category_id", "demand_category_id"]]
    for row in rules[pairs.duplicated()].itertuples(index=False):
        yield _error(
            "duplicate_pair",
            row.rule_id,
            f"paire déjà couverte : {row.supply_category_id} → {row.demand_category_id}",
            f"pair already covered: {row.supply_category_id} -> {row.demand_category_id}",
        )


def _check_rule_selectors(rules: pd.DataFrame, categories: pd.DataFrame) -> Iterator[Finding]:
    """Each side names a known category, family or tag (``=`` on the demand side only), and expands."""
    known = set(categories["category_id"].astype(str))
    pick = Selector(categories)
    for row in rules.itertuples(index=False):
        for side in ("supply_category_id", "demand_category_id"):
            selector = getattr(row, side)
            kind = selector_kind(selector)
            if kind == "identity" and side == "supply_category_id":
                yield _error(
                    "bad_selector",
                    row.rule_id,
                    "« = » seulement du côté demande",
                    "'=' only on the demand side",
                )
            elif kind != "identity" and not pick(selector):
                yield _error(
                    "unknown_category",
                    row.rule_id,
                    f"sélecteur sans catégorie {selector!r} ({side})",
                    f"selector names no category {selector!r} ({side})",
                )
        unknown = [c for c in split_list(getattr(row, "except_categories", "")) if c not in known]
        if unknown:
            yield _error(
                "unknown_exception",
                row.rule_id,
                f"exceptions inconnues : {unknown}",
                f"unknown exceptions: {unknown}",
            )
        if getattr(row, "yield_basis", "fixed") not in YIELD_BASES:
            yield _error(
                "bad_yield_basis",
                row.rule_id,
                f"yield_basis invalide : {row.yield_basis!r}",
                f"invalid yield_basis: {row.yield_basis!r}",
            )
        bad_checks = [c for c in split_list(getattr(row, "checks", "")) if c not in CHECK_NAMES]
        if bad_checks:
            yield _error(
                "bad_checks",
                row.rule_id,
                f"contrôles inconnus : {bad_checks}",
                f"unknown checks: {bad_checks}",
            )


def _check_statement_use(statements: pd.DataFrame, categories: pd.DataFrame) -> Iterator[Finding]:
    """A statement whose selectors, less its exceptions, pick no pair at all (a general statement whose
    pairs are all taken by listed ones is fine: it serves categories added later)."""
    for rid in unused_statements(statements, expand_rules(statements, categories)):
        alone = expand_rules(statements[statements["rule_id"] == rid], categories)
        if alone.empty:
            yield _warning(
                "unused_statement",
                rid,
                "énoncé qui ne désigne aucune paire de catégories",
                "statement that names no pair of categories",
            )


def _check_lhv_yields(statements: pd.DataFrame, categories: pd.DataFrame) -> Iterator[Finding]:
    """A ``yield_basis = lhv`` statement needs an LHV for every supply and for every material demand."""
    values = pd.to_numeric(categories.get("lhv_mwh_per_t", pd.Series(dtype=float)), errors="coerce")
    lhv = pd.Series(values.to_numpy(float), index=categories["category_id"].astype(str))
    kind = categories.set_index("category_id")["kind"]
    pick = Selector(categories)
    for row in statements[statements["yield_basis"].eq("lhv")].itertuples(index=False):
        sides = [pick(row.supply_category_id)]
        demands = [c for c in pick(row.demand_category_id) if kind.get(c) != "energy"]
        missing = [c for c in [*sides[0], *demands] if not (lhv.get(c, float("nan")) > 0)]
        if missing:
            yield _error(
                "missing_lhv",
                row.rule_id,
                f"pouvoir calorifique (lhv_mwh_per_t) manquant : {missing}",
                f"lower heating value (lhv_mwh_per_t) missing: {missing}",
            )


def _check_rule_values(rules: pd.DataFrame) -> Iterator[Finding]:
    yields = pd.to_numeric(rules["yield_ratio"], errors="coerce")
    for rid in rules["rule_id"][yields.isna() | (yields <= 0)]:
        yield _error("bad_yield", rid, "rendement absent ou ≤ 0", "yield_ratio missing or <= 0")
    km = pd.to_numeric(rules["max_transport_km"], errors="coerce")
    for rid in rules["rule_id"][km.isna() | (km <= 0)]:
        yield _error(
            "bad_distance", rid, "distance maximale absente ou ≤ 0", "max_transport_km missing or <= 0"
        )
    enums = (
        ("pretreatment", PRETREATMENTS, "bad_pretreatment"),
        ("r_code", R_CODES, "bad_r_code"),
        ("requires_authorisation", tuple(AUTHORISATIONS), "bad_authorisation"),
        ("evidence_type", EVIDENCE_TYPES, "bad_evidence_type"),
    )
    for col, allowed, check in enums:
        for row in rules[~_text(rules[col]).isin(allowed)].itertuples(index=False):
            value = getattr(row, col)
            yield _error(check, row.rule_id, f"{col} invalide : {value!r}", f"invalid {col}: {value!r}")


def _check_rule_evidence(rules: pd.DataFrame) -> Iterator[Finding]:
    for row in rules.itertuples(index=False):
        refs = split_list(row.evidence_ref)
        if not refs or not str(row.evidence_note).strip():
            yield _error(
                "missing_evidence",
                row.rule_id,
                "règle sans preuve (référence et note requises)",
                "rule without evidence (reference and note required)",
            )
            continue
        bad = [r for r in refs if r.upper().startswith("MAESTRI") and not _MAESTRI.match(r)]
        if bad:
            yield _error(
                "bad_maestri_ref",
                row.rule_id,
                f"référence MAESTRI mal formée : {bad}",
                f"malformed MAESTRI reference: {bad}",
            )
        if row.evidence_type == "maestri" and not any(_MAESTRI.match(r) for r in refs):
            yield _error(
                "missing_maestri_ref",
                row.rule_id,
                "preuve « maestri » sans cas MAESTRI:<id>",
                "evidence_type maestri without a MAESTRI:<id> case",
            )
        if row.evidence_type == "literature" and not any(_YEAR.search(r) for r in refs):
            yield _error(
                "bad_literature_ref",
                row.rule_id,
                "référence bibliographique sans année",
                "literature reference without a year",
            )


def _check_rule_kinds(rules: pd.DataFrame, categories: pd.DataFrame) -> Iterator[Finding]:
    info = categories.drop_duplicates("category_id").set_index("category_id")
    sides = ("supply_category_id", "demand_category_id")
    s_kind, d_kind = (rules[c].map(info["kind"]) for c in sides)
    s_unit, d_unit = (rules[c].map(info["canonical_unit"]) for c in sides)
    known = s_kind.notna() & d_kind.notna()
    for rid in rules["rule_id"][known & s_kind.eq(d_kind) & s_unit.ne(d_unit)]:
        yield _error(
            "unit_mismatch",
            rid,
            "unités canoniques différentes pour un même type",
            "different canonical units for the same kind",
        )
    cross = rules[known & s_kind.ne(d_kind)].assign(supply_kind=s_kind, demand_kind=d_kind)
    for row in cross.itertuples(index=False):
        pair = (row.supply_kind, row.demand_kind)
        justified = (
            pair in CROSS_KIND_PAIRS
            and row.pretreatment != "none"
            and str(row.evidence_note).strip().startswith(CROSS_KIND_NOTE_PREFIX)
        )
        if not justified:
            yield _error(
                "kind_mismatch",
                row.rule_id,
                f"{pair[0]} → {pair[1]} sans justification (paire permise, prétraitement et note "
                f"« {CROSS_KIND_NOTE_PREFIX} » requis)",
                f"{pair[0]} -> {pair[1]} without justification (allowed pair, a pretreatment and a "
                f"'{CROSS_KIND_NOTE_PREFIX}' note are required)",
            )


def _check_listed_hazards(rules: pd.DataFrame, categories: pd.DataFrame) -> Iterator[Finding]:
    """A statement naming a hazardous supply category must say so (generated rules are flagged for it)."""
    hazardous_cats = set(categories["category_id"][parse_bool(categories["hazardous"])])
    for row, is_flagged in zip(rules.itertuples(index=False), parse_bool(rules["hazardous"]), strict=True):
        if row.supply_category_id in hazardous_cats and not is_flagged:
            yield _error(
                "hazard_not_flagged",
                row.rule_id,
                "résidu dangereux dans une règle non marquée dangereuse",
                "hazardous supply category in a rule not flagged hazardous",
            )
        if is_flagged and row.supply_category_id not in hazardous_cats:
            yield _warning(
                "hazard_overflagged",
                row.rule_id,
                "règle marquée dangereuse, catégorie non dangereuse",
                "rule flagged hazardous for a non-hazardous supply category",
            )


def _check_rule_hazards(rules: pd.DataFrame, categories: pd.DataFrame) -> Iterator[Finding]:
    hazardous_cats = set(categories["category_id"][parse_bool(categories["hazardous"])])
    flagged = parse_bool(rules["hazardous"])
    for row, is_flagged in zip(rules.itertuples(index=False), flagged, strict=True):
        moves_hazard = row.supply_category_id in hazardous_cats
        if (moves_hazard or is_flagged) and row.demand_category_id in FEED_CATEGORIES | FOOD_CATEGORIES:
            yield _error(
                "hazard_to_food_feed",
                row.rule_id,
                "un résidu dangereux ne peut aller en alimentation humaine ou animale",
                "a hazardous residue must never go to food or animal feed",
            )
        if (moves_hazard or is_flagged) and row.requires_authorisation == "":
            yield _warning(
                "hazard_without_permit",
                row.rule_id,
                "règle dangereuse sans autorisation indiquée",
                "hazardous rule without a stated authorisation",
            )


def _check_rule_authorisations(rules: pd.DataFrame) -> Iterator[Finding]:
    needs = ((FEED_CATEGORIES, "cfia_feed"), (FOOD_CATEGORIES - {"food_surplus_edible"}, "cfia_food"))
    for row in rules.itertuples(index=False):
        for demands, permit in needs:
            if row.demand_category_id in demands and row.requires_authorisation != permit:
                yield _error(
                    "missing_authorisation",
                    row.rule_id,
                    f"autorisation {permit!r} requise",
                    f"authorisation {permit!r} required",
                )
        if (
            row.demand_category_id in LAND_CATEGORIES
            and row.r_code == "R10"
            and row.supply_category_id not in LAND_EXEMPT_SUPPLIES
            and row.requires_authorisation != "mrf_authorisation"
        ):
            yield _warning(
                "land_without_mrf",
                row.rule_id,
                "épandage sans autorisation MRF indiquée",
                "land application without an MRF authorisation",
            )


def _typed_text(rules: pd.DataFrame) -> pd.DataFrame:
    rules = rules.copy()
    if "authorisation" in rules.columns:  # typed frame from load_rules: the code is there
        rules["requires_authorisation"] = rules.pop("authorisation")
    for col in (
        "rule_id",
        "supply_category_id",
        "demand_category_id",
        "pretreatment",
        "r_code",
        "requires_authorisation",
        "evidence_type",
        "evidence_ref",
        "evidence_note",
        "except_categories",
        "yield_basis",
        "checks",
    ):
        rules[col] = _text(rules[col])
    rules["yield_basis"] = rules["yield_basis"].replace("", "fixed")
    return rules


def _check_rule_pretreatment_costs(
    rules: pd.DataFrame, kinds: pd.Series, costs: Mapping[str, float]
) -> Iterator[Finding]:
    """Every pre-treatment a rule uses has a cost in the scenario's table (else the 30 $/t fallback
    silently prices it: water exchanges once all died of it)."""
    for row in rules.itertuples(index=False):
        step = str(row.pretreatment).strip().lower()
        kind = str(kinds.get(row.supply_category_id, ""))
        if step in ("", "none") or f"{kind}:{step}" in costs or step in costs:
            continue
        yield _error(
            "pretreatment_without_cost",
            row.rule_id,
            f"prétraitement {step!r} sans coût dans MatchConfig.pretreatment_cost_cad_per_t",
            f"pre-treatment {step!r} has no cost in MatchConfig.pretreatment_cost_cad_per_t",
        )


def check_rules(
    rules: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    *,
    pretreatment_costs: Mapping[str, float] | None = None,
) -> list[Finding]:
    """Check rule statements (or concrete rules) against the categories.

    Parameters
    ----------
    rules
        The statements as ``rules.csv`` holds them (raw text), or the concrete rules
        :func:`symbiosis.kb.load_rules` returns (with ``authorisation`` and ``basis``).
    categories
        The categories the rules refer to (default: the shipped ones).

    Returns
    -------
    list of Finding
        Empty when the table is clean. Statement errors: missing columns, empty or duplicate rule ids,
        duplicate statements, selectors naming nothing, ``=`` on the supply side, unknown exceptions,
        yield basis or checks, yield or distance ≤ 0, a value outside its closed list (pretreatment,
        r_code, authorisation, evidence type), missing or malformed evidence, a listed hazardous supply
        not flagged, an LHV yield without LHVs. Errors on the expanded concrete rules: an unjustified
        kind change or a unit mismatch, any hazardous rule into food or feed, a food or feed rule
        without its CFIA requirement, a pre-treatment without a cost in ``pretreatment_costs``
        (default: :class:`symbiosis.engine.config.MatchConfig`'s table). Warning: a statement that
        gives no concrete rule.
    """
    categories = load_categories() if categories is None else categories
    if pretreatment_costs is None:
        from symbiosis.defaults import default_pretreatment_costs

        pretreatment_costs = default_pretreatment_costs()
    concrete_input = "basis" in rules.columns
    expected = LOADED_RULE_COLUMNS if concrete_input else RULE_COLUMNS
    issues = _columns(rules, expected, "rules")
    if issues:
        return issues
    typed_categories = parse_categories(categories) if categories["hazardous"].dtype != bool else categories
    statements = _typed_text(rules)
    issues.extend(_check_rule_ids(statements) if not concrete_input else [])
    issues.extend(_check_rule_selectors(statements, categories))
    issues.extend(_check_rule_values(statements))
    issues.extend(_check_rule_evidence(statements.drop_duplicates("rule_id")))
    listed = statements[[selector_kind(s) == "category" for s in statements["supply_category_id"]]]
    issues.extend(_check_listed_hazards(listed, categories))
    if concrete_input:
        concrete = statements
    else:
        issues.extend(_check_lhv_yields(statements, typed_categories))
        parsed = parse_rules(rules)
        concrete = _typed_text(expand_rules(parsed, typed_categories).drop(columns="basis"))
        issues.extend(_check_statement_use(parsed, typed_categories))
    issues.extend(
        _check_rule_kinds(concrete.drop_duplicates(["supply_category_id", "demand_category_id"]), categories)
    )
    issues.extend(_check_rule_hazards(concrete, categories))
    issues.extend(_check_rule_authorisations(concrete))
    kinds = categories.set_index("category_id")["kind"]
    issues.extend(
        _check_rule_pretreatment_costs(
            concrete.drop_duplicates(["rule_id", "pretreatment"]), kinds, pretreatment_costs
        )
    )
    return issues


def check_knowledge_base() -> list[Finding]:
    """Check the shipped categories, rules and sector priors together."""

    specific = read_package_csv("categories.csv")  # the files as shipped, before any typing
    categories = pd.concat([specific, generic_categories(specific, load_waste_codes())], ignore_index=True)
    issues = check_categories(categories, complete=True)
    issues.extend(check_rules(read_package_csv("rules.csv"), categories))
    issues.extend(check_sector_priors(read_package_csv("sector_priors.csv"), categories))
    return issues


def format_report(issues: Sequence[Finding], *, lang: str = "fr") -> str:
    """Render issues as text lines, errors first, with a count line at the end."""
    ordered = sorted(issues, key=lambda i: (i.severity != "error", i.code, i.location))
    lines = [
        f"{i.severity.upper():8} {i.code:24} {i.location:32} {(i.detail or Text('', '')).get(lang)}"
        for i in ordered
    ]
    n_err = sum(i.severity == "error" for i in issues)
    errors, warnings = tn("kb.check.errors", n_err, lang), tn("kb.check.warnings", len(issues) - n_err, lang)
    lines.append(t("kb.check.summary", lang, errors=errors, warnings=warnings))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the shipped knowledge base; print the report; return 1 when there is an error."""
    parser = argparse.ArgumentParser(prog="python -m symbiosis.kb.check", description=__doc__)
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    args = parser.parse_args(argv)
    issues = check_knowledge_base()
    sys.stdout.write(format_report(issues, lang=args.lang) + "\n")
    return 1 if has_errors(issues) else 0


if __name__ == "__main__":
    raise SystemExit(main())
