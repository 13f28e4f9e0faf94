"""Words, not codes: the label a person reads for every id the engine, the ledger and the planner use.

Pure (no streamlit): category, family, kind, unit, status, emission-factor, method and solver terms
in French or English, from the message catalogue and the knowledge base. Screens, reports and
exported files call these; nothing shown to a person prints ``wood_bark``, ``landfill_inert_default``,
``L6`` or ``cp-sat``. An unknown id falls back to a readable form of itself (never a crash).
A rule's evidence and pre-treatment words live one layer down, in :mod:`symbiosis.kb.wording`, so
that the engine's explanations write them as the screens do; they are re-exported here.
"""

from __future__ import annotations

import functools

import pandas as pd

from symbiosis.i18n import catalogue_keys, t
from symbiosis.kb.wording import evidence_reference_label, evidence_text, pretreatment_label, readable
from symbiosis.synergy.status import status_label
from symbiosis.units.words import UNIT_LABELS, unit_label

__all__ = [
    "UNIT_LABELS",
    "category_label",
    "category_labels",
    "evidence_reference_label",
    "evidence_text",
    "factor_label",
    "factor_labels",
    "family_label",
    "kind_label",
    "lever_method_label",
    "lever_status_label",
    "method_label",
    "pathway_label",
    "pretreatment_label",
    "readable",
    "solver_method_label",
    "solver_status_label",
    "status_label",
    "unit_label",
]


def _en(lang: str) -> bool:
    return lang == "en"


def _catalogue(key: str, lang: str, fallback: object) -> str:
    return t(key, lang) if key in catalogue_keys() else readable(fallback)


def kind_label(kind: object, lang: str = "fr") -> str:
    """Return a resource kind (``material``, ``energy``…) in ``lang``."""
    return _catalogue(f"kind.{kind}", lang, kind)


def family_label(family: object, lang: str = "fr") -> str:
    """Return a resource family (``wood_forestry``…) in ``lang``."""
    return _catalogue(f"advisor.family.{family}", lang, family)


@functools.lru_cache(maxsize=4)
def _kb_categories() -> pd.DataFrame:
    from symbiosis.kb import load_categories

    return load_categories()


def _labels_of(cats: pd.DataFrame, lang: str) -> dict[str, str]:
    column = "label_en" if _en(lang) else "label_fr"
    cats = cats.drop_duplicates("category_id")
    return dict(zip(cats["category_id"].astype(str), cats[column].astype(str), strict=True))


@functools.lru_cache(maxsize=4)
def _kb_labels(lang: str) -> dict[str, str]:
    return _labels_of(_kb_categories(), lang)


def category_labels(categories: pd.DataFrame | None, lang: str = "fr") -> dict[str, str]:
    """Return ``category_id → label`` in ``lang`` (the shipped knowledge base when None)."""
    return dict(_kb_labels(lang)) if categories is None else _labels_of(categories, lang)


def category_label(category_id: object, categories: pd.DataFrame | None = None, lang: str = "fr") -> str:
    """Return a category's label in ``lang`` (a readable form of the id when unknown)."""
    if category_id is None or (isinstance(category_id, float) and pd.isna(category_id)) or category_id == "":
        return ""
    labels = _kb_labels(lang) if categories is None else _labels_of(categories, lang)
    return str(labels.get(str(category_id), readable(category_id)))


def _applies_label(applies_to: str, lang: str, categories: pd.DataFrame | None) -> str:
    """What a factor applies to: every resource, a kind, a residue class, a category, a pathway."""
    if applies_to == "*":
        return t("labels.factor.all", lang)
    if applies_to.startswith("kind:"):
        return kind_label(applies_to.removeprefix("kind:"), lang)
    if applies_to.startswith("class:"):  # a residue class (inert, organic, metal)
        code = applies_to.removeprefix("class:")
        return _catalogue(f"labels.factor.class.{code}", lang, code)
    if ">" in applies_to:  # a pathway: this residue used as that input
        source, _, use = applies_to.partition(">")
        return t(
            "labels.factor.pathway",
            lang,
            source=_applies_label(source, lang, categories),
            use=_applies_label(use, lang, categories),
        )
    labels = _kb_labels(lang) if categories is None else _labels_of(categories, lang)
    if applies_to in labels:
        return str(labels[applies_to])
    return family_label(applies_to, lang)


