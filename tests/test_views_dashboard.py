"""The dashboard's pure functions read a ReportData: totals once, breakdowns shown in both groups."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.pipeline import run
from symbiosis.places.parks import load_parks
from symbiosis.reports import gather_report, lines_from_result
from symbiosis.sample import generate_streams_canonical
from symbiosis.views.dashboard import (
    BREAKDOWNS,
    PER_FIRM_BREAKDOWNS,
    breakdown_table,
    default_price_note,
    empty_scope_note,
    headline,
    money_text,
    monthly_table,
    status_table,
)


@pytest.fixture(scope="module")
def data():
    reg = generate_streams_canonical(n_streams=240, territory="slsj", seed=7)
    lines = lines_from_result(run(reg))
    months = reg.streams.set_index("stream_id")["months_mask"]
    return gather_report(reg.firms, lines, load_factors(), months=months), lines


def test_headline_counts_each_synergy_once(data):
    report, lines = data
    rows = dict(headline(report, "fr"))
    assert rows["Synergies (chacune une fois)"] == f"{len(lines):,}".replace(",", "\u00a0")
    assert rows["dont vérifiées"] == "0"


def test_status_table_in_pipeline_order_with_words(data):
    report, lines = data
    table = status_table(report, "en")
    assert table.iloc[0].tolist()[:2] == ["Proposed", len(lines)]
    assert "proposed" not in set(table.iloc[:, 0])


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_breakdowns_show_a_synergy_in_each_of_its_groups(data, by):
    report, lines = data
    table = breakdown_table(report, by, "fr", parks=load_parks())
    counted = table["Synergies"].sum()
    if by in PER_FIRM_BREAKDOWNS:  # in both groups of a two-group synergy, never more
        assert len(lines) <= counted <= 2 * len(lines)
    else:
        assert counted == len(lines)
        total = report.kpi("net_value_cad_per_yr")
        assert table["Valeur nette ($/an)"].sum() == pytest.approx(total, abs=len(lines))
    assert pd.api.types.is_numeric_dtype(table["Synergies"])
    assert not any("_" in str(v) for v in table.iloc[:, 0])  # words, not ids


def test_monthly_profile_spreads_the_yearly_tonnes(data):
    report, _ = data
    table = monthly_table(report, "fr")
    assert table.iloc[:, 1].sum() == pytest.approx(report.kpi("diverted_t_per_yr"), abs=0.1 * 12)
    # a month, not a date: « 08 août » read as the 8th of August under a bar of the whole month
    assert table.iloc[:, 0].tolist()[:3] == ["janv.", "févr.", "mars"] and table.iloc[7, 0] == "août"
    assert monthly_table(report, "en").iloc[:, 0].tolist()[-2:] == ["Nov", "Dec"]
    from symbiosis.views.charts import column_chart

    spec = column_chart(table, category=table.columns[0], value=table.columns[1], lang="fr", value_title="t")
    assert spec["encoding"]["x"]["sort"] == table.iloc[:, 0].tolist()  # calendar order, not alphabetical


def test_money_is_written_the_way_each_language_writes_it():
    from symbiosis.views.dashboard import money_text

    assert money_text(54_600_000, "fr").replace("\u00a0", " ") == "54,6 M$"
    assert money_text(54_600_000, "en") == "$54.6M"  # English Canada; « 54.6 M$ » is the French order
    assert money_text(12_345, "fr").replace("\u00a0", " ") == "12 345 $"
    assert money_text(12_345, "en") == "$12,345"


def test_a_small_conversion_is_not_shown_as_zero():
    # 1 synergy qualified out of 654 proposed is 0.2 %, not « 0 »: a manager would read « nothing moved »
    from types import SimpleNamespace

    part = pd.DataFrame(
        {
            "status": ["proposed", "qualified"],
            "n_synergies": [653, 1],
            "n_reached": [654, 1],
            "conversion_pct": [float("nan"), 100 / 654],
        }
    )
    table = status_table(SimpleNamespace(by_status=part), "fr")
    assert table.iloc[1, 3] == pytest.approx(0.2)


def test_the_savings_resting_on_default_prices_are_said_apart(data):
    """The sample's prices are partly the engine's defaults: the manager reads how much, in words."""
    report, lines = data
    on_defaults = lines["net_value_default_prices_cad_per_yr"].sum()
    assert 0 < on_defaults < lines["net_value_cad_per_yr"].sum()
    note = default_price_note(report, "fr")
    assert note is not None and "reposent sur des prix par défaut" in note
    assert money_text(on_defaults, "fr") in note
    assert money_text(lines["net_value_cad_per_yr"].sum(), "fr") in note
    kpis = report.kpis.copy()
    kpis.loc[kpis["indicator"].eq("net_value_default_prices_cad_per_yr"), ["estimated", "total"]] = 0.0
    assert default_price_note(dataclasses.replace(report, kpis=kpis), "en") is None  # all firms' figures


def test_a_scope_without_synergy_is_said_in_words(data):
    """The walk: a year with no synergy showed zeros and « Rien à afficher pour l'instant », unexplained."""
    report, lines = data
    assert empty_scope_note(report, "fr") is None
    firms = generate_streams_canonical(n_streams=240, territory="slsj", seed=7).firms
    empty = gather_report(firms, lines.iloc[:0], load_factors())
    assert empty_scope_note(empty, "fr") == "Aucune synergie pour ce territoire et cette période."
    assert empty_scope_note(empty, "en") == "No synergy for this territory and period."
