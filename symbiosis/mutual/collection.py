"""Shared collection over a four-week cycle: which pickups go on which day's tours, and each firm's saving.

Each pickup goes to its declared receiver, else to the nearest receiver that takes its residue.
Residues travel by *truck class* (a box truck for cardboard, plastic film and pallets, a roll-off for
scrap, a tanker for used oil): one tour carries residues of one class to one receiver. Pickups are
due every 1, 2 or 4 weeks; over a four-week cycle, fortnightly pickups take weeks (1, 3) or (2, 4)
and four-weekly ones a single week, each placed where that receiver's load for that truck class is
lightest so far (largest loads first). Each receiver, truck class and week is one collection day
(:class:`~symbiosis.mutual.routes.RouteInstance`), solved with OR-Tools and with the
nearest-neighbour baseline. Yearly figures are the cycle's times 13 (52 weeks / 4).

**Today's separate hauling** of one pickup is a return trip receiver → firm → receiver:
``2 · km`` road km, costing the firm's declared price per pickup or, when it gives none,
``cost_cad_per_trip + 2 · km · cost_cad_per_km + (2 · km / speed + service) · cost_cad_per_h``.
**A shared tour's cost** (fixed cost per trip, its km and its hours) and its km and CO2e are
shared among its stops pro rata of their separate cost (km and CO2e pro rata of their separate km),
so no firm pays more than alone whenever the tour costs less than the separate trips it replaces.
A pickup that would pay more than alone, or whose tours carry no other firm, leaves the shared
tours and the days are planned again without it (at most :data:`MAX_ROUNDS` rounds); it keeps its
separate hauling (saving 0), as does a stop no tour can take; each carries its reason (``status``).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from symbiosis.mutual.config import RouteConfig
from symbiosis.mutual.routes import (
    Route,
    RouteInstance,
    nearest_neighbour_routes,
    route_instance,
    solve_routes,
)
from symbiosis.mutual.routes_check import check_routes
from symbiosis.places.distance import haversine_km

__all__ = [
    "CYCLES_PER_YEAR",
    "CYCLE_WEEKS",
    "DAY_COLUMNS",
    "FIRM_COLUMNS",
    "STOP_COLUMNS",
    "TOUR_COLUMNS",
    "CollectionPlan",
    "assign_receivers",
    "assign_weeks",
    "plan_collection",
]

logger = logging.getLogger(__name__)

CYCLE_WEEKS = 4
CYCLES_PER_YEAR = 13.0
#: Planning rounds: after each, pickups that would lose or ride alone leave and the days are planned again.
MAX_ROUNDS = 4
TOUR_COLUMNS: tuple[str, ...] = (
    "tour_id",
    "receiver_id",
    "truck_class",
    "residues",
    "week",
    "truck",
    "n_stops",
    "stop_pickup_ids",
    "stop_firm_ids",
    "arrivals",
    "load_kg",
    "km",
    "duration_min",
    "cost_cad",
    "co2e_kg",
)
STOP_COLUMNS: tuple[str, ...] = (
    "tour_id",
    "sequence",
    "pickup_id",
    "firm_id",
    "residue_id",
    "lat",
    "lon",
    "arrival_min",
    "load_kg",
)
#: One row per collection day: OR-Tools and nearest-neighbour km and stops served.
DAY_COLUMNS: tuple[str, ...] = (
    "receiver_id",
    "truck_class",
    "week",
    "n_stops",
    "km",
    "served",
    "nearest_neighbour_km",
    "nearest_neighbour_served",
    "solve_s",
)
FIRM_COLUMNS: tuple[str, ...] = (
    "pickup_id",
    "firm_id",
    "residue_id",
    "truck_class",
    "receiver_id",
    "pickups_per_yr",
    "served",
    "status",
    "separate_km_per_yr",
    "shared_km_per_yr",
    "separate_cost_cad_per_yr",
    "shared_cost_cad_per_yr",
    "saving_cad_per_yr",
    "separate_co2e_t_per_yr",
    "shared_co2e_t_per_yr",
    "co2e_avoided_t_per_yr",
    "quantity_t_per_yr",
)


def _frame(columns: tuple[str, ...], rows: list | None = None) -> pd.DataFrame:
    return pd.DataFrame(rows or [], columns=list(columns))


@dataclass(frozen=True)
class CollectionPlan:
    """The cycle's tours (:data:`TOUR_COLUMNS`), their stops (:data:`STOP_COLUMNS`), each pickup's
    yearly figures (:data:`FIRM_COLUMNS`), each day's comparison with the nearest-neighbour tours
    (:data:`DAY_COLUMNS`), what the checker found, and yearly km (shared, nearest-neighbour, separate)."""

    tours: pd.DataFrame = field(default_factory=lambda: _frame(TOUR_COLUMNS))
    stops: pd.DataFrame = field(default_factory=lambda: _frame(STOP_COLUMNS))
    firms: pd.DataFrame = field(default_factory=lambda: _frame(FIRM_COLUMNS))
    days: pd.DataFrame = field(default_factory=lambda: _frame(DAY_COLUMNS))
    violations: tuple[str, ...] = ()
    km_per_yr: float = 0.0
    nearest_neighbour_km_per_yr: float = 0.0
    separate_km_per_yr: float = 0.0
    wall_time_s: float = 0.0


def _km(detour: float, lat1, lon1, lat2, lon2) -> np.ndarray:
    return detour * haversine_km(
        np.asarray(lat1, float), np.asarray(lon1, float), np.asarray(lat2, float), np.asarray(lon2, float)
    )


def assign_receivers(
    pickups: pd.DataFrame, receivers: pd.DataFrame, *, detour_factor: float = 1.3
) -> pd.Series:
    """The receiver of each pickup: the declared one if it takes the residue, else the nearest that does
    (``""`` when none does)."""
    takes = [set(str(r).split("|")) for r in receivers["residues"]]
    ids = receivers["receiver_id"].astype(str).tolist()
    km = _km(
        detour_factor,
        pickups["lat"].to_numpy(float)[:, None],
        pickups["lon"].to_numpy(float)[:, None],
        receivers["lat"].to_numpy(float)[None, :],
        receivers["lon"].to_numpy(float)[None, :],
    )
    out = []
    declared_ids = pickups["receiver_id"].fillna("").astype(str)
    for i, (residue, declared) in enumerate(zip(pickups["residue_id"], declared_ids, strict=True)):
        ok = np.array([residue in t for t in takes], dtype=bool)
        if declared in ids and ok[ids.index(declared)]:
            out.append(declared)
        elif ok.any():
            out.append(ids[int(np.flatnonzero(ok)[np.argmin(km[i, ok])])])
        else:
            out.append("")
    return pd.Series(out, index=pickups.index, dtype=object)


def assign_weeks(pickups: pd.DataFrame) -> pd.Series:
    """Weeks of the cycle (tuple of 0..3) of each pickup, balancing each receiver's load per truck class."""
    load: dict[tuple[str, str, int], float] = defaultdict(float)
    out: dict[int, tuple[int, ...]] = {}
    per_pickup = pickups["load_kg"].to_numpy(float)
    keys = list(zip(pickups["receiver_id"].astype(str), pickups["truck_class"].astype(str), strict=True))
    periods = pickups["period_weeks"].astype(int).tolist()
    order = sorted(range(len(pickups)), key=lambda i: (-per_pickup[i], str(pickups["pickup_id"].iat[i])))
    for i in order:
        if periods[i] == 1:
            options = [tuple(range(CYCLE_WEEKS))]
        elif periods[i] == 2:
            options = [(0, 2), (1, 3)]
        else:
            options = [(w,) for w in range(CYCLE_WEEKS)]
        best = min(options, key=lambda weeks, k=keys[i]: (max(load[(*k, w)] for w in weeks), weeks))
        for w in best:
            load[(*keys[i], w)] += per_pickup[i]
        out[i] = best
    return pd.Series([out[i] for i in range(len(pickups))], index=pickups.index, dtype=object)


