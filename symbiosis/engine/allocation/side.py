"""Side constraints: a repair heuristic over repeated flow solves, then a time-limited MIP per component.

Repair keeps closing what violates a side constraint (links under their supplier's lot or not
covering their fixed cost, links beyond a partner limit, demands under their lot) and re-solves the
relaxation until nothing is violated: the result is always feasible. Components whose repaired
plan is not provably within ``mip_gap`` of their bound then get the exact model of
:mod:`~symbiosis.engine.allocation.mip`, best first, sharing the time left.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from symbiosis.engine.allocation.bound import partner_relaxation
from symbiosis.engine.allocation.components import Labels, Scales
from symbiosis.engine.allocation.flow import charged, relax
from symbiosis.engine.allocation.lns import improve
from symbiosis.engine.allocation.mip import solve_component
from symbiosis.engine.allocation.problem import AllocationConfig, Indexed

__all__ = ["SideResult", "candidate_pool", "net_value", "repair", "solve_side"]

log = logging.getLogger(__name__)

EPS_FLOW = 1e-9
_REL = 1e-9


def net_value(indexed: Indexed, x: np.ndarray) -> np.ndarray:
    """Per-arc objective: gain·x − fixed cost when the link carries flow."""
    return indexed.gain * x - indexed.fixed * (x > EPS_FLOW)


def _rank_desc(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of each element within its group by decreasing key."""
    order = np.lexsort((-key, group))
    g = group[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.empty(len(g), np.int64)
    rank[order] = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    return rank


def _partner_closures(
    open_: np.ndarray, used: np.ndarray, net: np.ndarray, node_of: np.ndarray, k: np.ndarray
) -> np.ndarray:
    """Open arcs to close at nodes using more than k links: all but the k best used ones."""
    grp = node_of[used]
    rank = _rank_desc(grp, net)
    limited = k[grp] > 0
    over = np.unique(grp[limited & (rank >= k[grp])])
    if not len(over):
        return np.zeros(0, np.int64)
    keep = used[limited & (rank < k[grp])]
    cand = open_[np.isin(node_of[open_], over)]
    return np.setdiff1d(cand, keep)


def _violations(indexed: Indexed, open_: np.ndarray, x: np.ndarray, gentle: bool):
    """Arcs and demands to close after one relaxation solve (empty when the plan is feasible)."""
    used = open_[x[open_] > EPS_FLOW]
    xs = x[used]
    net = indexed.gain[used] * xs - indexed.fixed[used]
    bad = (xs < indexed.sup_lot[indexed.tail[used]] * (1 - _REL)) | (net < 0)
    bad_arcs = used[bad]
    if gentle and len(bad_arcs):  # the worst offender per supplier only: the others may recover
        first = _rank_desc(indexed.tail[bad_arcs], -net[bad]) == 0
        bad_arcs = bad_arcs[first]
    close = [bad_arcs]
    for node_of, k in ((indexed.tail, indexed.sup_k), (indexed.head, indexed.dem_k)):
        close.append(_partner_closures(open_, used, net, node_of, k))
    delivered = np.bincount(indexed.head[used], weights=indexed.yld[used] * xs, minlength=indexed.n_dem)
    close_dems = np.flatnonzero((delivered > EPS_FLOW) & (delivered < indexed.dem_lot * (1 - _REL)))
    return np.unique(np.concatenate(close)), close_dems


def candidate_pool(indexed: Indexed, arcs: np.ndarray, x: np.ndarray, k: int) -> np.ndarray:
    """Arcs the repair may use: the relaxation's support plus each stream's ``k`` best arcs by gain."""
    best = np.zeros(len(arcs), bool)
    for node_of in (indexed.tail, indexed.head):
        best |= _rank_desc(node_of[arcs], indexed.gain[arcs]) < k
    return arcs[best | (x[arcs] > EPS_FLOW)]


def repair(
    indexed: Indexed,
    arcs: np.ndarray,
    x0: np.ndarray,
    lab: Labels,
    scales: Scales,
    config: AllocationConfig,
    deadline: float,
) -> tuple[np.ndarray, int]:
    """Feasible plan by close violators → re-solve, to a fixed point, within a small candidate pool.

    Parameters
    ----------
    indexed
        Indexed problem.
    arcs
        Arcs (gain > 0) of the components with side constraints.
    x0
        Optimal relaxed flows (its support seeds the pool, its values the first round).
    lab, scales, config
        As in :func:`~symbiosis.engine.allocation.flow.relax`.
    deadline
        ``time.perf_counter()`` value after which closures stop being gentle (one per supplier).

    Returns
    -------
    x : numpy.ndarray
        Flow per arc of the problem (0 outside ``arcs``), feasible for every side constraint.
    rounds : int
        Relaxation solves performed.

    Notes
    -----
    Re-solving on every arc lets flow leak to new small links each round (hundreds of rounds at
    10,000 streams); the pool (support of a basic optimum, at most one arc per stream, plus
    ``config.repair_pool`` alternatives per stream) keeps each round small and the count low.
    """
    ixc = charged(indexed)
    open_, dem_cap = candidate_pool(ixc, arcs, x0, config.repair_pool), indexed.dem_cap.copy()
    x = np.zeros(indexed.n_arcs)
    x[arcs] = x0[arcs]
    rounds = 0
    while True:
        x[x <= EPS_FLOW] = 0.0
        gentle = rounds < config.repair_max_rounds and time.perf_counter() < deadline
        if not gentle:  # past the gentle phase only the current support stays open: it only shrinks
            open_ = open_[x[open_] > 0]
        close_arcs, close_dems = _violations(indexed, open_, x, gentle)
        log.debug(
            "repair round %d: %d open arcs, closing %d arcs and %d demands (gentle=%s)",
            rounds,
            len(open_),
            len(close_arcs),
            len(close_dems),
            gentle,
        )
        if not len(close_arcs) and not len(close_dems):
            return x, rounds
        open_ = np.setdiff1d(open_, close_arcs, assume_unique=True)
        dem_cap[close_dems] = 0.0
        open_ = open_[dem_cap[indexed.head[open_]] > 0]
        x = relax(ixc, open_, dem_cap, lab, scales, config).x
        rounds += 1


@dataclass(frozen=True)
class SideResult:
    """Per-component outcome of the side-constrained solve (arrays of length ``lab.n``)."""

    x: np.ndarray
    bound: np.ndarray
    status: np.ndarray
    method: np.ndarray
    seconds: np.ndarray


def _component_arcs(lab: Labels) -> list[np.ndarray]:
    order = np.argsort(lab.arc, kind="stable")
    return np.split(lab.arcs[order], np.cumsum(np.bincount(lab.arc, minlength=lab.n))[:-1])


def _work_queue(comps: np.ndarray, value: np.ndarray, ub: np.ndarray, config: AllocationConfig) -> np.ndarray:
    """Components whose plan is not provably within ``mip_gap``, the largest absolute gap first."""
    gap = ub - value
    need = comps[gap[comps] > config.mip_gap * np.maximum(np.abs(ub[comps]), 1e-9)]
    return need[np.argsort(-gap[need], kind="stable")]


def _exact(indexed: Indexed, a: np.ndarray, x: np.ndarray, share: float, config: AllocationConfig):
    """MILP on one component, started from the plan ``x``; returns (flows or None, bound, proven)."""
    res = solve_component(
        indexed, a, time_limit_s=share, mip_gap=config.mip_gap, start=x[a], seed=config.seed
    )
    if res.x is None:
        return None, res.bound, False
    return np.where(res.x > EPS_FLOW, res.x, 0.0), res.bound, res.optimal


def _improve(indexed: Indexed, a: np.ndarray, x: np.ndarray, share: float, config: AllocationConfig):
    """Neighbourhood search on a component too large for one MILP; the bound stays the relaxation's."""
    xn, _ = improve(
        indexed,
        a,
        x,
        deadline=time.perf_counter() + share,
        seed=config.seed,
        size=config.lns_streams,
        mip_gap=min(config.mip_gap, 1e-3),
    )
    return xn[a], np.inf, False


def solve_side(
    indexed: Indexed,
    lab: Labels,
    side: np.ndarray,
    scales: Scales,
    x0: np.ndarray,
    ub: np.ndarray,
    config: AllocationConfig,
    deadline: float,
) -> SideResult:
    """Repair, then MIP (or, above ``mip_max_arcs``, neighbourhood-search) the components that need it.

    Parameters
    ----------
    indexed, lab, scales, config
        As in :func:`repair`.
    x0
        Optimal relaxed flows on every arc.
    side
        Boolean per component: a side constraint may bind there.
    ub
        Per-component upper bound from the relaxation (fixed costs and lots ignored).
    deadline
        ``time.perf_counter()`` value at which the global time limit ends.

    Returns
    -------
    SideResult
        Flows (all arcs; only side components filled), bounds, statuses, methods and seconds.
    """
    comps = np.flatnonzero(side)
    t0 = time.perf_counter()
    in_side = side[lab.arc]
    ixc = charged(indexed)
    arcs = lab.arcs[in_side & (ixc.gain[lab.arcs] > 0)]
    budget = deadline - t0
    tight = partner_relaxation(ixc, arcs, lab, comps)
    ub = np.minimum(ub, tight.bound)
    x, rounds = repair(indexed, arcs, x0, lab, scales, config, t0 + 0.3 * budget)
    value = np.bincount(lab.arc, weights=net_value(indexed, x)[lab.arcs], minlength=lab.n)
    if np.isfinite(tight.bound).any():  # the partner LP's flows often repair into a better plan
        seeded = np.isfinite(tight.bound)[lab.sup[indexed.tail[arcs]]]
        x2, _ = repair(indexed, arcs[seeded], tight.x, lab, scales, config, t0 + 0.3 * budget)
        value2 = np.bincount(lab.arc, weights=net_value(indexed, x2)[lab.arcs], minlength=lab.n)
        better = (value2 > value) & np.isfinite(tight.bound)
        take = better[lab.arc]
        x[lab.arcs[take]] = x2[lab.arcs[take]]
        value = np.where(better, value2, value)
    log.info("repair: %d rounds, %.2f s", rounds, time.perf_counter() - t0)
    n_arcs = lab.count()
    seconds = (time.perf_counter() - t0) * n_arcs / max(n_arcs[comps].sum(), 1)
    bound = ub.copy()
    status = np.where(side, "feasible", "").astype(object)
    method = np.where(side, "repair", "").astype(object)
    per_comp = _component_arcs(lab)
    # First pass: every component not yet within the gap gets a time share by size; second pass: the
    # time left (a component proven early frees it) goes to those still open, largest gap first.
    for _ in range(2):
        queue = _work_queue(comps, value, bound, config)
        at_stake = bound - value  # time goes where the value at stake is, not where the arcs are
        left = float(at_stake[queue].sum())
        for c in queue:
            now, a = time.perf_counter(), per_comp[c]
            if now >= deadline - 0.05:
                status[c] = "time_limit"
                continue
            share = (deadline - now) * at_stake[c] / max(left, 1e-9)
            left -= at_stake[c]
            exact = n_arcs[c] <= config.mip_max_arcs
            xm, comp_bound, proven = (_exact if exact else _improve)(indexed, a, x, share, config)
            seconds[c] += time.perf_counter() - now
            method[c] = "repair+milp" if exact else "repair+lns"
            bound[c] = min(bound[c], comp_bound)
            if xm is not None:
                new_value = float((indexed.gain[a] * xm - indexed.fixed[a] * (xm > 0)).sum())
                if new_value > value[c]:
                    x[a], value[c] = xm, new_value
            status[c] = "optimal" if proven else "time_limit"
    return SideResult(x=x, bound=bound, status=status, method=method, seconds=seconds)
