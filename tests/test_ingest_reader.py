"""Reading uploads as text: encodings, separators, XLSX, caps, headers; never raising on any bytes."""

import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbiosis.ingest import read_table, template_bytes, validate_firms, validate_streams
from symbiosis.ingest.columns import match_headers, normalise_header
from symbiosis.ingest.reader import MAX_COLUMNS, MAX_ROWS
from symbiosis.numbers import parse_number

CATEGORIES = pd.DataFrame(
    [
        dict(
            category_id="wood_bark",
            kind="material",
            default_density_t_per_m3=0.35,
            hazardous=False,
            label_fr="Écorces",
            label_en="Bark",
            synonyms_fr="",
            synonyms_en="",
            waste_codes="030101",
        )
    ]
)
PARKS = pd.DataFrame(columns=["park_id", "name", "municipality", "lat", "lon"])
TEXT = "id_entreprise;nom;quantité;unité\nF1;Scierie Éloïse;12,5;m³/an\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings(encoding):
    raw = read_table(TEXT.encode(encoding), filename="f.csv")
    assert raw.frame.loc[0, "nom"] == "Scierie Éloïse" and raw.frame.loc[0, "unité"] == "m³/an"
    assert not raw.issues


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_separators(sep):
    text = TEXT.replace(";", sep).replace("12,5", '"12,5"' if sep == "," else "12,5")
    raw = read_table(text.encode(), filename="f.csv")
    assert raw.delimiter == sep and raw.frame.loc[0, "quantité"] == "12,5"


def test_headers_match_case_accent_and_space_insensitively():
    header_map, unknown, duplicates = match_headers(
        ["Quantité", " UNITE ", "Masse volumique (t/m³)", "Foo", "quantite"]
    )
    assert header_map == {
        "Quantité": "quantity",
        " UNITE ": "unit",
        "Masse volumique (t/m³)": "density_t_per_m3",
    }
    assert unknown == ["Foo"] and duplicates == ["quantite"]
    assert normalise_header("Code SCIAN") == "codescian"


def test_unknown_columns_are_warnings_and_kept_aside():
    raw = read_table(b"nom;couleur\nA;bleu\n", filename="f.csv")
    assert raw.unknown_columns == ("couleur",)
    found = [(i.code, i.severity, i.column) for i in raw.issues]
    assert found == [("file.unknown_column", "warning", "couleur")]


def test_source_rows_count_blank_lines_and_a_title_line():
    text = "Fichier des entreprises\nid_entreprise;nom\nF1;A\n\n;\nF2;B\n"
    raw = read_table(text.encode(), filename="f.csv")
    assert raw.frame["nom"].tolist() == ["A", "B"] and raw.source_rows == (3, 6)


def test_every_cell_is_text():
    raw = read_table(b"nom;quantite\nNA;NaN\n;null\n", filename="f.csv")
    assert raw.frame["nom"].tolist() == ["NA", ""] and raw.frame["quantite"].tolist() == ["NaN", "null"]


def test_language_guess_sets_the_number_locale():
    assert read_table(b"name,quantity\nA,1\n", filename="f.csv").locale == "en_CA"
    assert read_table(b"nom;quantite\nA;1\n", filename="f.csv").locale == "fr_CA"


def _xlsx(rows, sheet="Feuil1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_become_text_and_formulas_stay_inert():
    import datetime as dt

    data = _xlsx(
        [
            ["nom", "quantite", "date_debut", "dangereux"],
            ['=HYPERLINK("http://x","clic")', 12.5, dt.datetime(2026, 5, 1), True],
            [None, None, None, None],
            ["B", 3, None, False],
            ["C", 1.234, None, None],
        ]
    )
    raw = read_table(data, filename="f.xlsx")
    assert raw.frame.loc[0, "nom"] == '=HYPERLINK("http://x","clic")'
    assert raw.frame.loc[0, "quantite"] == "12.5" and raw.frame.loc[1, "quantite"] == "3"
    assert raw.frame.loc[0, "date_debut"] == "2026-05-01" and raw.frame.loc[0, "dangereux"] == "TRUE"
    assert raw.source_rows == (2, 4, 5) and raw.sheet == "Feuil1"
    exact = parse_number(raw.frame.loc[2, "quantite"], locale="fr_CA")
    assert exact.value == 1.234 and exact.warnings == ()  # an exact number cell is never ambiguous


def test_xlsx_sheet_named_like_the_template_wins():
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["rien"])
    wb.create_sheet("flux").append(["id_flux", "quantite"])
    buffer = io.BytesIO()
    wb.save(buffer)
    raw = read_table(buffer.getvalue(), filename="f.xlsx")
    assert raw.sheet == "flux" and raw.header_map == {"id_flux": "stream_id", "quantite": "quantity"}


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"x" * (10 * 1024 * 1024 + 1), "big.csv", "file.too_large"),
        (("nom\n" + "a\n" * (MAX_ROWS + 1)).encode(), "rows.csv", "file.too_large"),
        ((";".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n").encode(), "cols.csv", "file.too_large"),
        (b"\xd0\xcf\x11\xe0old excel", "old.xls", "file.format"),
        (b"%PDF-1.4", "doc.pdf", "file.format"),
        (b"PK\x03\x04broken zip", "f.xlsx", "file.unreadable"),
        (b"", "empty.csv", "file.empty"),
        (b"\x00\x01\x02", "bin.csv", "file.not_a_table"),
        (b"a;b\n1;2\n", "f.csv", "file.no_known_column"),
    ],
)
def test_file_level_problems(data, filename, code):
    raw = read_table(data, filename=filename)
    assert code in {i.code for i in raw.issues} and raw.has_file_error


def test_xlsx_zip_bomb_is_refused(monkeypatch):
    import symbiosis.ingest.reader as reader

    monkeypatch.setattr(reader, "MAX_UNZIPPED_BYTES", 1000)
    raw = read_table(template_bytes("firms", fmt="xlsx"), filename="f.xlsx")
    assert [i.code for i in raw.issues] == ["file.too_large"]


def test_file_error_rejects_every_row_without_crashing_validation():
    raw = read_table(b"a;b\n1;2\n3;4\n", filename="f.csv")
    result = validate_firms(raw, geocoder=None, parks=PARKS)
    assert result.valid.empty and len(result.rejected) == 2


def _validate_all(raw):
    validate_firms(raw, geocoder=None, parks=PARKS)
    validate_streams(raw, categories=CATEGORIES, waste_codes={"030101": False}, known_firm_ids={"F-001"})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
def test_arbitrary_bytes_never_raise(data, filename):
    raw = read_table(data, filename=filename)
    _validate_all(raw)


_TEMPLATES = {
    (k, fmt): template_bytes(k, lang="fr", fmt=fmt) for k in ("firms", "streams") for fmt in ("csv", "xlsx")
}


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(_TEMPLATES)), st.data())
def test_mutated_templates_never_raise(key, data):
    original = bytearray(_TEMPLATES[key])
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(original) - 1))
        original[i] = data.draw(st.integers(0, 255))
    raw = read_table(bytes(original), filename=f"f.{key[1]}")
    _validate_all(raw)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=6), min_size=1, max_size=6),
    st.sampled_from(["firms", "streams"]),
)
def test_random_text_cells_under_real_headers_never_raise(cells, kind):
    template = template_bytes(kind, lang="fr", fmt="csv").decode("utf-8-sig").splitlines()[0]
    lines = [template] + [
        ";".join(c.replace(";", " ").replace("\n", " ").replace('"', "") for c in row) for row in cells
    ]
    raw = read_table("\n".join(lines).encode(), filename="f.csv")
    _validate_all(raw)
