"""Shared collection over a four-week cycle: which pickups go on which day's tours, and each firm's saving.

Each pickup goes to its declared receiver, else to the nearest receiver that takes its residue.
Pickups are due every 1, 2 or 4 weeks; over a four-week cycle, fortnightly pickups take weeks
(1, 3) or (2, 4) and four-weekly ones a single week, each placed where that receiver's load for
that residue is lightest so far (largest loads first). Each receiver, residue and week is one
collection day (:class:`~symbiosis.mutual.routes.RouteInstance`), solved with OR-Tools and with the
nearest-neighbour baseline. Yearly figures are the cycle's times 13 (52 weeks / 4).

**Today's separate hauling** of one pickup is a return trip receiver → firm → receiver:
``2 · km`` road km, costing the firm's declared price per pickup or, when it gives none,
``cost_cad_per_trip + 2 · km · cost_cad_per_km + (2 · km / speed + service) · cost_cad_per_h``.
**A shared tour's cost** (fixed cost per trip, its km and its hours) and its km and CO2e are
shared among its stops pro rata of their separate cost (km and CO2e pro rata of their separate km),
so no firm pays more than alone whenever the tour is shorter than the separate trips it replaces.
A stop no tour can take keeps its separate hauling (saving 0, reported).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.mutual.config import RouteConfig
from symbiosis.mutual.routes import (
    RouteInstance,
    RoutePlan,
    nearest_neighbour_routes,
    route_instance,
    solve_routes,
)
from symbiosis.mutual.routes_check import check_routes
from symbiosis.places.distance import haversine_km

__all__ = [
    "CYCLE_WEEKS",
    "FIRM_COLUMNS",
    "TOUR_COLUMNS",
    "CollectionPlan",
    "assign_receivers",
    "assign_weeks",
    "plan_collection",
]

logger = logging.getLogger(__name__)

CYCLE_WEEKS = 4
CYCLES_PER_YEAR = 13.0
TOUR_COLUMNS: tuple[str, ...] = (
    "tour_id",
    "receiver_id",
    "residue_id",
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
    "nearest_neighbour_km",
)
STOP_COLUMNS: tuple[str, ...] = (
    "tour_id",
    "sequence",
    "pickup_id",
    "firm_id",
    "lat",
    "lon",
    "arrival_min",
    "load_kg",
)
FIRM_COLUMNS: tuple[str, ...] = (
    "pickup_id",
    "firm_id",
    "residue_id",
    "receiver_id",
    "pickups_per_yr",
    "served",
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


@dataclass(frozen=True)
class CollectionPlan:
    """The cycle's tours (:data:`TOUR_COLUMNS`), their stops, each pickup's yearly figures
    (:data:`FIRM_COLUMNS`), the days' checks and the comparison with the nearest-neighbour tours."""

    tours: pd.DataFrame
    stops: pd.DataFrame
    firms: pd.DataFrame
    violations: tuple[str, ...] = ()
    km_per_yr: float = 0.0
    nearest_neighbour_km_per_yr: float = 0.0
    separate_km_per_yr: float = 0.0
    n_days: int = 0
    wall_time_s: float = 0.0


def assign_receivers(
    pickups: pd.DataFrame, receivers: pd.DataFrame, *, detour_factor: float = 1.3
) -> pd.Series:
    """The receiver of each pickup: the declared one if it takes the residue, else the nearest that does
    (``""`` when none does)."""
    takes = [set(str(r).split("|")) for r in receivers["residues"]]
    ids = receivers["receiver_id"].astype(str).to_numpy()
    km = detour_factor * haversine_km(
        pickups["lat"].to_numpy(float)[:, None],
        pickups["lon"].to_numpy(float)[:, None],
        receivers["lat"].to_numpy(float)[None, :],
        receivers["lon"].to_numpy(float)[None, :],
    )
    out = []
    for i, (residue, declared) in enumerate(
        zip(pickups["residue_id"], pickups["receiver_id"].fillna(""), strict=True)
    ):
        ok = np.array([residue in t for t in takes], dtype=bool)
        if declared and declared in ids and ok[list(ids).index(declared)]:
            out.append(declared)
        elif ok.any():
            out.append(str(ids[np.flatnonzero(ok)[np.argmin(km[i, ok])]]))
        else:
            out.append("")
    return pd.Series(out, index=pickups.index, dtype=object)


