"""The dashboard's pure functions: estimated KPIs, breakdowns, monthly profile and safe export bytes."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd
import pytest

from symbiosis.kb import load_categories
from symbiosis.pipeline import run
from symbiosis.places.parks import load_parks
from symbiosis.registry import Registry
from symbiosis.sample import generate_streams_canonical
from symbiosis.views.dashboard import (
    BREAKDOWNS,
    breakdown,
    csv_bytes,
    geojson_bytes,
    headline,
    monthly_profile,
    synergies_by_status,
    xlsx_bytes,
)

HOSTILE = '=HYPERLINK("http://evil.example","clic")'


@pytest.fixture(scope="module")
def matched():
    reg = generate_streams_canonical(n_streams=240, territory="slsj", seed=7)
    firms = reg.firms.copy()
    firms.loc[0, "name"] = HOSTILE
    firms.loc[0, "confidentiality"] = "public"
    reg = Registry(firms, reg.streams).validate()
    return reg, run(reg)


def test_headline_is_labelled_estimated(matched):
    _, result = matched
    rows = dict(headline(result, "fr"))
    assert all("estimé" in label for label in list(rows)[:3])
    assert rows["Synergies proposées"] == str(result.kpis.n_exchanges)


def test_every_synergy_is_proposed_for_now(matched):
    _, result = matched
    table = synergies_by_status(result, "en")
    assert table.iloc[:, 1].tolist() == [result.kpis.n_exchanges, 0, 0, 0]


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_breakdowns_add_up_to_the_kpis(matched, by):
    reg, result = matched
    table = breakdown(result, reg, by, "fr", categories=load_categories(), parks=load_parks())
    assert table["n"].sum() == result.kpis.n_exchanges
    assert table["net_value_cad_per_yr"].sum() == pytest.approx(result.kpis.net_value_cad_per_yr)
    assert table["diverted_t_per_yr"].sum() == pytest.approx(result.kpis.diverted_t_per_yr)


def test_monthly_profile_spreads_the_yearly_tonnes():
    ex = pd.DataFrame({"months_common_mask": [4095, 0b111000000], "diverted_t_per_yr": [1200.0, 300.0]})
    profile = monthly_profile(ex, "fr").iloc[:, 0]
    assert profile.sum() == pytest.approx(1500.0)
    assert profile.iloc[0] == pytest.approx(100.0) and profile.iloc[6] == pytest.approx(200.0)
    assert profile.index[7] == "08 août"


def test_csv_is_formula_safe_and_parses(matched):
    reg, result = matched
    data = csv_bytes(result, reg)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(result.exchanges) > 0
    names = {r["supply_firm_name"] for r in rows} | {r["demand_firm_name"] for r in rows}
    if any(HOSTILE[1:] in n for n in names):
        assert "'" + HOSTILE in names and HOSTILE not in names
    assert "explanation_fr" in rows[0]


def test_xlsx_parses_without_formulas(matched):
    _, result = matched
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(result)))
    assert {"KPIs", "exchanges"} <= set(book.sheetnames)
    cells = [c for row in book["exchanges"].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert book["exchanges"].max_row == len(result.exchanges) + 1


def test_geojson_plain_and_anonymised(matched):
    reg, result = matched
    plain = json.loads(geojson_bytes(result, reg))
    assert plain["type"] == "FeatureCollection" and len(plain["features"]) == len(result.exchanges)
    anon = json.loads(geojson_bytes(result, reg, anonymise=True))
    text = json.dumps(anon, ensure_ascii=False)
    hidden = reg.firms[reg.firms["confidentiality"] != "public"]
    assert not any(f'"{fid}"' in text for fid in hidden["firm_id"])
    assert not any(f'"{name}"' in text for name in hidden["name"])
    total = sum(f["properties"]["n_exchanges"] for f in anon["features"])
    assert total == len(result.exchanges)
    assert len(anon["features"]) <= len(plain["features"])
    lon, lat = anon["features"][0]["geometry"]["coordinates"][0]
    assert -80 < lon < -60 and 45 < lat < 52
