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
from symbiosis.engine.allocation.side import net_value, solve_side

__all__ = ["Solved", "relative_gap", "solve", "solve_indexed"]

log = logging.getLogger(__name__)

_METHOD_ORDER = ("min_cost_flow", "lp", "repair", "milp", "lns")
DEFAULT_CONFIG = AllocationConfig()
_BUDGET_SHARE = 0.95


def relative_gap(objective: float | np.ndarray, bound: float | np.ndarray) -> float | np.ndarray:
    """``(bound − objective) / max(|bound|, 1e-9)``, clipped at 0."""
    return np.maximum(bound - objective, 0.0) / np.maximum(np.abs(bound), 1e-9)


def _flows_frame(problem: AllocationProblem, x: np.ndarray, yld: np.ndarray) -> pd.DataFrame:
    used = np.flatnonzero(x > 0)
    arcs = problem.arcs
    return pd.DataFrame(
        {
            "candidate_id": arcs["candidate_id"].to_numpy()[used],
            "supply_id": arcs["supply_id"].to_numpy()[used],
            "demand_id": arcs["demand_id"].to_numpy()[used],
            "flow_per_yr": x[used],
            "delivered_per_yr": x[used] * yld[used],
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


def _components_frame(lab: Labels, value, bound, method, status, seconds) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "component": np.arange(lab.n),
            "n_supplies": lab.count(on="sup").astype(int),
            "n_demands": lab.count(on="dem").astype(int),
            "n_arcs": lab.count().astype(int),
            "method": method,
            "status": status,
            "objective": value,
            "bound": bound,
            "seconds": seconds,
        },
        columns=list(COMPONENT_COLUMNS),
    )


def _relaxation(
    ix: Indexed, lab: Labels, config: AllocationConfig
) -> tuple[np.ndarray, Scales, np.ndarray, np.ndarray]:
    """Relaxed flows, node units (with the generalised components), per-component bound and seconds."""
    t = time.perf_counter()
    ixc = charged(ix)
    pos = lab.arcs[ixc.gain[lab.arcs] > 0]
    scales = yield_scales(ix, pos, lab)
    rel = relax(ixc, pos, ix.dem_cap, lab, scales, config)
    ub = lab.count((ixc.gain * rel.x)[lab.arcs]) + rel.delta
    n_arcs = lab.count()
    seconds = (time.perf_counter() - t) * n_arcs / max(n_arcs.sum(), 1)
    return rel.x, scales, ub, seconds


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
    """
    t0 = time.perf_counter()
    ix = index_problem(problem, config)
    solved = solve_indexed(ix, config, started=t0)
    return Allocation(
        status=solved.status,
        objective=solved.objective,
        bound=solved.bound,
        gap=solved.gap,
        flows=_flows_frame(problem, solved.x, ix.yld),
        method=solved.method,
        solve_seconds=time.perf_counter() - t0,
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
    ix: Indexed, config: AllocationConfig = DEFAULT_CONFIG, *, started: float | None = None
) -> Solved:
    """:func:`solve` on integer-indexed arrays (no frame read or built but the per-component table).

    Parameters
    ----------
    ix
        The problem (:func:`~symbiosis.engine.allocation.problem.index_arrays`).
    config
        As for :func:`solve`.
    started
        ``time.perf_counter()`` at which the time limit started (now by default).
    """
    t0 = time.perf_counter() if started is None else started
    deadline = t0 + _BUDGET_SHARE * config.time_limit_s  # the rest assembles frames and statuses
    arcs = usable_arcs(ix, config.side_constraints)
    if not len(arcs):
        return Solved(
            "empty",
            0.0,
            0.0,
            0.0,
            np.zeros(ix.n_arcs),
            "none",
            time.perf_counter() - t0,
            pd.DataFrame({c: [] for c in COMPONENT_COLUMNS}),
            config,
        )
    lab = label_components(ix, arcs)
    x, scales, bound, seconds = _relaxation(ix, lab, config)
    side = lab.count(side_active_arcs(ix, arcs).astype(float)) > 0
    side_status = side_method = np.full(lab.n, "", dtype=object)
    if side.any():
        res = solve_side(ix, lab, side, scales, x, bound, config, deadline)
        arc_side = np.zeros(ix.n_arcs, bool)
        arc_side[lab.arcs] = side[lab.arc]
        x = np.where(arc_side, res.x, x)
        bound = np.where(side, res.bound, bound)
        side_status, side_method = res.status, res.method
        seconds = seconds + np.where(side, res.seconds, 0.0)
    value = lab.count(net_value(ix, x)[lab.arcs])
    status = _statuses(value, bound, side_status, config.mip_gap)
    method = _methods(scales.general, side_method)
    objective, total_bound = float(value.sum()), float(bound.sum())
    parts = {p for m in method for p in m.split("+")}
    return Solved(
        status=_overall_status(objective, total_bound, status, config.mip_gap),
        objective=objective,
        bound=total_bound,
        gap=float(relative_gap(objective, total_bound)),
        x=x,
        method="+".join(p for p in _METHOD_ORDER if p in parts),
        solve_seconds=time.perf_counter() - t0,
        components=_components_frame(lab, value, bound, method, status, seconds),
        config=config,
    )
