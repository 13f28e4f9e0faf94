"""Shared collection tours of one day: vehicle routing with capacities and time windows (OR-Tools).

A :class:`RouteInstance` is one collection day of one receiver: the receiver (the depot, where
trucks start and end), the stops (firms with a pickup due that day: load in kg, minutes on site,
a time window) and a fleet of identical trucks. Road km are ``detour_factor`` × great-circle km
(the engine's one distance definition) and driving minutes ``ceil(60 · km / speed)``.

Model (``pywrapcp``), built by ``define_*`` functions on the routing model:

* arc cost = road metres; a fixed cost per truck used (``cost_cad_per_trip`` in km-equivalent);
* ``Load`` dimension: the sum of the stops' loads on a tour ≤ ``truck_capacity_kg``;
* ``Time`` dimension: arrival ≥ departure from the previous stop + driving; waiting allowed;
  each stop served within its window; every tour within the shift;
* a disjunction per stop with a large penalty: a stop that fits no tour is dropped (and keeps its
  separate hauling) instead of making the day infeasible.

:func:`solve_routes` is stateless and returns a :class:`RoutePlan` whose times are recomputed as the
earliest feasible schedule; :func:`nearest_neighbour_routes` is the baseline it is compared with.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from symbiosis.mutual.config import RouteConfig
from symbiosis.places.distance import haversine_km

__all__ = [
    "Route",
    "RouteInstance",
    "RoutePlan",
    "define_capacity",
    "define_distance",
    "define_drops",
    "define_time_windows",
    "nearest_neighbour_routes",
    "route_instance",
    "schedule",
    "solve_routes",
]

logger = logging.getLogger(__name__)

_DROP_PENALTY_KM = 100_000  # dropping a stop costs as much as 100,000 km: only when it cannot fit


@dataclass(frozen=True)
class _StopArrays:
    """Per-stop arrays of a :class:`RouteInstance` (by position)."""

    window_start_min: np.ndarray
    window_end_min: np.ndarray
    service_min: np.ndarray
    load_kg: np.ndarray


@dataclass(frozen=True)
class RouteInstance:
    """One collection day of one receiver.

    Parameters
    ----------
    depot
        ``(lat, lon)`` of the receiver or consolidation point.
    stops
        One row per stop: ``stop_id, firm_id, lat, lon, load_kg, service_min, window_start_min,
        window_end_min``.
    vehicles
        Trucks available.
    config
        Truck capacity, speed, shift and costs.
    detour_factor
        Road km per great-circle km.
    """

    depot: tuple[float, float]
    stops: pd.DataFrame
    vehicles: int
    config: RouteConfig
    detour_factor: float = 1.3

    @property
    def n_stops(self) -> int:
        """Number of stops."""
        return len(self.stops)

    @functools.cached_property
    def stop_arrays(self) -> _StopArrays:
        """The stops' windows, service minutes (rounded up) and loads as arrays, converted once.

        :func:`schedule` runs for every stop the nearest-neighbour baseline considers; reading the
        columns from the frame each time cost more than the schedule itself. Read-only.
        """
        s = self.stops
        arrays = _StopArrays(
            s["window_start_min"].to_numpy(int),
            s["window_end_min"].to_numpy(int),
            np.ceil(s["service_min"].to_numpy(float) - 1e-9).astype(int),
            s["load_kg"].to_numpy(float),
        )
        for array in dataclasses.astuple(arrays):
            array.flags.writeable = False
        return arrays

    def km_matrix(self) -> np.ndarray:
        """Road km between the depot (node 0) and the stops (nodes 1..n)."""
        lat = np.concatenate([[self.depot[0]], self.stops["lat"].to_numpy(float)])
        lon = np.concatenate([[self.depot[1]], self.stops["lon"].to_numpy(float)])
        return self.detour_factor * haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])

    def minutes_matrix(self) -> np.ndarray:
        """Driving minutes between nodes, rounded up."""
        return np.ceil(60.0 * self.km_matrix() / self.config.speed_kmh - 1e-9).astype(np.int64)


@dataclass(frozen=True)
class Route:
    """One truck's tour: stop positions in visiting order, arrival minute at each, tour km and times."""

    vehicle: int
    stops: tuple[int, ...]
    arrivals_min: tuple[int, ...]
    load_kg: float
    km: float
    start_min: int
    end_min: int