def assign_weeks(pickups: pd.DataFrame) -> pd.Series:
    """Weeks of the cycle (tuple of 0..3) of each pickup, balancing the load of each receiver and residue."""
    load: dict[tuple[str, str, int], float] = defaultdict(float)
    out: dict[int, tuple[int, ...]] = {}
    per_pickup = pickups["load_kg"].to_numpy(float)
    order = sorted(range(len(pickups)), key=lambda i: (-per_pickup[i], str(pickups["pickup_id"].iat[i])))
    for i in order:
        key = (str(pickups["receiver_id"].iat[i]), str(pickups["residue_id"].iat[i]))
        period = int(pickups["period_weeks"].iat[i])
        options = (
            [tuple(range(CYCLE_WEEKS))]
            if period == 1
            else [(0, 2), (1, 3)]
            if period == 2
            else [(w,) for w in range(CYCLE_WEEKS)]
        )
        best = min(options, key=lambda weeks: (max(load[(*key, w)] for w in weeks), weeks))
        for w in best:
            load[(*key, w)] += per_pickup[i]
        out[i] = best
    return pd.Series([out[i] for i in range(len(pickups))], index=pickups.index, dtype=object)


def _separate(
    pickups: pd.DataFrame, depot_km: np.ndarray, service: np.ndarray, cfg: RouteConfig
) -> pd.DataFrame:
    km = 2.0 * depot_km
    computed = (
        cfg.cost_cad_per_trip
        + km * cfg.cost_cad_per_km
        + (km / cfg.speed_kmh + service / 60.0) * cfg.cost_cad_per_h
    )
    declared = pd.to_numeric(pickups["current_cost_cad_per_pickup"], errors="coerce").to_numpy(float)
    return pd.DataFrame(
        {
            "km": km,
            "cost": np.where(np.isfinite(declared), declared, computed),
            "co2e_kg": km * cfg.co2e_kg_per_km,
        },
        index=pickups.index,
    )


def _tour_cost(route, cfg: RouteConfig) -> float:
    hours = (route.end_min - route.start_min) / 60.0
    return cfg.cost_cad_per_trip + route.km * cfg.cost_cad_per_km + hours * cfg.cost_cad_per_h


@dataclass
class _Tally:
    tours: list
    stops: list
    shared: dict
    violations: list
    km: float = 0.0
    nn_km: float = 0.0
    days: int = 0


def _plan_day(
    instance: RouteInstance,
    day: pd.DataFrame,
    key: tuple[str, str, int],
    separate: pd.DataFrame,
    tally: _Tally,
    time_limit_s: float | None,
) -> None:
    cfg = instance.config
    plan: RoutePlan = solve_routes(instance, time_limit_s=time_limit_s)
    baseline = nearest_neighbour_routes(instance)
    tally.violations += [f"{key}: {p}" for p in check_routes(instance, plan)]
    tally.km += plan.km
    tally.nn_km += baseline.km
    tally.days += 1
    receiver, residue, week = key
    for route in plan.routes:
        rows = day.iloc[list(route.stops)]
        tour_id = f"T-{receiver}-{residue}-{week + 1}-{route.vehicle + 1}"
        cost, co2 = _tour_cost(route, cfg), route.km * cfg.co2e_kg_per_km
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
                "residue_id": residue,
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
                "co2e_kg": co2,
                "nearest_neighbour_km": np.nan,
            }
        )
        for seq, (idx, arrival) in enumerate(zip(rows.index, route.arrivals_min, strict=True), start=1):
            tally.stops.append(
                {
                    "tour_id": tour_id,
                    "sequence": seq,
                    "pickup_id": day.at[idx, "pickup_id"],
                    "firm_id": day.at[idx, "firm_id"],
                    "lat": day.at[idx, "lat"],
                    "lon": day.at[idx, "lon"],
                    "arrival_min": arrival,
                    "load_kg": day.at[idx, "load_kg"],
                }
            )
    if plan.routes:
        tally.tours[-len(plan.routes)]["nearest_neighbour_km"] = baseline.km


