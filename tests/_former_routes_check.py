"""FORMER collection-route checker (before the speed-up), kept verbatim as the reference of
tests/test_mutual_speed_equivalence.py: the fast version must give identical results.

Solver-free checker of a day's collection tours: every rule recomputed from the coordinates."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import TextTable
from symbiosis.mutual.collection import _Tally, _tour_cost
from symbiosis.mutual.config import RouteConfig
from symbiosis.mutual.routes import Route, RouteInstance, RoutePlan
from symbiosis.places.distance import haversine_km

__all__ = ["CHECK_TEXTS", "check_routes"]

#: What each finding code says, from the message catalogue (``mutual.check.routes.<code>``).
CHECK_TEXTS = TextTable("mutual.check.routes")


def _km(instance: RouteInstance, a: int, b: int) -> float:
    """Road km between nodes ``a`` and ``b`` (0 = depot, ``i + 1`` = stop ``i``)."""

    def point(node: int) -> tuple[float, float]:
        if node == 0:
            return instance.depot
        row = instance.stops.iloc[node - 1]
        return float(row["lat"]), float(row["lon"])

    (lat1, lon1), (lat2, lon2) = point(a), point(b)
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
    total = 0.0
    for route in plan.routes:
        if any(not 0 <= x < instance.n_stops for x in route.stops):
            problems.append(_broken("unknown_stop", f"truck {route.vehicle}", truck=route.vehicle))
            continue
        load = float(s["load_kg"].to_numpy(float)[list(route.stops)].sum())
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
            km = _km(instance, node, stop + 1)
            length += km
            clock = max(
                int(s.at[stop, "window_start_min"]), clock + math.ceil(60 * km / cfg.speed_kmh - 1e-9)
            )
            if clock > int(s.at[stop, "window_end_min"]):
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
            clock += math.ceil(float(s.at[stop, "service_min"]) - 1e-9)
            node = stop + 1
        back = _km(instance, node, 0)
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


# The former collection._record_route (before its per-cell .at lookups became one pass over the rows).


def _record_route(
    route: Route,
    day: pd.DataFrame,
    key: tuple[str, str, int],
    separate: pd.DataFrame,
    cfg: RouteConfig,
    tally: _Tally,
) -> None:
    receiver, truck_class, week = key
    rows = day.iloc[list(route.stops)]
    tour_id = f"T-{receiver}-{truck_class}-{week + 1}-{route.vehicle + 1}"
    cost = _tour_cost(route, cfg)
    sep = separate.loc[rows.index]
    cost_share = cost * sep["cost"] / sep["cost"].sum()
    km_share = route.km * sep["km"] / sep["km"].sum()
    for idx, c, k in zip(rows.index, cost_share, km_share, strict=True):
        entry = tally.shared.setdefault(idx, [0.0, 0.0, 0.0])
        entry[0] += c
        entry[1] += k
        entry[2] += k * cfg.co2e_kg_per_km
    tally.tours.append(
        {
            "tour_id": tour_id,
            "receiver_id": receiver,
            "truck_class": truck_class,
            "residues": "|".join(dict.fromkeys(rows["residue_id"])),
            "week": week + 1,
            "truck": route.vehicle + 1,
            "n_stops": len(route.stops),
            "stop_pickup_ids": "|".join(rows["pickup_id"]),
            "stop_firm_ids": "|".join(rows["firm_id"]),
            "arrivals": "|".join(map(str, route.arrivals_min)),
            "load_kg": route.load_kg,
            "km": route.km,
            "duration_min": route.end_min - route.start_min,
            "cost_cad": cost,
            "co2e_kg": route.km * cfg.co2e_kg_per_km,
        }
    )
    for seq, (idx, arrival) in enumerate(zip(rows.index, route.arrivals_min, strict=True), start=1):
        tally.stops.append(
            {
                "tour_id": tour_id,
                "sequence": seq,
                "pickup_id": day.at[idx, "pickup_id"],
                "firm_id": day.at[idx, "firm_id"],
                "residue_id": day.at[idx, "residue_id"],
                "lat": day.at[idx, "lat"],
                "lon": day.at[idx, "lon"],
                "arrival_min": arrival,
                "load_kg": day.at[idx, "load_kg"],
            }
        )