def _separate(pickups: pd.DataFrame, depot_km: np.ndarray, cfg: RouteConfig) -> pd.DataFrame:
    """Cost, km and CO2e (kg) of one separate pickup of each firm."""
    km = 2.0 * depot_km
    hours = km / cfg.speed_kmh + pickups["service_min"].to_numpy(float) / 60.0
    computed = cfg.cost_cad_per_trip + km * cfg.cost_cad_per_km + hours * cfg.cost_cad_per_h
    declared = pd.to_numeric(pickups["current_cost_cad_per_pickup"], errors="coerce").to_numpy(float)
    return pd.DataFrame(
        {
            "km": km,
            "cost": np.where(np.isfinite(declared), declared, computed),
            "co2e_kg": km * cfg.co2e_kg_per_km,
        },
        index=pickups.index,
    )


def _tour_cost(route: Route, cfg: RouteConfig) -> float:
    hours = (route.end_min - route.start_min) / 60.0
    return cfg.cost_cad_per_trip + route.km * cfg.cost_cad_per_km + hours * cfg.cost_cad_per_h


@dataclass
class _Tally:
    tours: list = field(default_factory=list)
    stops: list = field(default_factory=list)
    days: list = field(default_factory=list)
    shared: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)
    km: float = 0.0
    nn_km: float = 0.0


