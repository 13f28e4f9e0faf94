"""Solver-free checker of a day's collection tours: every rule recomputed from the coordinates."""

from __future__ import annotations

import math
from collections import Counter

from symbiosis.findings import Finding
from symbiosis.i18n import TextTable
from symbiosis.mutual.routes import RouteInstance, RoutePlan
from symbiosis.places.distance import haversine_km

__all__ = ["CHECK_TEXTS", "check_routes"]

#: What each finding code says, from the message catalogue (``mutual.check.routes.<code>``).
CHECK_TEXTS = TextTable("mutual.check.routes")


def _points(instance: RouteInstance) -> list[tuple[float, float]]:
    """``(lat, lon)`` of every node as Python floats: 0 = depot, ``i + 1`` = stop ``i`` (by position)."""
    s = instance.stops
    lat, lon = s["lat"].to_numpy(float).tolist(), s["lon"].to_numpy(float).tolist()
    return [instance.depot, *zip(lat, lon, strict=True)]


def _km(instance: RouteInstance, points: list[tuple[float, float]], a: int, b: int) -> float:
    """Road km between nodes ``a`` and ``b`` of ``points`` (:func:`_points`)."""
    (lat1, lon1), (lat2, lon2) = points[a], points[b]
    return instance.detour_factor * float(haversine_km(lat1, lon1, lat2, lon2))


def _broken(code: str, location: str = "", **values: object) -> Finding:
    return Finding(code=code, location=location, detail=CHECK_TEXTS[code].format(**values))


def check_routes(instance: RouteInstance, plan: RoutePlan) -> list[Finding]:
    """Return every rule the tours break (empty when they are valid), one finding each.

    Rules: every stop is served once or reported dropped, never both; at most one tour per truck
    and no more trucks than available; each tour's load within the truck's capacity; arrivals
    (earliest schedule from the shift start, driving ``ceil(60 km / speed)`` minutes, waiting
    allowed, service time on site) within each stop's window and the return within the shift; the
    reported arrivals, loads and km equal their recomputation.
    """
    cfg = instance.config
    problems: list[Finding] = []
    seen = Counter(s for r in plan.routes for s in r.stops)
    problems += [_broken("stop_repeated", f"stop {s}", stop=s, n=k) for s, k in seen.items() if k > 1]
    both = set(seen) & set(plan.dropped)
    problems += [_broken("stop_served_and_dropped", f"stop {s}", stop=s) for s in sorted(both)]
    missing = set(range(instance.n_stops)) - set(seen) - set(plan.dropped)
    problems += [_broken("stop_missing", f"stop {s}", stop=s) for s in sorted(missing)]
    vehicles = Counter(r.vehicle for r in plan.routes)
    problems += [_broken("truck_repeated", f"truck {v}", truck=v, n=k) for v, k in vehicles.items() if k > 1]
    if any(not 0 <= v < instance.vehicles for v in vehicles):
        problems.append(_broken("unknown_truck", last=instance.vehicles - 1))
    s = instance.stops
    points = _points(instance)  # converted once, not once per leg
    loads = s["load_kg"].to_numpy(float)
    opens = [int(v) for v in s["window_start_min"].tolist()]
    closes = [int(v) for v in s["window_end_min"].tolist()]
    service = [math.ceil(float(v) - 1e-9) for v in s["service_min"].tolist()]
    total = 0.0
    for route in plan.routes:
        if any(not 0 <= x < instance.n_stops for x in route.stops):
            problems.append(_broken("unknown_stop", f"truck {route.vehicle}", truck=route.vehicle))
            continue
        load = float(loads[list(route.stops)].sum())
        if load > cfg.truck_capacity_kg + 1e-6:
            capacity = f"{cfg.truck_capacity_kg:.0f}"
            problems.append(
                _broken(
                    "overloaded",
                    f"truck {route.vehicle}",
                    truck=route.vehicle,
                    load=f"{load:.0f}",
                    capacity=capacity,
                )
            )
        if abs(load - route.load_kg) > 1e-6:
            problems.append(
                _broken(
                    "load_mismatch",
                    f"truck {route.vehicle}",
                    truck=route.vehicle,
                    claimed=route.load_kg,
                    load=load,
                )
            )
        clock, node, length = cfg.shift_start_min, 0, 0.0
        for k, stop in enumerate(route.stops):
            km = _km(instance, points, node, stop + 1)
            length += km
            clock = max(opens[stop], clock + math.ceil(60 * km / cfg.speed_kmh - 1e-9))
            if clock > closes[stop]:
                problems.append(
                    _broken(
                        "late_arrival", f"truck {route.vehicle}", truck=route.vehicle, stop=stop, clock=clock
                    )
                )
            if k < len(route.arrivals_min) and route.arrivals_min[k] != clock:
                claimed = route.arrivals_min[k]
                problems.append(
                    _broken(
                        "arrival_mismatch",
                        f"truck {route.vehicle}",
                        truck=route.vehicle,
                        stop=stop,
                        claimed=claimed,
                        clock=clock,
                    )
                )
            clock += service[stop]
            node = stop + 1
        back = _km(instance, points, node, 0)
        length += back
        clock += math.ceil(60 * back / cfg.speed_kmh - 1e-9)
        if clock > cfg.shift_end_min:
            problems.append(
                _broken("late_return", f"truck {route.vehicle}", truck=route.vehicle, clock=clock)
            )
        if abs(length - route.km) > 1e-6 * max(1.0, length):
            problems.append(
                _broken(
                    "km_mismatch",
                    f"truck {route.vehicle}",
                    truck=route.vehicle,
                    claimed=f"{route.km:.3f}",
                    km=f"{length:.3f}",
                )
            )
        total += length
    if abs(total - plan.km) > 1e-6 * max(1.0, total):
        problems.append(_broken("total_km_mismatch", claimed=f"{plan.km:.3f}", km=f"{total:.3f}"))
    return problems
