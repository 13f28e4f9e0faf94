"""Solver-free verification of an :class:`Allocation` against its problem, from the true floats.

Each ``_check_*`` returns messages; :func:`check_solution` gathers them. A tolerance ``tol`` is
relative to the size of the right-hand side: ``lhs <= rhs + tol·max(1, |rhs|)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.engine.allocation.problem import (
    Allocation,
    AllocationConfig,
    AllocationProblem,
    Indexed,
    index_problem,
)

__all__ = ["check_flows", "check_solution"]


def _over(lhs: np.ndarray, rhs: np.ndarray, tol: float) -> np.ndarray:
    return lhs > rhs + tol * np.maximum(1.0, np.abs(rhs))


def _arc_positions(problem: AllocationProblem, flows: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    index = pd.Index(problem.arcs["candidate_id"].astype(str))
    pos = index.get_indexer(flows["candidate_id"].astype(str))
    errors = []
    if (pos < 0).any():
        errors.append(f"{int((pos < 0).sum())} flow(s) on unknown candidate_id")
    if flows["candidate_id"].duplicated().any():
        errors.append("a candidate_id appears twice in flows")
    ok = pos >= 0
    for col in ("supply_id", "demand_id"):
        want = problem.arcs[col].astype(str).to_numpy()[pos[ok]]
        if (flows[col].astype(str).to_numpy()[ok] != want).any():
            errors.append(f"{col} of a flow differs from its candidate's")
    return pos, errors


def _check_arcs(ix, pos, x, delivered, tol) -> list[str]:
    errors = []
    if (x < 0).any():
        errors.append(f"{int((x < 0).sum())} negative flow(s)")
    if _over(x, ix.cap_arc[pos] if len(pos) else x, tol).any():
        errors.append("a flow exceeds its upper bound or an end's capacity")
    if not np.allclose(delivered, x * ix.yld[pos], rtol=tol, atol=tol):
        errors.append("delivered_per_yr != flow_per_yr × yield_ratio")
    return errors


def _check_balances(ix, pos, x, tol) -> list[str]:
    errors = []
    out = np.bincount(ix.tail[pos], weights=x, minlength=ix.n_sup)
    got = np.bincount(ix.head[pos], weights=x * ix.yld[pos], minlength=ix.n_dem)
    if _over(out, ix.sup_cap, tol).any():
        errors.append(f"{int(_over(out, ix.sup_cap, tol).sum())} supply(ies) over capacity")
    if _over(got, ix.dem_cap, tol).any():
        errors.append(f"{int(_over(got, ix.dem_cap, tol).sum())} demand(s) over capacity")
    return errors


def _check_side(ix, pos, x, tol) -> list[str]:
    errors = []
    lot = ix.sup_lot[ix.tail[pos]]
    if _over(lot, x, tol).any():
        errors.append(f"{int(_over(lot, x, tol).sum())} link(s) below their supplier's minimum lot")
    got = np.bincount(ix.head[pos], weights=x * ix.yld[pos], minlength=ix.n_dem)
    short = (got > 0) & _over(ix.dem_lot, got, tol)
    if short.any():
        errors.append(f"{int(short.sum())} served demand(s) below their minimum lot")
    ends = ((ix.tail, ix.sup_k, ix.n_sup, "supply"), (ix.head, ix.dem_k, ix.n_dem, "demand"))
    for node, k, n, name in ends:
        partners = np.bincount(node[pos], minlength=n)
        if ((k > 0) & (partners > k)).any():
            errors.append(f"a {name} has more partners than allowed")
    return errors


def _check_objective(ix, pos, x, allocation: Allocation, tol) -> list[str]:
    value = float((ix.gain[pos] * x).sum() - ix.fixed[pos].sum())
    errors = []
    scale = max(1.0, abs(value))
    if abs(value - allocation.objective) > tol * scale * 10:
        errors.append(f"objective {allocation.objective:.6g} != recomputed {value:.6g}")
    if allocation.bound < allocation.objective - tol * scale:
        errors.append(f"bound {allocation.bound:.6g} below objective {allocation.objective:.6g}")
    if allocation.gap < -tol:
        errors.append("negative gap")
    return errors


def check_solution(
    problem: AllocationProblem,
    allocation: Allocation,
    *,
    tol: float = 1e-6,
    config: AllocationConfig | None = None,
) -> list[str]:
    """Recompute every balance, bound and side constraint of an allocation without a solver.

    Parameters
    ----------
    problem
        The instance that was solved.
    allocation
        What :func:`~symbiosis.engine.allocation.solve` returned (or any allocation to audit).
    tol
        Relative tolerance.
    config
        Which constraints apply; defaults to ``allocation.config``.

    Returns
    -------
    list of str
        One message per violation; empty when the allocation is valid.
    """
    config = config or allocation.config
    ix = index_problem(problem, config)
    flows = allocation.flows
    pos, errors = _arc_positions(problem, flows)
    ok = pos >= 0
    x = flows["flow_per_yr"].to_numpy(dtype=float)[ok]
    delivered = flows["delivered_per_yr"].to_numpy(dtype=float)[ok]
    return errors + _audit(ix, pos[ok], x, delivered, allocation, tol)


def check_flows(ix: Indexed, x: np.ndarray, allocation: Allocation, *, tol: float = 1e-6) -> list[str]:
    """:func:`check_solution` on integer arrays: ``x`` is the flow of every arc of ``ix`` (0 if unused).

    ``allocation`` gives the claimed objective, bound, gap and status (its ``flows`` are not read).
    """
    pos = np.flatnonzero(x > 0)
    return _audit(ix, pos, x[pos], x[pos] * ix.yld[pos], allocation, tol)


def _audit(
    ix: Indexed, pos: np.ndarray, x: np.ndarray, delivered: np.ndarray, allocation: Allocation, tol: float
) -> list[str]:
    errors = _check_arcs(ix, pos, x, delivered, tol)
    used = x > 0  # only used links count as opened (partners, fixed costs)
    pos, x = pos[used], x[used]
    errors += _check_balances(ix, pos, x, tol)
    errors += _check_side(ix, pos, x, tol)
    errors += _check_objective(ix, pos, x, allocation, tol)
    if allocation.status not in ("optimal", "feasible", "time_limit", "infeasible", "empty"):
        errors.append(f"unknown status {allocation.status!r}")
    return errors
