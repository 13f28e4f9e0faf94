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


def net_value(indexed: Indexed, flow: np.ndarray) -> np.ndarray:
    """Per-arc objective: gain·flow − fixed cost when the link carries flow."""
    return indexed.gain * flow - indexed.fixed * (flow > EPS_FLOW)


def _rank_desc(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of each element within its group by decreasing key."""
    order = np.lexsort((-key, group))
    sorted_group = group[order]
    starts = np.r_[0, np.flatnonzero(sorted_group[1:] != sorted_group[:-1]) + 1]
    rank = np.empty(len(sorted_group), np.int64)
    rank[order] = np.arange(len(sorted_group)) - np.repeat(starts, np.diff(np.r_[starts, len(sorted_group)]))
    return rank


def _partner_closures(
    open_arcs: np.ndarray, used: np.ndarray, net: np.ndarray, node_of: np.ndarray, partner_limit: np.ndarray
) -> np.ndarray:
    """Open arcs to close at nodes using more than k links: all but the k best used ones."""
    group = node_of[used]
    rank = _rank_desc(group, net)
    limited = partner_limit[group] > 0
    over = np.unique(group[limited & (rank >= partner_limit[group])])
    if not len(over):
        return np.zeros(0, np.int64)
    keep = used[limited & (rank < partner_limit[group])]
    candidates = open_arcs[np.isin(node_of[open_arcs], over)]
    return np.setdiff1d(candidates, keep)


def _violations(indexed: Indexed, open_arcs: np.ndarray, flow: np.ndarray, gentle: bool):
    """Arcs and demands to close after one relaxation solve (empty when the plan is feasible)."""
    used = open_arcs[flow[open_arcs] > EPS_FLOW]
    used_flow = flow[used]
    net = indexed.gain[used] * used_flow - indexed.fixed[used]
    bad = (used_flow < indexed.sup_lot[indexed.tail[used]] * (1 - _REL)) | (net < 0)
    bad_arcs = used[bad]
    if gentle and len(bad_arcs):  # the worst offender per supplier only: the others may recover
        first = _rank_desc(indexed.tail[bad_arcs], -net[bad]) == 0
        bad_arcs = bad_arcs[first]
    close = [bad_arcs]
    for node_of, partner_limit in ((indexed.tail, indexed.sup_k), (indexed.head, indexed.dem_k)):
        close.append(_partner_closures(open_arcs, used, net, node_of, partner_limit))
    delivered = np.bincount(
        indexed.head[used], weights=indexed.yld[used] * used_flow, minlength=indexed.n_dem
    )
    close_dems = np.flatnonzero((delivered > EPS_FLOW) & (delivered < indexed.dem_lot * (1 - _REL)))
    return np.unique(np.concatenate(close)), close_dems


def candidate_pool(indexed: Indexed, arcs: np.ndarray, flow: np.ndarray, per_stream: int) -> np.ndarray:
    """Arcs the repair may use: the relaxation's support plus each stream's ``per_stream`` best arcs."""
    best = np.zeros(len(arcs), bool)
    for node_of in (indexed.tail, indexed.head):
        best |= _rank_desc(node_of[arcs], indexed.gain[arcs]) < per_stream
    return arcs[best | (flow[arcs] > EPS_FLOW)]


def repair(
    indexed: Indexed,
    arcs: np.ndarray,
    relaxed_flow: np.ndarray,
    labels: Labels,
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
    relaxed_flow
        Optimal relaxed flows (its support seeds the pool, its values the first round).
    labels, scales, config
        As in :func:`~symbiosis.engine.allocation.flow.relax`.
    deadline
        ``time.perf_counter()`` value after which closures stop being gentle (one per supplier).

    Returns
    -------
    flow : numpy.ndarray
        Flow per arc of the problem (0 outside ``arcs``), feasible for every side constraint.
    rounds : int
        Relaxation solves performed.

    Notes
    -----
    Re-solving on every arc lets flow leak to new small links each round (hundreds of rounds at
    10,000 streams); the pool (support of a basic optimum, at most one arc per stream, plus
    ``config.repair_pool`` alternatives per stream) keeps each round small and the count low.
    """
    with_fixed_costs_spread = charged(indexed)
    open_arcs, dem_cap = (
        candidate_pool(with_fixed_costs_spread, arcs, relaxed_flow, config.repair_pool),
        indexed.dem_cap.copy(),
    )
    flow = np.zeros(indexed.n_arcs)
    flow[arcs] = relaxed_flow[arcs]
    rounds = 0
    while True:
        flow[flow <= EPS_FLOW] = 0.0
        gentle = rounds < config.repair_max_rounds and time.perf_counter() < deadline
        if not gentle:  # past the gentle phase only the current support stays open: it only shrinks
            open_arcs = open_arcs[flow[open_arcs] > 0]
        close_arcs, close_dems = _violations(indexed, open_arcs, flow, gentle)
        log.debug(
            "repair round %d: %d open arcs, closing %d arcs and %d demands (gentle=%s)",
            rounds,
            len(open_arcs),
            len(close_arcs),
            len(close_dems),
            gentle,
        )
        if not len(close_arcs) and not len(close_dems):
            return flow, rounds
        open_arcs = np.setdiff1d(open_arcs, close_arcs, assume_unique=True)
        dem_cap[close_dems] = 0.0
        open_arcs = open_arcs[dem_cap[indexed.head[open_arcs]] > 0]
        flow = relax(with_fixed_costs_spread, open_arcs, dem_cap, labels, scales, config).x
        rounds += 1


@dataclass(frozen=True)
class SideResult:
    """Per-component outcome of the side-constrained solve (arrays of length ``labels.n``)."""

    x: np.ndarray
    bound: np.ndarray
    status: np.ndarray
    method: np.ndarray
    seconds: np.ndarray


def _component_arcs(labels: Labels) -> list[np.ndarray]:
    order = np.argsort(labels.arc, kind="stable")
    return np.split(labels.arcs[order], np.cumsum(np.bincount(labels.arc, minlength=labels.n))[:-1])


def _work_queue(
    side_components: np.ndarray, value: np.ndarray, upper_bound: np.ndarray, config: AllocationConfig
) -> np.ndarray:
    """Components whose plan is not provably within ``mip_gap``, the largest absolute gap first."""
    gap = upper_bound - value
    need = side_components[
        gap[side_components] > config.mip_gap * np.maximum(np.abs(upper_bound[side_components]), 1e-9)
    ]
    return need[np.argsort(-gap[need], kind="stable")]


def _exact(
    indexed: Indexed, component_arcs: np.ndarray, flow: np.ndarray, share: float, config: AllocationConfig
):
    """MILP on one component, started from the plan ``flow``; returns (flows or None, bound, proven)."""
    result = solve_component(
        indexed,
        component_arcs,
        time_limit_s=share,
        mip_gap=config.mip_gap,
        start=flow[component_arcs],
        seed=config.seed,
    )
    if result.x is None:
        return None, result.bound, False
    return np.where(result.x > EPS_FLOW, result.x, 0.0), result.bound, result.optimal


def _improve(
    indexed: Indexed, component_arcs: np.ndarray, flow: np.ndarray, share: float, config: AllocationConfig
):
    """Neighbourhood search on a component too large for one MILP; the bound stays the relaxation's."""
    improved_flow, _ = improve(
        indexed,
        component_arcs,
        flow,
        deadline=time.perf_counter() + share,
        seed=config.seed,
        size=config.lns_streams,
        mip_gap=min(config.mip_gap, 1e-3),
    )
    return improved_flow[component_arcs], np.inf, False


def solve_side(
    indexed: Indexed,
    labels: Labels,
    side: np.ndarray,
    scales: Scales,
    relaxed_flow: np.ndarray,
    upper_bound: np.ndarray,
    config: AllocationConfig,
    deadline: float,
) -> SideResult:
    """Repair, then MIP (or, above ``mip_max_arcs``, neighbourhood-search) the components that need it.

    Parameters
    ----------
    indexed, labels, scales, config
        As in :func:`repair`.
    relaxed_flow
        Optimal relaxed flows on every arc.
    side
        Boolean per component: a side constraint may bind there.
    upper_bound
        Per-component upper bound from the relaxation (fixed costs and lots ignored).
    deadline
        ``time.perf_counter()`` value at which the global time limit ends.

    Returns
    -------
    SideResult
        Flows (all arcs; only side components filled), bounds, statuses, methods and seconds.
    """
    side_components = np.flatnonzero(side)
    started = time.perf_counter()
    in_side = side[labels.arc]
    with_fixed_costs_spread = charged(indexed)
    arcs = labels.arcs[in_side & (with_fixed_costs_spread.gain[labels.arcs] > 0)]
    budget = deadline - started
    tight = partner_relaxation(with_fixed_costs_spread, arcs, labels, side_components)
    upper_bound = np.minimum(upper_bound, tight.bound)
    flow, rounds = repair(indexed, arcs, relaxed_flow, labels, scales, config, started + 0.3 * budget)
    value = np.bincount(labels.arc, weights=net_value(indexed, flow)[labels.arcs], minlength=labels.n)
    if np.isfinite(tight.bound).any():  # the partner LP's flows often repair into a better plan
        seeded = np.isfinite(tight.bound)[labels.sup[indexed.tail[arcs]]]
        flow_from_partner_lp, _ = repair(
            indexed, arcs[seeded], tight.x, labels, scales, config, started + 0.3 * budget
        )
        value_from_partner_lp = np.bincount(
            labels.arc, weights=net_value(indexed, flow_from_partner_lp)[labels.arcs], minlength=labels.n
        )
        better = (value_from_partner_lp > value) & np.isfinite(tight.bound)
        take = better[labels.arc]
        flow[labels.arcs[take]] = flow_from_partner_lp[labels.arcs[take]]
        value = np.where(better, value_from_partner_lp, value)
    log.info("repair: %d rounds, %.2f s", rounds, time.perf_counter() - started)
    n_arcs = labels.count()
    seconds = (time.perf_counter() - started) * n_arcs / max(n_arcs[side_components].sum(), 1)
    bound = upper_bound.copy()
    status = np.where(side, "feasible", "").astype(object)
    method = np.where(side, "repair", "").astype(object)
    per_comp = _component_arcs(labels)
    # First pass: every component not yet within the gap gets a time share by size; second pass: the
    # time left (a component proven early frees it) goes to those still open, largest gap first.
    for _ in range(2):
        queue = _work_queue(side_components, value, bound, config)
        at_stake = bound - value  # time goes where the value at stake is, not where the arcs are
        left = float(at_stake[queue].sum())
        for component in queue:
            now, component_arcs = time.perf_counter(), per_comp[component]
            if now >= deadline - 0.05:
                status[component] = "time_limit"
                continue
            share = (deadline - now) * at_stake[component] / max(left, 1e-9)
            left -= at_stake[component]
            exact = n_arcs[component] <= config.mip_max_arcs
            component_flow, comp_bound, proven = (_exact if exact else _improve)(
                indexed, component_arcs, flow, share, config
            )
            seconds[component] += time.perf_counter() - now
            method[component] = "repair+milp" if exact else "repair+lns"
            bound[component] = min(bound[component], comp_bound)
            if component_flow is not None:
                new_value = float(
                    (
                        indexed.gain[component_arcs] * component_flow
                        - indexed.fixed[component_arcs] * (component_flow > 0)
                    ).sum()
                )
                if new_value > value[component]:
                    flow[component_arcs], value[component] = component_flow, new_value
            status[component] = "optimal" if proven else "time_limit"
    return SideResult(x=flow, bound=bound, status=status, method=method, seconds=seconds)
