"""Compatibility rules: which supply category can feed which demand category, with what yield.

A rule says that a supply of category ``supply_category_id`` can meet a demand of category
``demand_category_id``; ``yield_ratio`` demand canonical units are obtained per supply canonical
unit. Every rule carries its evidence (a MAESTRI case, a publication, or an expert note). The
absence of a rule is a decision too: no hazardous residue ever feeds animal feed or food.

``rules.csv`` holds rule *statements*: a side may name one category, a family, a tag, or (demand
side) ``=`` for "the same category"; :func:`load_rules` expands them into one concrete rule per
category pair (:mod:`symbiosis.kb.selectors`), and :func:`load_rule_statements` gives them as written.

Cross-kind rules (supply and demand of different resource kinds, e.g. wood chips in t/yr meeting a
heat demand in MWh/yr) are allowed only for the kind pairs of :data:`CROSS_KIND_PAIRS`, with a
pretreatment other than ``none`` and an ``evidence_note`` that starts with ``"cross-kind:"`` and
states the conversion behind the yield; :mod:`symbiosis.kb.check` enforces it.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from symbiosis.kb._cache import cached_frame
from symbiosis.kb.categories import load_categories
from symbiosis.kb.selectors import expand_rules
from symbiosis.kb.tables import parse_bool, read_package_csv

__all__ = [
    "AUTHORISATIONS",
    "CROSS_KIND_NOTE_PREFIX",
    "CROSS_KIND_PAIRS",
    "EVIDENCE_TYPES",
    "LOADED_RULE_COLUMNS",
    "PRETREATMENTS",
    "RULE_COLUMNS",
    "R_CODES",
    "compatible_pairs",
    "load_rule_statements",
    "load_rules",
    "parse_rules",
]

RULE_COLUMNS: tuple[str, ...] = (
    "rule_id",
    "supply_category_id",
    "demand_category_id",
    "yield_ratio",
    "pretreatment",
    "receiving_process",
    "r_code",
    "max_transport_km",
    "hazardous",
    "requires_authorisation",
    "evidence_type",
    "evidence_ref",
    "evidence_note",
    "except_categories",
    "yield_basis",
    "checks",
)

#: Columns of :func:`load_rules`: the file's columns plus the authorisation code and how the concrete
#: rule was generated from its statement (:mod:`symbiosis.kb.selectors`).
LOADED_RULE_COLUMNS: tuple[str, ...] = (*RULE_COLUMNS, "authorisation", "basis")

PRETREATMENTS: tuple[str, ...] = (
    "none",
    "drying",
    "sorting",
    "grinding",
    "screening",
    "decontamination",
    "dewatering",
    "neutralisation",
    "composting",
    "hygienisation",
    "heat_exchanger",
    "piping",
    "baling",
    "cleaning",
    "crushing",
    "upgrading",
    "biomass_boiler",
)

#: Recovery operations of the EU Waste Framework Directive (2008/98/EC, Annex II); "" for resources
#: that are not wastes (heat, steam, water, gases, capacity, services, direct reuse).
R_CODES: tuple[str, ...] = ("", *(f"R{i}" for i in range(1, 14)))

EVIDENCE_TYPES: tuple[str, ...] = ("maestri", "literature", "expert")

#: What the receiver needs before the exchange may run in Québec.
AUTHORISATIONS: dict[str, str] = {
    "": "none beyond the receiver's usual permits",
    "mrf_authorisation": "ministerial authorisation to spread a fertilising residual material (MRF)",
    "cfia_feed": "compliance with the Feeds Act and Regulations (CFIA) for livestock feed",
    "cfia_food": "food-safety licence under the Safe Food for Canadians Regulations (CFIA)",
    "hazmat_permit": "receiver authorised for hazardous materials (Règlement sur les matières dangereuses)",
    "ministerial_authorisation": "ministerial authorisation for the new use (LQE s. 22)",
}

#: (supply kind, demand kind) pairs a rule may bridge, with why the conversion is meaningful.
CROSS_KIND_PAIRS: dict[tuple[str, str], str] = {
    ("material", "energy"): "a fuel burnt or digested by the receiver; yield in MWh per t",
    ("water", "energy"): "heat carried by warm water; yield in MWh per m3 (cp x usable temperature drop)",
    ("water", "material"): "a liquid residue counted by mass at the receiver; yield in t per m3",
}
CROSS_KIND_NOTE_PREFIX = "cross-kind:"

_FLOAT_COLUMNS = ("yield_ratio", "max_transport_km")


def parse_rules(raw: pd.DataFrame) -> pd.DataFrame:
    """Type a raw rules table read as text.

    Yields and distances become floats (NaN if unreadable) and ``hazardous`` a bool. The file's
    ``requires_authorisation`` holds *which* authorisation (a key of :data:`AUTHORISATIONS`); the
    typed frame moves that code to a new last column ``authorisation`` and makes
    ``requires_authorisation`` the bool "some authorisation is needed", which is what the engine
    filters on.
    """
    frame = raw.copy()
    for col in _FLOAT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col].replace("", None), errors="coerce").astype("float64")
    frame["hazardous"] = parse_bool(frame["hazardous"])
    for col in ("except_categories", "yield_basis", "checks"):
        frame[col] = frame[col].astype("string").fillna("").str.strip().astype(str) if col in frame else ""
    frame["yield_basis"] = frame["yield_basis"].replace("", "fixed")
    codes = frame["requires_authorisation"].astype("string").fillna("").str.strip()
    frame["requires_authorisation"] = codes.ne("").astype(bool)
    frame["authorisation"] = codes.astype(str)
    return frame


@lru_cache(maxsize=1)
def _statements() -> pd.DataFrame:
    return parse_rules(read_package_csv("rules.csv"))


@lru_cache(maxsize=1)
def _rules() -> pd.DataFrame:
    # built once per machine (symbiosis.kb._cache)
    return cached_frame("rules", lambda: expand_rules(_statements(), load_categories()))


def load_rule_statements() -> pd.DataFrame:
    """Return the rule statements as written in ``rules.csv`` (selectors not expanded), typed as in
    :func:`parse_rules`. A fresh copy."""
    return _statements().copy()


def load_rules() -> pd.DataFrame:
    """Return the shipped compatibility rules, one concrete rule per (supply, demand) category pair.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LOADED_RULE_COLUMNS`: the file's :data:`RULE_COLUMNS` plus ``authorisation``
        and ``basis`` (``listed``, ``identity``, ``family`` or ``tag``: which kind of statement gave
        the pair). ``rule_id`` is the statement's id, so it repeats across the pairs of a family, tag
        or identity statement.
        ``yield_ratio`` (demand units per supply unit) and ``max_transport_km`` are floats;
        ``hazardous`` and ``requires_authorisation`` are bools; ``authorisation`` is ``""`` or a key of
        :data:`AUTHORISATIONS`; ``r_code`` is ``""`` or ``R1``..``R13``; ``evidence_ref`` is a
        ``|``-separated list (``MAESTRI:<case>.<source>.<n>`` or ``author year, journal vol:page``). A
        fresh copy.
    """
    return _rules().copy()


def compatible_pairs(
    rules: pd.DataFrame | None = None, *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the lookup table candidate generation joins supplies and demands on.

    Parameters
    ----------
    rules
        Rules frame (default: :func:`load_rules`).
    categories
        Categories frame (default: :func:`symbiosis.kb.load_categories`), used for the kinds and
        units of both sides.

    Returns
    -------
    pandas.DataFrame
        One row per (``supply_category_id``, ``demand_category_id``) with ``rule_id``,
        ``yield_ratio``, ``pretreatment``, ``r_code``, ``max_transport_km``, ``hazardous``,
        ``requires_authorisation`` (and ``authorisation`` when given), ``supply_kind``,
        ``demand_kind``, ``supply_unit``, ``demand_unit``, ``supply_family``, ``demand_family`` and
        ``cross_kind`` (bool), sorted by the pair. Rules naming unknown categories are dropped
        (the checker reports them).
    """
    rules = load_rules() if rules is None else rules
    categories = load_categories() if categories is None else categories
    info = categories.set_index("category_id")[["kind", "canonical_unit", "family"]]
    cols = [
        "rule_id",
        "supply_category_id",
        "demand_category_id",
        "yield_ratio",
        "pretreatment",
        "r_code",
        "max_transport_km",
        "hazardous",
        "requires_authorisation",
    ]
    pairs = rules[cols + [c for c in ("authorisation",) if c in rules.columns]].copy()
    for side in ("supply", "demand"):
        side_info = info.rename(
            columns={"kind": f"{side}_kind", "canonical_unit": f"{side}_unit", "family": f"{side}_family"}
        )
        pairs = pairs.join(side_info, on=f"{side}_category_id", how="inner")
    pairs["cross_kind"] = pairs["supply_kind"] != pairs["demand_kind"]
    pairs = pairs.drop_duplicates(["supply_category_id", "demand_category_id"], keep="first")
    return pairs.sort_values(["supply_category_id", "demand_category_id"]).reset_index(drop=True)
