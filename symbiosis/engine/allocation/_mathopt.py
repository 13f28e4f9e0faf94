"""A MILP in arrays solved by HiGHS through OR-Tools MathOpt, with a starting solution.

scipy's ``milp`` takes no starting point; MathOpt hands HiGHS a solution hint (its ``setSolution``),
so a MILP started from a good feasible plan prunes by it from the first node. The model is written
straight into MathOpt's ``ModelProto`` from numpy arrays (no Python object per variable) and solved
by the pybind entry point; nothing solver-side outlives :func:`solve_milp`. HiGHS here is the copy
bundled in the ortools wheel (never ``highspy`` beside it: the versions clash).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import numpy as np
from ortools.math_opt import model_parameters_pb2, model_pb2, parameters_pb2, result_pb2
from ortools.math_opt.core.python import solver
from ortools.math_opt.python import callback, init_arguments, parameters
from scipy.sparse import coo_matrix

__all__ = ["MilpResult", "solve_milp"]

log = logging.getLogger(__name__)

_OPTIMAL = result_pb2.TERMINATION_REASON_OPTIMAL
_FEASIBLE_SOLUTION = 2  # SOLUTION_STATUS_FEASIBLE


@dataclass(frozen=True)
class MilpResult:
    """Best solution found (None when none), the proven lower bound of the minimum, whether optimal."""

    x: np.ndarray | None
    bound: float
    optimal: bool


def _model(
    cost: np.ndarray,
    integer: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> model_pb2.ModelProto:
    n, m = len(cost), len(lo)
    proto = model_pb2.ModelProto()
    ids = np.arange(n)
    proto.variables.ids.extend(ids.tolist())
    proto.variables.lower_bounds.extend(lb.tolist())
    proto.variables.upper_bounds.extend(ub.tolist())
    proto.variables.integers.extend(integer.astype(bool).tolist())
    nonzero = np.flatnonzero(cost)
    proto.objective.maximize = False
    proto.objective.linear_coefficients.ids.extend(nonzero.tolist())
    proto.objective.linear_coefficients.values.extend(cost[nonzero].tolist())
    proto.linear_constraints.ids.extend(range(m))
    proto.linear_constraints.lower_bounds.extend(lo.tolist())
    proto.linear_constraints.upper_bounds.extend(hi.tolist())
    matrix = coo_matrix((vals, (rows, cols)), shape=(m, n)).tocsr()  # row-major, duplicates summed
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    row_ids = np.repeat(np.arange(m), np.diff(matrix.indptr))
    proto.linear_constraint_matrix.row_ids.extend(row_ids.tolist())
    proto.linear_constraint_matrix.column_ids.extend(matrix.indices.tolist())
    proto.linear_constraint_matrix.coefficients.extend(matrix.data.tolist())
    return proto


def _parameters(time_limit_s: float, rel_gap: float, seed: int) -> parameters_pb2.SolveParametersProto:
    params = parameters.SolveParameters(
        time_limit=datetime.timedelta(seconds=max(time_limit_s, 0.01)),
        relative_gap_tolerance=rel_gap,
        random_seed=seed,
        enable_output=False,
    )
    return params.to_proto()


def solve_milp(
    cost: np.ndarray,
    integer: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    *,
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    hint: np.ndarray | None = None,
    time_limit_s: float,
    rel_gap: float,
    seed: int = 0,
) -> MilpResult:
    """Minimise ``cost·x`` s.t. ``lo <= A x <= hi`` (``A`` as COO triplets), bounds, integrality.

    Parameters
    ----------
    cost, integer, lb, ub
        One entry per variable.
    rows, cols, vals, lo, hi
        The constraint matrix as triplets and its row bounds (±inf allowed).
    hint
        A starting solution (all variables), handed to HiGHS as a hint.
    time_limit_s, rel_gap
        Stop at this wall-clock time or relative gap.
    seed
        HiGHS random seed.

    Returns
    -------
    MilpResult
        ``bound`` is HiGHS's dual bound on the minimum (``-inf`` when none).
    """
    proto = _model(cost, integer, lb, ub, rows, cols, vals, lo, hi)
    model_params = model_parameters_pb2.ModelSolveParametersProto()
    if hint is not None:
        values = model_params.solution_hints.add().variable_values
        values.ids.extend(range(len(hint)))
        values.values.extend(np.asarray(hint, dtype=float).tolist())
    result = solver.solve(
        proto,
        parameters.SolverType.HIGHS.value,
        init_arguments.StreamableSolverInitArguments().to_proto(),
        _parameters(time_limit_s, rel_gap, seed),
        model_params,
        None,
        callback.CallbackRegistration().to_proto(),
        None,
        None,
    )
    bound = result.termination.objective_bounds.dual_bound
    best = next(
        (
            s.primal_solution
            for s in result.solutions
            if s.HasField("primal_solution") and s.primal_solution.feasibility_status == _FEASIBLE_SOLUTION
        ),
        None,
    )
    if best is None:
        log.info("MILP (%d variables): no solution (%s)", len(cost), result.termination.detail)
        return MilpResult(None, bound, False)
    x = np.zeros(len(cost))
    x[np.asarray(best.variable_values.ids, dtype=np.int64)] = np.asarray(best.variable_values.values)
    return MilpResult(x, bound, result.termination.reason == _OPTIMAL)
