"""Reports: synergies counted by type, a section per lever in the workbook and the PDF, anonymised totals."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pandas as pd
import pytest

from symbiosis.engine.factors import load_factors
from symbiosis.mutual import MutualConfig, MutualData, run_mutual
from symbiosis.reports import gather_report, render_report
from symbiosis.reports.levers import lever_section, lever_summary
from symbiosis.reports.lines import lines_from_records
from tests._registry_helpers import firm

FIRMS = pd.DataFrame(
    [
        firm("A", "Atelier Alpha", "Alma", 48.40, -71.00, confidentiality="public"),
        firm("B", "Atelier Bêta", "Alma", 48.41, -71.01),
        firm("C", "Atelier Gamma", "Alma", 48.42, -71.02),
        firm("H", "Hôte Delta", "Alma", 48.40, -71.02),
    ]
)


@pytest.fixture(scope="module")
def levers():
    purchases = pd.DataFrame(
        {
            "purchase_id": ["P-A", "P-B", "P-C"],
            "firm_id": ["A", "B", "C"],
            "category_id": "nitrile_gloves",
            "description": "",
            "quantity_per_yr": 500.0,
            "unit": "boîte",
            "months_mask": 4095,
            "price_cad_per_unit": 12.0,
            "max_distance_km": float("nan"),
        }
    )
    return run_mutual(FIRMS, MutualData(purchases=purchases), MutualConfig(levers=("purchasing",)))


def _lines() -> pd.DataFrame:
    rows = [
        {
            "synergy_id": "s1",
            "status": "implemented",
            "supply_firm_id": "A",
            "demand_firm_id": "B",
            "kind": "material",
            "quantity_per_yr": 10.0,
            "net_value_cad_per_yr": 1000.0,
            "co2e_avoided_t_per_yr": 2.0,
        },
        *(
            {
                "synergy_id": f"g{f}",
                "status": "qualified",
                "supply_firm_id": f,
                "demand_firm_id": f,
                "kind": "service",
                "quantity_per_yr": 500.0,
                "net_value_cad_per_yr": 200.0,
                "synergy_type": "group_purchase",
            }
            for f in "ABC"
        ),
    ]
    return lines_from_records(pd.DataFrame(rows))


def test_synergies_are_counted_apart_by_type():
    data = gather_report(FIRMS, _lines(), load_factors())
    by_type = data.by_type.set_index("synergy_type")
    assert list(by_type.index) == ["substitution", "group_purchase"]
    assert by_type.at["group_purchase", "n_synergies"] == 3 and by_type.at["group_purchase", "n_firms"] == 3
    assert by_type.at["group_purchase", "net_value_cad_per_yr"] == 600.0
    assert by_type.at["substitution", "net_value_cad_per_yr"] == 1000.0
    book = openpyxl.load_workbook(io.BytesIO(render_report(data, "xlsx", "fr")))
    assert "Par type" in book.sheetnames
    values = [c.value for c in book["Par type"]["A"]]
    assert values == ["Type de synergie", "Substitution", "Achat groupé"]


def test_the_lever_section_adds_a_sheet_per_lever_with_names_and_explanations(levers):
    data = dataclasses.replace(
        gather_report(FIRMS, _lines(), load_factors()), sections=(lever_section(levers, FIRMS),)
    )
    book = openpyxl.load_workbook(io.BytesIO(render_report(data, "xlsx", "en")))
    assert {
        "Mutualisation",
        "Group purchasing",
        "Shared equipment",
        "Shared units",
        "Shared collection",
    } <= set(book.sheetnames)
    sheet = book["Group purchasing"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["Firms"] == "Atelier Alpha, Atelier Bêta, Atelier Gamma" and row["Tier"] == 2
    assert "pro rata" in row["Explanation"]
    pdf = render_report(data, "pdf", "fr")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_anonymised_reports_show_only_lever_totals(levers):
    section = lever_section(levers, FIRMS, anonymised=True)
    sheets = section.sheets("fr")
    assert list(sheets) == ["Mutualisation"]
    assert "Atelier" not in sheets["Mutualisation"].to_csv()
    summary = lever_summary(levers, "fr", anonymised=True).set_index("lever")
    assert (
        summary.at["Achats groupés", "n_firms"] == 3 and summary.at["Achats groupés", "saving_cad_per_yr"] > 0
    )


def test_a_lever_with_fewer_than_three_firms_is_suppressed_when_anonymised():
    purchases = pd.DataFrame(
        {
            "purchase_id": ["P-A", "P-B"],
            "firm_id": ["A", "B"],
            "category_id": "propane",
            "description": "",
            "quantity_per_yr": 30000.0,
            "unit": "L",
            "months_mask": 4095,
            "price_cad_per_unit": 0.85,
            "max_distance_km": float("nan"),
        }
    )
    result = run_mutual(FIRMS, MutualData(purchases=purchases), MutualConfig(levers=("purchasing",)))
    summary = lever_summary(result, "en", anonymised=True).set_index("lever")
    assert summary.at["Group purchasing", "n_firms"] == 2
    assert pd.isna(summary.at["Group purchasing", "saving_cad_per_yr"])
