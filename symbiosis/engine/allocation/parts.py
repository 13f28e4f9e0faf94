"""Allocation by parts: the usable graph cut into independent groups of components, solved one by one.

Connected components share no supply, demand or arc, so the optimum of the whole is the union of
the optima of its components. :func:`split_parts` groups them into **parts** by a rule that reads
the problem only (never the number of workers): every component holding more than
``max_part_arcs`` usable arcs is a part of its own (the giant component goes to one worker), the
others are packed, in the order of their labels, into parts of at most ``max_part_arcs`` arcs.
:func:`solve_parts` solves each part with :func:`~symbiosis.engine.allocation.solve.solve_indexed`
through any ``map`` (the built-in one, a process pool, a Dask cluster) and :func:`merge_parts`
assembles the flows, objective and bound in part order. The same problem therefore gives the
same flows, bit for bit, whichever executor and however many workers solve the parts.

The parts solve is not the joint solve: on ties among equal-value plans (gains equal to the cent)
the min-cost flow of a part may pick another optimum than the flow over the whole network. Both
are optimal for the same integer network; their objectives differ by less than the rounding
bound that both report (docs/scale-out.md).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.engine.allocation.components import label_components, usable_arcs
from symbiosis.engine.allocation.problem import COMPONENT_COLUMNS, AllocationConfig, Indexed
from symbiosis.engine.allocation.solve import Solved, _overall_status, relative_gap, solve_indexed

__all__ = [
    "DEFAULT_PART_ARCS",
    "Part",
    "merge_parts",
    "merge_solutions",
    "part_arcs",
    "solve_part",
    "solve_parts",
    "split_parts",
]

#: Most usable arcs in a part of packed small components (a giant component is one part whatever its size).
DEFAULT_PART_ARCS = 50_000
_METHOD_ORDER = ("min_cost_flow", "lp", "repair", "milp", "lns", "regions")

#: ``map(function, items) -> results in the order of items`` (the built-in map, Executor.map, Dask).
MapFunction = Callable[[Callable, Iterable], Iterable]


@dataclass(frozen=True)
class Part:
    """One independent sub-problem and where its arcs sit in the whole.

    ``arcs`` are the arc indices of the whole problem (sorted), ``ix`` the sub-problem on them with
    its supplies and demands renumbered 0..n-1 in increasing order of their index in the whole.
    """

    index: int
    arcs: np.ndarray
    ix: Indexed

    @property
    def n_arcs(self) -> int:
        """Number of arcs of the part."""
        return len(self.arcs)


def _sub_problem(ix: Indexed, arcs: np.ndarray) -> Indexed:
    sups, t = np.unique(ix.tail[arcs], return_inverse=True)
    dems, h = np.unique(ix.head[arcs], return_inverse=True)
    return Indexed(
        sup_cap=ix.sup_cap[sups],
        sup_lot=ix.sup_lot[sups],
        sup_k=ix.sup_k[sups],
        dem_cap=ix.dem_cap[dems],
        dem_lot=ix.dem_lot[dems],
        dem_k=ix.dem_k[dems],
        tail=t.astype(np.int64),
        head=h.astype(np.int64),
        yld=ix.yld[arcs],
        cap_arc=ix.cap_arc[arcs],
        gain=ix.gain[arcs],
        fixed=ix.fixed[arcs],
    )


def _part_of_component(sizes: np.ndarray, max_part_arcs: int) -> np.ndarray:
    """Part number of every component: big ones alone, small ones packed in label order."""
    big = sizes > max_part_arcs
    part = np.empty(len(sizes), np.int64)
    n_big = int(big.sum())
    # Big components first, largest first (ties by label), so that the giant is part 0.
    order = np.lexsort((np.arange(len(sizes)), -sizes))
    big_order = order[big[order]]
    part[big_order] = np.arange(n_big)
    small = np.flatnonzero(~big)
    if len(small):
        # Greedy packing by cumulative size: a new part starts where the running total crosses a multiple.
        cum = np.cumsum(sizes[small]) - sizes[small]
        part[small] = n_big + cum // max(max_part_arcs, 1)
        _, part[small] = np.unique(part[small], return_inverse=True)
        part[small] += n_big
    return part


def split_parts(
    ix: Indexed, config: AllocationConfig, *, max_part_arcs: int = DEFAULT_PART_ARCS
) -> list[Part]:
    """Cut a problem into independent parts (groups of whole connected components).

    Parameters
    ----------
    ix
        The whole problem.
    config
        Decides which arcs are usable (side constraints keep some arcs of non-positive gain).
    max_part_arcs
        Largest number of arcs packed into one part of small components.

    Returns
    -------
    list of Part
        Part 0 is the largest component when it exceeds ``max_part_arcs``; empty when no arc is
        usable. Arcs outside every part carry no flow.
    """
    return [Part(i, sub, _sub_problem(ix, sub)) for i, sub in enumerate(part_arcs(ix, config, max_part_arcs))]


def part_arcs(
    ix: Indexed, config: AllocationConfig, max_part_arcs: int = DEFAULT_PART_ARCS
) -> list[np.ndarray]:
    """The arcs (sorted indices of the whole) of every part of :func:`split_parts`, no sub-problem built."""
    arcs = usable_arcs(ix, config.side_constraints)
    if not len(arcs):
        return []
    lab = label_components(ix, arcs)
    part_of = _part_of_component(lab.count().astype(np.int64), max_part_arcs)
    arc_part = part_of[lab.arc]
    order = np.argsort(arc_part, kind="stable")
    bounds = np.r_[0, np.flatnonzero(np.diff(arc_part[order])) + 1, len(order)]
    return [np.sort(arcs[order[lo:hi]]) for lo, hi in itertools.pairwise(bounds)]


def solve_part(part: Part, config: AllocationConfig) -> Solved:
    """Solve one part (the function sent to workers; pure, picklable)."""
    return solve_indexed(part.ix, config)


def merge_parts(ix: Indexed, parts: list[Part], solved: list[Solved], config: AllocationConfig) -> Solved:
    """Assemble the parts' solutions into one :class:`Solved` of the whole, in part order.

    The per-component table lists the components of part 0 first, then of part 1, …, renumbered
    0..n-1.
    """
    return merge_solutions(ix, [part.arcs for part in parts], solved, config)


def merge_solutions(
    ix: Indexed, arcs: list[np.ndarray], solved: list[Solved], config: AllocationConfig
) -> Solved:
    """:func:`merge_parts` given each part's arcs (its sub-problem need not be held)."""
    x = np.zeros(ix.n_arcs)
    frames = []
    objective = bound = 0.0
    parts_methods: set[str] = set()
    statuses = []
    for part_arcs_, sol in zip(arcs, solved, strict=True):
        x[part_arcs_] = sol.x
        objective += sol.objective
        bound += sol.bound
        parts_methods.update(p for p in sol.method.split("+") if p != "none")
        frames.append(sol.components)
        statuses.append(sol.components["status"].to_numpy(dtype=object))
    components = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({c: [] for c in COMPONENT_COLUMNS})
    )
    components["component"] = np.arange(len(components))
    status = _overall_status(objective, bound, np.concatenate(statuses), config.mip_gap) if arcs else "empty"
    return Solved(
        status=status,
        objective=objective,
        bound=bound,
        gap=float(relative_gap(objective, bound)),
        x=x,
        method="+".join(p for p in _METHOD_ORDER if p in parts_methods) or "none",
        solve_seconds=max((s.solve_seconds for s in solved), default=0.0),
        components=components[list(COMPONENT_COLUMNS)],
        config=config,
    )