@dataclass(frozen=True)
class RoutePlan:
    """The tours of one day: ``status`` (``ok``, ``empty``, ``no_solution``), routes, dropped stops,
    total km, method (``or-tools`` or ``nearest-neighbour``) and solve time."""

    status: str
    routes: tuple[Route, ...] = ()
    dropped: tuple[int, ...] = ()
    km: float = 0.0
    method: str = ""
    wall_time_s: float = 0.0


def route_instance(
    depot: tuple[float, float],
    stops: pd.DataFrame,
    *,
    vehicles: int,
    config: RouteConfig | None = None,
    detour_factor: float = 1.3,
) -> RouteInstance:
    """Build a day's instance; stops are kept in ``stop_id`` order."""
    ordered = stops.sort_values("stop_id", ignore_index=True)
    return RouteInstance(
        (float(depot[0]), float(depot[1])),
        ordered,
        int(vehicles),
        config or RouteConfig(),
        float(detour_factor),
    )


def schedule(
    instance: RouteInstance, order: tuple[int, ...], minutes: np.ndarray
) -> tuple[list[int], int] | None:
    """Earliest arrivals along ``order`` from the shift start (waiting allowed) and the return time.

    Returns None when a window or the shift end cannot be met.
    """
    arrays = instance.stop_arrays
    start, end, service = arrays.window_start_min, arrays.window_end_min, arrays.service_min
    clock, node, arrivals = instance.config.shift_start_min, 0, []
    for stop in order:
        clock = max(int(start[stop]), clock + int(minutes[node, stop + 1]))
        if clock > end[stop]:
            return None
        arrivals.append(clock)
        clock += int(service[stop])
        node = stop + 1
    back = clock + int(minutes[node, 0])
    return (arrivals, back) if back <= instance.config.shift_end_min else None


def _route(
    instance: RouteInstance, vehicle: int, order: tuple[int, ...], km: np.ndarray, minutes: np.ndarray
) -> Route | None:
    timed = schedule(instance, order, minutes)
    if timed is None:
        return None
    nodes = [0, *(s + 1 for s in order), 0]
    length = float(sum(km[a, b] for a, b in itertools.pairwise(nodes)))
    load = float(instance.stop_arrays.load_kg[list(order)].sum())
    return Route(vehicle, order, tuple(timed[0]), load, length, instance.config.shift_start_min, timed[1])


def define_distance(routing: pywrapcp.RoutingModel, metres: np.ndarray, fixed_metres: int) -> int:
    """Arc cost = road metres; a fixed cost per truck used. Returns the transit callback index."""
    transit = routing.RegisterTransitMatrix(metres.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    routing.SetFixedCostOfAllVehicles(int(fixed_metres))
    return transit


def define_capacity(
    routing: pywrapcp.RoutingModel, loads_kg: np.ndarray, vehicles: int, capacity_kg: int
) -> None:
    """``Load`` dimension: a tour carries at most the truck's payload."""
    demand = routing.RegisterUnaryTransitVector([0, *loads_kg.tolist()])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [int(capacity_kg)] * vehicles, True, "Load")


def define_time_windows(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    instance: RouteInstance,
    minutes: np.ndarray,
) -> None:
    """``Time`` dimension: driving plus service time, waiting allowed, windows and the shift."""
    service = np.ceil(instance.stops["service_min"].to_numpy(float) - 1e-9).astype(np.int64)
    with_service = minutes.copy()
    with_service[1:, :] += service[:, None]
    transit = routing.RegisterTransitMatrix(with_service.tolist())
    cfg = instance.config
    routing.AddDimension(transit, cfg.shift_end_min, cfg.shift_end_min, False, "Time")
    dimension = routing.GetDimensionOrDie("Time")
    s = instance.stops
    for i, (a, b) in enumerate(
        zip(s["window_start_min"].to_numpy(int), s["window_end_min"].to_numpy(int), strict=True)
    ):
        dimension.CumulVar(manager.NodeToIndex(i + 1)).SetRange(int(a), int(b))
    for v in range(instance.vehicles):
        dimension.CumulVar(routing.Start(v)).SetRange(cfg.shift_start_min, cfg.shift_end_min)
        dimension.CumulVar(routing.End(v)).SetRange(cfg.shift_start_min, cfg.shift_end_min)


