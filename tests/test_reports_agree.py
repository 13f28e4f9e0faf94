"""The dashboard and every report file print the same figures, and the notes count what the figures count.

A program manager quotes the dashboard in a grant report and attaches the PDF: a funder who finds
« 32 499 » on one and « 32 498 » on the other, or « 3 synergies sur 3 » under a report of two, stops
trusting both.
"""

from __future__ import annotations

import io
import subprocess

import openpyxl
import pandas as pd
import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.i18n import t
from symbiosis.reports import gather_report, render_report
from symbiosis.reports.lines import lines_from_records
from symbiosis.views.dashboard import breakdown_table, headline, status_table
from tests.test_reports import _need
from tests.test_reports_fixtures import report_registry

#: GHG avoided whose tenth is 5 once rounded to one decimal (32 498,53 → 32 498,5): rounding that
#: again to whole tonnes with the half-to-even rule gave 32 498; the exact figure rounds to 32 499.
NEAR_HALF = 32498.534709


def _data(*, anonymised: bool = False):
    records = pd.DataFrame(
        {
            "synergy_id": ["s1", "s2", "s3"],
            "status": ["qualified", "proposed", "rejected"],
            "supply_firm_id": ["P1", "P3", "C1"],
            "demand_firm_id": ["P4", "P2", "M1"],
            "kind": "material",
            "supply_category_id": "wood_sawdust",
            "demand_category_id": "biomass_fuel_wood",
            "tonnes_t_per_yr": [100.0, 200.0, 6252.0],
            "diverted_t_per_yr": [100.0, 200.0, 0.0],
            "co2e_avoided_t_per_yr": [NEAR_HALF, 10.0, 0.0],
            "net_value_cad_per_yr": [1000.0, 2000.0, 0.0],
            "factor_ids": ["landfill_wood", "landfill_wood", ""],  # the ledger gives a rejected one none
        }
    )
    lines = lines_from_records(records)
    return gather_report(
        report_registry().firms, lines, load_factors(), source="synergies", anonymised=anonymised
    )


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([_need("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def test_the_pdf_rounds_the_exact_figures_as_the_dashboard_does(tmp_path):
    data = _data()
    by_mrc = breakdown_table(data, "mrc", "fr").set_index(t("manager.by.mrc", "fr"))
    assert by_mrc.loc["Lac-Saint-Jean-Est", t("manager.col.co2e", "fr")] == 32499
    assert dict(headline(data, "fr"))[t("manager.kpi.co2e", "fr")] == "32\u00a0509"  # 32 508,53 in all
    text = _pdf_text(render_report(data, "pdf", "fr"), tmp_path)
    territory = next(line for line in text.splitlines() if line.startswith("Lac-Saint-Jean-Est"))
    assert "32 499" in territory and "32 498" not in text
    ghg = next(
        line for line in text.splitlines() if line.startswith(t("reports.kpi.co2e_avoided_t_per_yr", "fr"))
    )
    assert ghg.split()[-1] == "509" and "32 508" not in text


def test_the_notes_count_the_synergies_and_firms_the_figures_count():
    data = _data(anonymised=True)
    notes = [note.get("fr") for note in data.notes]
    assert data.kpi("n_synergies") == 2 and data.kpi("n_firms_engaged") == 4
    assert "2 synergies sur 2 ont des chiffres estimés (non vérifiés)." in notes
    assert not [n for n in notes if "facteur d'émission" in n]  # the rejected one has no factor: no impact
    hidden = next(n for n in notes if "sans consentement" in n)
    assert hidden.startswith("Mode anonymisé : 0 entreprise")  # C1 and M1 are only in the rejected one
    assert set(data.firms["mrc"]) == {"Lac-Saint-Jean-Est", "Le Fjord-du-Saguenay", "Ville de Saguenay"}
    assert len(data.points) == 4  # the map's engaged firms: the rejected synergy's two are not drawn


def test_a_rejected_synergy_shows_no_tonnes_in_the_funnel():
    data = _data()
    rejected = data.by_status.set_index("status").loc["rejected"]
    assert rejected["n_synergies"] == 1
    assert rejected[["tonnes_t_per_yr", "diverted_t_per_yr", "co2e_avoided_t_per_yr"]].eq(0).all()
    assert data.by_status["tonnes_t_per_yr"].sum() == pytest.approx(data.kpi("tonnes_t_per_yr"))
    table = status_table(data, "fr")
    assert table[t("manager.col.count", "fr")].tolist()[-1] == 1  # the funnel still counts it


def test_the_workbook_funnel_sums_to_the_summary():
    book = openpyxl.load_workbook(io.BytesIO(render_report(_data(), "xlsx", "fr")))
    funnel = book[t("reports.sheet.funnel", "fr")]
    header = [c.value for c in next(funnel.iter_rows(max_row=1))]
    col = header.index(t("reports.col.tonnes_t_per_yr", "fr"))
    tonnes = sum(row[col] or 0 for row in funnel.iter_rows(min_row=2, values_only=True))
    assert tonnes == pytest.approx(300.0)
