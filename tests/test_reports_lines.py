"""Synergy lines from tracked records and the impact ledger: statuses, verified figures, the period."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.reports import gather_report
from symbiosis.reports.lines import lines_from_ledger
from tests.test_reports_fixtures import report_registry


def _synergies() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "synergy_id": ["syn-1", "syn-2", "syn-3"],
            "supply_firm_id": ["P1", "P1", "P3"],
            "demand_firm_id": ["P4", "C1", "P2"],
            "supply_category_id": "wood_sawdust",
            "demand_category_id": "biomass_fuel_wood",
            "kind": "material",
            "flow_per_yr": [800.0, 900.0, 2000.0],
            "flow_unit": "t/yr",
            "road_distance_km": [2.0, 60.0, 5.0],
            "estimate": [{}, {}, {}],
            "status": ["verified", "contacted", "rejected"],
            "stage_reached": ["verified", "contacted", "qualified"],
            "status_changed_at": pd.to_datetime(["2026-03-01", "2026-05-10", "2025-11-02"]),
        }
    )


def _ledger() -> pd.DataFrame:
    rows = []
    for sid, basis, tonnes, co2, value in [
        ("syn-1", "estimated", 800, 240, 30_000),
        ("syn-1", "verified", 300, 90, 11_000),
        ("syn-1", "verified", 250, 75, 9_000),
        ("syn-2", "estimated", 900, 270, 25_000),
    ]:
        for indicator, v in (
            ("tonnes_exchanged", tonnes),
            ("co2e_avoided", co2),
            ("net_savings_cad", value),
            ("diverted_from_landfill", tonnes),
        ):
            rows.append(
                {
                    "synergy_id": sid,
                    "indicator": indicator,
                    "value": float(v),
                    "unit": "t",
                    "basis": basis,
                    "method": "L1",
                    "factor_ids": "landfill_wood|truck_diesel_freight",
                    "sources": "IPCC",
                }
            )
    return pd.DataFrame(rows)


def test_ledger_lines_take_verified_periods_over_the_estimate():
    lines = lines_from_ledger(_synergies(), _ledger()).set_index("synergy_id")
    assert lines.loc["syn-1", "evidence"] == "verified"
    assert lines.loc["syn-1", "tonnes_t_per_yr"] == pytest.approx(550.0)  # 300 + 250 confirmed
    assert lines.loc["syn-1", "co2e_avoided_t_per_yr"] == pytest.approx(165.0)
    assert lines.loc["syn-2", "evidence"] == "estimated"
    assert lines.loc["syn-2", "net_value_cad_per_yr"] == pytest.approx(25_000.0)
    assert lines.loc["syn-3", "co2e_avoided_t_per_yr"] == 0.0  # rejected: no impact, still in the funnel
    assert lines.loc["syn-1", "factor_ids"] == "landfill_wood|truck_diesel_freight"


def test_report_from_tracked_synergies_splits_verified_and_filters_the_period():
    lines = lines_from_ledger(_synergies(), _ledger())
    data = gather_report(
        report_registry().firms,
        lines,
        load_factors(),
        source="synergies",
        period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        consents={"P1", "P4"},
        anonymised=True,
    )
    assert data.kpi("n_synergies") == 2  # syn-3 changed status in 2025
    assert data.kpi("co2e_avoided_t_per_yr", "verified") == pytest.approx(165.0)
    assert data.kpi("co2e_avoided_t_per_yr", "estimated") == pytest.approx(270.0)
    funnel = data.by_status.set_index("status")
    assert list(funnel.index[:7]) == [
        "proposed",
        "qualified",
        "contacted",
        "in_discussion",
        "trial",
        "implemented",
        "verified",
    ]  # pipeline order, every stage shown
    assert funnel.loc["contacted", "n_synergies"] == 1 and funnel.loc["proposed", "n_synergies"] == 0
    assert [funnel.loc[s, "n_reached"] for s in ("proposed", "contacted", "in_discussion", "verified")] == [
        2,
        2,
        1,
        1,
    ]
    assert funnel.loc["in_discussion", "conversion_pct"] == pytest.approx(50.0)
    assert list(data.synergies["synergy_id"]) == ["syn-1"]  # C1 never consented
    assert set(data.methodology["factor_id"]) == {"landfill_wood", "truck_diesel_freight"}


def test_public_firm_without_a_recorded_consent_is_not_named():
    lines = lines_from_ledger(_synergies(), _ledger())
    data = gather_report(report_registry().firms, lines, load_factors(), consents={"P1"}, anonymised=True)
    assert "Chaufferie d'Alma" not in set(data.firms["firm"])  # public, but no consent recorded
    assert data.synergies.empty


def test_the_net_value_on_default_prices_follows_the_prices_each_proposal_froze():
    """A grant report says which dollars rest on prices no firm gave: the proposal froze where each
    price came from; verified figures keep that basis; an estimate recorded before it says nothing."""
    synergies = _synergies()
    synergies["estimate"] = [
        {"parameters": {"disposal_cost_source": "declared", "purchase_price_source": "family_default"}},
        {"parameters": {"disposal_cost_source": "declared", "purchase_price_source": "declared"}},
        {},
    ]
    lines = lines_from_ledger(synergies, _ledger()).set_index("synergy_id")
    assert lines.loc["syn-1", "net_value_default_prices_cad_per_yr"] == pytest.approx(20_000.0)  # verified
    assert lines.loc["syn-2", "net_value_default_prices_cad_per_yr"] == 0.0  # both prices from the firms
    assert lines.loc["syn-3", "net_value_default_prices_cad_per_yr"] == 0.0  # nothing recorded
    data = gather_report(report_registry().firms, lines.reset_index(), load_factors(), source="synergies")
    assert data.kpi("net_value_default_prices_cad_per_yr") == pytest.approx(20_000.0)
    assert data.kpi("net_value_cad_per_yr") == pytest.approx(45_000.0)
    assert any("1 synergie sur 2 repose sur un prix par défaut" in note.fr for note in data.notes)