def _record_route(
    route: Route,
    day: pd.DataFrame,
    key: tuple[str, str, int],
    separate: pd.DataFrame,
    cfg: RouteConfig,
    tally: _Tally,
) -> None:
    receiver, truck_class, week = key
    at = list(route.stops)
    labels = day.index[at]
    column = {
        c: day[c].to_numpy()[at] for c in ("pickup_id", "firm_id", "residue_id", "lat", "lon", "load_kg")
    }
    tour_id = f"T-{receiver}-{truck_class}-{week + 1}-{route.vehicle + 1}"
    cost = _tour_cost(route, cfg)
    rows = separate.index.get_indexer(labels)
    sep_cost, sep_km = separate["cost"].to_numpy(float)[rows], separate["km"].to_numpy(float)[rows]
    cost_share = (cost * sep_cost / sep_cost.sum()).tolist()
    km_share = (route.km * sep_km / sep_km.sum()).tolist()
    for idx, c, k in zip(labels, cost_share, km_share, strict=True):
        entry = tally.shared.setdefault(idx, [0.0, 0.0, 0.0])
        entry[0] += c
        entry[1] += k
        entry[2] += k * cfg.co2e_kg_per_km
    tally.tours.append(
        {
            "tour_id": tour_id,
            "receiver_id": receiver,
            "truck_class": truck_class,
            "residues": "|".join(dict.fromkeys(column["residue_id"])),
            "week": week + 1,
            "truck": route.vehicle + 1,
            "n_stops": len(route.stops),
            "stop_pickup_ids": "|".join(column["pickup_id"]),
            "stop_firm_ids": "|".join(column["firm_id"]),
            "arrivals": "|".join(map(str, route.arrivals_min)),
            "load_kg": route.load_kg,
            "km": route.km,
            "duration_min": route.end_min - route.start_min,
            "cost_cad": cost,
            "co2e_kg": route.km * cfg.co2e_kg_per_km,
        }
    )
    values = zip(*column.values(), strict=True)  # one pass over the columns, no lookup per cell
    for seq, (row, arrival) in enumerate(zip(values, route.arrivals_min, strict=True), start=1):
        pickup_id, firm_id, residue_id, lat, lon, load_kg = row
        tally.stops.append(
            {
                "tour_id": tour_id,
                "sequence": seq,
                "pickup_id": pickup_id,
                "firm_id": firm_id,
                "residue_id": residue_id,
                "lat": lat,
                "lon": lon,
                "arrival_min": arrival,
                "load_kg": load_kg,
            }
        )


def _plan_day(
    instance: RouteInstance,
    day: pd.DataFrame,
    key: tuple[str, str, int],
    separate: pd.DataFrame,
    tally: _Tally,
    time_limit_s: float | None,
) -> None:
    plan = solve_routes(instance, time_limit_s=time_limit_s)
    baseline = nearest_neighbour_routes(instance)
    tally.violations += [f"{key}: {p.message('en')}" for p in check_routes(instance, plan)]
    tally.violations += [
        f"{key} (nearest neighbour): {p.message('en')}" for p in check_routes(instance, baseline)
    ]
    tally.km += plan.km
    tally.nn_km += baseline.km
    tally.days.append(
        {
            "receiver_id": key[0],
            "truck_class": key[1],
            "week": key[2] + 1,
            "n_stops": instance.n_stops,
            "km": plan.km,
            "served": instance.n_stops - len(plan.dropped),
            "nearest_neighbour_km": baseline.km,
            "nearest_neighbour_served": instance.n_stops - len(baseline.dropped),
            "solve_s": plan.wall_time_s,
        }
    )
    for route in plan.routes:
        _record_route(route, day, key, separate, instance.config, tally)


