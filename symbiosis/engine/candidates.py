"""Candidate links: compatible supply–demand pairs within reach, found without looping over pairs.

Pipeline (all vectorised; the only Python loops run over rules and query rounds, never over pairs):

1. Supplies and demands of excluded firms are dropped.
2. **Blocking by rule.** For each (concrete) rule, the supplies of its supply category and the
   demands of its demand category form a block (split so that hazardous supplies only meet permitted
   receivers); a ``cKDTree`` on 3-D unit vectors gives the pairs whose chord is within the block
   radius: the rule's ``max_transport_km``, within the scenario's optional caps
   (``config.radius_km``, ``config.radius_by_kind_km``; none by default), widened by
   :data:`~symbiosis.engine.distance.SPHERE_MARGIN` — all of them (K = 0, small blocks, blocks
   whose checks refuse nearly every pair), or each stream's K nearest *feasible* partners by
   K-nearest queries asked again only where needed (see
   :func:`~symbiosis.engine._candidate_pairs.feasible_blocks`).
3. **Checks**, in this order (the order names the reason a stream ends unmatched): distance within
   the block radius and both firms' ``max_distance_km`` (on the WGS84 geodesic: exact), months in
   common (``mask_s & mask_d``), one-off dates overlap, temperature (rules that exchange heat
   directly: ``T_supply - config.heat_approach_c >= T_demand``), waste code (rules on a List-of-Waste
   sub-chapter: the same code when both sides give one), hazardous residue only to firms with
   permits, same-firm pairs (excluded or flagged).
4. **Text basis**: supplies with no rule-based candidate (or all, ``text_scope="all"``) are paired
   with demands of the same kind within ``config.text_radius_by_kind_km`` whose description
   vectors have cosine ≥ threshold.
5. **K-nearest pruning per rule** (``config.k_nearest``): keep a pair when it is among the supply's
   K nearest partners *of that rule* or among the demand's K nearest of that rule (great-circle
   rank; text matches form one more group). A far outlet of one rule (spent pot lining to the one
   treatment plant) is never crowded out by many near partners of another rule.
6. ``distance_km`` is the WGS84 geodesic (vectorised Vincenty) of the survivors.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from symbiosis.engine import _candidate_pairs as _pairs
from symbiosis.engine._candidate_pairs import CHECKS, Pairs, Side
from symbiosis.engine._text_candidates import TextVectors, text_candidates
from symbiosis.engine.candidate_set import CandidateSet, geodesic_of, seasonal_bound
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.permits import PermitIndex, PermitTokens
from symbiosis.i18n import Text, TextTable
from symbiosis.registry import Registry

__all__ = [
    "REASONS",
    "CandidateSet",
    "candidate_sides",
    "diagnose_pairs",
    "find_candidates",
    "generate_candidates",
    "search_pairs",
    "search_with_rule_rows",
    "seasonal_bound",
    "unmatched_reasons",
]

logger = logging.getLogger(__name__)


REASONS: Mapping[str, Text] = TextTable("candidates.reason")


def generate_candidates(
    registry: Registry,
    rules: pd.DataFrame,
    config: MatchConfig,
    *,
    categories: pd.DataFrame | None = None,
    text_vectors: TextVectors | None = None,
) -> pd.DataFrame:
    """Find every compatible supply–demand pair within reach.

    Parameters
    ----------
    registry
        Firms and streams.
    rules
        Compatibility rules (``symbiosis.kb.load_rules()``).
    config
        Scenario.
    categories
        Knowledge-base categories; only used to fill a stream's ``kind`` when it is missing.
    text_vectors
        ``texts -> csr_matrix`` of L2-normalised rows; defaults to
        ``symbiosis.kb.classify.text_vectors`` (text matches are skipped when unavailable).

    Returns
    -------
    pandas.DataFrame
        :data:`symbiosis.schemas.CANDIDATES` columns plus ``kind`` (of the supply), ``demand_kind``,
        ``supply_quantity_per_yr``, ``demand_quantity_per_yr``, ``supply_category_id``,
        ``demand_category_id``, ``great_circle_km``, ``months_common_mask``, ``hazardous``,
        ``requires_authorisation``, ``pretreatment``, ``receiving_process``, ``r_code``.
        ``attrs["funnel"]`` counts the pairs examined and those left after each check (pairs the
        queries never fetched are not counted). The frame of :func:`find_candidates`' arrays.

    Examples
    --------
    Two bark suppliers and two buyers of landscaping mulch, one pair in Chicoutimi and one in
    Alma, about 45 km apart. The shipped rule KB0043 (bark → mulch, up to 150 km) joins every
    supply to every demand; a 20 km radius keeps only the two local pairs.

    >>> from symbiosis.engine.candidates import generate_candidates
    >>> from symbiosis.engine.config import MatchConfig
    >>> from symbiosis.kb import load_rules
    >>> from symbiosis.sample.toy import toy_registry
    >>> registry = toy_registry(
    ...     [
    ...         ("S1", "supply", "wood_bark", 100.0, 48.43, -71.07),
    ...         ("S2", "supply", "wood_bark", 50.0, 48.55, -71.65),
    ...         ("D1", "demand", "landscaping_mulch", 80.0, 48.42, -71.02),
    ...         ("D2", "demand", "landscaping_mulch", 60.0, 48.54, -71.62),
    ...     ]
    ... )
    >>> found = generate_candidates(registry, load_rules(), MatchConfig())
    >>> print(found[["supply_id", "demand_id", "rule_id", "great_circle_km"]].round(1).to_string(index=False))
    supply_id demand_id rule_id  great_circle_km
           S1        D1  KB0043              3.9
           S1        D2  KB0043             42.3
           S2        D1  KB0043             48.6
           S2        D2  KB0043              2.5
    >>> local = generate_candidates(registry, load_rules(), MatchConfig(radius_km=20.0))
    >>> print(local[["supply_id", "demand_id"]].to_string(index=False))
    supply_id demand_id
           S1        D1
           S2        D2
    """
    found = find_candidates(registry, rules, config, categories=categories, text_vectors=text_vectors)
    frame = found.frame()
    frame.attrs["funnel"] = dict(found.funnel)
    return frame


def find_candidates(
    registry: Registry,
    rules: pd.DataFrame,
    config: MatchConfig,
    *,
    categories: pd.DataFrame | None = None,
    text_vectors: TextVectors | None = None,
) -> CandidateSet:
    """The candidates of :func:`generate_candidates` as integer arrays (no frame, no string built).

    Returns
    -------
    CandidateSet
        The kept pairs in frame order, one per (supply, demand) stream pair: under the streams' own
        categories when there is one, else under the best-ranked runner-ups of their inferred
        categories; with the funnel and each stream's furthest check (for the unmatched reasons).
    """
    return search_pairs(
        candidate_sides(registry, rules, config, categories), config, text_vectors=text_vectors
    )


def candidate_sides(
    registry: Registry, rules: pd.DataFrame, config: MatchConfig, categories: pd.DataFrame | None
) -> CandidateSet:
    """A candidate set with no pair: the sides, the rule arrays and the stream and firm codes.

    What the search reads of the registry, built once (``O(streams)``); a part of the registry is
    searched on :meth:`~symbiosis.engine.candidate_set.CandidateSet.subset` of it, nothing rebuilt.
    """
    sup, dem, rule_arr = sides_and_rules(registry, rules, config, categories)
    codes = registry.stream_codes
    firm_codes, _ = pd.factorize(np.concatenate([sup.firm, dem.firm]).astype(object))
    return CandidateSet(
        sup=sup,
        dem=dem,
        rules=rule_arr,
        pairs=Pairs.empty(),
        sup_stream=codes.get_indexer(pd.Index(sup.ids)),
        dem_stream=codes.get_indexer(pd.Index(dem.ids)),
        firm_sup=firm_codes[: sup.n],
        firm_dem=firm_codes[sup.n :],
        km=np.zeros(0),
        detour_factor=config.transport.detour_factor,
        heat_approach_c=config.heat_approach_c,
    )


def search_pairs(
    sides: CandidateSet, config: MatchConfig, *, text_vectors: TextVectors | None = None
) -> CandidateSet:
    """The kept pairs of ``sides`` (a :func:`candidate_sides` set or a subset of one), as
    :func:`find_candidates` returns them; ``config`` as the one the sides were built with, but for
    the text-matching options."""
    return search_with_rule_rows(sides, config, text_vectors=text_vectors)[0]


def search_with_rule_rows(
    sides: CandidateSet, config: MatchConfig, *, text_vectors: TextVectors | None = None
) -> tuple[CandidateSet, np.ndarray]:
    """:func:`search_pairs`, and the supply rows that have a rule-based pair once each block is
    pruned: those ``text_scope="unmatched"`` gives no text match (a row, not a stream: a runner-up
    row of a stream matched under its own category may still have text matches)."""
    sup, dem, rule_arr = sides.sup, sides.dem, sides.rules
    fails = np.zeros(len(CHECKS) + 1, dtype=np.int64)
    diagnosis = _pairs.Diagnosis.of(sup, dem, internal_failed=config.internal_policy == "separate")
    kept_parts = [Pairs.empty()]
    blocks_of_rule = np.zeros(rule_arr.n + 1, np.int64)  # last: text matches (rule -1)
    for block, counts in _pairs.feasible_blocks(sup, dem, rule_arr, config, diagnosis):
        fails += counts
        # K nearest per (stream, rule): within a block the rule is fixed (hazard splits are re-pruned below).
        kept_parts.append(block.take(_k_nearest_mask(block, config.k_nearest)))
        blocks_of_rule[block.rule[:1]] += 1
    kept = Pairs.concat(kept_parts)
    rule_rows = np.unique(kept.s)
    funnel = {"rule_pairs_examined": int(fails.sum()), **_funnel(fails)}
    text = text_candidates(sup, dem, kept, rule_arr, config, text_vectors)
    funnel["text_pairs"] = text.n
    kept = Pairs.concat([kept, text])
    kept = kept.take(_k_nearest_again(kept, blocks_of_rule, config.k_nearest))
    funnel["after_k_nearest"] = kept.n
    kept = kept.take(np.argsort((kept.s.astype(np.int64) << 32) | kept.d.astype(np.int64), kind="stable"))
    kept = kept.take(_best_per_pair(kept, sup, dem, sides.sup_stream, sides.dem_stream))
    funnel["after_alternatives"] = kept.n
    found = replace(sides, pairs=kept, km=geodesic_of(kept, sup, dem), funnel=funnel, diagnosis=diagnosis)
    logger.info("candidates: %s", funnel)
    return found, rule_rows


def sides_and_rules(
    registry: Registry, rules: pd.DataFrame, config: MatchConfig, categories: pd.DataFrame | None
) -> tuple[Side, Side, _pairs.RuleArrays]:
    """The supply and demand sides (with the runner-up rows of inferred categories, the receivers'
    permits and the supplies' permit tokens) and the rules as arrays: what every candidate pass reads."""
    n_alt = config.inferred_alternatives
    sup = Side.build(
        _pairs.with_alternatives(registry.supplies, categories, n_alt), config, categories, direction="supply"
    )
    dem = Side.build(
        _pairs.with_alternatives(registry.demands, categories, n_alt),
        config,
        categories,
        permits=_permit_index(registry, categories),
    )
    rule_arr = _pairs.RuleArrays.build(rules)
    if dem.permits is not None:
        tokens = PermitTokens.build(dem.permits, sup.category, sup.waste_code, rule_arr.authorisation_code)
        sup = replace(sup, permit_tokens=tokens)
    return sup, dem, rule_arr


def _best_per_pair(
    p: Pairs, sup: Side, dem: Side, sup_stream: np.ndarray, dem_stream: np.ndarray
) -> np.ndarray:
    """Rows to keep, in order: one per (supply, demand) stream pair, the lowest runner-up rank (first of
    equals). Without runner-up rows every pair is already unique."""
    rank = np.zeros(p.n, np.int64)
    for side, idx in ((sup, p.s), (dem, p.d)):
        if side.alt_rank is not None:
            rank += side.alt_rank[idx]
    if not (rank > 0).any():
        return np.arange(p.n)
    key = sup_stream[p.s].astype(np.int64) * (int(dem_stream.max(initial=0)) + 1) + dem_stream[p.d]
    order = np.lexsort((rank, key))
    first = np.r_[True, key[order][1:] != key[order][:-1]]
    return np.sort(order[first])


def _permit_index(registry: Registry, categories: pd.DataFrame | None) -> PermitIndex:
    """The receivers' authorisations (declared permits and the legacy ``accepts_hazardous`` flag)."""
    return PermitIndex.build(registry.permits, registry.firms, categories=categories)


def _funnel(counts: np.ndarray) -> dict[str, int]:
    left, out = int(counts.sum()), {}
    for i, name in enumerate(CHECKS):
        left -= int(counts[i])
        out[f"after_{name}"] = left
    return out


def _rank_within(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Rank (0 = smallest ``value``) of each element within its ``group``, by one int64 argsort.

    ``value`` must be >= 0: the float32 bit pattern of a non-negative float sorts like the float.
    """
    key = (group.astype(np.int64) << 32) | value.astype(np.float32).view(np.uint32).astype(np.int64)
    order = np.argsort(key, kind="stable")
    g = group[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1] if len(g) else np.zeros(0, np.int64)
    first = np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(g)) - first
    return rank


def _nearest_in_group(group: np.ndarray, value: np.ndarray, k: int) -> np.ndarray:
    """Whether each element is among the ``k`` smallest ``value`` of its ``group``."""
    crowded = np.bincount(group)[group] > k  # groups of at most k elements keep them all, unsorted
    out = ~crowded
    if crowded.any():
        out[crowded] = _rank_within(group[crowded], value[crowded]) < k
    return out


def _k_nearest_mask(pairs: Pairs, k: int) -> np.ndarray:
    """Pairs among the K nearest of their supply or of their demand within their rule (all when ``k`` = 0).

    Text matches (rule ``-1``) form one group of their own per stream.
    """
    if k <= 0 or pairs.n == 0:
        return np.ones(pairs.n, dtype=bool)
    if (pairs.rule == pairs.rule[0]).all():  # one rule (a block): group by the stream alone
        by_supply, by_demand = _dense(pairs.s), _dense(pairs.d)
    else:
        rule = pairs.rule.astype(np.int64) + 1
        by_supply = np.unique((pairs.s.astype(np.int64) << 24) | rule, return_inverse=True)[1]
        by_demand = np.unique((pairs.d.astype(np.int64) << 24) | rule, return_inverse=True)[1]
    return _nearest_in_group(by_supply, pairs.hav_km, k) | _nearest_in_group(by_demand, pairs.hav_km, k)


def _k_nearest_again(pairs: Pairs, blocks_of_rule: np.ndarray, k: int) -> np.ndarray:
    """:func:`_k_nearest_mask` of all the kept pairs, computed only for the rules whose pairs came in
    more than one block (hazard splits) and for the text matches: a block's pruned pairs are still the
    K nearest of their streams once pruned (a stream's rank among fewer pairs can only fall), and
    the groups are per rule, so the other rules' pairs are kept as they are."""
    again = blocks_of_rule[pairs.rule] != 1  # rule -1 indexes the text slot, never counted
    keep = np.ones(pairs.n, dtype=bool)
    if again.any():
        keep[again] = _k_nearest_mask(pairs.take(again), k)
    return keep


def _dense(values: np.ndarray) -> np.ndarray:
    """Codes 0..n-1 of the distinct ``values``, in order of their value (as ``np.unique``'s inverse)."""
    low, high = int(values.min()), int(values.max())
    if high - low > 4 * len(values):  # sparse values: sorting them is cheaper than a table of the span
        return np.unique(values, return_inverse=True)[1]
    seen = np.zeros(high - low + 1, np.int64)
    seen[values - low] = 1
    return (np.cumsum(seen) - 1)[values - low]


def unmatched_reasons(
    registry: Registry,
    candidates: pd.DataFrame,
    *,
    rules: pd.DataFrame,
    config: MatchConfig,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Why each stream without a candidate has none.

    The reason is the check that the stream's best pair failed last in the candidate funnel
    (excluded firm, no rule for its category, no partner category in the registry, too far,
    season, dates, hazardous refusal, same-firm only).

    Returns
    -------
    pandas.DataFrame
        ``stream_id, direction, reason_code, reason_fr, reason_en``, one row per unmatched stream.
    """
    matched = set(candidates["supply_id"]).union(candidates["demand_id"])
    rows = []
    for direction, frame in (("supply", registry.supplies), ("demand", registry.demands)):
        lost = frame[~frame["stream_id"].isin(matched)]
        codes = pd.Series("", index=lost.index, dtype=object)
        codes[lost["firm_id"].astype(str).isin(config.excluded_firm_ids)] = "firm_excluded"
        rows.append((direction, lost, codes))
    out = []
    rule_arr = _pairs.RuleArrays.build(rules)
    for direction, lost, codes in rows:
        todo = codes == ""
        if todo.any():
            codes[todo] = _diagnose(registry, lost[todo], direction, rule_arr, config, categories)
        out.append(
            pd.DataFrame(
                {
                    "stream_id": lost["stream_id"].to_numpy(),
                    "direction": direction,
                    "reason_code": codes.to_numpy(),
                }
            )
        )
    result = pd.concat(out, ignore_index=True)
    result["reason_fr"] = result["reason_code"].map(lambda c: REASONS[c].fr)
    result["reason_en"] = result["reason_code"].map(lambda c: REASONS[c].en)
    return result


def _diagnose(
    registry: Registry,
    lost: pd.DataFrame,
    direction: str,
    rule_arr: _pairs.RuleArrays,
    config: MatchConfig,
    categories: pd.DataFrame | None,
) -> np.ndarray:
    """Reason codes for the ``lost`` streams of one side (vectorised over their raw pairs)."""
    permits = _permit_index(registry, categories)
    own = Side.build(
        lost, config, categories, direction=direction, permits=permits if direction == "demand" else None
    )
    other_frame = registry.demands if direction == "supply" else registry.supplies
    other = Side.build(
        other_frame,
        config,
        categories,
        direction="demand" if direction == "supply" else "supply",
        permits=permits if direction == "supply" else None,
    )
    sup, dem = (own, other) if direction == "supply" else (other, own)
    own_cats = rule_arr.supply_cat if direction == "supply" else rule_arr.demand_cat
    partner_cats = rule_arr.demand_cat if direction == "supply" else rule_arr.supply_cat
    has_rule = np.isin(own.category, own_cats)
    partner_ok = np.isin(own.category, own_cats[np.isin(partner_cats, other.category)])
    raw = _pairs.rule_pairs(sup, dem, rule_arr, config)
    fail = _pairs.first_failure(raw, sup, dem, rule_arr, config)
    mine = raw.s if direction == "supply" else raw.d
    best = np.full(own.n, -1)
    np.maximum.at(best, mine, fail)
    names = np.array([*CHECKS, "pruned"], dtype=object)
    codes = np.where(best >= 0, names[np.maximum(best, 0)], "too_far")
    codes = np.where(partner_ok, codes, "no_partner_category")
    return np.where(has_rule, codes, "no_rule")


def diagnose_pairs(
    registry: Registry,
    pairs: pd.DataFrame,
    *,
    rules: pd.DataFrame,
    config: MatchConfig,
    categories: pd.DataFrame | None = None,
) -> pd.Series:
    """Why given (supply, demand) pairs are, or are not, candidates: the first check each one fails.

    Used to explain a *known* exchange that the candidates lack (the evaluation harness, an advisor's
    list of known synergies). Vectorised over the pairs.

    Parameters
    ----------
    registry
        Firms and streams.
    pairs
        ``supply_id``, ``demand_id``.
    rules, config, categories
        As for :func:`generate_candidates`.

    Returns
    -------
    pandas.Series
        Aligned with ``pairs``: ``"missing_stream"`` (a stream is not in the registry, or its firm is
        excluded), ``"no_rule"`` (no rule links the two categories), one of :data:`CHECKS`
        (``too_far``, ``season``, ``dates``, ``temperature``, ``waste_code``, ``hazardous_refused``,
        ``internal_only``),
        or ``"ok"`` when the pair passes every check (then only K-nearest pruning can drop it).
    """
    sup = Side.build(registry.supplies, config, categories, direction="supply")
    dem = Side.build(registry.demands, config, categories)
    rule_arr = _pairs.RuleArrays.build(rules)
    s = pd.Index(sup.ids).get_indexer(pairs["supply_id"].astype(str))
    d = pd.Index(dem.ids).get_indexer(pairs["demand_id"].astype(str))
    out = np.full(len(pairs), "missing_stream", dtype=object)
    present = (s >= 0) & (d >= 0)
    rule_of = {
        (str(a), str(b)): k
        for k, (a, b) in enumerate(zip(rule_arr.supply_cat, rule_arr.demand_cat, strict=True))
    }
    rule = np.array(
        [
            rule_of.get((str(sup.category[i]), str(dem.category[j])), -1) if ok else -1
            for i, j, ok in zip(s, d, present, strict=True)
        ],
        dtype=np.int64,
    )
    out[present & (rule < 0)] = "no_rule"
    test = present & (rule >= 0)
    if test.any():
        si, di, ri = s[test], d[test], rule[test]
        radius = np.array(
            [_pairs._rule_radius(rule_arr, k, sup.kind[i], config) for k, i in zip(ri, si, strict=True)]
        )
        chord = np.linalg.norm(sup.xyz[si] - dem.xyz[di], axis=1)
        probe = Pairs(si, di, ri, radius, _pairs.chord_to_km(chord), np.full(len(si), np.nan))
        names = np.array([*CHECKS, "ok"], dtype=object)
        out[test] = names[_pairs.first_failure(probe, sup, dem, rule_arr, config)]
    return pd.Series(out, index=pairs.index, name="diagnosis")
