"""Allocation of supplies to demands: min-cost flow where it is exact, repair and MIP for side constraints.

Data in, data out: build an :class:`AllocationProblem`, call :func:`solve`, audit the result with
:func:`check_solution`. The formulation is written down in ``docs/model.md``; :func:`solve` has a
two-supply, two-demand example worked by hand.

Glossary of the index arrays
----------------------------
:func:`~symbiosis.engine.allocation.problem.index_problem` numbers supplies ``0..S-1``, demands
``0..D-1`` and arcs (candidate links) ``0..A-1`` once; every solver layer then reads
:class:`Indexed` numpy arrays (the variable holding them is called ``indexed``):

===========  ======  ==========================================================================
array        length  meaning
===========  ======  ==========================================================================
``tail``     A       position of the arc's supply
``head``     A       position of the arc's demand
``yld``      A       yield: demand units delivered per supply unit shipped
``cap_arc``  A       effective upper bound of the arc's flow, supply units/yr:
                     min(arc upper, supply capacity, demand capacity / yield)
``gain``     A       objective per supply unit shipped (may be negative)
``fixed``    A       objective cost of opening the arc (0 unless side constraints apply)
``sup_cap``  S       supply capacity, supply units/yr
``sup_lot``  S       minimum flow on each opened arc of the supply (0 = none)
``sup_k``    S       most partners of the supply (0 = unlimited)
``dem_cap``  D       demand capacity, demand units/yr
``dem_lot``  D       minimum total delivered to a served demand, suppliers pooled (0 = none)
``dem_k``    D       most partners of the demand (0 = unlimited)
===========  ======  ==========================================================================

Other names used throughout: ``flow`` (supply units/yr per arc, the decision), ``labels``
(:class:`~symbiosis.engine.allocation.components.Labels`: the connected component of every arc,
supply and demand), ``arc_positions`` (positions in the arrays above of a subset of arcs) and,
in the exact model (:mod:`~symbiosis.engine.allocation.mip`), the variable families ``Link-flow``,
``Link-open`` and ``Demand-served`` and the constraint families listed in
:data:`~symbiosis.engine.allocation.mip.CONSTRAINT_FAMILIES`.
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
