"""Which synergies a period holds: one rule (the date of the current status) for pipeline and reports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.reports import gather_report
from symbiosis.reports.lines import lines_from_ledger
from symbiosis.synergy.period import in_period, synergies_in_period
from symbiosis.views.synergy import empty_period_note
from tests.test_reports_fixtures import report_registry

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        ("2025-01-01 00:00:00", True),  # the first day, from midnight
        ("2025-12-31 23:59:59", True),  # the last day is included, to its last second
        ("2026-01-01 00:00:00", False),
        ("2024-12-31 23:59:59", False),
        ("2025-12-31T21:00:00-05:00", False),  # 02:00 UTC on 1 January 2026: the UTC date decides
        ("2025-01-01T02:00:00+00:00", True),
        (None, True),  # a proposal never tracked has no date: it is in every period
        ("pas une date", True),  # unreadable: as missing, never a crash
    ],
)
def test_a_date_is_in_a_period_when_its_utc_day_lies_between_both_days_included(moment, inside):
    dates = pd.Series([moment], dtype=object)
    assert in_period(dates, *YEAR_2025).tolist() == [inside]


def test_an_open_side_does_not_limit():
    dates = pd.Series(pd.to_datetime(["1999-06-01", "2025-06-01", "2090-06-01"], utc=True))
    assert in_period(dates, None, None).tolist() == [True, True, True]
    assert in_period(dates, dt.date(2025, 1, 1), None).tolist() == [False, True, True]
    assert in_period(dates, None, dt.date(2025, 12, 31)).tolist() == [True, True, False]


def _tracked() -> pd.DataFrame:
    """Four tracked synergies, as the store reads them (aware UTC times), in a given order."""
    return pd.DataFrame(
        {
            "synergy_id": ["syn-4", "syn-1", "syn-2", "syn-3"],
            "supply_firm_id": ["P3", "P1", "P1", "P3"],
            "demand_firm_id": ["P2", "P4", "C1", "P2"],
            "supply_category_id": "wood_sawdust",
            "demand_category_id": "biomass_fuel_wood",
            "kind": "material",
            "flow_per_yr": [100.0, 800.0, 900.0, 2000.0],
            "flow_unit": "t/yr",
            "road_distance_km": [5.0, 2.0, 60.0, 5.0],
            "estimate": [{}, {}, {}, {}],
            "status": ["qualified", "verified", "contacted", "rejected"],
            "stage_reached": ["qualified", "verified", "contacted", "qualified"],
            "status_changed_at": pd.to_datetime(
                ["2025-12-31 23:30", "2025-03-01 10:00", "2026-05-10 09:00", "2024-11-02 16:00"], utc=True
            ),
        },
        index=[10, 11, 12, 13],
    )


def test_the_pipeline_keeps_the_synergies_of_the_period_in_their_order():
    tracked = _tracked()
    kept = synergies_in_period(tracked, YEAR_2025)
    assert kept["synergy_id"].tolist() == ["syn-4", "syn-1"]
    assert kept.index.tolist() == [10, 11] and list(kept.columns) == list(tracked.columns)
    assert synergies_in_period(tracked, (None, None)).equals(tracked)
    assert synergies_in_period(tracked, (dt.date(2030, 1, 1), None)).empty


@pytest.mark.parametrize(
    "period",
    [YEAR_2025, (dt.date(2026, 1, 1), dt.date(2026, 12, 31)), (None, dt.date(2025, 6, 30)), (None, None)],
)
def test_the_pipeline_and_the_dashboard_hold_the_same_synergies_for_a_period(period):
    # the dashboard (and every report file) gathers its figures with gather_report
    tracked = _tracked()
    data = gather_report(
        report_registry().firms,
        lines_from_ledger(tracked, pd.DataFrame()),
        load_factors(),
        source="synergies",
        period=period,
    )
    assert sorted(data.synergies["synergy_id"]) == sorted(synergies_in_period(tracked, period)["synergy_id"])


def test_an_empty_period_is_said_in_words_with_what_to_do():
    assert empty_period_note(4, "fr") == (
        "Aucune synergie n'a reçu son statut actuel dans cette période ; 4 synergies sont suivies en tout : "
        "élargissez la période ou videz les dates pour les voir."
    )
    english = empty_period_note(1, "en")
    assert english.startswith("No synergy received its current status in this period; 1 synergy is tracked")
