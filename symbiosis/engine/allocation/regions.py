"""Geographic decomposition of one allocation (a giant component too big for one worker).

The pure allocation (no side constraints) is cut by the place of its **supplies**:

1. **Regions.** Supplies are split into ``n`` regions of equal count along the longer axis of their
   spread (:func:`supply_regions`, strips of longitude or latitude). A region's problem holds its
   own supplies, every arc out of them, and the demands those arcs reach at their full capacity:
   demands of other regions that a region's supplies can serve are its **halo**, so halos overlap.
2. **Regional solves**, in parallel (any ``map``), each with the unchanged
   :func:`~symbiosis.engine.allocation.solve.solve_indexed`.
3. **Bound.** A global plan restricted to a region's supplies is feasible for that region's problem
   (demand capacities are only relaxed), so the sum of the regions' proven bounds bounds the global
   optimum from above: the reported gap is a proven one, not an estimate.
4. **Reconciliation on the boundary.** Every region's flows respect every capacity on their own;
   only a demand that several regions serve may be **over-served** (their deliveries add up past its
   capacity): that is the boundary. The flows into boundary demands are dropped, the rest kept, and
   one more min-cost flow — over the arcs into boundary demands and out of the supplies whose flow
   was dropped, at the capacities the kept flows leave — re-allocates them, centrally. The plan is
   feasible by construction (checked without the solver in the tests); its gap to the
   single-machine optimum is measured where both can run (``benchmarks/bench_scaleout.py``).

The boundary problem is the one step that sees the whole boundary at once; it holds the arcs of the
over-served demands and of their suppliers only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from symbiosis.engine.allocation.parts import (
    DEFAULT_PART_ARCS,
    MapFunction,
    _sub_problem,
    merge_solutions,
    part_arcs,
)
from symbiosis.engine.allocation.problem import AllocationConfig, Indexed
from symbiosis.engine.allocation.side import net_value
from symbiosis.engine.allocation.solve import Solved, relative_gap, solve_indexed

__all__ = [
    "DEFAULT_REGION_ARCS",
    "RegionalSolution",
    "solve_allocation",
    "solve_by_regions",
    "supply_regions",
]

log = logging.getLogger(__name__)

#: Most usable arcs of a component solved whole on one worker by ``run()`` on an executor; a larger
#: one is cut into regions. A solve holds ~170 bytes an arc (arrays and OR-Tools' network), so 4
#: million arcs stay under ~1 GiB of a worker's memory beside the registry it keeps for the
#: candidate tasks.
DEFAULT_REGION_ARCS = 4_000_000


def supply_regions(
    lat: np.ndarray, lon: np.ndarray, n: int, *, weights: np.ndarray | None = None
) -> np.ndarray:
    """Region 0..n-1 of each supply: equal-count strips along the longer axis of their spread.

    Parameters
    ----------
    lat, lon
        Degrees, one per supply.
    n
        Number of regions (at least 1).
    weights
        What each strip should hold about equally (a supply's arcs); equal counts of supplies when
        None. A supply is never split: a strip holds ``total / n`` give or take one supply's weight.
    """
    n = max(int(n), 1)
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    if not len(lat) or n == 1:
        return np.zeros(len(lat), np.int64)
    km_x = (np.nanmax(lon) - np.nanmin(lon)) * 111.3 * np.cos(np.radians(np.nanmedian(lat)))
    km_y = (np.nanmax(lat) - np.nanmin(lat)) * 110.6
    axis = lon if km_x >= km_y else lat
    order = np.argsort(np.nan_to_num(axis), kind="stable")
    region = np.empty(len(axis), np.int64)
    if weights is None:
        region[order] = np.arange(len(axis)) * n // len(axis)
        return region
    w = np.asarray(weights, np.float64)[order]
    before = np.cumsum(w) - w  # weight of the strips' supplies placed before each one
    region[order] = np.minimum((before * n // max(w.sum(), 1e-300)).astype(np.int64), n - 1)
    return region


@dataclass(frozen=True)
class RegionalSolution:
    """A decomposed allocation and how far it may be from the optimum.

    Attributes
    ----------
    x
        Flow of every arc (supply units).
    objective
        Σ gain·flow of ``x``.
    bound
        Σ of the regions' proven bounds (an upper bound of the global optimum).
    gap
        ``(bound − objective) / |bound|``.
    n_boundary_demands, n_boundary_arcs
        Over-served demands, and the arcs of the boundary problem (re-solved centrally).
    seconds
        Wall time: regional solves (as the ``map`` ran them) and the boundary solve.
    """

    x: np.ndarray
    objective: float
    bound: float
    gap: float
    n_boundary_demands: int
    n_boundary_arcs: int
    seconds: dict[str, float]


class _RegionSolver:
    def __init__(self, config: AllocationConfig) -> None:
        self.config = config

    def __call__(self, sub: Indexed) -> tuple[np.ndarray, np.ndarray]:
        solved = solve_indexed(sub, self.config)
        return np.array([solved.bound]), solved.x


@dataclass(frozen=True)
class _Reconciled:
    x: np.ndarray
    n_boundary_demands: int
    n_boundary_arcs: int


def _reconcile(
    ix: Indexed,
    arc_sets: list[np.ndarray],
    region_flows: list[np.ndarray],
    boundary_solve: Callable[[Indexed], np.ndarray],
) -> _Reconciled:
    """Step 4 of the module docstring: the regions' flows, the over-served demands re-allocated."""
    x = np.zeros(ix.n_arcs)
    for arcs, xr in zip(arc_sets, region_flows, strict=True):
        x[arcs] = xr
    # Boundary demands: over-served, their regions together delivering more than their capacity.
    delivered = np.bincount(ix.head, weights=x * ix.yld, minlength=ix.n_dem)
    boundary = delivered > ix.dem_cap * (1 + 1e-9) + 1e-9
    dropped = boundary[ix.head] & (x > 0)
    freed = np.zeros(ix.n_sup, bool)
    freed[ix.tail[dropped]] = True
    x[boundary[ix.head]] = 0.0
    sup_left = np.maximum(ix.sup_cap - np.bincount(ix.tail, weights=x, minlength=ix.n_sup), 0.0)
    dem_left = np.maximum(ix.dem_cap - np.bincount(ix.head, weights=x * ix.yld, minlength=ix.n_dem), 0.0)
    # The boundary problem: arcs into boundary demands and out of the supplies whose flow was dropped,
    # at what the kept flows leave of every capacity (arcs left with no room are not in it).
    cap = np.minimum(np.minimum(ix.cap_arc - x, sup_left[ix.tail]), dem_left[ix.head] / ix.yld)
    edge = np.flatnonzero((boundary[ix.head] | freed[ix.tail]) & (ix.gain > 0) & (cap > 1e-9))
    if len(edge):
        residual = replace(ix, sup_cap=sup_left, dem_cap=dem_left, cap_arc=np.maximum(cap, 0.0))
        x[edge] += boundary_solve(_sub_problem(residual, edge))
    return _Reconciled(x, int(boundary.sum()), len(edge))


def solve_by_regions(
    ix: Indexed,
    config: AllocationConfig,
    sup_region: np.ndarray,
    *,
    map_function: MapFunction = map,
) -> RegionalSolution:
    """Solve the pure allocation region by region and reconcile the boundary (module docstring).

    Parameters
    ----------
    ix
        The problem (a giant component, or any).
    config
        Solver settings; side constraints must be off (the decomposition is for the pure allocation).
    sup_region
        Region of every supply (:func:`supply_regions`).
    map_function
        ``map(solve, regions)`` in order: here, a process pool or :meth:`DaskExecutor.map`.

    Raises
    ------
    ValueError
        ``config.side_constraints`` or ``config.exclusive`` is on.
    """
    if config.side_constraints or config.exclusive:
        raise ValueError("geographic decomposition covers the pure allocation only (no side constraints)")
    t0 = time.perf_counter()
    region_of_arc = np.asarray(sup_region)[ix.tail]
    regions = np.unique(region_of_arc)
    arc_sets = [np.flatnonzero(region_of_arc == r) for r in regions]
    outcomes = list(map_function(_RegionSolver(config), [_sub_problem(ix, a) for a in arc_sets]))
    t1 = time.perf_counter()
    bound = float(sum(float(b[0]) for b, _ in outcomes))
    done = _reconcile(ix, arc_sets, [xr for _, xr in outcomes], lambda sub: solve_indexed(sub, config).x)
    objective = float(net_value(ix, done.x).sum())
    return RegionalSolution(
        x=done.x,
        objective=objective,
        bound=bound,
        gap=float(relative_gap(objective, bound)),
        n_boundary_demands=done.n_boundary_demands,
        n_boundary_arcs=done.n_boundary_arcs,
        seconds={"regions": t1 - t0, "boundary": time.perf_counter() - t1},
    )


# --- run() on a cluster: parts, and regions for a component too big for one worker ----------------------


class _PartSolver:
    """``solve_indexed`` with its config bound (picklable: sent once to every worker)."""

    def __init__(self, config: AllocationConfig) -> None:
        self.config = config

    def __call__(self, sub: Indexed) -> Solved:
        return solve_indexed(sub, self.config)


@dataclass(frozen=True)
class _Task:
    """One solve of :func:`solve_allocation`: a part (``region`` −1) or one region of a big part."""

    part: int
    region: int
    arcs: np.ndarray


def _region_tasks(
    ix: Indexed, part: int, arcs: np.ndarray, points: tuple[np.ndarray, np.ndarray], region_arcs: int
) -> list[_Task]:
    """Cut a big part into ``⌈arcs / region_arcs⌉`` strips of about equal arcs (by the supplies' place)."""
    n = -(-len(arcs) // max(int(region_arcs), 1))
    tails = ix.tail[arcs]
    supplies, out_arcs = np.unique(tails, return_counts=True)
    region_of = np.full(ix.n_sup, -1, np.int64)
    region_of[supplies] = supply_regions(points[0][supplies], points[1][supplies], n, weights=out_arcs)
    arc_region = region_of[tails]
    return [_Task(part, int(r), arcs[arc_region == r]) for r in np.unique(arc_region)]


def _components_row(
    ix: Indexed, arcs: np.ndarray, objective: float, bound: float, method: str, status: str, seconds: float
):
    import pandas as pd

    from symbiosis.engine.allocation.problem import COMPONENT_COLUMNS

    row = {
        "component": 0,
        "n_supplies": len(np.unique(ix.tail[arcs])),
        "n_demands": len(np.unique(ix.head[arcs])),
        "n_arcs": len(arcs),
        "method": method,
        "status": status,
        "objective": objective,
        "bound": bound,
        "seconds": seconds,
    }
    return pd.DataFrame([row], columns=list(COMPONENT_COLUMNS))


def _regional_part(
    ix: Indexed,
    arcs: np.ndarray,
    tasks: list[_Task],
    solved: list[Solved],
    boundary_solve: Callable[[Indexed], np.ndarray],
    config: AllocationConfig,
    seconds: float,
) -> Solved:
    """One big part's :class:`Solved`: its regions' flows reconciled on the boundary."""
    t0 = time.perf_counter()
    # On the whole problem's arrays (no copy of the part): arcs of other parts carry no flow here and
    # touch no boundary demand nor freed supply, so the boundary problem is the part's own.
    done = _reconcile(ix, [task.arcs for task in tasks], [s.x for s in solved], boundary_solve)
    x = done.x[arcs]
    objective = float(net_value(ix, done.x)[arcs].sum())
    bound = float(sum(s.bound for s in solved))
    gap = float(relative_gap(objective, bound))
    status = "optimal" if gap <= config.mip_gap else "feasible"
    methods = {m for s in solved for m in s.method.split("+")} | {"regions"}
    method = "+".join(m for m in ("min_cost_flow", "lp", "regions") if m in methods)
    seconds += time.perf_counter() - t0
    log.info(
        "component of %d arcs: %d regions, %d boundary demands, %d boundary arcs re-solved, gap ≤ %.2f %%",
        len(arcs),
        len(tasks),
        done.n_boundary_demands,
        done.n_boundary_arcs,
        100 * gap,
    )
    return Solved(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        x=x,
        method=method,
        solve_seconds=seconds,
        components=_components_row(ix, arcs, objective, bound, method, status, seconds),
        config=config,
    )


def solve_allocation(
    ix: Indexed,
    config: AllocationConfig,
    *,
    map_function: MapFunction = map,
    points: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
    region_arcs: int | None = DEFAULT_REGION_ARCS,
    max_part_arcs: int = DEFAULT_PART_ARCS,
    folder: str | None = None,
    files: bool = True,
) -> Solved:
    """The allocation by parts (``run()`` on an executor), a part too big for one worker cut into regions.

    Parts are those of :func:`~symbiosis.engine.allocation.parts.split_parts`. A part of more than
    ``region_arcs`` usable arcs (a giant component) is cut into ``⌈arcs / region_arcs⌉`` strips of
    about equal arcs by the place of its supplies, solved as regions and reconciled on the boundary
    (module docstring); the others are solved whole. When no part exceeds ``region_arcs`` the result
    is :func:`~symbiosis.engine.allocation.parts.solve_parts`'s, bit for bit.

    Parameters
    ----------
    ix, config
        The whole problem and the solver settings. With side constraints (or ``exclusive``) no part
        is cut: the decomposition covers the pure allocation only (a warning names the part).
    map_function
        ``map(solve, tasks)``, results in task order (:meth:`DaskExecutor.map`). Every part and region
        is one task, largest first; each big part's boundary problem is one more task after them.
    points
        Called once, only when a part is cut: the latitude and longitude of every supply.
    region_arcs
        Most arcs of a part solved whole (None: never cut).
    max_part_arcs
        Packing of small components (:func:`~symbiosis.engine.allocation.parts.split_parts`).
    folder, files
        With ``files`` (the default) every task's sub-problem is written, one at a time, to a fresh
        folder made in ``folder`` (the system's temporary folder when None) and the task receives its
        path: the client never holds more than the whole problem and one sub-problem, and the
        scheduler no sub-problem at all (:mod:`symbiosis.distributed.problem_files`). The folder is
        removed at the end. Without, the sub-problems are the tasks.

    Returns
    -------
    Solved
        Flows of every arc; objective and bound summed in part order; a cut part's status is
        ``optimal`` only when its proven gap is within ``config.mip_gap`` (``feasible`` otherwise)
        and its method ends with ``regions``.
    """
    t0 = time.perf_counter()
    arc_lists = part_arcs(ix, config, max_part_arcs)
    too_big = [i for i, a in enumerate(arc_lists) if region_arcs is not None and len(a) > region_arcs]
    if too_big and (config.side_constraints or config.exclusive or points is None):
        log.warning(
            "part(s) %s above %s arcs solved whole: the geographic decomposition needs the pure "
            "allocation and the supplies' places",
            too_big,
            region_arcs,
        )
        too_big = []
    where = points() if too_big and points is not None else None
    tasks: list[_Task] = []
    for i, arcs in enumerate(arc_lists):
        if i in too_big and where is not None and region_arcs is not None:
            tasks += _region_tasks(ix, i, arcs, where, region_arcs)
        else:
            tasks.append(_Task(i, -1, arcs))
    store = None
    if files:
        from symbiosis.distributed.problem_files import FileTask, ProblemFiles

        store = ProblemFiles(folder)
        solver: Callable = FileTask(_PartSolver(config), Indexed)
    else:
        solver = _PartSolver(config)

    def items(subs):
        for sub in subs:
            yield sub if store is None else store.add(sub)

    try:
        # Sub-problems are cut (and written) one at a time, as the map consumes them.
        solved = list(map_function(solver, items(_sub_problem(ix, task.arcs) for task in tasks)))

        def boundary_solve(sub: Indexed) -> np.ndarray:
            return next(iter(map_function(solver, items([sub])))).x

        seconds = time.perf_counter() - t0
        results = []
        for i, arcs in enumerate(arc_lists):
            mine = [k for k, task in enumerate(tasks) if task.part == i]
            if i in too_big:
                results.append(
                    _regional_part(
                        ix,
                        arcs,
                        [tasks[k] for k in mine],
                        [solved[k] for k in mine],
                        boundary_solve,
                        config,
                        seconds,
                    )
                )
            else:
                results.append(solved[mine[0]])
    finally:
        if store is not None:
            store.remove()
    merged = merge_solutions(ix, arc_lists, results, config)
    return replace(merged, solve_seconds=time.perf_counter() - t0)