def solve_parts(
    ix: Indexed,
    config: AllocationConfig,
    *,
    map_function: MapFunction = map,
    max_part_arcs: int = DEFAULT_PART_ARCS,
) -> Solved:
    """Solve a problem part by part through ``map_function`` and merge the solutions.

    Parameters
    ----------
    ix, config
        As for :func:`~symbiosis.engine.allocation.solve.solve_indexed`. Each part has the whole time
        limit (parts run side by side).
    map_function
        ``map(solve, parts) -> solutions in the order of parts``; the built-in ``map`` solves them
        here, :meth:`symbiosis.distributed.DaskExecutor.map` on a cluster.
    max_part_arcs
        See :func:`split_parts`.

    Returns
    -------
    Solved
        The merged solution; ``solve_seconds`` is the wall time of the whole call.
    """
    t0 = time.perf_counter()
    parts = split_parts(ix, config, max_part_arcs=max_part_arcs)
    solved = list(map_function(_Solver(config), parts))
    merged = merge_parts(ix, parts, solved, config)
    return Solved(**{**merged.__dict__, "solve_seconds": time.perf_counter() - t0})


class _Solver:
    """``solve_part`` with its config bound (a picklable callable for process pools and Dask)."""

    def __init__(self, config: AllocationConfig) -> None:
        self.config = config

    def __call__(self, part: Part) -> Solved:
        return solve_part(part, self.config)
