"""Allocation of supplies to demands: min-cost flow where it is exact, repair and MIP for side constraints.

Data in, data out: build an :class:`AllocationProblem`, call :func:`solve`, audit the result with
:func:`check_solution`. The formulation is written down in ``docs/model.md``.
"""

from symbiosis.engine.allocation.check import check_flows, check_solution
from symbiosis.engine.allocation.problem import (
    Allocation,
    AllocationConfig,
    AllocationProblem,
    Indexed,
    index_arrays,
    make_problem,
)
from symbiosis.engine.allocation.solve import Solved, solve, solve_indexed

__all__ = [
    "Allocation",
    "AllocationConfig",
    "AllocationProblem",
    "Indexed",
    "Solved",
    "check_flows",
    "check_solution",
    "index_arrays",
    "make_problem",
    "solve",
    "solve_indexed",
]
