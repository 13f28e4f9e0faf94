"""The one pipeline, end to end on a tiny registry whose allocation is known by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.network import resilience
from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.kb import load_categories
from symbiosis.pipeline import STAGES, make_resolver, run
from symbiosis.registry import Registry
from symbiosis.results import explanation_texts
from symbiosis.schemas import EXCHANGES, validate_frame

RULES = pd.DataFrame(
    [
        {
            "rule_id": "R-bark-boiler",
            "supply_category_id": "wood_bark",
            "demand_category_id": "biomass_fuel_wood",
            "yield_ratio": 1.0,
            "pretreatment": "none",
            "receiving_process": "biomass boiler",
            "r_code": "R1",
            "max_transport_km": 150.0,
            "hazardous": False,
            "requires_authorisation": False,
            "evidence_type": "expert",
            "evidence_ref": "test",
            "evidence_note": "",
        }
    ]
)


def _firm(fid: str, lat: float, lon: float, park: str | None) -> dict:
    return {
        "firm_id": fid,
        "name": f"Firm {fid}",
        "scian_code": "3211",
        "park_id": park,
        "municipality": "Saguenay",
        "lat": lat,
        "lon": lon,
        "coord_source": "declared",
        "contact_name": None,
        "contact_email": None,
        "contact_phone": None,
        "accepts_hazardous": False,
        "confidentiality": "public",
    }


def _stream(sid: str, fid: str, direction: str, cat: str, qty: float, kind: str = "material") -> dict:
    return {
        "stream_id": sid,
        "firm_id": fid,
        "direction": direction,
        "kind": kind,
        "category_id": cat,
        "waste_code": None,
        "description": cat,
        "quantity_as_typed": str(qty),
        "unit_as_typed": "t/an",
        "quantity_per_yr": qty,
        "quantity_unit": "t/yr",
        "mass_t_per_yr": qty,
        "density_t_per_m3": None,
        "density_source": "",
        "hazardous": False,
        "moisture_pct": None,
        "temperature_c": None,
        "purity_pct": None,
        "quality_notes": None,
        "availability": "continuous",
        "months_mask": 4095,
        "start_date": pd.NaT,
        "end_date": pd.NaT,
        "disposal_cost_cad_per_unit": 50.0 if direction == "supply" else None,
        "purchase_price_cad_per_unit": 40.0 if direction == "demand" else None,
        "min_lot_per_yr": None,
        "max_distance_km": None,
        "confidentiality": "public",
    }


def tiny_registry() -> Registry:
    """A sawmill (A) with 1,000 t/yr of bark; two boilers: B next door (600 t/yr), C 30 km off
    (800 t/yr); D has scrap nobody takes. Best plan: 600 t to B, 400 t to C."""
    firms = pd.DataFrame(
        [
            _firm("A", 48.42, -71.07, "P1"),
            _firm("B", 48.43, -71.06, "P1"),
            _firm("C", 48.55, -71.35, None),
            _firm("D", 48.40, -71.10, "P1"),
        ]
    )
    streams = pd.DataFrame(
        [
            _stream("s-bark", "A", "supply", "wood_bark", 1000.0),
            _stream("d-boiler-B", "B", "demand", "biomass_fuel_wood", 600.0),
            _stream("d-boiler-C", "C", "demand", "biomass_fuel_wood", 800.0),
            _stream("s-scrap", "D", "supply", "ferrous_scrap", 50.0),
        ]
    )
    return Registry(firms, streams)


@pytest.fixture(scope="module")
def knowledge() -> dict:
    return {"rules": RULES, "categories": load_categories(), "factors": load_factors()}


@pytest.fixture(scope="module")
def result(knowledge):
    return run(tiny_registry(), MatchConfig(), **knowledge)


def test_allocation_matches_the_hand_solution(result):
    assert result.status == "optimal" and result.allocation.ok
    flows = result.exchanges.set_index("demand_id")["flow_per_yr"]
    assert flows.to_dict() == pytest.approx({"d-boiler-B": 600.0, "d-boiler-C": 400.0})
    assert set(result.exchanges["supply_firm_id"]) == {"A"}
    validate_frame(result.exchanges[EXCHANGES.names], EXCHANGES)


def test_every_exchange_is_explained_in_both_languages(result):
    ex = result.exchanges
    french = explanation_texts(ex, "fr")
    # the rule in words for the reader; its id stays in the exchanges' rule_id column
    assert french.str.startswith("Règle de compatibilité : Écorces → ").all()
    assert not french.str.contains("R-bark-boiler").any() and (ex["rule_id"] == "R-bark-boiler").all()
    assert explanation_texts(ex, "en").str.contains("Estimated net value").all()
    assert (ex["status"] == "estimated").all()
    assert ex.set_index("demand_id").loc["d-boiler-B", "pct_of_demand"] == pytest.approx(100.0)


def test_kpis_are_the_sums_of_the_exchanges(result):
    ex, k = result.exchanges, result.kpis
    assert k.n_exchanges == 2 and k.n_firms_engaged == 3
    assert k.tonnes_exchanged_t_per_yr == pytest.approx(1000.0)
    assert k.net_value_cad_per_yr == pytest.approx(ex["net_value_cad_per_yr"].sum())
    assert k.co2e_avoided_t_per_yr == pytest.approx(ex["co2e_avoided_t_per_yr"].sum())
    assert (k.n_exchanges_within_park, k.n_exchanges_between_parks) == (1, 1)
    # per-year money at the allocated flow: avoided disposal 50 $/t on 1,000 t
    assert k.avoided_disposal_cad_per_yr == pytest.approx(50_000.0)
    assert k.avoided_purchase_cad_per_yr == pytest.approx(40_000.0)
    assert k.net_value_cad_per_yr == pytest.approx(90_000.0 - k.transport_cost_cad_per_yr)
    assert result.allocation.objective >= k.net_value_cad_per_yr - 1.0  # CO2e priced on top


def test_nearer_receiver_is_filled_first(result):
    ex = result.exchanges.set_index("demand_id")
    assert ex.loc["d-boiler-B", "distance_km"] < ex.loc["d-boiler-C", "distance_km"]
    per_t = ex["transport_cost_cad_per_yr"] / ex["flow_per_yr"]
    assert per_t["d-boiler-B"] < per_t["d-boiler-C"]


def test_unmatched_streams_carry_a_bilingual_reason(result):
    sup = result.unmatched_supplies.set_index("stream_id")
    assert list(sup.index) == ["s-scrap"]
    assert sup.loc["s-scrap", "reason_code"] == "no_rule"
    assert sup.loc["s-scrap", "reason_fr"] and sup.loc["s-scrap", "reason_en"]
    assert result.unmatched_demands.empty  # C is partly served, B fully


def test_timings_graph_and_config_are_recorded(result):
    assert tuple(result.allocation.timings_s) == STAGES
    assert all(t >= 0 for t in result.allocation.timings_s.values())
    assert set(result.graph.edges) == {("A", "B"), ("A", "C")}
    assert result.config == MatchConfig()
    assert not math.isnan(result.allocation.bound)


def test_scenario_without_a_firm_and_resolver(knowledge, result):
    closed = run(tiny_registry(), MatchConfig(excluded_firm_ids=("B",)), **knowledge)
    assert closed.exchanges["demand_id"].tolist() == ["d-boiler-C"]
    assert closed.exchanges["flow_per_yr"].iloc[0] == pytest.approx(800.0)
    delta = closed.kpis.delta(result.kpis)
    assert delta["n_exchanges"] == -1
    assert delta["tonnes_exchanged_t_per_yr"] == pytest.approx(-200.0)
    resolve = make_resolver(tiny_registry(), MatchConfig(), **knowledge)
    r = resilience(result.exchanges, firm_ids=["B"], resolve=resolve).iloc[0]
    # closing B costs its own exchange directly, but C takes 400 t more once re-optimised
    assert r["reoptimised_value_lost_cad_per_yr"] < r["direct_value_lost_cad_per_yr"]
    assert r["reoptimised_value_lost_cad_per_yr"] == pytest.approx(
        result.kpis.net_value_cad_per_yr - closed.kpis.net_value_cad_per_yr
    )
    fast = make_resolver(tiny_registry(), MatchConfig(), scored=result.candidates)
    quick = resilience(result.exchanges, firm_ids=["B"], resolve=fast).iloc[0]
    assert quick["reoptimised_value_lost_cad_per_yr"] == pytest.approx(r["reoptimised_value_lost_cad_per_yr"])


def test_empty_registry_gives_an_empty_result(knowledge):
    reg = tiny_registry()
    only_scrap = Registry(reg.firms, reg.streams[reg.streams["stream_id"] == "s-scrap"])
    r = run(only_scrap, MatchConfig(), **knowledge)
    assert r.exchanges.empty and r.kpis.n_exchanges == 0
    assert r.unmatched_supplies["stream_id"].tolist() == ["s-scrap"]


def test_checker_violation_marks_the_status(monkeypatch, knowledge):
    import symbiosis.pipeline as pipeline

    over = Finding(
        code="supply_over_capacity", location="s-bark", detail=Text("offre au-delà", "supply over")
    )
    monkeypatch.setattr(pipeline, "check_flows", lambda ix, x, allocation: [over])
    r = pipeline.run(tiny_registry(), MatchConfig(), **knowledge)
    assert r.status == "check_failed"
    assert r.allocation.violations == ("s-bark: supply over",)
    assert not r.allocation.ok
