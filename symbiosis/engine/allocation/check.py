"""Solver-free verification of an :class:`Allocation` against its problem, from the true floats.

Each ``_check_*`` returns :class:`~symbiosis.findings.Finding` objects (a code, and its bilingual
detail from the message catalogue);
:func:`check_solution` gathers them. A tolerance ``tol`` is relative to the size of the right-hand
side: ``lhs <= rhs + tol·max(1, |rhs|)``.

Names: ``arc_positions`` are the positions (in :class:`Indexed`) of the arcs that carry flow,
``flow`` the supply units per year shipped on each of them and ``delivered`` the demand units per
year they bring (``flow × yield``).
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
from symbiosis.findings import Finding
from symbiosis.i18n import TextTable, plural_text

__all__ = ["CHECK_TEXTS", "KNOWN_STATUSES", "check_flows", "check_solution"]

#: Statuses :func:`~symbiosis.engine.allocation.solve` may return.
KNOWN_STATUSES = ("optimal", "feasible", "time_limit", "infeasible", "empty")


#: What each finding code says, from the message catalogue (``allocation.check.<code>``; a counted
#: finding has its plural forms ``<code>.one`` and ``<code>.other``).
CHECK_TEXTS = TextTable("allocation.check")


def _violation(code: str, **values: object) -> Finding:
    return Finding(code=code, detail=CHECK_TEXTS[code].format(**values))


def _counted(code: str, n: int) -> Finding:
    """A finding about ``n`` flows, offers, demands or links, in each language's plural."""
    return Finding(code=code, detail=plural_text(f"allocation.check.{code}", n))


def _over(lhs: np.ndarray, rhs: np.ndarray, tol: float) -> np.ndarray:
    return lhs > rhs + tol * np.maximum(1.0, np.abs(rhs))


def _positions_of_flows(problem: AllocationProblem, flows: pd.DataFrame) -> tuple[np.ndarray, list[Finding]]:
    index = pd.Index(problem.arcs["candidate_id"].astype(str))
    positions = index.get_indexer(pd.Index(flows["candidate_id"].astype(str)))
    found = []
    unknown = int((positions < 0).sum())
    if unknown:
        found.append(_counted("flow_unknown_candidate", unknown))
    if flows["candidate_id"].duplicated().any():
        found.append(_violation("flow_duplicate_candidate"))
    known = positions >= 0
    for column in ("supply_id", "demand_id"):
        expected = problem.arcs[column].astype(str).to_numpy()[positions[known]]
        if (flows[column].astype(str).to_numpy()[known] != expected).any():
            found.append(_violation(f"flow_{column}_mismatch"))
    return positions, found


def _check_arcs(
    indexed: Indexed, arc_positions: np.ndarray, flow: np.ndarray, delivered: np.ndarray, tol: float
) -> list[Finding]:
    found = []
    negative = int((flow < 0).sum())
    if negative:
        found.append(_counted("flow_negative", negative))
    upper = indexed.cap_arc[arc_positions] if len(arc_positions) else flow
    if _over(flow, upper, tol).any():
        found.append(_violation("flow_over_arc_upper"))
    if not np.allclose(delivered, flow * indexed.yld[arc_positions], rtol=tol, atol=tol):
        found.append(_violation("delivered_not_flow_times_yield"))
    return found


def _check_balances(
    indexed: Indexed, arc_positions: np.ndarray, flow: np.ndarray, tol: float
) -> list[Finding]:
    found = []
    shipped = np.bincount(indexed.tail[arc_positions], weights=flow, minlength=indexed.n_sup)
    received = np.bincount(
        indexed.head[arc_positions], weights=flow * indexed.yld[arc_positions], minlength=indexed.n_dem
    )
    over_supplies = int(_over(shipped, indexed.sup_cap, tol).sum())
    if over_supplies:
        found.append(_counted("supply_over_capacity", over_supplies))
    over_demands = int(_over(received, indexed.dem_cap, tol).sum())
    if over_demands:
        found.append(_counted("demand_over_capacity", over_demands))
    return found


