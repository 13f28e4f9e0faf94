"""Which synergies a period holds: one rule (the date of the current status) for pipeline and reports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.reports import gather_report
from symbiosis.reports.lines import lines_from_ledger
from symbiosis.synergy.period import in_period, synergies_in_period
from symbiosis.timezone import local_today
from symbiosis.views.synergy import empty_period_note
from tests.test_reports_fixtures import report_registry

YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture(autouse=True)
def _eastern_time(monkeypatch):
    """The region's default zone, whatever the machine running the tests says."""
    monkeypatch.delenv("SYMBIOSIS_TIMEZONE", raising=False)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        ("2025-01-01T00:00:00-05:00", True),  # the first local day, from midnight
        ("2025-12-31T23:59:59-05:00", True),  # the last local day is included, to its last second
        ("2025-12-31T21:00:00-05:00", True),  # 02:00 UTC on 1 January 2026: still 31 December here
        ("2026-01-01T04:59:59+00:00", True),  # 23:59:59 on 31 December in Saguenay
        ("2026-01-01T05:00:00+00:00", False),  # midnight on 1 January in Saguenay
        ("2026-01-01 02:00:00", True),  # a naive moment is UTC, as the registry stores it
        ("2025-01-01T02:00:00+00:00", False),  # 21:00 on 31 December 2024 in Saguenay
        ("2025-01-01T05:00:00+00:00", True),
        ("2024-12-31T23:59:59-05:00", False),
        (None, True),  # a proposal never tracked has no date: it is in every period
        ("pas une date", True),  # unreadable: as missing, never a crash
    ],
)
def test_a_moment_is_in_a_period_when_its_local_day_lies_between_both_days_included(moment, inside):
    dates = pd.Series([moment], dtype=object)
    assert in_period(dates, *YEAR_2025).tolist() == [inside]


@pytest.mark.parametrize(
    ("moment", "period", "inside"),
    [
        # spring forward (9 March 2025, 02:00 EST → 03:00 EDT): the local day ends at 04:00 UTC after it
        ("2025-03-09T04:59:59+00:00", (dt.date(2025, 3, 8), dt.date(2025, 3, 8)), True),  # 23:59:59 EST
        ("2025-03-09T05:00:00+00:00", (dt.date(2025, 3, 9), dt.date(2025, 3, 9)), True),
        ("2025-03-10T03:59:59+00:00", (dt.date(2025, 3, 9), dt.date(2025, 3, 9)), True),  # 23:59:59 EDT
        ("2025-03-10T04:30:00+00:00", (dt.date(2025, 3, 10), dt.date(2025, 3, 10)), True),  # 00:30 EDT
        ("2025-03-10T04:30:00+00:00", (dt.date(2025, 3, 9), dt.date(2025, 3, 9)), False),  # not 23:30 EST
        # fall back (2 November 2025, 02:00 EDT → 01:00 EST): October ends at 04:00 UTC on 1 November
        ("2025-11-01T03:59:59+00:00", (dt.date(2025, 10, 1), dt.date(2025, 10, 31)), True),
        ("2025-11-01T04:30:00+00:00", (dt.date(2025, 10, 1), dt.date(2025, 10, 31)), False),  # 00:30 EDT
        ("2025-11-02T05:30:00+00:00", (dt.date(2025, 11, 2), dt.date(2025, 11, 2)), True),  # 00:30 EST
        ("2025-11-02T06:30:00+00:00", (dt.date(2025, 11, 2), dt.date(2025, 11, 2)), True),  # 01:30 EST, again
        ("2025-11-03T04:59:59+00:00", (dt.date(2025, 11, 2), dt.date(2025, 11, 2)), True),  # 23:59:59 EST
        ("2025-11-03T05:00:00+00:00", (dt.date(2025, 11, 2), dt.date(2025, 11, 2)), False),
    ],
)
def test_the_local_day_follows_daylight_saving_time(moment, period, inside):
    assert in_period(pd.Series([moment], dtype=object), *period).tolist() == [inside]


