"""Why streams end without an exchange, from the candidate funnel's own integer masks.

Two kinds of unmatched stream:

* **no candidate at all**: the reason is the furthest check any pair of the stream's own category
  reached during candidate generation (:class:`~symbiosis.engine._candidate_pairs.Diagnosis`,
  recorded as the pairs were examined), or ``no_rule`` / ``no_partner_category`` / ``firm_excluded``
  from category and firm codes. Pairs the generation skips by design are re-examined, for the few
  lost streams they concern only: pairs of a hazardous supply and a receiver without a permit (left
  out of the blocks before any check), and a stream whose K nearest partners were all of its own
  firm (the search stopped there). These get the exact pair-by-pair diagnosis of
  :func:`~symbiosis.engine.candidates.unmatched_reasons`, which gives the same answer as the masks
  everywhere else.
* **candidates but no flow**: ``unprofitable`` when none of its candidates has a positive gain,
  ``used_internally`` when the allocation gave it to its own firm's reuse (a same-firm pair that
  replaced a swap), ``not_selected`` otherwise.

The result is the same as running :func:`~symbiosis.engine.candidates.unmatched_reasons` on the
candidates frame, without building that frame or any set of string ids.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from symbiosis.engine._candidate_pairs import CHECKS, Side
from symbiosis.engine.candidate_set import CandidateSet
from symbiosis.engine.config import MatchConfig
from symbiosis.i18n import Text, TextTable
from symbiosis.registry import Registry

__all__ = ["ALLOCATION_REASONS", "unmatched_streams"]

#: Reasons of streams that have candidates but no allocated flow.
ALLOCATION_REASONS: Mapping[str, Text] = TextTable("unmatched.reason")

_NAMES = np.array([*CHECKS, "pruned"], dtype=object)
_REFUSED = CHECKS.index("hazardous_refused")
_INTERNAL = CHECKS.index("internal_only")


def _own_rows(side: Side, stream: np.ndarray, n_streams: int) -> np.ndarray:
    """Side row of each registry stream under its own category (-1: not on this side)."""
    row = np.full(n_streams, -1, np.int64)
    own = np.ones(side.n, bool) if side.alt_rank is None else side.alt_rank == 0
    row[stream[own]] = np.flatnonzero(own)
    return row


def _maybe_cut(found: CandidateSet, rows: np.ndarray, direction: str, config: MatchConfig) -> np.ndarray:
    """Side rows that may have lost pairs to the hazard split (hazardous supply × receiver without permit)."""
    rules, sup = found.rules, found.sup
    if config.hazardous_policy == "allow" or rules.n == 0:
        return np.zeros(len(rows), bool)
    if direction == "supply":
        return sup.hazardous[rows] | np.isin(sup.category[rows], rules.supply_cat[rules.hazardous])
    risky = rules.hazardous | np.isin(rules.supply_cat, np.unique(sup.category[sup.hazardous]))
    cut = np.isin(found.dem.category[rows], rules.demand_cat[risky])
    return cut & ~found.dem.accepts[rows] if config.hazardous_policy == "permit_required" else cut


def _codes(
    found: CandidateSet, rows: np.ndarray, direction: str, config: MatchConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Reason codes of lost side ``rows`` from the masks, and which of them need the exact diagnosis."""
    own, other = (found.sup, found.dem) if direction == "supply" else (found.dem, found.sup)
    diagnosis = found.diagnosis
    if diagnosis is None:
        raise ValueError("unmatched reasons need a candidate set found with its diagnosis")
    best = (diagnosis.sup if direction == "supply" else diagnosis.dem)[rows]
    rules = found.rules
    own_cats = rules.supply_cat if direction == "supply" else rules.demand_cat
    partner_cats = rules.demand_cat if direction == "supply" else rules.supply_cat
    others = other.category if other.alt_rank is None else other.category[other.alt_rank == 0]
    category = own.category[rows]
    has_rule = np.isin(category, own_cats)
    partner_ok = np.isin(category, own_cats[np.isin(partner_cats, others)])
    codes = np.where(best >= 0, _NAMES[np.maximum(best, 0)], "too_far")
    codes = np.where(has_rule, np.where(partner_ok, codes, "no_partner_category"), "no_rule")
    # Same-firm partners only: the K-nearest search may have stopped before farther partners.
    unsure = best >= _INTERNAL if diagnosis.internal_failed else np.zeros(len(rows), bool)
    unsure |= _maybe_cut(found, rows, direction, config) & (best < _REFUSED)
    return codes.astype(object), unsure & has_rule & partner_ok