def factor_label(
    factor_id: object, factors: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> str:
    """Return an emission factor as words: what it measures and what it applies to.

    ``landfill_wood`` → « Élimination évitée (enfouissement) — Bois et forêt »; a residue class
    (``class:inert``) and a pathway (``pulp_lime_mud>liming_agent``) are written as words too.
    """
    if factor_id is None or str(factor_id) in ("", "nan"):
        return ""
    row = factors[factors["factor_id"].astype(str) == str(factor_id)]
    if row.empty:
        return readable(factor_id)
    quantity = str(row["quantity"].iloc[0])
    what = _catalogue(f"labels.factor.quantity.{quantity}", lang, quantity)
    # The fate today tells apart the factors of one resource (landfill, land spreading…).
    fate = str(row["fate"].iloc[0]) if "fate" in row.columns else ""
    if fate and fate != "nan":
        what = t(
            "labels.factor.with_fate",
            lang,
            what=what,
            fate=_catalogue(f"labels.factor.fate.{fate}", lang, fate),
        )
    return f"{what} — {_applies_label(str(row['applies_to'].iloc[0]), lang, categories)}"


def factor_labels(
    ids: object, factors: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> str:
    """Return ``|``-joined factor ids (or a list of them) as labels joined by « ; »."""
    if isinstance(ids, (list, tuple, set, frozenset)):
        parts = [str(i) for i in ids]
    else:
        parts = [] if ids is None or (isinstance(ids, float) and pd.isna(ids)) else str(ids).split("|")
    return " ; ".join(factor_label(i, factors, lang, categories=categories) for i in parts if i)


def method_label(method: object, lang: str = "fr") -> str:
    """Return a calculation method (ledger ``L1``…``L14``, ``engine``; several joined by ``|``) as words."""
    missing = method is None or (isinstance(method, float) and pd.isna(method))
    parts = [] if missing else str(method).split("|")
    return " ; ".join(_catalogue(f"labels.method.{m}", lang, m) for m in parts if m)


def lever_status_label(status: object, lang: str = "fr") -> str:
    """Return how a lever's plan ended in plain words (``optimal`` → « meilleur plan, prouvé »)."""
    return _catalogue(f"labels.lever.status.{status}", lang, status)


def lever_method_label(method: object, lang: str = "fr") -> str:
    """Return how a lever's plan was found in plain words (``or-tools (greedy_descent)`` → « optimisation
    des tournées »; the part in brackets is the solver's own setting)."""
    text = "" if method is None or (isinstance(method, float) and pd.isna(method)) else str(method)
    return _catalogue(f"labels.lever.method.{text.split(' (')[0]}", lang, text) if text else ""


#: Pathway code of a tracked synergy recorded before the engine named pathways (issue 10 item 7).
PATHWAY_UNASSESSED = "unassessed"


def pathway_label(pathway: object, lang: str = "fr") -> str:
    """Return the Québec authorisation pathways an exchange needs as words, joined by « ; ».

    ``pathway`` is the engine's ``|``-joined codes (``ministerial_authorisation|hazmat_permit``);
    empty means none is needed (« aucune »), ``unassessed`` a synergy recorded before pathways were
    named (« non évaluée »). The words are the engine's pathway labels.
    """
    from symbiosis.engine.permits import PATHWAYS
    from symbiosis.engine.permits import pathway_label as engine_pathway_label

    missing = pathway is None or (isinstance(pathway, float) and pd.isna(pathway))
    codes = [] if missing else [c for c in str(pathway).split("|") if c]
    if not codes:
        return t("labels.pathway.none", lang)
    if codes == [PATHWAY_UNASSESSED]:
        return t("labels.pathway.unassessed", lang)
    words = [engine_pathway_label(c, lang) if c in PATHWAYS else readable(c) for c in codes]
    return (" ; " if not _en(lang) else "; ").join(words)


def solver_status_label(status: object, lang: str = "fr") -> str:
    """Return a solver outcome in plain words (``optimal`` → « meilleur horaire trouvé »)."""
    return _catalogue(f"labels.solver.status.{status}", lang, status)


def solver_method_label(method: object, lang: str = "fr") -> str:
    """Return how a plan was found in plain words (``cp-sat`` → « optimisation mathématique »)."""
    return _catalogue(f"labels.solver.method.{method}", lang, method)
