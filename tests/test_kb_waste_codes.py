"""EU List of Waste: the shipped table, normalising typed codes, the hazardous flag, attribution."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from symbiosis.kb import is_hazardous, load_categories, load_waste_codes, normalise_waste_code, split_list
from symbiosis.kb.waste_codes import WASTE_CODE_COLUMNS, format_waste_code

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


def test_table_shape():
    low = load_waste_codes()
    assert list(low.columns) == list(WASTE_CODE_COLUMNS)
    assert len(low) == 842 and low["code"].is_unique
    assert int(low["hazardous"].sum()) == 408
    assert low["code"].str.fullmatch(r"\d{6}").all()
    assert (low["chapter_code"] == low["code"].str[:2]).all()


def test_french_labels_for_regional_codes():
    low = load_waste_codes().set_index("code")
    assert (low["label_fr"] != "").sum() >= 60
    assert "brasque" in low.loc["161101", "label_fr"]
    assert low.loc["010309", "label_fr"].startswith("Boues rouges")
    used = {c for codes in load_categories()["waste_codes"] for c in split_list(codes)}
    assert (low.loc[sorted(used), "label_fr"] != "").all()


@pytest.mark.parametrize(
    "typed", ["16 11 01*", "161101", "16-11-01", "16.11.01", "EWC 16 11 01 *", " 161101 "]
)
def test_normalise_accepts_usual_spellings(typed):
    assert normalise_waste_code(typed) == "161101"


@pytest.mark.parametrize("typed", ["99 99 99", "1611", "abc", "", None, float("nan"), "1611011"])
def test_normalise_refuses_non_codes(typed):
    assert normalise_waste_code(typed) is None


def test_is_hazardous():
    assert is_hazardous("16 11 01*") is True
    assert is_hazardous("161102") is False
    assert is_hazardous("10 03 08") is True
    with pytest.raises(KeyError):
        is_hazardous("99 99 99")


def test_format_waste_code():
    assert format_waste_code("100308") == "10 03 08*"
    assert format_waste_code("030309") == "03 03 09"


def test_loader_returns_copies():
    frame = load_waste_codes()
    frame.loc[0, "description_en"] = "vandalised"
    assert load_waste_codes().loc[0, "description_en"] != "vandalised"


def test_ogl_attribution_ships_with_the_data_and_docs():
    licences = resources.files("symbiosis.kb").joinpath("data", "LICENSES.md").read_text(encoding="utf-8")
    assert OGL in licences
    docs = Path(__file__).resolve().parents[1] / "docs" / "knowledge-base.md"
    assert OGL in docs.read_text(encoding="utf-8")
