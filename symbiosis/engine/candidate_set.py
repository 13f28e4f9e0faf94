"""Candidates as integer arrays: the kept pairs, the figures the allocation needs, the frame on demand.

:func:`symbiosis.engine.candidates.find_candidates` returns a :class:`CandidateSet`: one row per
kept (supply, demand) pair, as positions into the two :class:`~symbiosis.engine._candidate_pairs.Side`
arrays, with the rule, distances, yield, seasonal upper bound and the flags the problem builder
reads. Strings (ids, categories, rule attributes, pathways) are joined back only by
:meth:`CandidateSet.frame`, for the rows asked (all of them by default), exactly as
:func:`~symbiosis.engine.candidates.generate_candidates` returns them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine import _candidate_pairs as _pairs
from symbiosis.engine._candidate_pairs import Pairs, Side
from symbiosis.engine.quality import SPEC_UNKNOWN_TEXT, spec_unknown_code

__all__ = ["CandidateSet", "seasonal_bound"]


def seasonal_bound(
    s_qty: np.ndarray, s_mask: np.ndarray, d_qty: np.ndarray, d_mask: np.ndarray, yield_ratio: np.ndarray
) -> np.ndarray:
    """Most a link can carry in a year, in supply units: what both sides have in their common months.

    A stream's yearly quantity is spread evenly over its own months; a link carries at most the
    supply's share of the common months and the demand's share of them (in supply units, through the
    yield): a supply of 200 t in June–September gives a July–August demand at most 100 t.
    """
    common = np.bitwise_count(s_mask & d_mask).astype(float)
    own_s = np.maximum(np.bitwise_count(s_mask).astype(float), 1.0)
    own_d = np.maximum(np.bitwise_count(d_mask).astype(float), 1.0)
    safe_yield = np.where(yield_ratio > 0, yield_ratio, 1.0)
    return np.minimum(s_qty * common / own_s, d_qty * common / own_d / safe_yield)


@dataclass(frozen=True)
class CandidateSet:
    """Kept candidate pairs as arrays, in the order of the candidates frame.

    Parameters
    ----------
    sup, dem
        The two sides (runner-up category rows of inferred streams included).
    rules
        The rule arrays the pairs' ``rule`` positions point into (``-1``: a text match).
    pairs
        Supply row, demand row, rule, block radius, great-circle km, text similarity.
    sup_stream, dem_stream
        Per side row, the stream's position in ``Registry.streams`` (shared by a stream's rows).
    firm_sup, firm_dem
        Per side row, an integer code of the firm, common to both sides.
    km
        WGS84 geodesic km of each pair.
    detour_factor
        Road km per crow-fly km (``config.transport.detour_factor``).
    heat_approach_c
        Temperature drop across a heat exchanger (``config.heat_approach_c``): what a colder supply
        still covers of a heat demand (:attr:`heat_share`).
    funnel
        Pairs examined and left after each check (``attrs["funnel"]`` of the frame).
    diagnosis
        Per side row, the furthest check any examined pair of the stream's own categories reached
        (:class:`~symbiosis.engine._candidate_pairs.Diagnosis`), for the unmatched reasons.
    """

    sup: Side
    dem: Side
    rules: _pairs.RuleArrays
    pairs: Pairs
    sup_stream: np.ndarray
    dem_stream: np.ndarray
    firm_sup: np.ndarray
    firm_dem: np.ndarray
    km: np.ndarray
    detour_factor: float
    heat_approach_c: float
    funnel: dict = field(default_factory=dict)
    diagnosis: _pairs.Diagnosis | None = None

    @property
    def n(self) -> int:
        """Number of candidates."""
        return self.pairs.n

    @property
    def has_rule(self) -> np.ndarray:
        """Pairs found by a rule (the others are text matches)."""
        return self.pairs.rule >= 0

    @property
    def yield_ratio(self) -> np.ndarray:
        """Demand units per supply unit (the rule's yield; 1 for a text match)."""
        rr = np.where(self.has_rule, self.pairs.rule, 0)
        return np.where(self.has_rule, self.rules.yield_ratio[rr], 1.0) if self.rules.n else np.ones(self.n)

    @property
    def road_km(self) -> np.ndarray:
        """Road km estimate (detour factor × geodesic)."""
        return self.km * self.detour_factor

    @property
    def heat_share(self) -> np.ndarray:
        """Share of the demand each pair can serve: below 1 for a colder supply that only preheats a
        heat use (:func:`~symbiosis.engine._candidate_pairs.heat_share`), 1 otherwise."""
        return _pairs.heat_share(self.pairs, self.sup, self.dem, self.rules, self.heat_approach_c)

    @property
    def max_flow(self) -> np.ndarray:
        """Seasonal upper bound of each link, supply units per year (a preheating link: its share of
        the demand)."""
        return self._max_flow(self.heat_share)

    def _max_flow(self, heat_share: np.ndarray) -> np.ndarray:
        """:attr:`max_flow` for the pairs' ``heat_share`` already computed."""
        s, d = self.pairs.s, self.pairs.d
        return seasonal_bound(
            self.sup.qty[s],
            self.sup.months[s],
            self.dem.qty[d] * heat_share,
            self.dem.months[d],
            self.yield_ratio,
        )

    @property
    def internal(self) -> np.ndarray:
        """Both streams belong to the same firm."""
        return self.firm_sup[self.pairs.s] == self.firm_dem[self.pairs.d]

    @property
    def supply_rank(self) -> np.ndarray:
        """Runner-up rank the supply was matched under (0: its own category)."""
        return _alt_rank(self.sup, self.pairs.s)

    @property
    def demand_rank(self) -> np.ndarray:
        """Runner-up rank the demand was matched under (0: its own category)."""
        return _alt_rank(self.dem, self.pairs.d)

    @property
    def alt_rank(self) -> np.ndarray:
        """Sum of both rows' runner-up ranks (0: both streams under their own category)."""
        return self.supply_rank + self.demand_rank

    @property
    def category_alternative(self) -> np.ndarray:
        """Found under a runner-up of an inferred category (to confirm before it is proposed)."""
        return (self.supply_rank > 0) | (self.demand_rank > 0)

    @property
    def hazardous(self) -> np.ndarray:
        """The supply is hazardous, or the rule says the exchange is (the frame's ``hazardous``)."""
        has_rule = self.has_rule
        rr = np.where(has_rule, self.pairs.rule, 0)
        return self.sup.hazardous[self.pairs.s] | (has_rule & _take(self.rules.hazardous, rr, False))

    @property
    def spec_code(self) -> np.ndarray:
        """Bits of the specs the demand states and the supply leaves undeclared (0: none)."""
        if self.sup.quality is None or self.dem.quality is None or self.n == 0:
            return np.zeros(self.n, dtype=np.int64)
        return spec_unknown_code(self.pairs.s, self.pairs.d, self.sup.quality, self.dem.quality)

    def subset(self, sup_rows: np.ndarray, dem_rows: np.ndarray, rules: np.ndarray) -> CandidateSet:
        """The sides' rows ``sup_rows`` and ``dem_rows`` and the rules at ``rules`` (positions, each in
        increasing order), with no pair: what the candidate search of the streams of those rows
        alone, under those rules, starts from (the sides, rules and codes taken, none rebuilt)."""
        return _replace(
            self,
            sup=self.sup.take(sup_rows, rules=rules),
            dem=self.dem.take(dem_rows),
            rules=self.rules.take(rules),
            pairs=_pairs.Pairs.empty(),
            sup_stream=self.sup_stream[sup_rows],
            dem_stream=self.dem_stream[dem_rows],
            firm_sup=self.firm_sup[sup_rows],
            firm_dem=self.firm_dem[dem_rows],
            km=np.zeros(0),
            funnel={},
            diagnosis=None,
        )

    def take(self, rows: np.ndarray) -> CandidateSet:
        """The candidates at ``rows`` (positions or a boolean mask), in that order."""
        return _replace(self, pairs=self.pairs.take(rows), km=self.km[rows])

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The candidates frame (:func:`~symbiosis.engine.candidates.generate_candidates`), or its ``rows``.

        The index is a ``RangeIndex`` for the whole frame, the positions ``rows`` otherwise.
        """
        if rows is not None and len(rows) == 0 and self.n:  # the dtypes of a row, then no row
            return self.frame(np.zeros(1, np.int64)).iloc[0:0]
        cs = self if rows is None else self.take(rows)
        index = pd.RangeIndex(cs.n) if rows is None else pd.Index(np.asarray(rows, dtype=np.int64))
        frame = _frame(cs)
        frame.index = index
        return frame


def _replace(cs: CandidateSet, **changes: Any) -> CandidateSet:
    from dataclasses import replace

    return replace(cs, **changes)


def _alt_rank(side: Side, idx: np.ndarray) -> np.ndarray:
    return side.alt_rank[idx] if side.alt_rank is not None else np.zeros(len(idx), dtype=np.int64)


def geodesic_of(p: Pairs, sup: Side, dem: Side) -> np.ndarray:
    """WGS84 geodesic km of each pair."""
    return _pairs.geodesic(sup, dem, p.s, p.d)


def _frame(cs: CandidateSet) -> pd.DataFrame:
    p, sup, dem, rule_arr = cs.pairs, cs.sup, cs.dem, cs.rules
    s, d, r = p.s, p.d, p.rule
    has_rule = r >= 0
    rr = np.where(has_rule, r, 0)
    km = cs.km
    common = sup.months[s] & dem.months[d]
    sup_ids, dem_ids = _take_str(sup.ids, s), _take_str(dem.ids, d)
    hazardous = cs.hazardous
    heat_share = cs.heat_share  # once: the link's bound is computed from it too
    pathway, reference = _pathways(p, sup, dem, rule_arr, hazardous)
    return pd.DataFrame(
        {
            "candidate_id": sup_ids + ">" + dem_ids,
            "supply_id": sup_ids,
            "demand_id": dem_ids,
            "supply_firm_id": _take_str(sup.firm, s),
            "demand_firm_id": _take_str(dem.firm, d),
            "rule_id": _rule_text(rule_arr.rule_id, rr, has_rule),
            "match_basis": _take_str(np.array(["text", "rule"], dtype=object), has_rule.astype(np.int64)),
            "text_similarity": p.similarity,
            "yield_ratio": cs.yield_ratio,
            "distance_km": km,
            "road_distance_km": cs.road_km,
            "months_overlap": np.bitwise_count(common).astype(np.int64),
            "max_flow_per_yr": cs._max_flow(heat_share),
            "heat_share": heat_share,
            **_preheat_return(cs, heat_share),
            "internal": cs.internal,
            "spec_unknown": _spec_unknown(cs),
            "pathway": pathway,
            "permit_reference": reference,
            "kind": _take_str(sup.kind, s),
            "demand_kind": _take_str(dem.kind, d),
            "supply_quantity_per_yr": sup.qty[s],
            "demand_quantity_per_yr": dem.qty[d],
            "supply_category_id": _take_str(sup.category, s),
            "demand_category_id": _take_str(dem.category, d),
            "great_circle_km": p.hav_km,
            "months_common_mask": common.astype(np.int64),
            "hazardous": hazardous,
            "requires_authorisation": pathway != "",
            "pretreatment": _rule_text(rule_arr.pretreatment, rr, has_rule),
            "receiving_process": _rule_text(rule_arr.receiving_process, rr, has_rule),
            "r_code": _rule_text(rule_arr.r_code, rr, has_rule),
            "category_alternative": cs.category_alternative,
        }
    )


def _preheat_return(cs: CandidateSet, heat_share: np.ndarray) -> dict[str, np.ndarray]:
    """Of a preheating pair (``heat_share`` below 1), the return temperature its share is computed
    from, °C (NaN for the others), and whether it is the demand firm's own (else its category's)."""
    d, preheat = cs.pairs.d, heat_share < 1.0
    back = cs.dem.return_c[d] if cs.dem.return_c is not None else np.full(cs.n, np.nan)
    own = cs.dem.return_declared[d] if cs.dem.return_declared is not None else np.zeros(cs.n, bool)
    return {
        "return_temperature_c": np.where(preheat, back, np.nan),
        "return_declared": preheat & own,
    }


def _spec_unknown(cs: CandidateSet) -> pd.Series:
    if cs.sup.quality is None or cs.dem.quality is None or cs.n == 0:
        return pd.Series(pd.array([""] * cs.n, dtype="str"))
    return pd.Series(pd.array(SPEC_UNKNOWN_TEXT[cs.spec_code], dtype="str"))


def _pathways(
    p: Pairs, sup: Side, dem: Side, rule_arr: _pairs.RuleArrays, hazardous: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pathways each pair needs (``|``-joined) and the references of the covering authorisations."""
    first, second = _pairs.pair_pathways(p, sup, rule_arr, hazardous)
    joined = np.where(second != "", first + "|" + second, first).astype(object)
    refs = np.full(p.n, "", dtype=object)
    if dem.permits is not None and p.n:
        codes = sup.waste_code[p.s] if sup.waste_code is not None else np.full(p.n, "", dtype=object)
        for pathway in (first, second):
            _, ref = dem.permits.covered(dem.firm_hash[p.d], pathway, sup.category[p.s], codes)
            refs = np.where((refs != "") & (ref != ""), refs + "|" + ref, np.where(ref != "", ref, refs))
    return joined, refs.astype(object)


def _take(values: np.ndarray, idx: np.ndarray, default: object) -> np.ndarray:
    return values[idx] if len(values) else np.full(len(idx), default)


def _take_str(values: np.ndarray, idx: np.ndarray) -> pd.Series:
    """``values[idx]`` as a string Series, converting only the distinct ``values`` (fast at millions)."""
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="str").take(idx))


def _rule_text(values: np.ndarray, idx: np.ndarray, has_rule: np.ndarray) -> pd.Series:
    """Rule attribute per pair, ``""`` for text matches (index ``n`` of the padded rule array)."""
    padded = np.append(np.asarray(values, dtype=object), "")
    return _take_str(padded, np.where(has_rule, idx, len(padded) - 1))
