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

import time
from dataclasses import dataclass, replace

import numpy as np

from symbiosis.engine.allocation.parts import MapFunction, _sub_problem
from symbiosis.engine.allocation.problem import AllocationConfig, Indexed
from symbiosis.engine.allocation.side import net_value
from symbiosis.engine.allocation.solve import relative_gap, solve_indexed

__all__ = ["RegionalSolution", "solve_by_regions", "supply_regions"]


def supply_regions(lat: np.ndarray, lon: np.ndarray, n: int) -> np.ndarray:
    """Region 0..n-1 of each supply: equal-count strips along the longer axis of their spread.

    Parameters
    ----------
    lat, lon
        Degrees, one per supply.
    n
        Number of regions (at least 1).
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
    region[order] = np.arange(len(axis)) * n // len(axis)
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
    x = np.zeros(ix.n_arcs)
    for arcs, (_, xr) in zip(arc_sets, outcomes, strict=True):
        x[arcs] = xr
    bound = float(sum(float(b[0]) for b, _ in outcomes))
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
        x[edge] += solve_indexed(_sub_problem(residual, edge), config).x
    objective = float(net_value(ix, x).sum())
    return RegionalSolution(
        x=x,
        objective=objective,
        bound=bound,
        gap=float(relative_gap(objective, bound)),
        n_boundary_demands=int(boundary.sum()),
        n_boundary_arcs=len(edge),
        seconds={"regions": t1 - t0, "boundary": time.perf_counter() - t1},
    )