def _located(pickups: pd.DataFrame, firms: pd.DataFrame, residues: pd.DataFrame) -> pd.DataFrame:
    out = pickups.merge(firms[["firm_id", "lat", "lon"]], on="firm_id", how="inner")
    out = out[out[["lat", "lon"]].notna().all(axis=1)].reset_index(drop=True)
    table = residues.set_index("residue_id")
    out["service_min"] = out["residue_id"].map(table["service_min"]).fillna(15.0).astype(float)
    out["truck_class"] = out["residue_id"].map(table["truck_class"]).fillna(out["residue_id"]).astype(str)
    out["pickups_per_yr"] = 52.0 / out["period_weeks"].astype(float)
    out["load_kg"] = 1000.0 * out["quantity_t_per_yr"].astype(float) / out["pickups_per_yr"]
    return out


def plan_collection(
    pickups: pd.DataFrame,
    receivers: pd.DataFrame,
    firms: pd.DataFrame,
    residues: pd.DataFrame,
    *,
    config: RouteConfig | None = None,
    detour_factor: float = 1.3,
    time_limit_s: float | None = None,
) -> CollectionPlan:
    """Plan the shared collection tours of a four-week cycle (see the module docstring).

    Parameters
    ----------
    pickups, receivers
        :data:`~symbiosis.mutual.tables.PICKUPS` and ``RECEIVERS`` rows.
    firms
        The registry's firms (``firm_id, lat, lon``).
    residues
        :func:`~symbiosis.mutual.reference.load_residues` (truck class, service minutes on site).
    config
        Trucks, costs, shift and solver settings.
    detour_factor
        Road km per great-circle km.
    time_limit_s
        Limit of each day's solve (``config.time_limit_s`` when None).
    """
    start = time.perf_counter()
    cfg = config or RouteConfig()
    located = _located(pickups, firms, residues)
    if located.empty or receivers.empty:
        return CollectionPlan()
    located["receiver_id"] = assign_receivers(located, receivers, detour_factor=detour_factor)
    located = located[located["receiver_id"] != ""].reset_index(drop=True)
    located["weeks"] = assign_weeks(located)
    depot = receivers.set_index("receiver_id")
    ends = depot.loc[located["receiver_id"]]
    depot_km = _km(detour_factor, located["lat"], located["lon"], ends["lat"], ends["lon"])
    separate = _separate(located, depot_km, cfg)
    tally, left_out = _Tally(), {}
    for _ in range(MAX_ROUNDS):
        tally = _plan_days(
            located[~located["pickup_id"].isin(left_out)], depot, separate, cfg, detour_factor, time_limit_s
        )
        leaving = _leaving(located, _firm_figures(located, separate, tally.shared, left_out), tally)
        if not leaving:
            break
        left_out.update(leaving)
    firms_frame = _firm_figures(located, separate, tally.shared, left_out)
    logger.info(
        "collection: %d days, %.0f km/yr (nearest neighbour %.0f, separate %.0f), %d left out, %.2f s",
        len(tally.days),
        CYCLES_PER_YEAR * tally.km,
        CYCLES_PER_YEAR * tally.nn_km,
        float((separate["km"] * located["pickups_per_yr"]).sum()),
        len(left_out),
        time.perf_counter() - start,
    )
    return CollectionPlan(
        _frame(TOUR_COLUMNS, tally.tours),
        _frame(STOP_COLUMNS, tally.stops),
        firms_frame,
        _frame(DAY_COLUMNS, tally.days),
        tuple(tally.violations),
        CYCLES_PER_YEAR * tally.km,
        CYCLES_PER_YEAR * tally.nn_km,
        float((separate["km"] * located["pickups_per_yr"]).sum()),
        time.perf_counter() - start,
    )


