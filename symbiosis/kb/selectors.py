"""Rule statements that generalise: one line of ``rules.csv`` for a family, a tag or "the same category".

A rule *statement* names its two sides with a **selector**:

============================  ==========================================================
``wood_bark``                 one category (a *listed* rule)
``family:wood_forestry``      every category of a family
``tag:fuel_biomass``          every category carrying a tag (``categories.csv``, ``tags``)
``=`` (demand side only)      the supply's own category: an *identity* rule (the same
                              material reused as it is, e.g. scrap to a scrap yard)
============================  ==========================================================

``except_categories`` removes categories from a family or tag side. :func:`expand_rules` turns statements
into *concrete* rules, one per (supply category, demand category) pair, which is what candidate
generation blocks on. When several statements give the same pair, the most specific wins (a category
named on both sides beats an identity rule, which beats a family or tag rule), then the highest yield,
then the first in the file. Each concrete rule keeps its statement's ``rule_id`` and evidence.

Two statement options make a rule depend on the categories' properties:

* ``yield_basis = lhv``: the yield is ``yield_ratio × LHV(supply)`` in MWh per tonne when the demand is
  energy, or ``yield_ratio × LHV(supply) / LHV(demand)`` tonnes of the demand's reference fuel per tonne
  when the demand is a material fuel (fuels by calorific value);
* ``checks = temperature``: direct heat exchange, allowed per pair only when
  ``T_supply − heat_approach_c ≥ T_demand`` (see :mod:`symbiosis.engine.candidates`); pairs whose bands
  can never meet (the supply band's top at or below the demand band's bottom) are not generated;
* ``checks = waste_code``: when both streams give a List-of-Waste code, the codes must be the same
  (an identity rule on a generic sub-chapter category must not pair two different wastes).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd

from symbiosis.kb.tables import split_list

__all__ = [
    "CHECK_NAMES",
    "IDENTITY",
    "SELECTOR_PREFIXES",
    "YIELD_BASES",
    "Selector",
    "expand_rules",
    "select",
    "selector_kind",
    "specificity",
    "unused_statements",
]

log = logging.getLogger(__name__)

IDENTITY = "="
SELECTOR_PREFIXES: tuple[str, ...] = ("family:", "tag:")
YIELD_BASES: tuple[str, ...] = ("fixed", "lhv")
CHECK_NAMES: tuple[str, ...] = ("temperature", "waste_code")
#: Columns a concrete rule has beyond its statement's: how it was generated.
EXPANSION_COLUMNS: tuple[str, ...] = ("basis",)


def selector_kind(selector: str) -> str:
    """``"category"``, ``"family"``, ``"tag"`` or ``"identity"`` for a selector string."""
    selector = str(selector).strip()
    if selector == IDENTITY:
        return "identity"
    for prefix in SELECTOR_PREFIXES:
        if selector.startswith(prefix):
            return prefix[:-1]
    return "category"


def specificity(supply_selector: str, demand_selector: str) -> int:
    """How specific a statement is: 2 per side naming one category (identity counts as 2 on the demand
    side, but a family or tag supply still makes it general), 1 per family or tag side."""
    score = {"category": 2, "identity": 2, "family": 1, "tag": 1}
    return score[selector_kind(supply_selector)] + score[selector_kind(demand_selector)]


def _tags(categories: pd.DataFrame) -> pd.Series:
    if "tags" not in categories.columns:
        return pd.Series([[] for _ in range(len(categories))], index=categories.index)
    return categories["tags"].map(split_list)


def select(selector: str, categories: pd.DataFrame) -> list[str]:
    """Category ids a selector names, in the categories' order (``[]`` for an unknown one).

    Examples
    --------
    >>> cats = pd.DataFrame({"category_id": ["a", "b", "c"], "family": ["f", "f", "g"],
    ...                      "tags": ["fuel", "", "fuel|inert"]})
    >>> select("family:f", cats), select("tag:fuel", cats), select("c", cats), select("zz", cats)
    (['a', 'b'], ['a', 'c'], ['c'], [])
    """
    return Selector(categories)(selector)


class Selector:
    """Resolves selectors against one categories table (build once, call per statement)."""

    def __init__(self, categories: pd.DataFrame):
        ids = [str(c) for c in categories["category_id"]]
        self.ids = set(ids)
        self.families: dict[str, list[str]] = {}
        for cid, family in zip(ids, categories["family"].astype(str), strict=True):
            self.families.setdefault(family, []).append(cid)
        self.tags: dict[str, list[str]] = {}
        for cid, tags in zip(ids, _tags(categories), strict=True):
            for tag in tags:
                self.tags.setdefault(tag, []).append(cid)

    def __call__(self, selector: str) -> list[str]:
        """Category ids ``selector`` names."""
        selector = str(selector).strip()
        kind = selector_kind(selector)
        if kind == "family":
            return list(self.families.get(selector.removeprefix("family:"), []))
        if kind == "tag":
            return list(self.tags.get(selector.removeprefix("tag:"), []))
        if kind == "identity":
            return []
        return [selector] if selector in self.ids else []


def _number(categories: pd.DataFrame, column: str) -> pd.Series:
    index = categories["category_id"].astype(str)
    if column not in categories.columns:
        return pd.Series(np.nan, index=index)
    values = pd.Series(pd.to_numeric(categories[column], errors="coerce").to_numpy(float), index=index)
    return values[~values.index.duplicated()]


def _statement_pairs(row: dict, pick: Selector) -> tuple[list[str], list[str]]:
    """The (supply, demand) category pairs of one statement, exceptions removed from its family or tag
    sides (a side naming one category keeps it)."""
    excluded = set(split_list(row.get("except_categories", "")))

    def side(selector: str) -> list[str]:
        chosen = pick(str(selector).strip())
        return chosen if selector_kind(selector) == "category" else [c for c in chosen if c not in excluded]

    supplies = side(row["supply_category_id"])
    if selector_kind(row["demand_category_id"]) == "identity":
        return supplies, supplies
    demands = side(row["demand_category_id"])
    return [s for s in supplies for _ in demands], demands * len(supplies)


def _basis(supply_selector: str, demand_selector: str) -> str:
    kinds = (selector_kind(supply_selector), selector_kind(demand_selector))
    if kinds[1] == "identity":
        return "identity"
    if kinds == ("category", "category"):
        return "listed"
    return kinds[0] if kinds[0] != "category" else kinds[1]


def _yields(frame: pd.DataFrame, categories: pd.DataFrame) -> np.ndarray:
    """``yield_ratio``, times the LHVs where the statement's ``yield_basis`` is ``lhv``."""
    base = pd.to_numeric(frame["yield_ratio"], errors="coerce").to_numpy(float)
    by_lhv = frame.get("yield_basis", pd.Series("fixed", index=frame.index)).astype(str).eq("lhv").to_numpy()
    if not by_lhv.any():
        return base
    lhv = _number(categories, "lhv_mwh_per_t")
    kind = pd.Series(categories["kind"].astype(str).to_numpy(), index=categories["category_id"].astype(str))
    s_lhv = frame["supply_category_id"].map(lhv).to_numpy(float)
    d_lhv = frame["demand_category_id"].map(lhv).to_numpy(float)
    to_energy = frame["demand_category_id"].map(kind).eq("energy").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(to_energy, base * s_lhv, base * s_lhv / d_lhv)
    return np.where(by_lhv, scaled, base)


