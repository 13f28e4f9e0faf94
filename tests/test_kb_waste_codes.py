"""EU List of Waste: the shipped table, its French wording, the build, normalising typed codes."""

from __future__ import annotations

import csv
import importlib.util
import re
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from symbiosis.kb import is_hazardous, load_categories, load_waste_codes, normalise_waste_code, split_list
from symbiosis.kb.waste_codes import WASTE_CODE_COLUMNS, format_waste_code

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "symbiosis" / "kb" / "data"
FRENCH_COLUMNS = ["label_fr", "chapter_fr", "sub_chapter_fr"]
# English words that never occur in the French list: a label still in English shows one of them.
ENGLISH_WORDS = re.compile(
    r"\b(?:from|the|containing|other|and|of|with|wastes?|than|mentioned|including|except|sludges?|"
    r"otherwise|specified|which|for)\b",
    re.IGNORECASE,
)
CODE = re.compile(r"\d{2} \d{2} \d{2}")
# The official form of a cross-reference: "autres que ceux visés à la rubrique", "non visés à la rubrique".
VISES = re.compile(r"(?:autres? que|non) (?:ceux|celles?|celui|les déchets)? ?visé")
# Words whose loss would change what an entry covers: English stem -> French stem.
KEY_TERMS = {
    "hazardous": "dangereu",
    "asbestos": "amiante",
    "mercury": "mercure",
    "pcb": "pcb",
    "halogenated": "halogén",
    "heavy metals": "métaux lourds",
    "chromium": "chrome",
}