def _check_side(indexed: Indexed, arc_positions: np.ndarray, flow: np.ndarray, tol: float) -> list[Finding]:
    found = []
    supplier_lot = indexed.sup_lot[indexed.tail[arc_positions]]
    small_links = int(_over(supplier_lot, flow, tol).sum())
    if small_links:
        found.append(_counted("link_below_supply_min_lot", small_links))
    received = np.bincount(
        indexed.head[arc_positions], weights=flow * indexed.yld[arc_positions], minlength=indexed.n_dem
    )
    short = int(((received > 0) & _over(indexed.dem_lot, received, tol)).sum())
    if short:
        found.append(_counted("demand_below_min_lot", short))
    ends = (
        (indexed.tail, indexed.sup_k, indexed.n_sup, "supply"),
        (indexed.head, indexed.dem_k, indexed.n_dem, "demand"),
    )
    for end_of_arc, partner_limit, n_ends, name in ends:
        partners = np.bincount(end_of_arc[arc_positions], minlength=n_ends)
        if ((partner_limit > 0) & (partners > partner_limit)).any():
            found.append(_violation(f"{name}_too_many_partners"))
    return found


def _check_objective(
    indexed: Indexed, arc_positions: np.ndarray, flow: np.ndarray, allocation: Allocation, tol: float
) -> list[Finding]:
    value = float((indexed.gain[arc_positions] * flow).sum() - indexed.fixed[arc_positions].sum())
    found = []
    scale = max(1.0, abs(value))
    claimed, bound = allocation.objective, allocation.bound
    if abs(value - claimed) > tol * scale * 10:
        found.append(_violation("objective_mismatch", claimed=f"{claimed:.6g}", value=f"{value:.6g}"))
    if bound < claimed - tol * scale:
        found.append(_violation("bound_below_objective", bound=f"{bound:.6g}", claimed=f"{claimed:.6g}"))
    if allocation.gap < -tol:
        found.append(_violation("negative_gap"))
    return found


def check_solution(
    problem: AllocationProblem,
    allocation: Allocation,
    *,
    tol: float = 1e-6,
    config: AllocationConfig | None = None,
) -> list[Finding]:
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
    list of Finding
        One error per kind of violation (code such as ``supply_over_capacity``, bilingual detail);
        empty when the allocation is valid.
    """
    config = config or allocation.config
    indexed = index_problem(problem, config)
    flows = allocation.flows
    positions, found = _positions_of_flows(problem, flows)
    known = positions >= 0
    flow = flows["flow_per_yr"].to_numpy(dtype=float)[known]
    delivered = flows["delivered_per_yr"].to_numpy(dtype=float)[known]
    return found + _audit(indexed, positions[known], flow, delivered, allocation, tol)


def check_flows(
    indexed: Indexed, flow: np.ndarray, allocation: Allocation, *, tol: float = 1e-6
) -> list[Finding]:
    """:func:`check_solution` on integer arrays: ``flow`` on every arc of ``indexed`` (0 if unused).

    ``allocation`` gives the claimed objective, bound, gap and status (its ``flows`` are not read).
    """
    used = np.flatnonzero(flow > 0)
    return _audit(indexed, used, flow[used], flow[used] * indexed.yld[used], allocation, tol)


def _audit(
    indexed: Indexed,
    arc_positions: np.ndarray,
    flow: np.ndarray,
    delivered: np.ndarray,
    allocation: Allocation,
    tol: float,
) -> list[Finding]:
    found = _check_arcs(indexed, arc_positions, flow, delivered, tol)
    used = flow > 0  # only used links count as opened (partners, fixed costs)
    arc_positions, flow = arc_positions[used], flow[used]
    found += _check_balances(indexed, arc_positions, flow, tol)
    found += _check_side(indexed, arc_positions, flow, tol)
    found += _check_objective(indexed, arc_positions, flow, allocation, tol)
    if allocation.status not in KNOWN_STATUSES:
        found.append(_violation("unknown_status", status=repr(allocation.status)))
    return found
