"""Scenario sweeps (issue #16 item 3): the scenarios built, and their outcome against separate runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.pipeline import run
from symbiosis.sweep import (
    SweepSpecError,
    grid_scenarios,
    monte_carlo_scenarios,
    parse_law,
    parse_range,
    run_sweep,
    scenario_registry,
)
from tests.test_golden import sample_registry


@pytest.fixture(scope="module")
def registry():
    return sample_registry()


@pytest.fixture(scope="module")
def grid_result(registry):
    scenarios = grid_scenarios(MatchConfig(), [parse_range("landfill_fee=80..200")], 3)
    return run_sweep(registry, scenarios)


def test_grid_sweep_equals_three_separate_runs(registry, grid_result):
    """The oracle: one ``run()`` per fee, by hand, outside the sweep machinery."""
    fees = [80.0, 140.0, 200.0]
    assert grid_result.scenarios["default_tipping_fee_cad_per_t"].tolist() == fees
    chosen_counts: dict[str, int] = {}
    for row, fee in zip(grid_result.scenarios.itertuples(index=False), fees, strict=True):
        alone = run(registry, MatchConfig(default_tipping_fee_cad_per_t=fee))
        assert row.objective == alone.allocation.objective
        for key, value in alone.kpis.scalars().items():
            assert getattr(row, key) == value, key
        for cid in alone.exchanges["candidate_id"]:
            chosen_counts[cid] = chosen_counts.get(cid, 0) + 1
    robust = grid_result.robustness.set_index("candidate_id")
    assert robust["n_chosen"].to_dict() == chosen_counts
    assert robust["share"].to_dict() == pytest.approx({c: n / 3 for c, n in chosen_counts.items()})
    # The fee moves the plan: not every exchange is chosen in every scenario.
    assert 0 < (robust["share"] < 1).sum() < len(robust)


def test_kpi_summary_spans_the_scenarios(grid_result):
    summary = grid_result.kpi_summary().set_index("kpi")
    values = grid_result.scenarios["net_value_cad_per_yr"]
    row = summary.loc["net_value_cad_per_yr"]
    assert row["min"] == values.min() and row["max"] == values.max() and row["median"] == values.median()
    assert row["min"] <= row["p10"] <= row["median"] <= row["p90"] <= row["max"]


def test_robustness_is_sorted_most_robust_first(grid_result):
    shares = grid_result.robustness["share"].to_numpy()
    assert (np.diff(shares) <= 0).all()


def test_grid_is_the_cartesian_product_first_range_slowest():
    ranges = [parse_range("landfill_fee=100..200"), parse_range("carbon_price=0..50")]
    scenarios = grid_scenarios(MatchConfig(), ranges, 2)
    got = [
        (s.config.default_tipping_fee_cad_per_t, s.config.weights.carbon_price_cad_per_t_co2e)
        for s in scenarios
    ]
    assert got == [(100, 0), (100, 50), (200, 0), (200, 50)]
    assert [s.index for s in scenarios] == [0, 1, 2, 3]


def test_monte_carlo_is_seeded_and_stays_in_its_laws():
    laws = [parse_law("carbon_price=triangular:20,40,100"), parse_law("transport_cost=uniform:0.1,0.3")]
    a = monte_carlo_scenarios(MatchConfig(), laws, 200, seed=7)
    b = monte_carlo_scenarios(MatchConfig(), laws, 200, seed=7)
    c = monte_carlo_scenarios(MatchConfig(), laws, 200, seed=8)
    price = np.array([s.config.weights.carbon_price_cad_per_t_co2e for s in a])
    assert [s.values for s in a] == [s.values for s in b] != [s.values for s in c]
    assert price.min() >= 20 and price.max() <= 100 and 35 < np.median(price) < 60
    cost = np.array([s.config.transport.cost_cad_per_t_km for s in a])
    assert cost.min() >= 0.1 and cost.max() <= 0.3


def test_normal_law_never_goes_negative():
    scenarios = monte_carlo_scenarios(MatchConfig(), [parse_law("landfill_fee=normal:10,50")], 300, seed=1)
    fees = [s.config.default_tipping_fee_cad_per_t for s in scenarios]
    assert min(fees) == 0.0 and max(fees) > 10


def test_quantity_draws_move_each_stream_on_its_own_and_reproducibly(registry):
    (s1, s2) = monte_carlo_scenarios(MatchConfig(), [parse_law("quantity=lognormal:1,0.2")], 2, seed=3)
    q0 = registry.streams["quantity_per_yr"].to_numpy(float)
    q1 = scenario_registry(registry, s1).streams["quantity_per_yr"].to_numpy(float)
    again = scenario_registry(registry, s1).streams["quantity_per_yr"].to_numpy(float)
    q2 = scenario_registry(registry, s2).streams["quantity_per_yr"].to_numpy(float)
    ratio = q1[q0 > 0] / q0[q0 > 0]
    assert np.array_equal(q1, again) and not np.array_equal(q1, q2)
    assert ratio.std() > 0.1 and 0.9 < np.median(ratio) < 1.1
    assert scenario_registry(registry, s1).streams["stream_id"].equals(registry.streams["stream_id"])


def test_grid_quantity_factor_scales_every_stream(registry):
    (low, high) = grid_scenarios(MatchConfig(), [parse_range("quantity=0.5..2")], 2)
    q0 = registry.streams["quantity_per_yr"]
    pd.testing.assert_series_equal(scenario_registry(registry, low).streams["quantity_per_yr"], q0 * 0.5)
    pd.testing.assert_series_equal(scenario_registry(registry, high).streams["quantity_per_yr"], q0 * 2.0)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("landfill_fee=200..80", "sweep.why.format"),
        ("landfill_fee=80", "sweep.why.format"),
        ("nope=1..2", "sweep.why.name"),
        ("excluded_firm_ids=1..2", "sweep.why.name"),
        ("internal_policy=1..2", "sweep.why.name"),
    ],
)
def test_bad_ranges_name_why(text, why):
    with pytest.raises(SweepSpecError) as err:
        parse_range(text)
    assert err.value.why == why and err.value.value == text


@pytest.mark.parametrize(
    "text",
    [
        "carbon_price=gamma:1,2",
        "carbon_price=uniform:5,1",
        "carbon_price=triangular:1,5,2",
        "carbon_price=normal:40,-1",
        "quantity=lognormal:0,0.2",
        "carbon_price=uniform:a,b",
        "carbon_price=uniform:1",
        "carbon_price=uniform:1,inf",
    ],
)
def test_bad_laws_are_refused(text):
    with pytest.raises(SweepSpecError) as err:
        parse_law(text)
    assert err.value.why == "sweep.why.law"


@pytest.mark.parametrize("samples", [0, -3, 100_001])
def test_sample_count_is_bounded(samples):
    with pytest.raises(SweepSpecError) as err:
        grid_scenarios(MatchConfig(), [parse_range("landfill_fee=1..2")], samples)
    assert err.value.why == "sweep.why.samples"


def test_nothing_to_sweep_is_an_error():
    with pytest.raises(SweepSpecError):
        grid_scenarios(MatchConfig(), [], 3)
    with pytest.raises(SweepSpecError):
        monte_carlo_scenarios(MatchConfig(), [], 3)
