"""The impact ledger, checked by hand: every figure of one synergy, estimated and verified."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import FACTOR_COLUMNS, FactorError, load_factors
from symbiosis.pipeline import run
from symbiosis.services.factor_files import read_factors
from symbiosis.synergy.ledger import (
    INDICATORS,
    ledger_factors,
    ledger_lines,
    lines_in_period,
    summarise_ledger,
)
from symbiosis.synergy.records import proposal_rows
from tests._registry_helpers import tiny_registry
from tests._synergy_helpers import config, exchange, exchanges

CATEGORIES = pd.DataFrame(
    {"category_id": ["wood_sawdust", "pellet_feedstock"], "family": ["wood_forestry", "wood_forestry"]}
)


def _factors(landfill_kg_per_t: float = 300.0) -> pd.DataFrame:
    rows = [
        ("truck", "*", "transport", 0.1, "kg CO2e/t.km", "DEFRA 2023", 2023),
        ("landfill", "wood_forestry", "disposal_avoided", landfill_kg_per_t, "kg CO2e/t", "IPCC 2019", 2019),
        ("chips", "wood_forestry", "virgin_avoided", 40.0, "kg CO2e/t", "ADEME 2023", 2023),
    ]
    return pd.DataFrame([(*r, "") for r in rows], columns=list(FACTOR_COLUMNS))


def _synergy(status: str = "implemented") -> pd.DataFrame:
    """100 t/yr of sawdust, 40 km by road to a pellet plant (engine parameters of the hand case)."""
    rows = pd.DataFrame(proposal_rows(exchanges(exchange("S1", "D1", "F1", "F2")), config()))
    return rows.assign(status=status)


def _values(lines: pd.DataFrame) -> dict[str, float]:
    return dict(zip(lines["indicator"], lines["value"], strict=True))


def test_hand_built_case_every_figure_recomputed():
    synergy = _synergy()
    sid = synergy["synergy_id"].iat[0]
    lines = ledger_lines(
        synergy, factors=_factors(), categories=CATEGORIES, parameters={sid: {"revenue_cad_per_unit": 5.0}}
    )
    got = _values(lines)
    q, km = 100.0, 40.0  # t/yr, road km
    tonnes = q * 1.0  # materials: 1 t per unit
    trips = q * (1 / 25)  # 25 t payload → 4 trips
    hand = {
        "tonnes_exchanged": tonnes,  # 100 t
        "diverted_from_landfill": tonnes,  # 100 t
        "co2e_disposal_avoided": tonnes * 300 / 1000,  # 30 t CO2e
        "co2e_virgin_avoided": q * 1.0 * 40 / 1000,  # 4 t CO2e
        "co2e_transport": tonnes * km * 0.1 / 1000,  # 0.4 t CO2e
        "avoided_disposal_cad": q * 110,  # 11 000 $
        "avoided_purchase_cad": q * 1.0 * 40,  # 4 000 $
        "revenue_cad": q * 5,  # 500 $ (a transfer)
        "transport_cost_cad": tonnes * km * 0.18 + trips * 150,  # 720 + 600 = 1 320 $
        "treatment_cost_cad": tonnes * 8,  # 800 $ (screening)
        "virgin_material_saved": q * 1.0,  # 100 t
        "water_saved": 0.0,
        "gate_fee_cad": 0.0,  # a virgin-input buyer charges none
    }
    hand["co2e_avoided"] = 30 + 4 - 0.4  # 33.6 t CO2e
    hand["net_savings_cad"] = 11_000 + 4_000 - 1_320 - 800  # 12 880 $
    assert got.keys() == hand.keys() == {i.name for i in INDICATORS}
    for name, value in hand.items():
        assert got[name] == pytest.approx(value), name
    assert set(lines.basis) == {"estimated"} and lines.period_start.isna().all()
    by = lines.set_index("indicator")
    assert by.loc["co2e_avoided", "unit"] == "t CO2e/yr" and by.loc["net_savings_cad", "unit"] == "CAD/yr"
    assert by.loc["co2e_disposal_avoided", "factor_ids"] == "landfill"
    assert by.loc["co2e_avoided", "factor_ids"] == "landfill|chips|truck"
    assert by.loc["co2e_transport", "sources"] == "DEFRA 2023 (2023)"
    assert by.loc["co2e_avoided", "method"] == "L6"
    params = json.loads(by.loc["transport_cost_cad", "parameters"])
    assert (
        params
        | {
            "quantity": 100.0,
            "road_distance_km": 40.0,
            "truck_payload_t": 25.0,
            "transport_cost_cad_per_t_km": 0.18,
            "transport_cost_cad_per_trip": 150.0,
        }
        == params
    )
    assert json.loads(by.loc["co2e_virgin_avoided", "parameters"])["f_virgin"] == 40.0


def test_estimated_until_both_firms_confirm_then_verified_per_period():
    syn = _synergy()
    sid = syn.synergy_id.iat[0]
    checks = pd.DataFrame(
        {
            "synergy_id": [sid, sid],
            "period_start": ["2026-01-01", "2026-07-01"],
            "period_end": ["2026-06-30", "2026-12-31"],
            "supplier_quantity": [50.0, 60.0],
            "receiver_quantity": [48.0, None],
        }
    )
    lines = ledger_lines(syn, checks, factors=_factors(), categories=CATEGORIES)
    assert set(lines.basis) == {"verified"} and set(lines.period_start) == {"2026-01-01"}  # 2nd incomplete
    got = _values(lines)
    assert got["tonnes_exchanged"] == 48.0  # the smaller quantity counts
    assert got["co2e_avoided"] == pytest.approx(48 * 0.3 + 48 * 0.04 - 48 * 40 * 0.1 / 1000)
    assert got["transport_cost_cad"] == pytest.approx(48 * 40 * 0.18 + 48 / 25 * 150)
    assert lines.set_index("indicator").loc["co2e_avoided", "unit"] == "t CO2e"
    assert lines_in_period(lines, dt.date(2026, 1, 1), dt.date(2026, 12, 31)).equals(lines)
    assert lines_in_period(lines, dt.date(2026, 3, 1), dt.date(2026, 12, 31)).empty  # not prorated
    estimated = ledger_lines(syn, checks.iloc[1:], factors=_factors(), categories=CATEGORIES)
    assert set(estimated.basis) == {"estimated"}
    assert ledger_lines(_synergy("rejected"), factors=_factors(), categories=CATEGORIES).empty


def test_a_program_edited_factor_table_changes_the_co2e(tmp_path):
    edited = load_factors()
    edited.loc[edited.factor_id == "landfill_wood", ["value", "source"]] = [600.0, "Programme régional 2026"]
    path = tmp_path / "facteurs.csv"
    edited.to_csv(path, index=False)
    syn = _synergy()
    default = _values(ledger_lines(syn))
    program = ledger_lines(syn, factors=read_factors(path))
    mine = _values(program)
    assert mine["co2e_disposal_avoided"] == pytest.approx(2 * default["co2e_disposal_avoided"])
    assert mine["co2e_avoided"] == pytest.approx(default["co2e_avoided"] + 100 * 0.3)
    assert mine["net_savings_cad"] == default["net_savings_cad"]
    assert "Programme régional 2026 (2019)" in program.set_index("indicator").loc["co2e_avoided", "sources"]
    broken = edited.assign(source=edited.source.where(edited.factor_id != "landfill_wood", ""))
    broken.to_csv(path, index=False)
    with pytest.raises(FactorError, match="empty source"):
        ledger_lines(syn, factors=read_factors(path))
    with pytest.raises(FactorError, match="unit"):
        ledger_factors(_factors().assign(unit="kg"))


def test_estimates_agree_with_the_engine_and_sum():
    result = run(tiny_registry(), MatchConfig())
    syn = pd.DataFrame(proposal_rows(result.exchanges, result.config)).assign(status="proposed")
    wide = ledger_lines(syn).pivot(index="synergy_id", columns="indicator", values="value")
    engine = result.exchanges.set_axis(list(syn.synergy_id))
    for ours, theirs in (
        ("co2e_avoided", "co2e_avoided_t_per_yr"),
        ("net_savings_cad", "net_value_cad_per_yr"),
        ("diverted_from_landfill", "diverted_t_per_yr"),
        ("transport_cost_cad", "transport_cost_cad_per_yr"),
    ):
        assert wide[ours].to_numpy() == pytest.approx(engine.loc[wide.index, theirs].to_numpy()), ours
    total = summarise_ledger(ledger_lines(syn)).set_index("indicator")
    assert total.loc["co2e_avoided", "value"] == pytest.approx(result.kpis.co2e_avoided_t_per_yr)
    assert total.loc["co2e_avoided", "n_synergies"] == len(syn)


def test_by_product_sold_today_is_not_diverted():
    """Chips sold at 50 $/t today: exchanged, not diverted, no landfill emissions avoided."""
    from symbiosis.synergy.ledger import _values

    params = {
        "kind": "material",
        "t_per_unit": 1.0,
        "transport_mode": "truck",
        "yield_ratio": 1.0,
        "road_distance_km": 10.0,
        "disposal_cost_cad_per_unit": -50.0,
        "purchase_price_cad_per_demand_unit": 90.0,
        "transport_cost_cad_per_t_km": 0.2,
        "trips_per_unit": 0.04,
        "transport_cost_cad_per_trip": 50.0,
        "pipe_cost_cad_per_unit": 0.0,
        "treatment_cost_cad_per_t": 0.0,
        "revenue_cad_per_unit": 0.0,
    }
    out = _values(100.0, params, {"disposal": 300.0, "virgin": 40.0, "transport": 0.1})
    assert out["tonnes_exchanged"] == 100.0 and out["diverted_from_landfill"] == 0.0
    assert out["co2e_disposal_avoided"] == 0.0
    assert out["net_savings_cad"] == pytest.approx(-5000 + 9000 - (100 * 10 * 0.2 + 100 * 0.04 * 50))


def test_the_ledger_says_where_each_price_came_from():
    """The money lines carry the source of their price (a firm's figure or a default), so that an
    auditor of a grant report can tell the dollars a firm gave from the engine's defaults."""
    row = exchange(
        "S1", "D1", "F1", "F2", supply_fate_cost_source="declared", purchase_price_source="family_default"
    )
    synergy = pd.DataFrame(proposal_rows(exchanges(row), config())).assign(status="implemented")
    assert synergy["estimate"].iat[0]["parameters"]["purchase_price_source"] == "family_default"
    by = ledger_lines(synergy, factors=_factors(), categories=CATEGORIES).set_index("indicator")
    assert json.loads(by.loc["avoided_disposal_cad", "parameters"])["disposal_cost_source"] == "declared"
    assert (
        json.loads(by.loc["avoided_purchase_cad", "parameters"])["purchase_price_source"] == "family_default"
    )
    net = json.loads(by.loc["net_savings_cad", "parameters"])
    assert (net["disposal_cost_source"], net["purchase_price_source"]) == ("declared", "family_default")