def define_drops(routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager, n_stops: int) -> None:
    """A stop may be dropped at a large penalty (it keeps its separate hauling)."""
    for i in range(n_stops):
        routing.AddDisjunction([manager.NodeToIndex(i + 1)], _DROP_PENALTY_KM * 1000)


def _parameters(config: RouteConfig, time_limit_s: float) -> object:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    if config.metaheuristic == "guided_local_search":
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    else:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.time_limit.FromMilliseconds(max(10, int(1000 * time_limit_s)))
    return params


def solve_routes(instance: RouteInstance, *, time_limit_s: float | None = None) -> RoutePlan:
    """Plan the day's tours with OR-Tools routing; return a :class:`RoutePlan` (no solver kept)."""
    start = time.perf_counter()
    if instance.n_stops == 0:
        return RoutePlan("empty", method="or-tools")
    cfg = instance.config
    km, minutes = instance.km_matrix(), instance.minutes_matrix()
    metres = np.rint(1000.0 * km).astype(np.int64)
    manager = pywrapcp.RoutingIndexManager(instance.n_stops + 1, instance.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    define_distance(routing, metres, round(1000.0 * cfg.cost_cad_per_trip / max(cfg.cost_cad_per_km, 1e-9)))
    define_capacity(
        routing,
        np.ceil(instance.stops["load_kg"].to_numpy(float) - 1e-9).astype(np.int64),
        instance.vehicles,
        math.floor(cfg.truck_capacity_kg),
    )
    define_time_windows(routing, manager, instance, minutes)
    define_drops(routing, manager, instance.n_stops)
    limit = cfg.time_limit_s if time_limit_s is None else time_limit_s
    solution = routing.SolveWithParameters(_parameters(cfg, limit))
    if solution is None:
        return RoutePlan("no_solution", method="or-tools", wall_time_s=time.perf_counter() - start)
    routes, served = [], set()
    for v in range(instance.vehicles):
        index, order = routing.Start(v), []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                order.append(node - 1)
            index = solution.Value(routing.NextVar(index))
        if order:
            route = _route(instance, v, tuple(order), km, minutes)
            if route is None:  # never expected: the solver's schedule is feasible, so is the earliest one
                logger.error("route of vehicle %d has no feasible earliest schedule", v)
                continue
            routes.append(route)
            served.update(order)
    dropped = tuple(i for i in range(instance.n_stops) if i not in served)
    total = float(sum(r.km for r in routes))
    return RoutePlan("ok", tuple(routes), dropped, total, "or-tools", time.perf_counter() - start)


def nearest_neighbour_routes(instance: RouteInstance) -> RoutePlan:
    """Baseline: each truck in turn goes to the nearest stop that still fits (load, window, shift)."""
    start = time.perf_counter()
    km, minutes = instance.km_matrix(), instance.minutes_matrix()
    loads = instance.stop_arrays.load_kg
    left = set(range(instance.n_stops))
    routes = []
    for v in range(instance.vehicles):
        order: list[int] = []
        load, node = 0.0, 0
        while left:
            options = sorted(left, key=lambda s: (km[node, s + 1], s))
            nxt = next(
                (
                    s
                    for s in options
                    if load + loads[s] <= instance.config.truck_capacity_kg + 1e-9
                    and schedule(instance, (*order, s), minutes) is not None
                ),
                None,
            )
            if nxt is None:
                break
            order.append(nxt)
            left.discard(nxt)
            load += loads[nxt]
            node = nxt + 1
        if order:
            routes.append(_route(instance, v, tuple(order), km, minutes))
    total = float(sum(r.km for r in routes))
    return RoutePlan(
        "ok" if instance.n_stops else "empty",
        tuple(routes),
        tuple(sorted(left)),
        total,
        "nearest-neighbour",
        time.perf_counter() - start,
    )
