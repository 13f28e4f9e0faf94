"""KPIs and the result containers, on hand-made exchanges."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from symbiosis.results import KPI_LABELS, AllocationInfo, KindKpis, Kpis, compute_kpis

FIRMS = pd.DataFrame({"firm_id": ["A", "B", "C"], "park_id": ["P1", "P1", "P2"]})
EX = pd.DataFrame(
    {
        "candidate_id": ["c1", "c2", "c3"],
        "supply_firm_id": ["A", "B", "A"],
        "demand_firm_id": ["B", "C", "C"],
        "kind": ["material", "material", "energy"],
        "quantity_unit": ["t/yr", "t/yr", "MWh/yr"],
        "flow_per_yr": [10.0, 20.0, 100.0],
        "net_value_cad_per_yr": [100.0, -20.0, 500.0],
        "co2e_avoided_t_per_yr": [1.0, 2.0, 3.0],
        "diverted_t_per_yr": [10.0, 15.0, 0.0],
        "avoided_disposal_cad_per_yr": [50.0, 60.0, 0.0],
        "avoided_purchase_cad_per_yr": [70.0, 0.0, 600.0],
        "transport_cost_cad_per_yr": [20.0, 80.0, 100.0],
    }
)


def test_compute_kpis_sums_by_hand():
    k = compute_kpis(EX, FIRMS)
    assert k.tonnes_exchanged_t_per_yr == pytest.approx(30.0)  # energy carries no tonnes
    assert k.diverted_t_per_yr == pytest.approx(25.0)
    assert k.co2e_avoided_t_per_yr == pytest.approx(6.0)
    assert k.net_value_cad_per_yr == pytest.approx(580.0)
    assert k.avoided_disposal_cad_per_yr == pytest.approx(110.0)
    assert k.avoided_purchase_cad_per_yr == pytest.approx(670.0)
    assert k.transport_cost_cad_per_yr == pytest.approx(200.0)
    assert (k.n_exchanges, k.n_firms_engaged) == (3, 3)
    assert (k.n_exchanges_within_park, k.n_exchanges_between_parks) == (1, 2)
    energy, material = k.by_kind
    assert energy == KindKpis("energy", "MWh/yr", 1, 100.0, 500.0, 3.0)
    assert material.quantity_per_yr == pytest.approx(30.0)


def test_the_value_resting_on_default_prices_is_reported_apart():
    """An exchange counts when either side's money is a default (the knowledge base's or the
    scenario's), not a firm's figure: a grant report says which part of its dollars to confirm."""
    sourced = EX.assign(
        supply_fate_cost_source=["declared", "config_default", "declared"],
        purchase_price_source=["declared", "declared", "family_default"],
    )
    k = compute_kpis(sourced, FIRMS)
    assert k.net_value_default_prices_cad_per_yr == pytest.approx(-20.0 + 500.0)
    assert compute_kpis(EX, FIRMS).net_value_default_prices_cad_per_yr == 0.0  # sources unknown
    every = sourced.assign(purchase_price_source="category_default")
    assert compute_kpis(every, FIRMS).net_value_default_prices_cad_per_yr == pytest.approx(580.0)
    assert "prix par défaut" in KPI_LABELS["net_value_default_prices_cad_per_yr"].fr


def test_empty_exchanges_give_zero_kpis():
    assert compute_kpis(EX.head(0), FIRMS) == Kpis()


def test_as_dict_is_json_ready_and_ordered_like_labels():
    d = compute_kpis(EX, FIRMS).as_dict()
    assert list(d)[:-1] == list(KPI_LABELS)
    assert d["by_kind"]["energy"]["unit"] == "MWh/yr"
    json.dumps(d, allow_nan=False)


def test_delta_against_baseline():
    full = compute_kpis(EX, FIRMS)
    part = compute_kpis(EX.head(1), FIRMS)
    d = full.delta(part)
    assert d["net_value_cad_per_yr"] == pytest.approx(480.0)
    assert d["n_exchanges"] == 2
    assert d["by_kind"]["energy"]["n_exchanges"] == 1  # absent from the baseline: counts as zero
    assert d["by_kind"]["material"]["quantity_per_yr"] == pytest.approx(20.0)
    assert all(v == 0 for k, v in full.delta(full).items() if k != "by_kind")


def test_allocation_info_ok_and_json():
    info = AllocationInfo("optimal", objective=1.0, timings_s={"solve": 0.1})
    assert info.ok
    assert not AllocationInfo("optimal", violations=("supply s1 over",)).ok
    assert not AllocationInfo("infeasible").ok
    d = AllocationInfo("error").as_dict()
    assert d["objective"] is None and math.isnan(AllocationInfo("error").bound)
    json.dumps(d, allow_nan=False)