def _build_script():
    path = ROOT / "scripts" / "build_waste_codes.py"
    spec = importlib.util.spec_from_file_location("build_waste_codes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def defra_source(tmp_path_factory) -> Path:
    """The DEFRA-format input, rebuilt from the shipped table's own English columns."""
    shipped = pd.read_csv(DATA / "list_of_waste.csv", dtype=str, keep_default_na=False)
    source = shipped.rename(columns={"hazardous": "is_hazardous", "description_en": "description"})[
        ["code", "code_spaced", "is_hazardous", "entry_type", "chapter", "sub_chapter", "description"]
    ]
    path = tmp_path_factory.mktemp("defra") / "list_of_waste_defra.csv"
    source.to_csv(path, index=False)
    return path


def test_table_shape():
    low = load_waste_codes()
    assert list(low.columns) == list(WASTE_CODE_COLUMNS)
    assert len(low) == 842 and low["code"].is_unique
    assert int(low["hazardous"].sum()) == 408
    assert low["code"].str.fullmatch(r"\d{6}").all()
    assert (low["chapter_code"] == low["code"].str[:2]).all()


def test_french_labels_for_regional_codes():
    low = load_waste_codes().set_index("code")
    assert "brasque" in low.loc["161101", "label_fr"]
    assert low.loc["010309", "label_fr"].startswith("Boues rouges")
    assert low.loc["100318", "sub_chapter_fr"] == "Déchets de la pyrométallurgie de l'aluminium"
    assert low.loc["100318", "chapter_fr"] == "Déchets provenant de procédés thermiques"
    used = {c for codes in load_categories()["waste_codes"] for c in split_list(codes)}
    assert (low.loc[sorted(used), "label_fr"] != "").all()


@pytest.mark.parametrize("column", FRENCH_COLUMNS)
def test_every_code_has_its_french_wording(column):
    low = load_waste_codes()
    text = low[column]
    assert (text.str.len() > 0).all(), list(low.loc[text.str.len() == 0, "code"])
    assert (text == text.str.strip()).all(), list(low.loc[text != text.str.strip(), "code"])
    assert not text.str.contains("  ").any()
    assert text.str[0].str.isupper().all(), list(low.loc[~text.str[0].str.isupper(), "code"])


def test_one_french_title_per_chapter_and_sub_chapter():
    low = load_waste_codes()
    assert low.groupby("chapter_code")["chapter_fr"].nunique().eq(1).all()
    assert low.groupby("sub_chapter_code")["sub_chapter_fr"].nunique().eq(1).all()
    assert low["chapter_fr"].nunique() == 20 and low["sub_chapter_fr"].nunique() == 111


@pytest.mark.parametrize("column", FRENCH_COLUMNS)
def test_no_french_label_left_in_english(column):
    low = load_waste_codes()
    english = low[low[column].str.contains(ENGLISH_WORDS)]
    assert english.empty, english[["code", column]].to_string()


def test_cross_references_are_kept_in_french():
    """ "other than those mentioned in 16 11 01" names the same code(s) in French, as "visés"."""
    low = load_waste_codes()
    with_codes = low[low["description_en"].str.contains(CODE)]
    assert len(with_codes) > 150  # the mirror entries and the "(except ...)" ones
    for code, english, french in zip(
        with_codes["code"], with_codes["description_en"], with_codes["label_fr"], strict=True
    ):
        assert set(CODE.findall(english)) <= set(CODE.findall(french)), (code, english, french)
        if "other than" in english:
            assert VISES.search(french), (code, french)


@pytest.mark.parametrize(("english", "french"), sorted(KEY_TERMS.items()))
def test_key_terms_survive_translation(english, french):
    low = load_waste_codes()
    rows = low[low["description_en"].str.lower().str.contains(english)]
    assert not rows.empty
    lost = rows[~rows["label_fr"].str.lower().str.contains(french)]
    assert lost.empty, lost[["code", "description_en", "label_fr"]].to_string()


def test_french_file_has_every_code_once():
    french = pd.read_csv(DATA / "list_of_waste_fr.csv", dtype=str, keep_default_na=False)
    low = load_waste_codes()
    expected = set(low["code"]) | set(low["chapter_code"]) | set(low["sub_chapter_code"])
    assert list(french.columns) == ["code", "label_fr", "wording"]
    assert french["code"].is_unique and set(french["code"]) == expected
    assert set(french["wording"]) <= {"official", "corrected", "project"}
    assert (french["wording"] == "official").sum() > 900  # the official text is the rule


def test_rebuild_reproduces_the_shipped_table(defra_source, tmp_path):
    target = tmp_path / "list_of_waste.csv"
    assert _build_script().convert(defra_source, target) == 842
    assert target.read_bytes() == (DATA / "list_of_waste.csv").read_bytes()


def _french_rows() -> list[list[str]]:
    with (DATA / "list_of_waste_fr.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


@pytest.mark.parametrize("code", ["161101", "1611", "16"])
def test_rebuild_refuses_a_missing_french_wording(defra_source, tmp_path, code):
    rows = [r for r in _french_rows() if r[0] != code]
    french = _write(tmp_path / "fr.csv", rows)
    target = tmp_path / "out.csv"
    with pytest.raises(ValueError, match=code):
        _build_script().convert(defra_source, target, french)
    assert not target.exists()


@pytest.mark.parametrize(
    ("mutate", "column"),
    [
        (lambda r: ["16 11 01", *r[1:]], "code"),
        (lambda r: [r[0], " Brasque", r[2]], "label_fr"),
        (lambda r: [r[0], "", r[2]], "label_fr"),
        (lambda r: [r[0], r[1], "machine"], "wording"),
    ],
)
def test_rebuild_names_the_bad_line_of_the_french_file(tmp_path, mutate, column):
    rows = _french_rows()
    line = next(i for i, r in enumerate(rows) if r[0] == "161101")
    rows[line] = mutate(rows[line])
    french = _write(tmp_path / "fr.csv", rows)
    with pytest.raises(ValueError, match=rf"line {line + 1}, column {column}.*ligne {line + 1}"):
        _build_script().read_french(french)


def test_rebuild_refuses_a_duplicate_or_unknown_code(defra_source, tmp_path):
    rows = _french_rows()
    with pytest.raises(ValueError, match="given twice"):
        _build_script().read_french(_write(tmp_path / "dup.csv", [*rows, rows[-1]]))
    with pytest.raises(ValueError, match="999999"):
        _build_script().convert(
            defra_source,
            tmp_path / "out.csv",
            _write(tmp_path / "unknown.csv", [*rows, ["999999", "Inconnu", "project"]]),
        )


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


REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "list_of_waste_defra.csv"


@pytest.mark.skipif(not REFERENCE.exists(), reason="the DEFRA reference copy is not on this machine")
def test_rebuild_from_the_defra_reference_reproduces_the_shipped_table(tmp_path):
    target = tmp_path / "list_of_waste.csv"
    _build_script().convert(REFERENCE, target)
    assert target.read_bytes() == (DATA / "list_of_waste.csv").read_bytes()
