"""A heat demand's own return temperature (``return_temperature_c``): read from the import files,
checked, and used by the engine in place of its category's ``temperature_return_c``."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from symbiosis.ingest import read_table, validate_streams
from symbiosis.kb import load_categories
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.results import explanation_texts
from symbiosis.schemas import FIRMS, STREAMS, with_optional_columns
from symbiosis.views.exchanges import drilldown
from tests._registry_helpers import firm, stream

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


# -- engine ------------------------------------------------------------------------------------------


def _greenhouse(category: str, need_c: float, supply_c: float, **demand: float) -> Registry:
    """A heat use of ``category`` needing ``need_c`` (800 MWh) and, next door, 5 000 MWh of surplus heat
    at ``supply_c`` (``heat_low_30_60c`` below 60 °C, ``heat_medium_60_90c`` above)."""
    firms = pd.DataFrame(
        [
            firm("F0", "Serres du Lac", "Alma", 48.550, -71.650),
            firm("F1", "Usine", "Alma", 48.551, -71.651),
        ]
    )[FIRMS.names]
    energy = dict(kind="energy", unit_as_typed="MWh/an", quantity_unit="MWh/yr", mass_t_per_yr=float("nan"))
    source = "heat_low_30_60c" if supply_c <= 60 else "heat_medium_60_90c"
    rows = [
        stream("D", "F0", "demand", category, 800.0, temperature_c=need_c, **energy, **demand),
        stream("S", "F1", "supply", source, 5000.0, temperature_c=supply_c, **energy),
    ]
    streams = pd.DataFrame(rows).pipe(with_optional_columns, STREAMS)[STREAMS.names]
    return Registry(firms, streams).validate()


def test_the_firms_own_return_temperature_replaces_its_categorys():
    # a greenhouse needing 50 °C, a 45 °C surplus: 40 °C usable after the 5 °C approach
    typical = run(_greenhouse("heat_greenhouse", 50.0, 45.0))  # the category's return: 30 °C
    own = run(_greenhouse("heat_greenhouse", 50.0, 45.0, return_temperature_c=22.0))
    [a], [b] = typical.exchanges.to_dict("records"), own.exchanges.to_dict("records")
    assert a["delivered_per_yr"] == pytest.approx(
        800.0 * (40 - 30) / (50 - 30), abs=0.01
    )  # the flow to the solver's grain
    assert b["delivered_per_yr"] == pytest.approx(
        800.0 * (40 - 22) / (50 - 22), abs=0.01
    )  # the flow to the solver's grain
    text = explanation_texts(pd.DataFrame([a, b], index=["typical", "own"]), "en")
    assert "declared" not in text["typical"] and "at most 50 %" in text["typical"]
    assert "the return temperature the firm declared, 22 °C" in text["own"] and "at most 64 %" in text["own"]
    french = explanation_texts(pd.DataFrame([b]), "fr").iloc[0]
    assert "température de retour que l'entreprise a déclarée, 22 °C" in french
    # the advisor's drill-down says whose return temperature the share comes from
    own_flags, typical_flags = drilldown(pd.Series(b), "fr").flags, drilldown(pd.Series(a), "fr").flags
    assert any("à 22 °C selon la température de retour qu'il a lui-même déclarée" in f for f in own_flags)
    assert any(f.startswith("Préchauffage seulement") and "déclarée" not in f for f in typical_flags)
    assert any(
        "by the return temperature the customer declared itself" in f
        for f in drilldown(pd.Series(b), "en").flags
    )


def test_a_use_with_no_typical_return_becomes_preheatable_with_its_own():
    # drying heat: no return temperature in the knowledge base, so a 65 °C surplus (60 °C usable) is
    # too cold for a 70 °C kiln; its own hot-water loop returning at 30 °C takes 75 % of the duty
    assert run(_greenhouse("heat_drying", 70.0, 65.0)).exchanges.empty
    own = run(_greenhouse("heat_drying", 70.0, 65.0, return_temperature_c=30.0))
    [row] = own.exchanges.to_dict("records")
    assert row["delivered_per_yr"] == pytest.approx(
        800.0 * (60 - 30) / (70 - 30), abs=0.01
    )  # the flow to the solver's grain
    assert row["return_declared"] and row["return_temperature_c"] == 30.0
