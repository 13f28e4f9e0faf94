"""The column-wise XLSX table writer writes what xlsxwriter's ``write_row`` writes, byte for byte."""

from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from symbiosis.io import xlsx_tables
from symbiosis.io.xlsx_tables import MAX_TEXT_UNITS, cell_value, write_tables

TRICKY = pd.DataFrame(
    {
        "text": [
            "a",
            "",
            None,
            " lead",
            "trail ",
            'x&<>"y',
            "\x01ctl\x1f\r",
            "_x0041_",
            "\ufffe",
            "é → ☃ 😀",
        ],
        "float": [1.0, np.nan, np.inf, -np.inf, 1e20, -0.0, 1 / 3, 123456789.123456789, 5e-324, -2.5],
        "int": np.arange(10, dtype=np.int64) * 10**17,
        "bool": [True, False] * 5,
        "mixed": [
            1,
            2.5,
            True,
            np.float64(np.nan),
            np.int64(3),
            "t",
            None,
            np.float32(0.5),
            pd.NA,
            float("inf"),
        ],
        "": [None] * 10,
        "nullable_bool": pd.array([True, None] * 5, dtype="boolean"),
        "nullable_int": pd.array([1, None] * 5, dtype="Int64"),
        "string": pd.array(["a", None] * 5, dtype="string"),
        "long": ["z" * 40_000, "😀" * 20_000, *["w"] * 8],
    }
)


def _reference(path, sheets) -> None:
    """The workbook as the exporter wrote it before: xlsxwriter, constant memory, one write_row per row."""
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
        "constant_memory": True,
    }
    with xlsxwriter.Workbook(str(path), options) as book:
        for name, frame in sheets.items():
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, [str(c) for c in frame.columns])
            for r, row in enumerate(frame.itertuples(index=False, name=None), start=1):
                sheet.write_row(r, 0, [cell_value(v) for v in row])


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:  # core.xml holds the creation time
        return {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}


SHEETS = {
    "tricky": TRICKY,
    "empty": pd.DataFrame(),
    "header only": pd.DataFrame(columns=["a", "b"]),
    "blank tail": pd.DataFrame({"a": [1.0, np.nan], "b": [None, ""]}),
}


@pytest.mark.parametrize("block", [xlsx_tables.ROWS_PER_BLOCK, 3])
def test_same_bytes_as_xlsxwriter_write_row(tmp_path, monkeypatch, block):
    monkeypatch.setattr(xlsx_tables, "ROWS_PER_BLOCK", block)
    _reference(tmp_path / "ref.xlsx", SHEETS)
    write_tables(tmp_path / "new.xlsx", SHEETS)
    ref, new = _parts(tmp_path / "ref.xlsx"), _parts(tmp_path / "new.xlsx")
    assert ref.keys() == new.keys()
    for name in ref:
        assert new[name] == ref[name], name


def test_same_cells_as_xlsxwriter_write_row(tmp_path):
    """The same values and cell types as read by openpyxl (what a user sees, whatever the XML layout)."""
    _reference(tmp_path / "ref.xlsx", SHEETS)
    write_tables(tmp_path / "new.xlsx", SHEETS)
    ref, new = openpyxl.load_workbook(tmp_path / "ref.xlsx"), openpyxl.load_workbook(tmp_path / "new.xlsx")
    assert ref.sheetnames == new.sheetnames == list(SHEETS)
    for name in SHEETS:
        cells = [[(c.value, c.data_type) for c in row] for row in ref[name].iter_rows()]
        assert [[(c.value, c.data_type) for c in row] for row in new[name].iter_rows()] == cells, name


def test_cells_read_back(tmp_path):
    book = openpyxl.load_workbook(write_tables(tmp_path / "t.xlsx", {"t": TRICKY}))
    rows = list(book["t"].iter_rows(values_only=True))
    assert rows[0][:5] == ("text", "float", "int", "bool", "mixed")
    assert [r[0] for r in rows[1:4]] == ["a", None, None]  # "" and None are blank cells
    assert rows[4][0] == " lead" and rows[5][0] == "trail " and rows[6][0] == 'x&<>"y'
    assert [r[1] for r in rows[1:5]] == [1.0, None, "inf", "-inf"]
    assert rows[9][2] == 8 * 10**17 and rows[1][3] is True and rows[2][3] is False
    assert len(rows[1][-1]) == MAX_TEXT_UNITS  # cut at Excel's limit
    assert len(rows[2][-1]) == MAX_TEXT_UNITS // 2  # 😀 counts two UTF-16 units
    for row in book["t"].iter_rows():
        assert all(c.data_type != "f" for c in row)


def test_a_cut_text_keeps_the_rest_of_its_row(tmp_path):
    """xlsxwriter's write_row stops at a text it cuts (the row's later cells were lost); not here."""
    frame = pd.DataFrame({"long": ["y" * 40_000], "after": [7.0]})
    book = openpyxl.load_workbook(write_tables(tmp_path / "t.xlsx", {"t": frame}))
    assert next(book["t"].iter_rows(min_row=2, values_only=True))[1] == 7.0


def test_other_values_are_written_as_text(tmp_path):
    frame = pd.DataFrame({"pair": [("A", "B")]})
    book = openpyxl.load_workbook(write_tables(tmp_path / "t.xlsx", {"t": frame}))
    assert book["t"]["A2"].value == "('A', 'B')"
