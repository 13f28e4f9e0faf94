"""Collection tours: a 6-stop tour checked against all 720 orders, capacity, windows, drops, the cycle."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

from symbiosis.mutual import (
    RouteConfig,
    check_routes,
    nearest_neighbour_routes,
    plan_collection,
    route_instance,
    solve_routes,
)
from symbiosis.mutual.collection import assign_weeks
from symbiosis.mutual.reference import load_residues
from symbiosis.mutual.routes import Route

DEPOT = (48.40, -71.05)
CONFIG = RouteConfig(time_limit_s=0.5, truck_capacity_kg=5000.0)


def _stops(points, *, load=100.0, window=(7 * 60, 17 * 60), service=10.0):
    return pd.DataFrame(
        {
            "stop_id": [f"S{i}" for i in range(len(points))],
            "firm_id": [f"F{i}" for i in range(len(points))],
            "lat": [p[0] for p in points],
            "lon": [p[1] for p in points],
            "load_kg": load,
            "service_min": service,
            "window_start_min": window[0],
            "window_end_min": window[1],
        }
    )


SIX = [(48.46, -71.05), (48.43, -70.97), (48.37, -70.98), (48.34, -71.06), (48.38, -71.14), (48.44, -71.13)]


def _length(km: np.ndarray, order) -> float:
    nodes = [0, *(s + 1 for s in order), 0]
    return float(sum(km[a, b] for a, b in itertools.pairwise(nodes)))


def test_a_six_stop_tour_matches_the_best_of_all_720_orders():
    rng = np.random.default_rng(7)
    points = [(lat + rng.normal(0, 0.01), lon + rng.normal(0, 0.01)) for lat, lon in SIX]
    instance = route_instance(DEPOT, _stops(points), vehicles=1, config=CONFIG)
    km = instance.km_matrix()
    best = min(_length(km, order) for order in itertools.permutations(range(6)))
    plan = solve_routes(instance)
    assert check_routes(instance, plan) == [] and plan.dropped == ()
    assert plan.km == pytest.approx(best, rel=1e-9)
    nn = nearest_neighbour_routes(instance)
    assert check_routes(instance, nn) == [] and nn.km >= best - 1e-9


def test_a_ring_of_stops_is_visited_in_ring_order():
    instance = route_instance(DEPOT, _stops(SIX), vehicles=1, config=CONFIG)
    (route,) = solve_routes(instance).routes
    steps = {(b - a) % 6 for a, b in itertools.pairwise(route.stops)}
    assert sorted(route.stops) == list(range(6)) and steps in ({1}, {5})  # around the ring, one way


def test_capacity_splits_the_stops_between_two_trucks():
    instance = route_instance(
        DEPOT, _stops(SIX, load=2000.0), vehicles=2, config=CONFIG
    )  # 12 t > 5 t per truck
    plan = solve_routes(instance)
    assert check_routes(instance, plan) == []
    served = sorted(s for r in plan.routes for s in r.stops)
    assert all(r.load_kg <= 5000.0 for r in plan.routes)
    assert len(served) + len(plan.dropped) == 6 and len(served) == 4  # two trucks carry 2 stops of 2 t each


def test_a_time_window_changes_the_order():
    stops = _stops(SIX)
    stops.loc[3, ["window_start_min", "window_end_min"]] = [7 * 60, 7 * 60 + 20]  # stop 3 first thing
    instance = route_instance(DEPOT, stops, vehicles=1, config=CONFIG)
    plan = solve_routes(instance)
    assert check_routes(instance, plan) == [] and plan.routes[0].stops[0] == 3


def test_a_stop_that_fits_no_tour_is_dropped_not_fatal():
    stops = _stops(SIX)
    stops.loc[2, ["window_start_min", "window_end_min"]] = [0, 5]  # before the shift starts
    instance = route_instance(DEPOT, stops, vehicles=1, config=CONFIG)
    plan = solve_routes(instance)
    assert plan.dropped == (2,) and check_routes(instance, plan) == []


def test_the_checker_catches_an_overloaded_tour_and_a_late_arrival():
    instance = route_instance(DEPOT, _stops(SIX, load=1000.0), vehicles=1, config=CONFIG)
    plan = solve_routes(instance)
    route = plan.routes[0]
    heavy = dataclasses.replace(instance, config=dataclasses.replace(CONFIG, truck_capacity_kg=3000.0))
    found = check_routes(heavy, plan)
    assert "overloaded" in {p.code for p in found} and any("charge" in p.message("fr") for p in found)
    late = dataclasses.replace(
        plan,
        routes=(
            Route(
                route.vehicle, route.stops, (0,) * 6, route.load_kg, route.km, route.start_min, route.end_min
            ),
        ),
    )
    assert "arrival_mismatch" in {p.code for p in check_routes(instance, late)}


def _pickups(period_weeks):
    n = len(period_weeks)
    return pd.DataFrame(
        {
            "pickup_id": [f"K{i}" for i in range(n)],
            "firm_id": [f"F{i}" for i in range(n)],
            "residue_id": "cardboard_occ",
            "description": "",
            "quantity_t_per_yr": 5.2,
            "period_weeks": period_weeks,
            "window_start_min": 7 * 60,
            "window_end_min": 17 * 60,
            "receiver_id": "",
            "current_cost_cad_per_pickup": np.nan,
        }
    )


def test_fortnightly_and_four_weekly_pickups_are_spread_over_the_cycle():
    pickups = _pickups([1, 2, 2, 4, 4, 4, 4]).assign(receiver_id="R", truck_class="box_truck", load_kg=100.0)
    weeks = assign_weeks(pickups)
    assert weeks[0] == (0, 1, 2, 3) and {weeks[1], weeks[2]} == {(0, 2), (1, 3)}
    assert sorted(w for (w,) in weeks[3:]) == [0, 1, 2, 3]


def test_a_shared_collection_saves_against_separate_pickups_and_allocates_every_tour():
    firms = pd.DataFrame(
        {"firm_id": [f"F{i}" for i in range(6)], "lat": [p[0] for p in SIX], "lon": [p[1] for p in SIX]}
    )
    receivers = pd.DataFrame(
        {
            "receiver_id": ["R"],
            "name": ["Récupération"],
            "firm_id": [""],
            "lat": [DEPOT[0]],
            "lon": [DEPOT[1]],
            "residues": ["cardboard_occ|plastic_film_pe"],
            "trucks": [1],
        }
    )
    plan = plan_collection(_pickups([1, 1, 2, 2, 4, 4]), receivers, firms, load_residues(), config=CONFIG)
    assert plan.violations == () and plan.firms["served"].all()
    assert (plan.firms["saving_cad_per_yr"] > 0).all() and (plan.firms["co2e_avoided_t_per_yr"] > 0).all()
    assert plan.firms["pickups_per_yr"].tolist() == [52.0, 52.0, 26.0, 26.0, 13.0, 13.0]
    # the tours' cost and km, 13 cycles a year, are exactly what the firms' shares add up to
    assert plan.firms["shared_cost_cad_per_yr"].sum() == pytest.approx(13 * plan.tours["cost_cad"].sum())
    assert plan.firms["shared_km_per_yr"].sum() == pytest.approx(plan.km_per_yr)
    assert (
        plan.km_per_yr < plan.separate_km_per_yr and plan.km_per_yr <= plan.nearest_neighbour_km_per_yr + 1e-6
    )