def _no_candidate(
    registry: Registry,
    found: CandidateSet,
    matched: np.ndarray,
    config: MatchConfig,
    categories: pd.DataFrame | None,
) -> pd.DataFrame:
    """``stream_id, direction, reason_code`` of the streams with no candidate, supplies then demands."""
    from symbiosis.engine.candidates import _diagnose  # the exact pair-by-pair diagnosis

    n = len(registry.stream_codes)
    rule_arr = found.rules
    out = []
    for direction, frame, side, stream in (
        ("supply", registry.supplies, found.sup, found.sup_stream),
        ("demand", registry.demands, found.dem, found.dem_stream),
    ):
        code = registry.stream_codes.get_indexer(pd.Index(frame["stream_id"].astype(str)))
        lost_mask = ~matched[code]
        lost = frame[lost_mask]
        codes = np.full(len(lost), "", dtype=object)
        codes[lost["firm_id"].astype(str).isin(config.excluded_firm_ids).to_numpy(bool)] = "firm_excluded"
        todo = np.flatnonzero(codes == "")
        rows = _own_rows(side, stream, n)[code[lost_mask][todo]]
        found_codes, unsure = _codes(found, rows, direction, config)
        codes[todo] = found_codes
        if unsure.any():
            exact = lost.iloc[todo[unsure]]
            codes[todo[unsure]] = _diagnose(registry, exact, direction, rule_arr, config, categories)
        out.append(
            pd.DataFrame(
                {"stream_id": lost["stream_id"].to_numpy(), "direction": direction, "reason_code": codes}
            )
        )
    return pd.concat(out, ignore_index=True)


def unmatched_streams(
    registry: Registry,
    found: CandidateSet,
    rows: np.ndarray,
    gain: np.ndarray,
    served: np.ndarray,
    *,
    config: MatchConfig,
    categories: pd.DataFrame | None = None,
    own_use: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unmatched supplies and demands, each with a reason code and its French and English text.

    Parameters
    ----------
    registry
        Firms and streams.
    found
        The candidates (with their diagnosis).
    rows
        Candidate rows between firms (the same-firm rows listed apart are not: a stream whose only
        partners are its own firm's is ``internal_only``).
    gain
        Gain per unit of every candidate row.
    served
        Boolean per registry stream code: an allocated exchange uses it.
    config, categories
        As for candidate generation; ``config`` as the reasons are to be diagnosed (same-firm pairs
        failing when they are listed apart).
    own_use
        Boolean per registry stream code: the allocation gave it to a same-firm pair listed apart
        (its firm's own reuse). None: no stream.

    Returns
    -------
    supplies, demands : pandas.DataFrame
        ``stream_id, reason_code, reason_fr, reason_en, firm_id, category_id, kind, quantity_per_yr,
        quantity_unit``.
    """
    from symbiosis.engine.candidates import REASONS

    n = len(registry.stream_codes)
    sup_code, dem_code = found.sup_stream[found.pairs.s[rows]], found.dem_stream[found.pairs.d[rows]]
    matched = np.zeros(n, bool)
    matched[sup_code] = matched[dem_code] = True
    none = _no_candidate(registry, found, matched, config, categories)
    none["reason_fr"] = none["reason_code"].map(lambda c: REASONS[c].fr)
    none["reason_en"] = none["reason_code"].map(lambda c: REASONS[c].en)
    g = np.where(np.isnan(gain[rows]), -np.inf, gain[rows])
    parts = []
    for direction, codes_of in (("supply", sup_code), ("demand", dem_code)):
        codes, ids = pd.factorize(codes_of)
        best = np.full(len(ids), -np.inf)
        np.maximum.at(best, codes, g)
        lost = ~served[ids]
        reason = np.where(best[lost] > 0, "not_selected", "unprofitable").astype(object)
        if own_use is not None:
            reason[own_use[ids[lost]]] = "used_internally"
        names = registry.stream_codes.to_numpy()[ids[lost]]
        parts.append(
            pd.DataFrame(
                {"stream_id": np.asarray(names, dtype=object), "direction": direction, "reason_code": reason}
            )
        )
    extra = pd.concat(parts, ignore_index=True)
    extra["reason_fr"] = extra["reason_code"].map(lambda c: ALLOCATION_REASONS[c].fr)
    extra["reason_en"] = extra["reason_code"].map(lambda c: ALLOCATION_REASONS[c].en)
    both = pd.concat([none, extra], ignore_index=True).drop_duplicates("stream_id")
    streams = registry.streams[
        ["stream_id", "firm_id", "category_id", "kind", "quantity_per_yr", "quantity_unit"]
    ]
    both = both.merge(streams, on="stream_id", how="left")
    sup = both[both["direction"] == "supply"].drop(columns="direction").reset_index(drop=True)
    dem = both[both["direction"] == "demand"].drop(columns="direction").reset_index(drop=True)
    return sup, dem
