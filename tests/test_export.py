"""Result exports: formats, round trips and formula-injection safety."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from symbiosis.engine.network import firm_graph
from symbiosis.io.export import (
    escape_text,
    exchanges_geojson,
    parameters_frame,
    results_json,
    safe_frame,
    write_geojson,
    write_results,
)
from symbiosis.results import AllocationInfo, MatchResult, compute_kpis

EVIL = '=HYPERLINK("http://x","y")'

FIRMS = pd.DataFrame(
    {
        "firm_id": ["A", "B"],
        "name": [EVIL, "Bois inc."],
        "park_id": ["P1", "P2"],
        "lat": [48.4281, 48.5481],
        "lon": [-71.0689, -71.6534],
        "confidentiality": ["public", "confidential"],
    }
)
EXCHANGES = pd.DataFrame(
    {
        "candidate_id": ["c1"],
        "supply_id": ["s1"],
        "demand_id": ["d1"],
        "supply_firm_id": ["A"],
        "demand_firm_id": ["B"],
        "supply_firm_name": [EVIL],
        "kind": ["material"],
        "quantity_unit": ["t/yr"],
        "flow_per_yr": [12.5],
        "delivered_per_yr": [12.5],
        "net_value_cad_per_yr": [-340.0],
        "co2e_avoided_t_per_yr": [1.25],
        "diverted_t_per_yr": [12.5],
        "distance_km": [45.2],
        "explanation_fr": ["+ écorce → chaudière"],
        "firm_ids": [("A", "B")],
    }
)


@pytest.fixture
def result() -> MatchResult:
    unmatched = pd.DataFrame(
        {
            "stream_id": ["s9"],
            "reason_code": ["no_rule"],
            "reason_fr": ["-aucune règle"],
            "reason_en": ["no rule"],
        }
    )
    return MatchResult(
        exchanges=EXCHANGES,
        candidates=EXCHANGES.assign(score=[0.8]),
        unmatched_supplies=unmatched,
        unmatched_demands=unmatched.head(0),
        kpis=compute_kpis(EXCHANGES, FIRMS),
        graph=firm_graph(EXCHANGES, FIRMS),
        allocation=AllocationInfo(
            "optimal", objective=-340.0, bound=-340.0, gap=0.0, method="mcf", timings_s={"solve": 0.01}
        ),
        config={"radius_km": 150.0, "weights": {"value": 1.0}, "excluded_firm_ids": ["@x"]},
    )


def test_escape_text_only_touches_text_with_triggers():
    assert escape_text(EVIL) == "'" + EVIL
    for trigger in ["+1+1", "-2-cmd", "@SUM(A1)", "\tx", "\rx", "-A1", "＝1+1"]:
        assert escape_text(trigger).startswith("'")
    assert escape_text("Bois") == "Bois"
    assert escape_text(-3.5) == -3.5
    # the rule for numbers: a number, or a text that is exactly a plain number, stays as it is
    for number in ["-2", "+1", "-12,5", " -1.2e5 "]:
        assert escape_text(number) == number


def test_safe_frame_keeps_numbers_and_joins_lists():
    out = safe_frame(EXCHANGES)
    assert out.loc[0, "net_value_cad_per_yr"] == -340.0
    assert out.loc[0, "supply_firm_name"] == "'" + EVIL
    assert out.loc[0, "explanation_fr"] == "'+ écorce → chaudière"
    assert out.loc[0, "firm_ids"] == "A | B"
    assert EXCHANGES.loc[0, "supply_firm_name"] == EVIL  # the input is not modified


def test_xlsx_has_sheets_and_no_formula(tmp_path, result):
    path = write_results(result, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["KPIs", "exchanges", "candidates", "unmatched", "parameters"]
    sheet = book["exchanges"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("supply_firm_name") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + EVIL
    value = sheet.cell(row=2, column=header.index("net_value_cad_per_yr") + 1)
    assert value.data_type == "n" and value.value == -340.0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)
    unmatched = [c.value for c in book["unmatched"][2]]
    assert unmatched[0] == "supply" and "'-aucune règle" in unmatched
    params = {r[0].value: r[1].value for r in book["parameters"].iter_rows(min_row=2)}
    assert params["weights.value"] == "1.0"
    assert params["excluded_firm_ids"] == "'@x"


def test_xlsx_cuts_sheets_beyond_the_excel_row_limit(tmp_path, result, monkeypatch):
    import symbiosis.io.export as export

    monkeypatch.setattr(export, "XLSX_MAX_DATA_ROWS", 2)
    many = pd.concat([EXCHANGES.assign(candidate_id=f"c{i}", gain_per_unit=float(i)) for i in range(5)])
    big = MatchResult(**{**result.__dict__, "candidates": many})
    book = openpyxl.load_workbook(write_results(big, tmp_path / "big.xlsx"))
    ids = [r[0].value for r in book["candidates"].iter_rows(min_row=2)]
    assert ids == ["c4", "c3"]  # best gain first
    kpis = {r[0].value: r[3].value for r in book["KPIs"].iter_rows(min_row=2)}
    assert kpis["truncated.candidates"] == 5


def test_csv_escapes_text_not_numbers(tmp_path, result):
    path = write_results(result, tmp_path / "r.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["supply_firm_name"].startswith("'=")
    assert rows[0]["net_value_cad_per_yr"] == "-340.0"


def test_json_is_strict_and_complete(tmp_path, result):
    path = write_results(result, tmp_path / "r.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["status"] == "optimal"
    assert data["kpis"]["net_value_cad_per_yr"] == -340.0
    assert data["exchanges"][0]["supply_id"] == "s1"
    assert data["exchanges"][0]["firm_ids"] == ["A", "B"]
    assert "candidates" not in data
    assert results_json(result, candidates=True)["candidates"][0]["score"] == 0.8


def test_unknown_extension_raises(tmp_path, result):
    with pytest.raises(ValueError, match="unknown results format"):
        write_results(result, tmp_path / "r.txt")


def test_parameters_frame_flattens_dataclasses():
    cfg = SimpleNamespace(to_dict=lambda: {"a": {"b": 1}, "c": [1, 2]})
    frame = parameters_frame(cfg)
    assert dict(zip(frame["parameter"], frame["value"], strict=True)) == {"a.b": "1", "c": "1 | 2"}


def test_geojson_is_lon_lat_and_masks_confidential_firms(tmp_path, result):
    registry = SimpleNamespace(firms=FIRMS)
    data = exchanges_geojson(result, registry)
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "LineString"
    (lon0, lat0), (lon1, lat1) = feature["geometry"]["coordinates"]
    assert (lon0, lat0) == (-71.0689, 48.4281)  # public supplier: exact, [lon, lat]
    assert (lon1, lat1) == (-71.7, 48.5)  # confidential receiver: rounded
    assert feature["properties"]["anonymised"] is True
    assert "supply_firm_id" not in feature["properties"]
    assert feature["properties"]["flow_per_yr"] == 12.5
    path = write_geojson(result, registry, tmp_path / "x.geojson", anonymise=True)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["features"][0]["geometry"]["coordinates"][0] == [-71.1, 48.4]


def test_geojson_keeps_ids_when_both_firms_consent(result):
    registry = SimpleNamespace(firms=FIRMS.assign(confidentiality="public"))
    props = exchanges_geojson(result, registry)["features"][0]["properties"]
    assert props["supply_firm_id"] == "A" and props["anonymised"] is False


def test_safe_frame_text_columns_match_the_cell_by_cell_escape():
    """Text columns are escaped only where a trigger character is found: the same frame as mapping
    the escape over every cell (values and dtypes)."""
    from symbiosis.io.inert import _cell

    frame = pd.DataFrame(
        {
            "str": pd.Series(["=x", None, "b", "-1", "x\n=y", "a;@b"], dtype="str"),
            "nullable": pd.Series(["=x", pd.NA, "b", "+", "", "－1"], dtype="string"),
            "arrow": pd.Series(["a", "b", "\t=c", "d", "e", "f"], dtype="string[pyarrow]"),
            "missing": pd.Series([None] * 6, dtype="str"),
            "objects": [("A", "=B"), "=c", None, 1.5, "d", float("nan")],
            "number": [-1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    expected = frame.copy()
    for name in expected.columns:
        if expected[name].dtype == object or pd.api.types.is_string_dtype(expected[name]):
            expected[name] = expected[name].astype(object).map(_cell)
    pd.testing.assert_frame_equal(safe_frame(frame), expected)
