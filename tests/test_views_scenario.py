"""The scenario panel's pure functions: config from the settings, a hypothetical receiver, comparisons."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.kb import load_categories
from symbiosis.pipeline import run
from symbiosis.places.parks import load_parks
from symbiosis.results import Kpis
from symbiosis.views.scenario import (
    HYPOTHETICAL_FIRM_ID,
    HypotheticalReceiver,
    ScenarioInputs,
    config_key,
    exchange_changes,
    kpi_deltas,
    read_setting,
    registry_key,
    scenario_config,
    with_hypothetical_receiver,
)
from tests._registry_helpers import tiny_registry


def test_default_inputs_give_back_the_baseline_config():
    base = MatchConfig()
    assert scenario_config(base, ScenarioInputs.from_config(base)) == base
    assert config_key(scenario_config(base, ScenarioInputs.from_config(base))) == config_key(base)


def test_inputs_reach_every_parameter():
    inputs = ScenarioInputs(0.5, 2.0, 1.0, 80.0, 150.0, 65.0, "F1", True, None)
    cfg = scenario_config(MatchConfig(), inputs)
    assert (cfg.weights.value, cfg.weights.co2, cfg.weights.tonnes) == (0.5, 2.0, 1.0)
    assert cfg.radius_km == 80.0 and cfg.default_tipping_fee_cad_per_t == 150.0
    assert cfg.weights.carbon_price_cad_per_t_co2e == 65.0
    assert cfg.excluded_firm_ids == ("F1",) and cfg.side.enabled
    assert config_key(cfg) != config_key(MatchConfig())


def test_hypothetical_receiver_is_added_to_a_copy_only():
    reg = tiny_registry()
    before = (len(reg.firms), len(reg.streams), registry_key(reg))
    park = load_parks().iloc[0]
    bigger = with_hypothetical_receiver(
        reg,
        HypotheticalReceiver("wood_sawdust", park["park_id"], 900.0),
        categories=load_categories(),
        parks=load_parks(),
    )
    assert (len(reg.firms), len(reg.streams), registry_key(reg)) == before
    assert len(bigger.firms) == 4 and len(bigger.streams) == 4
    bigger.validate()
    added = bigger.streams.iloc[-1]
    assert added["direction"] == "demand" and added["quantity_per_yr"] == 900.0
    firm = bigger.firms.iloc[-1]
    assert firm["firm_id"] == HYPOTHETICAL_FIRM_ID and firm["lat"] == park["lat"]
    assert registry_key(bigger) != before[2]


def test_hypothetical_receiver_refuses_unknown_input():
    with pytest.raises(ValueError):
        with_hypothetical_receiver(
            tiny_registry(),
            HypotheticalReceiver("nope", "nope", 1.0),
            categories=load_categories(),
            parks=load_parks(),
        )


def test_kpi_deltas_are_signed_and_formatted():
    base = Kpis(net_value_cad_per_yr=10_000.0, n_exchanges=3, transport_cost_cad_per_yr=100.0)
    scen = Kpis(net_value_cad_per_yr=7_500.0, n_exchanges=4, transport_cost_cad_per_yr=50.0)
    table = kpi_deltas(scen, base, "fr").set_index("key")
    assert table.loc["net_value_cad_per_yr", "delta"] == "-2\u00a0500"
    assert table.loc["net_value_cad_per_yr", "value"] == "7\u00a0500"
    assert table.loc["n_exchanges", "delta"] == "+1"
    assert table.loc["transport_cost_cad_per_yr", "lower_is_better"]
    assert table.loc["tonnes_exchanged_t_per_yr", "raw_delta"] == 0


def test_every_dollar_kpi_is_written_to_the_dollar():
    """The walk: « dont valeur reposant sur des prix par défaut » read « 12 330 358,7 » $/an."""
    base = Kpis(net_value_cad_per_yr=10.0, net_value_default_prices_cad_per_yr=12_330_358.7)
    scen = Kpis(net_value_cad_per_yr=10.0, net_value_default_prices_cad_per_yr=12_209_151.3)
    row = kpi_deltas(scen, base, "fr").set_index("key").loc["net_value_default_prices_cad_per_yr"]
    assert (row["value"], row["delta"]) == ("12\u00a0209\u00a0151", "-121\u00a0207")


def test_excluding_a_firm_changes_the_exchanges_and_lowers_the_value():
    reg = tiny_registry()
    base = run(reg)
    supplier = base.exchanges["supply_firm_id"].iloc[0]
    scen = run(reg, scenario_config(MatchConfig(), ScenarioInputs(excluded_firm_id=supplier)))
    assert scen.kpis.net_value_cad_per_yr < base.kpis.net_value_cad_per_yr
    appeared, gone = exchange_changes(base.exchanges, scen.exchanges, reg.firms, "fr")
    assert len(appeared) == 0 and len(gone) == len(base.exchanges) > 0
    assert set(gone["Fournisseur"]) == {"Scierie Péribonka"}
    assert isinstance(gone, pd.DataFrame)


def test_the_panel_defaults_are_match_config_defaults():
    assert ScenarioInputs() == ScenarioInputs.from_config(MatchConfig())
    assert scenario_config(MatchConfig(), ScenarioInputs()) == MatchConfig()


def test_changing_a_match_config_default_changes_the_panel_default(monkeypatch):
    """The panel re-declares no default: a MatchConfig with other defaults gives other panel defaults."""
    import dataclasses

    import symbiosis.views.scenario as scenario
    from symbiosis.engine.config import ObjectiveWeights, SideConstraints

    @dataclasses.dataclass(frozen=True)
    class OtherDefaults(MatchConfig):
        default_tipping_fee_cad_per_t: float = 55.0
        radius_km: float | None = 42.0
        weights: ObjectiveWeights = dataclasses.field(
            default_factory=lambda: ObjectiveWeights(value=0.5, carbon_price_cad_per_t_co2e=80.0)
        )
        side: SideConstraints = dataclasses.field(default_factory=lambda: SideConstraints(enabled=True))

    before = ScenarioInputs()
    monkeypatch.setattr(scenario, "MatchConfig", OtherDefaults)
    after = ScenarioInputs()
    assert (after.tipping_fee_cad_per_t, after.radius_km) == (55.0, 42.0)
    assert (after.weight_value, after.carbon_price_cad_per_t_co2e, after.side_constraints) == (
        0.5,
        80.0,
        True,
    )
    assert (before.tipping_fee_cad_per_t, before.radius_km) == (110.0, None)


@pytest.mark.parametrize(
    ("typed", "lang", "value"),
    [
        ("12,5", "fr", 12.5),
        ("1 200", "fr", 1200.0),
        ("  42 ", "fr", 42.0),
        ("12.5", "en", 12.5),
        ("1,200.5", "en", 1200.5),
    ],
)
def test_a_scenario_setting_is_read_as_the_advisor_writes_it(typed, lang, value):
    assert read_setting(typed, lang, label="x", low=0.0, high=5000.0) == (value, "")


@pytest.mark.parametrize("typed", ["-5", "beaucoup", "", "6000", "1,200", "9" * 500])
def test_a_wrong_scenario_setting_is_refused_with_its_label_never_clamped(typed):
    value, why = read_setting(typed, "fr", label="Prix du carbone", low=0.0, high=5000.0)
    assert value is None and why.startswith("« Prix du carbone » :") and len(why) < 300


def test_an_empty_optional_setting_is_none():
    assert read_setting(" ", "fr", label="x", low=1.0, high=10.0, optional=True) == (None, "")
