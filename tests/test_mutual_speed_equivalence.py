"""The fast candidate groups and route checker give exactly what the former code gave.

``tests/_former_purchase_groups.py`` and ``tests/_former_routes_check.py`` keep the implementations
from before the speed-up (memoised group values, per-instance tier arrays, coordinates converted once
instead of once per leg) verbatim; both versions run on the sample region and on randomised instances,
and the groups (members in order, months, pooled quantity, tier, savings: every float bit for bit) and
the findings must be identical. Speed is measured in ``benchmarks/bench_mutual_pages.py``, not here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from symbiosis.mutual import MutualConfig
from symbiosis.mutual import routes as routes_module
from symbiosis.mutual.config import PurchaseConfig, RouteConfig
from symbiosis.mutual.ingest import mutual_data, validate_mutual_bytes
from symbiosis.mutual.purchase_instance import (
    PurchaseInstance,
    candidate_groups,
    evaluate_group,
    purchase_instance,
    relaxed_bound,
)
from symbiosis.mutual.reference import load_purchase_tiers
from symbiosis.mutual.routes import (
    RoutePlan,
    nearest_neighbour_routes,
    route_instance,
    schedule,
    solve_routes,
)
from symbiosis.mutual.routes_check import check_routes
from symbiosis.sample.mutual import MUTUAL_FILES
from tests import _former_purchase_groups as former_groups
from tests import _former_routes as former_routes
from tests import _former_routes_check as former_check

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, object]:
    firms = pd.read_csv(SAMPLE / "firms.csv", dtype=str, keep_default_na=False)
    imported = {
        name: validate_mutual_bytes(
            (SAMPLE / file).read_bytes(), name, filename=file, known_firm_ids=set(firms["firm_id"])
        )
        for name, file in MUTUAL_FILES.items()
    }
    firms = firms.assign(lat=pd.to_numeric(firms["lat"]), lon=pd.to_numeric(firms["lon"]))
    return firms, mutual_data(imported)


def _same_groups(instance: PurchaseInstance, config: PurchaseConfig) -> int:
    fast = candidate_groups(instance, config)
    slow = former_groups.candidate_groups(former_groups.PurchaseInstance(*_fields(instance)), config)
    assert [dataclasses.astuple(g) for g in fast] == [dataclasses.astuple(g) for g in slow]
    assert relaxed_bound(instance) == former_groups.relaxed_bound(
        former_groups.PurchaseInstance(*_fields(instance))
    )
    return len(fast)


def _fields(instance: PurchaseInstance) -> tuple:
    return instance.purchases, instance.tiers, instance.detour_factor


def test_the_sample_regions_candidate_groups_are_unchanged(sample):
    firms, data = sample
    instance = purchase_instance(data.purchases, firms, detour_factor=MutualConfig().transport.detour_factor)
    assert _same_groups(instance, PurchaseConfig()) > 100
    small = PurchaseConfig(max_group_size=3, min_group_size=3, coordination_cost_cad_per_group_yr=50.0)
    assert _same_groups(instance, small) > 0


def _random_purchases(rng: np.random.Generator, n: int) -> PurchaseInstance:
    tiers = load_purchase_tiers()
    categories = rng.choice(sorted(set(tiers["category_id"])), size=4, replace=False)
    months = rng.choice([4095, 4095, 0b000000111111, 0b111111000000, 0b000011110000, 0b101010101010], size=n)
    frame = pd.DataFrame(
        {
            "purchase_id": [f"P{i:04d}" for i in range(n)],
            "firm_id": [f"F{i:03d}" for i in rng.integers(0, n // 2, size=n)],
            "category_id": rng.choice(categories, size=n),
            "quantity_per_yr": np.round(rng.lognormal(6.0, 1.5, size=n), 1),
            "unit": "kg",
            "months_mask": months,
            "price_cad_per_unit": np.round(rng.uniform(0.5, 40.0, size=n), 2),
            "radius_km": rng.choice([30.0, 60.0, 100.0], size=n),
            "lat": 48.4 + rng.uniform(-0.5, 0.5, size=n),
            "lon": -71.5 + rng.uniform(-0.8, 0.8, size=n),
        }
    ).sort_values(["category_id", "purchase_id"], ignore_index=True)
    return PurchaseInstance(frame, tiers, 1.3)


@pytest.mark.parametrize("seed", range(6))
def test_random_instances_give_the_same_groups(seed):
    rng = np.random.default_rng(seed)
    instance = _random_purchases(rng, 120)
    config = PurchaseConfig(
        max_group_size=int(rng.integers(3, 13)),
        min_group_size=int(rng.integers(2, 4)),
        coordination_cost_cad_per_group_yr=float(rng.choice([0.0, 150.0, 1500.0])),
    )
    assert _same_groups(instance, config) > 0


def test_evaluate_group_is_unchanged():
    instance = _random_purchases(np.random.default_rng(11), 60)
    for category, rows in instance.purchases.groupby("category_id").indices.items():
        members = list(rows[:5])
        fast = evaluate_group(instance, members[0], members, 120.0)
        slow = former_groups.evaluate_group(
            former_groups.PurchaseInstance(*_fields(instance)), members[0], members, 120.0
        )
        assert dataclasses.astuple(fast) == dataclasses.astuple(slow), category


def test_the_tier_arrays_are_computed_once_and_cannot_be_written():
    instance = _random_purchases(np.random.default_rng(3), 30)
    category = str(instance.purchases.at[0, "category_id"])
    first = instance.tier_arrays(category)
    assert instance.tier_arrays(category) is first
    with pytest.raises(ValueError):
        first[1][0] = 99.0
    other = dataclasses.replace(instance, tiers=instance.tiers.assign(discount_pct=0.0))
    assert other.tier_arrays(category)[1].max() == 0.0  # a replaced instance does not share the cache


def _random_day(rng: np.random.Generator, n: int) -> object:
    starts = rng.choice([6 * 60, 7 * 60, 9 * 60, 13 * 60], size=n)
    stops = pd.DataFrame(
        {
            "stop_id": [f"S{i:03d}" for i in range(n)],
            "firm_id": [f"F{i:03d}" for i in range(n)],
            "lat": 48.4 + rng.uniform(-0.3, 0.3, size=n),
            "lon": -71.2 + rng.uniform(-0.5, 0.5, size=n),
            "load_kg": np.round(rng.uniform(50.0, 2500.0, size=n), 1),
            "service_min": rng.choice([5.0, 10.0, 12.5, 20.0], size=n),
            "window_start_min": starts,
            "window_end_min": starts + rng.choice([60, 180, 600], size=n),
        }
    )
    config = RouteConfig(truck_capacity_kg=float(rng.choice([3000.0, 8000.0, 20000.0])), time_limit_s=0.2)
    return route_instance((48.42, -71.06), stops, vehicles=int(rng.integers(1, 4)), config=config)


def _broken_plans(plan: RoutePlan, n_stops: int) -> list[RoutePlan]:
    """The plan and versions of it that break every rule the checker knows."""
    if not plan.routes:
        return [plan]
    first = plan.routes[0]
    late = dataclasses.replace(first, arrivals_min=tuple(a + 7 for a in first.arrivals_min), km=first.km + 1)
    twice = dataclasses.replace(first, stops=first.stops + first.stops[:1], load_kg=first.load_kg * 3)
    unknown = dataclasses.replace(first, stops=(*first.stops, n_stops + 4))
    far = dataclasses.replace(first, vehicle=99, stops=tuple(range(n_stops)))
    return [
        plan,
        dataclasses.replace(plan, routes=(late, *plan.routes[1:]), km=plan.km + 3),
        dataclasses.replace(plan, routes=(twice, *plan.routes), dropped=first.stops[:1]),
        dataclasses.replace(plan, routes=(unknown, *plan.routes[1:])),
        dataclasses.replace(plan, routes=(far,), dropped=()),
        dataclasses.replace(plan, routes=(), dropped=()),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_random_days_give_the_same_findings(seed):
    rng = np.random.default_rng(100 + seed)
    instance = _random_day(rng, int(rng.integers(4, 16)))
    n_findings = 0
    for plan in (solve_routes(instance), nearest_neighbour_routes(instance)):
        for variant in _broken_plans(plan, instance.n_stops):
            fast = check_routes(instance, variant)
            assert fast == former_check.check_routes(instance, variant)
            n_findings += len(fast)
    assert n_findings > 10  # the broken variants do fire


def test_the_sample_regions_collection_checks_and_records_are_unchanged(sample, monkeypatch):
    firms, data = sample
    import symbiosis.mutual.collection as collection
    from symbiosis.mutual.reference import load_residues

    calls = {"check": 0, "record": 0}
    fast_check, fast_record = collection.check_routes, collection._record_route

    def both_checks(instance, plan):
        calls["check"] += 1
        fast = fast_check(instance, plan)
        assert fast == former_check.check_routes(instance, plan)
        return fast

    def both_records(route, day, key, separate, cfg, tally):
        before = collection._Tally(tours=[], stops=[], shared={})
        after = collection._Tally(tours=[], stops=[], shared={})
        former_check._record_route(route, day, key, separate, cfg, before)
        fast_record(route, day, key, separate, cfg, after)
        assert after.tours == before.tours and after.shared == before.shared
        assert [{k: (v, type(v)) for k, v in s.items()} for s in after.stops] == [
            {k: (v, type(v)) for k, v in s.items()} for s in before.stops
        ]
        calls["record"] += 1
        fast_record(route, day, key, separate, cfg, tally)

    monkeypatch.setattr(collection, "check_routes", both_checks)
    monkeypatch.setattr(collection, "_record_route", both_records)
    plan = collection.plan_collection(
        data.pickups, data.receivers, firms, load_residues(), config=RouteConfig(time_limit_s=0.05)
    )
    assert calls["check"] > 50 and calls["record"] > 50 and len(plan.tours) > 0


def _plain(value: object) -> object:
    """Fields of a plan or route as nested tuples (the former module has its own classes), timing zeroed."""
    if value is None:
        return None
    if hasattr(value, "wall_time_s"):
        value = dataclasses.replace(value, wall_time_s=0.0)
    return dataclasses.astuple(value)


@pytest.mark.parametrize("seed", range(5))
def test_random_days_give_the_same_schedules_routes_and_baseline(seed):
    rng = np.random.default_rng(200 + seed)
    instance = _random_day(rng, int(rng.integers(4, 16)))
    assert _plain(nearest_neighbour_routes(instance)) == _plain(
        former_routes.nearest_neighbour_routes(instance)
    )
    km, minutes = instance.km_matrix(), instance.minutes_matrix()
    feasible = 0
    for _ in range(30):
        order = tuple(int(i) for i in rng.permutation(instance.n_stops)[: int(rng.integers(1, 5))])
        assert schedule(instance, order, minutes) == former_routes.schedule(instance, order, minutes)
        route = routes_module._route(instance, 0, order, km, minutes)
        assert _plain(route) == _plain(former_routes._route(instance, 0, order, km, minutes))
        feasible += route is not None
    assert feasible > 0


def test_the_stop_arrays_are_read_only_and_not_shared_by_a_replaced_instance():
    instance = _random_day(np.random.default_rng(5), 6)
    with pytest.raises(ValueError):
        instance.stop_arrays.load_kg[0] = 0.0
    heavier = dataclasses.replace(instance, stops=instance.stops.assign(load_kg=99_999.0))
    assert heavier.stop_arrays.load_kg.min() == 99_999.0


def test_the_member_table_is_unchanged_cell_for_cell(sample):
    from symbiosis.mutual.purchase_explain import purchase_groups_frame, purchase_members_frame
    from symbiosis.mutual.purchase_model import solve_purchasing
    from tests import _former_purchase_explain as former_explain

    firms, data = sample
    instance = purchase_instance(data.purchases, firms)
    for config in (
        PurchaseConfig(),
        PurchaseConfig(coordination_cost_cad_per_group_yr=0.0, max_group_size=3),
    ):
        plan = solve_purchasing(instance, config)
        assert len(plan.groups) > 10
        for fast, slow in (
            (purchase_members_frame, former_explain.purchase_members_frame),
            (purchase_groups_frame, former_explain.purchase_groups_frame),
        ):
            pd.testing.assert_frame_equal(
                fast(instance, plan, config), slow(instance, plan, config), check_exact=True
            )
        empty = dataclasses.replace(plan, groups=())
        pd.testing.assert_frame_equal(
            purchase_members_frame(instance, empty, config),
            former_explain.purchase_members_frame(instance, empty, config),
        )


def test_the_vectorised_bit_count_counts_every_bit_of_an_int64():
    from symbiosis.mutual.purchase_instance import _popcounts

    masks = np.random.default_rng(4).integers(0, 2**63 - 1, size=2000, dtype=np.int64)
    masks[:4] = [0, 1, 4095, 2**63 - 1]
    assert _popcounts(masks).tolist() == [int(m).bit_count() for m in masks.tolist()]
    assert _popcounts(masks.reshape(40, 50)).shape == (40, 50)