def _located(pickups: pd.DataFrame, firms: pd.DataFrame, residues: pd.DataFrame) -> pd.DataFrame:
    out = pickups.merge(firms[["firm_id", "lat", "lon"]], on="firm_id", how="inner")
    out = out[out[["lat", "lon"]].notna().all(axis=1)].reset_index(drop=True)
    service = residues.set_index("residue_id")["service_min"]
    out["service_min"] = out["residue_id"].map(service).fillna(15.0).astype(float)
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
        :func:`~symbiosis.mutual.reference.load_residues` (service minutes on site).
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
    empty = CollectionPlan(
        pd.DataFrame(columns=list(TOUR_COLUMNS)),
        pd.DataFrame(columns=list(STOP_COLUMNS)),
        pd.DataFrame(columns=list(FIRM_COLUMNS)),
    )
    if located.empty or receivers.empty:
        return empty
    located["receiver_id"] = assign_receivers(located, receivers, detour_factor=detour_factor)
    located = located[located["receiver_id"] != ""].reset_index(drop=True)
    located["weeks"] = assign_weeks(located)
    depot = receivers.set_index("receiver_id")
    depot_km = detour_factor * haversine_km(
        located["lat"],
        located["lon"],
        depot.loc[located["receiver_id"], "lat"].to_numpy(float),
        depot.loc[located["receiver_id"], "lon"].to_numpy(float),
    )
    separate = _separate(located, np.asarray(depot_km), located["service_min"].to_numpy(float), cfg)
    tally = _Tally([], [], {}, [])
    for (receiver, residue), part in located.groupby(["receiver_id", "residue_id"], sort=True):
        trucks = int(depot.at[receiver, "trucks"]) or cfg.trucks_per_receiver
        for week in range(CYCLE_WEEKS):
            day = part[[week in w for w in part["weeks"]]]
            if day.empty:
                continue
            stops = day.rename(columns={"pickup_id": "stop_id"})
            instance = route_instance(
                (float(depot.at[receiver, "lat"]), float(depot.at[receiver, "lon"])),
                stops,
                vehicles=trucks,
                config=cfg,
                detour_factor=detour_factor,
            )
            day = day.loc[stops.sort_values("stop_id").index]
            _plan_day(instance, day, (str(receiver), str(residue), week), separate, tally, time_limit_s)
    firms_frame = _firm_figures(located, separate, tally.shared)
    return CollectionPlan(
        pd.DataFrame(tally.tours, columns=list(TOUR_COLUMNS)),
        pd.DataFrame(tally.stops, columns=list(STOP_COLUMNS)),
        firms_frame,
        tuple(tally.violations),
        CYCLES_PER_YEAR * tally.km,
        CYCLES_PER_YEAR * tally.nn_km,
        float((separate["km"] * located["pickups_per_yr"]).sum()),
        tally.days,
        time.perf_counter() - start,
    )


def _firm_figures(located: pd.DataFrame, separate: pd.DataFrame, shared: dict) -> pd.DataFrame:
    """Yearly separate and shared figures per pickup (unserved pickups keep their separate hauling)."""
    per_yr = located["pickups_per_yr"].to_numpy(float)
    visits = np.array([len(w) for w in located["weeks"]], dtype=float)  # visits per cycle
    served = np.array([i in shared for i in located.index])
    cycle = np.array([shared.get(i, [0.0, 0.0, 0.0]) for i in located.index])
    sep_cost, sep_km, sep_co2 = (separate[c].to_numpy(float) * per_yr for c in ("cost", "km", "co2e_kg"))
    shared_cost = np.where(served, CYCLES_PER_YEAR * cycle[:, 0], sep_cost)
    shared_km = np.where(served, CYCLES_PER_YEAR * cycle[:, 1], sep_km)
    shared_co2 = np.where(served, CYCLES_PER_YEAR * cycle[:, 2], sep_co2)
    frame = pd.DataFrame(
        {
            "pickup_id": located["pickup_id"],
            "firm_id": located["firm_id"],
            "residue_id": located["residue_id"],
            "receiver_id": located["receiver_id"],
            "pickups_per_yr": CYCLES_PER_YEAR * visits,
            "served": served,
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