def _plan_days(
    located: pd.DataFrame,
    depot: pd.DataFrame,
    separate: pd.DataFrame,
    cfg: RouteConfig,
    detour_factor: float,
    time_limit_s: float | None,
) -> _Tally:
    """Solve every collection day of the cycle for these pickups."""
    tally = _Tally()
    for (receiver, truck_class), part in located.groupby(["receiver_id", "truck_class"], sort=True):
        trucks = int(depot.at[receiver, "trucks"]) or cfg.trucks_per_receiver
        point = (float(depot.at[receiver, "lat"]), float(depot.at[receiver, "lon"]))
        day_cfg = dataclasses.replace(cfg, truck_capacity_kg=cfg.capacity_for(str(truck_class)))
        for week in range(CYCLE_WEEKS):
            day = part[[week in w for w in part["weeks"]]].sort_values("pickup_id")
            if day.empty:
                continue
            instance = route_instance(
                point,
                day.rename(columns={"pickup_id": "stop_id"}),
                vehicles=trucks,
                config=day_cfg,
                detour_factor=detour_factor,
            )
            _plan_day(instance, day, (str(receiver), str(truck_class), week), separate, tally, time_limit_s)
    return tally


def _leaving(located: pd.DataFrame, figures: pd.DataFrame, tally: _Tally) -> dict[str, str]:
    """Served pickups that leave the shared tours: those that would pay more than alone (``no_saving``)
    and those whose tours carry no other firm (``alone``: not a mutualisation)."""
    stops = _frame(STOP_COLUMNS, tally.stops)
    firms_on_tour = stops.groupby("tour_id")["firm_id"].nunique()
    shared_tours = stops["tour_id"].map(firms_on_tour) > 1
    with_others = set(stops.loc[shared_tours, "pickup_id"])
    served = figures[figures["status"] == "shared"]
    out = {p: "no_saving" for p in served.loc[served["saving_cad_per_yr"] < -0.005, "pickup_id"]}
    out.update({p: "alone" for p in served["pickup_id"] if p not in with_others and p not in out})
    return out


def _firm_figures(
    located: pd.DataFrame, separate: pd.DataFrame, shared: dict, left_out: dict[str, str]
) -> pd.DataFrame:
    """Yearly separate and shared figures per pickup (unserved pickups keep their separate hauling).

    ``status`` is ``shared``, ``no_saving`` or ``alone`` (left out, see :func:`_leaving`), or
    ``no_room`` (no tour could take it within the trucks' capacity, windows and shift).
    """
    per_yr = located["pickups_per_yr"].to_numpy(float)
    visits = np.array([len(w) for w in located["weeks"]], dtype=float)  # visits per cycle
    served = np.array([i in shared for i in located.index], dtype=bool)
    cycle = np.array([shared.get(i, [0.0, 0.0, 0.0]) for i in located.index]).reshape(-1, 3)
    sep_cost, sep_km, sep_co2 = (separate[c].to_numpy(float) * per_yr for c in ("cost", "km", "co2e_kg"))
    shared_cost = np.where(served, CYCLES_PER_YEAR * cycle[:, 0], sep_cost)
    shared_km = np.where(served, CYCLES_PER_YEAR * cycle[:, 1], sep_km)
    shared_co2 = np.where(served, CYCLES_PER_YEAR * cycle[:, 2], sep_co2)
    status = np.where(served, "shared", [left_out.get(p, "no_room") for p in located["pickup_id"]])
    frame = pd.DataFrame(
        {
            "pickup_id": located["pickup_id"],
            "firm_id": located["firm_id"],
            "residue_id": located["residue_id"],
            "truck_class": located["truck_class"],
            "receiver_id": located["receiver_id"],
            "pickups_per_yr": CYCLES_PER_YEAR * visits,
            "served": served,
            "status": status,
            "separate_km_per_yr": sep_km,
            "shared_km_per_yr": shared_km,
            "separate_cost_cad_per_yr": sep_cost,
            "shared_cost_cad_per_yr": shared_cost,
            "saving_cad_per_yr": sep_cost - shared_cost,
            "separate_co2e_t_per_yr": sep_co2 / 1000.0,
            "shared_co2e_t_per_yr": shared_co2 / 1000.0,
            "co2e_avoided_t_per_yr": (sep_co2 - shared_co2) / 1000.0,
            "quantity_t_per_yr": located["quantity_t_per_yr"].astype(float),
        }
    )
    return frame[list(FIRM_COLUMNS)].sort_values("pickup_id", ignore_index=True)
