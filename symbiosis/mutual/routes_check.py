"""Solver-free checker of a day's collection tours: every rule recomputed from the coordinates."""

from __future__ import annotations

import math
from collections import Counter

from symbiosis.mutual.routes import RouteInstance, RoutePlan
from symbiosis.places.distance import haversine_km

__all__ = ["check_routes"]


def _km(instance: RouteInstance, a: int, b: int) -> float:
    """Road km between nodes ``a`` and ``b`` (0 = depot, ``i + 1`` = stop ``i``)."""

    def point(node: int) -> tuple[float, float]:
        if node == 0:
            return instance.depot
        row = instance.stops.iloc[node - 1]
        return float(row["lat"]), float(row["lon"])

    (lat1, lon1), (lat2, lon2) = point(a), point(b)
    return instance.detour_factor * float(haversine_km(lat1, lon1, lat2, lon2))


def check_routes(instance: RouteInstance, plan: RoutePlan) -> list[str]:
    """Return every rule the tours break (empty when they are valid).

    Rules: every stop is served once or reported dropped, never both; at most one tour per truck
    and no more trucks than available; each tour's load within the truck's capacity; arrivals
    (earliest schedule from the shift start, driving ``ceil(60 km / speed)`` minutes, waiting
    allowed, service time on site) within each stop's window and the return within the shift; the
    reported arrivals, loads and km equal their recomputation.
    """
    cfg = instance.config
    problems: list[str] = []
    seen = Counter(s for r in plan.routes for s in r.stops)
    problems += [f"stop {s} visited {k} times" for s, k in seen.items() if k > 1]
    both = set(seen) & set(plan.dropped)
    problems += [f"stop {s} both served and dropped" for s in sorted(both)]
    missing = set(range(instance.n_stops)) - set(seen) - set(plan.dropped)
    problems += [f"stop {s} neither served nor dropped" for s in sorted(missing)]
    vehicles = Counter(r.vehicle for r in plan.routes)
    problems += [f"truck {v} has {k} tours" for v, k in vehicles.items() if k > 1]
    if any(not 0 <= v < instance.vehicles for v in vehicles):
        problems.append(f"a tour uses a truck outside 0..{instance.vehicles - 1}")
    s = instance.stops
    total = 0.0
    for route in plan.routes:
        if any(not 0 <= x < instance.n_stops for x in route.stops):
            problems.append(f"truck {route.vehicle}: unknown stop")
            continue
        load = float(s["load_kg"].to_numpy(float)[list(route.stops)].sum())
        if load > cfg.truck_capacity_kg + 1e-6:
            problems.append(f"truck {route.vehicle}: load {load:.0f} kg > {cfg.truck_capacity_kg:.0f} kg")
        if abs(load - route.load_kg) > 1e-6:
            problems.append(f"truck {route.vehicle}: load {route.load_kg} != recomputed {load}")
        clock, node, length = cfg.shift_start_min, 0, 0.0
        for k, stop in enumerate(route.stops):
            km = _km(instance, node, stop + 1)
            length += km
            clock = max(
                int(s.at[stop, "window_start_min"]), clock + math.ceil(60 * km / cfg.speed_kmh - 1e-9)
            )
            if clock > int(s.at[stop, "window_end_min"]):
                problems.append(f"truck {route.vehicle}: stop {stop} reached at {clock} after its window")
            if k < len(route.arrivals_min) and route.arrivals_min[k] != clock:
                problems.append(
                    f"truck {route.vehicle}: arrival at stop {stop} {route.arrivals_min[k]} != {clock}"
                )
            clock += math.ceil(float(s.at[stop, "service_min"]) - 1e-9)
            node = stop + 1
        back = _km(instance, node, 0)
        length += back
        clock += math.ceil(60 * back / cfg.speed_kmh - 1e-9)
        if clock > cfg.shift_end_min:
            problems.append(f"truck {route.vehicle}: back at {clock} after the shift ends")
        if abs(length - route.km) > 1e-6 * max(1.0, length):
            problems.append(f"truck {route.vehicle}: {route.km:.3f} km != recomputed {length:.3f}")
        total += length
    if abs(total - plan.km) > 1e-6 * max(1.0, total):
        problems.append(f"total {plan.km:.3f} km != recomputed {total:.3f}")
    return problems