def test_the_zone_is_the_display_zone_of_the_app_or_the_one_given(monkeypatch):
    dates = pd.Series(pd.to_datetime(["2026-01-01T02:00:00Z"], utc=True))
    assert in_period(dates, *YEAR_2025).tolist() == [True]
    assert in_period(dates, *YEAR_2025, timezone="UTC").tolist() == [False]
    monkeypatch.setenv("SYMBIOSIS_TIMEZONE", "Europe/Paris")  # 03:00 on 1 January in Paris
    assert in_period(dates, *YEAR_2025).tolist() == [False]
    monkeypatch.setenv("SYMBIOSIS_TIMEZONE", "America/Nowhere")  # a typo: Eastern time, never a crash
    assert in_period(dates, *YEAR_2025).tolist() == [True]


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


def test_a_status_given_on_new_years_eve_evening_counts_in_that_years_report():
    # 31 December 2025 at 21:00 in Saguenay is 02:00 UTC on 1 January 2026: a 2025 figure
    tracked = _tracked().assign(
        status_changed_at=pd.to_datetime(
            ["2026-01-01T02:00Z", "2025-03-01T10:00Z", "2026-01-01T05:30Z", "2025-01-01T03:00Z"], utc=True
        )
    )
    data = gather_report(
        report_registry().firms,
        lines_from_ledger(tracked, pd.DataFrame()),
        load_factors(),
        source="synergies",
        period=YEAR_2025,
    )
    assert sorted(data.synergies["synergy_id"]) == ["syn-1", "syn-4"]


def test_the_generation_date_is_the_regions_day():
    evening = dt.datetime(2026, 1, 1, 2, tzinfo=dt.UTC)  # 21:00 on 31 December in Saguenay
    assert local_today(now=evening) == dt.date(2025, 12, 31)
    assert local_today(now=evening, timezone="UTC") == dt.date(2026, 1, 1)
    lines = lines_from_ledger(_tracked(), pd.DataFrame())
    data = gather_report(report_registry().firms, lines, load_factors())
    assert data.generated_on == local_today()


def test_the_report_command_counts_a_new_years_eve_status_in_its_year(tmp_path, monkeypatch, capsys):
    from sqlalchemy import text

    from symbiosis.cli import main
    from symbiosis.db import Actor, Repository
    from symbiosis.services.synergy_store import SynergyRepository
    from tests._synergy_helpers import FakeResult, exchange, exchanges, seed_schema_pair

    monkeypatch.delenv("DATABASE_URL", raising=False)
    path, advisor = tmp_path / "r.db", Actor("adele", "advisor")
    with Repository.from_url(f"sqlite:///{path}") as repo:
        seed_schema_pair(repo)
        store = SynergyRepository(repo)
        store.record_proposals(
            advisor, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"), exchange("A-1", "C-1", "A", "C")))
        )
        given = {  # 21:00 on 31 December 2025 and 01:00 on 1 January 2026, in Saguenay
            "B-1": dt.datetime(2026, 1, 1, 2, tzinfo=dt.UTC),
            "C-1": dt.datetime(2026, 1, 1, 6, tzinfo=dt.UTC),
        }
        ids = store.synergies(advisor).set_index("demand_id")["synergy_id"]
        with repo.engine.begin() as conn:
            for demand, on in given.items():
                conn.execute(
                    text("UPDATE synergies SET status_changed_at = :on WHERE synergy_id = :s"),
                    {"on": on, "s": ids[demand]},
                )
    for year, listed in (("2025", "1 synergy listed"), ("2026", "1 synergy listed"), ("2024", "0 synergies")):
        out = tmp_path / f"{year}.csv"
        args = ["--format", "csv", "--lang", "en", "--from", f"{year}-01-01", "--to", f"{year}-12-31"]
        assert main(["report", "--db", str(path), *args, "--out", str(out)]) == 0
        assert listed in capsys.readouterr().out
        if year == "2025":
            written = out.read_text(encoding="utf-8")
            assert ids["B-1"] in written and ids["C-1"] not in written