def _never_warm_enough(frame: pd.DataFrame, categories: pd.DataFrame) -> np.ndarray:
    """Temperature-checked pairs whose supply band's top is at or below the demand band's bottom."""
    checked = (
        frame.get("checks", pd.Series("", index=frame.index))
        .astype(str)
        .map(lambda c: "temperature" in split_list(c))
        .to_numpy(bool)
    )
    top = frame["supply_category_id"].map(_number(categories, "temperature_high_c")).to_numpy(float)
    bottom = frame["demand_category_id"].map(_number(categories, "temperature_low_c")).to_numpy(float)
    return checked & (top <= bottom)  # NaN (unknown band) keeps the pair; the per-pair check decides


def expand_rules(statements: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    """Concrete rules, one per (supply category, demand category), from rule statements.

    Parameters
    ----------
    statements
        Typed rule statements (:func:`symbiosis.kb.rules.parse_rules`), selectors allowed.
    categories
        The categories the selectors pick from (``family``, ``kind``, ``tags``,
        ``temperature_low_c``, ``temperature_high_c``, ``lhv_mwh_per_t``).

    Returns
    -------
    pandas.DataFrame
        The statements' columns with ``supply_category_id``/``demand_category_id`` replaced by
        category ids, ``yield_ratio`` computed (``yield_basis``), the ``hazardous`` flag raised where the
        supply category is hazardous, and ``basis`` (``listed``, ``identity``, ``family``, ``tag``);
        pairs whose yield cannot be computed (a missing LHV) are dropped with a log line (the checker
        reports them). Sorted by (supply, demand).
    """
    pick = Selector(categories)
    positions, supplies, demands = [], [], []
    records = statements.to_dict("records")
    for position, row in enumerate(records):
        s, d = _statement_pairs(row, pick)
        positions.extend([position] * len(s))
        supplies.extend(s)
        demands.extend(d)
    frame = statements.iloc[positions].reset_index(drop=True)
    frame["supply_category_id"] = supplies
    frame["demand_category_id"] = demands
    basis = [_basis(r["supply_category_id"], r["demand_category_id"]) for r in records]
    rank = [specificity(r["supply_category_id"], r["demand_category_id"]) for r in records]
    frame["basis"] = np.asarray(basis, dtype=object)[positions] if positions else []
    frame["_specificity"] = np.asarray(rank, dtype=int)[positions] if positions else []
    frame["_position"] = positions
    frame["yield_ratio"] = _yields(frame, categories)
    frame = frame[~_never_warm_enough(frame, categories)]
    yields = frame["yield_ratio"].to_numpy(float)
    bad = ~np.isfinite(yields) | (yields <= 0)
    if bad.any():
        log.warning("%d generated rule(s) without a computable yield dropped (missing LHV)", int(bad.sum()))
        frame = frame[~bad]
    if "hazardous" in categories.columns and "hazardous" in frame.columns:
        hazardous = pd.Series(
            categories["hazardous"].astype(bool).to_numpy(), index=categories["category_id"].astype(str)
        )
        frame["hazardous"] = frame["hazardous"].astype(bool) | frame["supply_category_id"].map(
            hazardous
        ).fillna(False).astype(bool)
    frame = frame.sort_values(
        ["_specificity", "yield_ratio", "_position"], ascending=[False, False, True], kind="stable"
    )
    frame = frame.drop_duplicates(["supply_category_id", "demand_category_id"], keep="first")
    columns = [*statements.columns, *EXPANSION_COLUMNS]
    frame = frame.sort_values(["supply_category_id", "demand_category_id"], kind="stable")
    return frame[columns].reset_index(drop=True)


def unused_statements(statements: pd.DataFrame, concrete: pd.DataFrame) -> Iterable[str]:
    """Statement ids that produce no concrete rule (all their pairs taken by more specific statements,
    or selectors that name nothing)."""
    kept = set(concrete["rule_id"])
    return [rid for rid in statements["rule_id"] if rid not in kept]
