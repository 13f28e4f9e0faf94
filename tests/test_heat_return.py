"""A heat demand's own return temperature (``return_temperature_c``): read from the import files and
checked."""

from __future__ import annotations

import math

import pytest

from symbiosis.ingest import read_table, validate_streams
from symbiosis.kb import load_categories

HEAD = "id_flux;id_entreprise;sens;categorie;quantite;unite;temperature_c;temperature_retour_c\n"


def _import(*rows: str, head: str = HEAD):
    raw = read_table((head + "\n".join(rows) + "\n").encode("utf-8"), filename="flux.csv")
    return validate_streams(raw, categories=load_categories())


def _issues(result) -> dict[str, tuple]:
    """``column.problem`` -> (row, severity, the issue) of each finding."""
    return {i.code: (i.row, i.severity, i) for i in result.report.issues if i.code.startswith("return_")}


# -- import ------------------------------------------------------------------------------------------


def test_a_heat_demand_keeps_its_own_return_temperature():
    result = _import(
        "D1;F1;demande;heat_greenhouse;800;MWh/an;50;22",
        "D2;F1;demande;heat_drying;800;MWh/an;;35,5 °C",  # the need: the band's bottom, 60 °C
        "D3;F1;demande;heat_district_network;800;MWh/an;85;",  # none given: the category's
    )
    rows = result.valid.set_index("stream_id")
    assert list(rows.index) == ["D1", "D2", "D3"] and _issues(result) == {}
    assert rows.loc["D1", "return_temperature_c"] == 22.0 and rows.loc["D2", "return_temperature_c"] == 35.5
    assert math.isnan(rows.loc["D3", "return_temperature_c"])


def test_a_file_without_the_column_reads_as_before():
    head = "id_flux;id_entreprise;sens;categorie;quantite;unite;temperature_c\n"
    result = _import("D1;F1;demande;heat_greenhouse;800;MWh/an;50", head=head)
    assert result.report.issues == [] or all(not i.code.startswith("return_") for i in result.report.issues)
    assert math.isnan(result.valid["return_temperature_c"].item())


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("tiède", "return_temperature_c.not_a_number"),
        ("200", "return_temperature_c.out_of_range"),
        ("-5", "return_temperature_c.negative"),
        ("50", "return_temperature_c.not_below_need"),  # the need is 50 °C: no lift left to give
        ("60", "return_temperature_c.not_below_need"),
    ],
)
def test_a_bad_return_temperature_refuses_its_row_and_keeps_the_good_ones(cell, code):
    result = _import(
        "D1;F1;demande;heat_greenhouse;800;MWh/an;50;" + cell,
        "D2;F1;demande;heat_greenhouse;800;MWh/an;50;22",
    )
    assert list(result.valid["stream_id"]) == ["D2"]
    found = _issues(result)
    assert set(found) == {code}, found
    row, severity, issue = found[code]
    assert row == 2 and severity == "error" and issue.column == "temperature_retour_c"  # as the file names it
    assert issue.expected.fr and issue.expected.en and issue.fix.fr and issue.fix.en
    if code.endswith("not_below_need"):
        assert "50 °C" in issue.expected.fr and "below the temperature required" in issue.expected.en


@pytest.mark.parametrize(
    "row",
    [
        "S1;F1;offre;heat_low_30_60c;800;MWh/an;45;22",  # a supply has no return to preheat
        "D1;F1;demande;steam_low_pressure;800;MWh/an;;80",  # steam: latent heat, not a lift
        "D1;F1;demande;wood_chips;800;t/an;;20",  # a material
    ],
    ids=["supply", "steam", "material"],
)
def test_a_return_temperature_off_a_heat_demand_is_ignored_with_a_warning(row):
    result = _import(row)
    assert len(result.valid) == 1  # the row is kept, the value dropped
    assert math.isnan(result.valid["return_temperature_c"].item())
    [(code, (_, severity, issue))] = _issues(result).items()
    assert code == "return_temperature_c.heat_demand_only" and severity == "warning"
    assert "ignorée" in issue.fix.fr and "ignored" in issue.fix.en


def test_the_english_header_is_read_too():
    head = "stream_id,firm_id,direction,category_id,quantity,unit,temperature_c,return_temperature_c\n"
    raw = read_table(
        (head + "D1,F1,demand,heat_greenhouse,800,MWh/yr,50,22.5\n").encode("utf-8"), filename="streams.csv"
    )
    result = validate_streams(raw, categories=load_categories())
    assert result.valid["return_temperature_c"].item() == 22.5
