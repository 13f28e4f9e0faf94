"""``solve()``: components → relaxation (flow/LP) → repair and MIP where side constraints bind.

Stateless: frames and a config in, an :class:`Allocation` out; no solver object survives the call.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.engine.allocation.components import (
    Labels,
    Scales,
    label_components,
    side_active_arcs,
    usable_arcs,
    yield_scales,
)
from symbiosis.engine.allocation.flow import charged, relax
from symbiosis.engine.allocation.problem import (
    COMPONENT_COLUMNS,
    FLOW_COLUMNS,
    Allocation,
    AllocationConfig,
    AllocationProblem,
    Indexed,
    index_problem,
)
from symbiosis.engine.allocation.side import EPS_FLOW, net_value, solve_side

__all__ = ["Solved", "relative_gap", "solve", "solve_indexed", "without_noise"]

log = logging.getLogger(__name__)

_METHOD_ORDER = ("min_cost_flow", "lp", "repair", "milp", "lns")
DEFAULT_CONFIG = AllocationConfig()
_BUDGET_SHARE = 0.95


def relative_gap(objective: float | np.ndarray, bound: float | np.ndarray) -> float | np.ndarray:
    """``(bound − objective) / max(|bound|, 1e-9)``, clipped at 0."""
    return np.maximum(bound - objective, 0.0) / np.maximum(np.abs(bound), 1e-9)


def without_noise(indexed: Indexed, flow: np.ndarray) -> np.ndarray:
    """``flow`` with the solvers' round-off (|x| ≤ 1e-9 of the arc's capacity, or of 1 unit) set to 0.

    A simplex basis leaves values such as 1.8e-15 t/yr on arcs it does not use; kept, each became a
    proposal of nothing (the sample listed four, counted in the exchanges and the pipeline).
    """
    cap = np.where(np.isfinite(indexed.cap_arc), indexed.cap_arc, indexed.sup_cap[indexed.tail])
    scale = np.maximum(1.0, np.where(np.isfinite(cap), np.abs(cap), 1.0))
    return np.where(np.abs(flow) <= EPS_FLOW * scale, 0.0, flow)


def _flows_frame(problem: AllocationProblem, flow: np.ndarray, yld: np.ndarray) -> pd.DataFrame:
    used = np.flatnonzero(flow > 0)
    arcs = problem.arcs
    return pd.DataFrame(
        {
            "candidate_id": arcs["candidate_id"].to_numpy()[used],
            "supply_id": arcs["supply_id"].to_numpy()[used],
            "demand_id": arcs["demand_id"].to_numpy()[used],
            "flow_per_yr": flow[used],
            "delivered_per_yr": flow[used] * yld[used],
        },
        columns=list(FLOW_COLUMNS),
    )


def _methods(general: np.ndarray, side_method: np.ndarray) -> np.ndarray:
    base = np.where(general, "lp", "min_cost_flow").astype(object)
    with_side = base + "+" + side_method.astype(object)
    return np.where(side_method != "", with_side, base)


def _statuses(value: np.ndarray, bound: np.ndarray, side_status: np.ndarray, tol: float) -> np.ndarray:
    proven = relative_gap(value, bound) <= tol
    fallback = np.where(side_status != "", side_status, "feasible")
    return np.where(proven, "optimal", fallback).astype(object)


def _overall_status(objective: float, bound: float, statuses: np.ndarray, tol: float) -> str:
    if relative_gap(objective, bound) <= tol:
        return "optimal"
    return "time_limit" if (statuses == "time_limit").any() else "feasible"


def _components_frame(labels: Labels, value, bound, method, status, seconds) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "component": np.arange(labels.n),
            "n_supplies": labels.count(on="sup").astype(int),
            "n_demands": labels.count(on="dem").astype(int),
            "n_arcs": labels.count().astype(int),
            "method": method,
            "status": status,
            "objective": value,
            "bound": bound,
            "seconds": seconds,
        },
        columns=list(COMPONENT_COLUMNS),
    )


def _relaxation(
    indexed: Indexed, labels: Labels, config: AllocationConfig
) -> tuple[np.ndarray, Scales, np.ndarray, np.ndarray]:
    """Relaxed flows, node units (with the generalised components), per-component bound and seconds."""
    started = time.perf_counter()
    with_fixed_costs_spread = charged(indexed)
    gaining_arcs = labels.arcs[with_fixed_costs_spread.gain[labels.arcs] > 0]
    scales = yield_scales(indexed, gaining_arcs, labels)
    relaxed = relax(with_fixed_costs_spread, gaining_arcs, indexed.dem_cap, labels, scales, config)
    bound = labels.count((with_fixed_costs_spread.gain * relaxed.x)[labels.arcs]) + relaxed.delta
    n_arcs = labels.count()
    seconds = (time.perf_counter() - started) * n_arcs / max(n_arcs.sum(), 1)
    return relaxed.x, scales, bound, seconds


def solve(problem: AllocationProblem, config: AllocationConfig = DEFAULT_CONFIG) -> Allocation:
    """Allocate supplies to demands to maximise Σ gain·flow − Σ fixed·open.

    Parameters
    ----------
    problem
        Supplies, demands and candidate arcs.
    config
        Which side constraints apply, time limit, gap tolerance, integer scales.

    Returns
    -------
    Allocation
        Flows, objective, a proven bound and the gap, per-component details.

    Examples
    --------
    Two supplies (100 and 50 t/yr), two demands (80 and 60 t/yr) and four links, each with its
    gain per tonne. By hand: S1 fills D1 (80 × 10), S2 fills D2 (50 × 9), and S1's last 20 t can
    only go to D2, which has 10 t of room left (10 × 4): 800 + 450 + 40 = 1,290.

    >>> from symbiosis.engine.allocation import check_solution, make_problem, solve
    >>> problem = make_problem(
    ...     [{"stream_id": "S1", "capacity": 100.0}, {"stream_id": "S2", "capacity": 50.0}],
    ...     [{"stream_id": "D1", "capacity": 80.0}, {"stream_id": "D2", "capacity": 60.0}],
    ...     [
    ...         {"candidate_id": "S1>D1", "supply_id": "S1", "demand_id": "D1", "gain_per_unit": 10.0},
    ...         {"candidate_id": "S1>D2", "supply_id": "S1", "demand_id": "D2", "gain_per_unit": 4.0},
    ...         {"candidate_id": "S2>D1", "supply_id": "S2", "demand_id": "D1", "gain_per_unit": 3.0},
    ...         {"candidate_id": "S2>D2", "supply_id": "S2", "demand_id": "D2", "gain_per_unit": 9.0},
    ...     ],
    ... )
    >>> allocation = solve(problem)
    >>> allocation.status, allocation.objective, allocation.bound
    ('optimal', 1290.0, 1290.0)
    >>> print(allocation.flows[["candidate_id", "flow_per_yr"]].to_string(index=False))
    candidate_id  flow_per_yr
           S1>D1         80.0
           S1>D2         10.0
           S2>D2         50.0
    >>> check_solution(problem, allocation)
    []
    """
    started = time.perf_counter()
    indexed = index_problem(problem, config)
    solved = solve_indexed(indexed, config, started=started)
    return Allocation(
        status=solved.status,
        objective=solved.objective,
        bound=solved.bound,
        gap=solved.gap,
        flows=_flows_frame(problem, solved.x, indexed.yld),
        method=solved.method,
        solve_seconds=time.perf_counter() - started,
        components=solved.components,
        config=config,
    )


@dataclass(frozen=True)
class Solved:
    """What :func:`solve_indexed` found: :class:`Allocation` with the flow of every arc as an array."""

    status: str
    objective: float
    bound: float
    gap: float
    x: np.ndarray
    method: str
    solve_seconds: float
    components: pd.DataFrame
    config: AllocationConfig


def solve_indexed(
    indexed: Indexed, config: AllocationConfig = DEFAULT_CONFIG, *, started: float | None = None
) -> Solved:
    """:func:`solve` on integer-indexed arrays (no frame read or built but the per-component table).

    Parameters
    ----------
    indexed
        The problem (:func:`~symbiosis.engine.allocation.problem.index_arrays`).
    config
        As for :func:`solve`.
    started
        ``time.perf_counter()`` at which the time limit started (now by default).
    """
    started = time.perf_counter() if started is None else started
    deadline = started + _BUDGET_SHARE * config.time_limit_s  # the rest assembles frames and statuses
    arcs = usable_arcs(indexed, config.side_constraints)
    if not len(arcs):
        return Solved(
            "empty",
            0.0,
            0.0,
            0.0,
            np.zeros(indexed.n_arcs),
            "none",
            time.perf_counter() - started,
            pd.DataFrame({c: [] for c in COMPONENT_COLUMNS}),
            config,
        )
    labels = label_components(indexed, arcs)
    flow, scales, bound, seconds = _relaxation(indexed, labels, config)
    has_side = labels.count(side_active_arcs(indexed, arcs).astype(float)) > 0
    side_status = side_method = np.full(labels.n, "", dtype=object)
    if has_side.any():
        side = solve_side(indexed, labels, has_side, scales, flow, bound, config, deadline)
        arc_in_side_component = np.zeros(indexed.n_arcs, bool)
        arc_in_side_component[labels.arcs] = has_side[labels.arc]
        flow = np.where(arc_in_side_component, side.x, flow)
        bound = np.where(has_side, side.bound, bound)
        side_status, side_method = side.status, side.method
        seconds = seconds + np.where(has_side, side.seconds, 0.0)
    flow = without_noise(indexed, flow)
    value = labels.count(net_value(indexed, flow)[labels.arcs])
    status = _statuses(value, bound, side_status, config.mip_gap)
    method = _methods(scales.general, side_method)
    objective, total_bound = float(value.sum()), float(bound.sum())
    parts = {part for m in method for part in m.split("+")}
    return Solved(
        status=_overall_status(objective, total_bound, status, config.mip_gap),
        objective=objective,
        bound=total_bound,
        gap=float(relative_gap(objective, total_bound)),
        x=flow,
        method="+".join(part for part in _METHOD_ORDER if part in parts),
        solve_seconds=time.perf_counter() - started,
        components=_components_frame(labels, value, bound, method, status, seconds),
        config=config,
    )
