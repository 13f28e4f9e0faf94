"""Independent reference solutions (one monolithic LP or MILP with scipy's HiGHS) for tests and gaps.

Written straight from the frames, sharing no code with the solver layers, so that agreement
between :func:`~symbiosis.engine.allocation.solve` and these is evidence, not an echo.
Not for production sizes: no decomposition, no time budget beyond HiGHS's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, csr_matrix, hstack, identity, vstack

from symbiosis.engine.allocation.problem import AllocationConfig, AllocationProblem

__all__ = ["Reference", "reference_lp", "reference_milp"]


@dataclass(frozen=True)
class Reference:
    """Objective, proven upper bound and flows per arc (problem.arcs order) of a reference solve."""

    objective: float
    bound: float
    x: np.ndarray
    optimal: bool


def _incidence(problem: AllocationProblem):
    arcs = problem.arcs
    s = pd.Index(problem.supplies["stream_id"].astype(str)).get_indexer(
        pd.Index(arcs["supply_id"].astype(str))
    )
    d = pd.Index(problem.demands["stream_id"].astype(str)).get_indexer(
        pd.Index(arcs["demand_id"].astype(str))
    )
    n = len(arcs)
    yld = arcs["yield_ratio"].to_numpy(float)
    sup = csr_matrix((np.ones(n), (s, np.arange(n))), shape=(len(problem.supplies), n))
    dem = csr_matrix((yld, (d, np.arange(n))), shape=(len(problem.demands), n))
    return sup, dem, s, d, yld


def reference_lp(problem: AllocationProblem) -> Reference:
    """Pure allocation as one LP: max gain·x, Σ out x <= s, Σ in yield·x <= c, 0 <= x <= upper."""
    arcs = problem.arcs
    if len(arcs) == 0:
        return Reference(0.0, 0.0, np.zeros(0), True)
    sup, dem, *_ = _incidence(problem)
    b_ub = np.r_[problem.supplies["capacity"].to_numpy(float), problem.demands["capacity"].to_numpy(float)]
    bounds = np.column_stack([np.zeros(len(arcs)), arcs["upper"].to_numpy(float)])
    res = linprog(
        -arcs["gain_per_unit"].to_numpy(float),
        A_ub=vstack([sup, dem]).tocsr(),
        b_ub=b_ub,
        bounds=bounds,
        method="highs",
    )
    return Reference(-res.fun, -res.fun, res.x, res.status == 0)


def _limit(frame: pd.DataFrame, exclusive: bool) -> np.ndarray:
    k = frame["max_partners"].to_numpy(float) if "max_partners" in frame else np.zeros(len(frame))
    return np.ones(len(frame)) if exclusive else k


def reference_milp(
    problem: AllocationProblem, config: AllocationConfig, time_limit_s: float = 30.0
) -> Reference:
    """Side-constrained allocation as one MILP over variables [x (A), y (A), z (D)].

    max gain·x − fixed·y  s.t.  capacities;  x <= upper·y;  x >= supplier lot·y;
    Σ in yield·x >= demand lot·z;  y <= z(demand);  Σ y <= k per stream (k > 0).
    """
    arcs = problem.arcs
    n, nd = len(arcs), len(problem.demands)
    if n == 0:
        return Reference(0.0, 0.0, np.zeros(0), True)
    sup, dem, s, d, yld = _incidence(problem)
    s_cap = problem.supplies["capacity"].to_numpy(float)
    d_cap = problem.demands["capacity"].to_numpy(float)
    big = np.minimum(np.minimum(arcs["upper"].to_numpy(float), s_cap[s]), d_cap[d] / yld)
    s_lot = problem.supplies["min_lot"].to_numpy(float)[s]
    d_lot = problem.demands["min_lot"].to_numpy(float)
    eye = identity(n, format="csr")
    zero_a, zero_d = csr_matrix((n, nd)), csr_matrix((len(problem.supplies), nd))
    z_of_arc = csr_matrix((np.ones(n), (np.arange(n), d)), shape=(n, nd))
    blocks = [
        (hstack([sup, csr_matrix(sup.shape), zero_d]), -np.inf, s_cap),
        (hstack([dem, csr_matrix(dem.shape), csr_matrix((nd, nd))]), -np.inf, d_cap),
        (hstack([eye, -coo_matrix(np.diag(big)), zero_a]), -np.inf, 0.0),
        (hstack([-eye, coo_matrix(np.diag(s_lot)), zero_a]), -np.inf, 0.0),
        (hstack([-dem, csr_matrix(dem.shape), coo_matrix(np.diag(d_lot))]), -np.inf, 0.0),
        (hstack([csr_matrix((n, n)), eye, -z_of_arc]), -np.inf, 0.0),
    ]
    for inc, k in (
        (sup, _limit(problem.supplies, config.exclusive)),
        (dem != 0, _limit(problem.demands, config.exclusive)),
    ):
        rows = np.flatnonzero(k > 0)
        row = hstack([csr_matrix((len(rows), n)), inc[rows].astype(float), csr_matrix((len(rows), nd))])
        blocks.append((row, -np.inf, k[rows]))
    a = vstack([b[0] for b in blocks]).tocsr()
    lo = np.concatenate([np.broadcast_to(np.asarray(b[1], float), b[0].shape[0]) for b in blocks])
    hi = np.concatenate([np.broadcast_to(np.asarray(b[2], float), b[0].shape[0]) for b in blocks])
    c = np.r_[-arcs["gain_per_unit"].to_numpy(float), arcs["fixed_cost"].to_numpy(float), np.zeros(nd)]
    bounds = Bounds(0, np.r_[big, np.ones(n + nd)])
    res = milp(
        c,
        integrality=np.r_[np.zeros(n), np.ones(n + nd)],
        bounds=bounds,
        constraints=LinearConstraint(a, lo, hi),
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-9, "disp": False},
    )
    x = res.x[:n] if res.x is not None else np.zeros(n)
    return Reference(-res.fun if res.x is not None else 0.0, -res.mip_dual_bound, x, res.status == 0)
