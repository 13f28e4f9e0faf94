"""Uploaded bytes to an all-text table: sniff CSV encoding and separator, read XLSX; never raise.

This is the only module of the ingest package that touches bytes. Every cell comes out as text, as
the firm typed it (numbers of an XLSX sheet as ``12.5``, dates as ``2026-05-01``, formulas as their
inert text ``=HYPERLINK(...)``, never evaluated). Problems with the whole file (too big, not a
table, unreadable workbook, unknown headers) become :class:`~symbiosis.ingest.report.Issue` s.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from symbiosis.i18n import Text
from symbiosis.ingest.columns import header_language, match_headers, normalise_header
from symbiosis.ingest.report import Issue, file_issue

__all__ = ["MAX_BYTES", "MAX_COLUMNS", "MAX_ROWS", "RawTable", "read_table"]

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an XLSX inflating beyond this is refused (zip bomb)
_TEXT_EXT = {".csv", ".txt", ".tsv"}
_XLSX_EXT = {".xlsx", ".xlsm"}
_SHEET_NAMES = {"entreprises", "firms", "flux", "streams", "donnees", "data"}
_SKIP_SHEETS = {"instructions", "lisezmoi", "readme", "listes", "lists"}
_HEADER_SCAN = 10


@dataclass(frozen=True)
class RawTable:
    """A file read as text, before any validation.

    Parameters
    ----------
    frame
        One column per header as written in the file (repeated headers made unique with `` (2)``),
        every cell a ``str`` (empty cells are ``""``), fully empty rows dropped.
    source_rows
        For each row of ``frame``, its row number as the user sees it (header row included, from 1).
    header_map
        Raw header -> canonical column name (see :mod:`symbiosis.ingest.columns`).
    unknown_columns
        Headers that match no known column (kept in ``frame``, ignored by validation).
    issues
        File-level problems; an ``error`` among them means no row can be imported.
    encoding, delimiter, sheet
        How the file was read (``delimiter`` and ``encoding`` empty for XLSX, ``sheet`` empty for CSV).
    lang
        Language guessed from the headers (``fr`` or ``en``); decides how ``1,200`` reads.
    """

    frame: pd.DataFrame
    source_rows: tuple[int, ...] = ()
    header_map: dict[str, str] = field(default_factory=dict)
    unknown_columns: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    lang: str = "fr"
    filename: str = ""

    @property
    def locale(self) -> str:
        """Babel locale of the numbers: ``fr_CA`` or ``en_CA``."""
        return "en_CA" if self.lang == "en" else "fr_CA"

    @property
    def has_file_error(self) -> bool:
        """Whether a file-level error prevents importing any row."""
        return any(i.severity == "error" for i in self.issues)

    def column_for(self, canonical: str) -> str | None:
        """Return the raw header of a canonical column, or ``None`` when the file lacks it."""
        return next((raw for raw, c in self.header_map.items() if c == canonical), None)


def _empty(filename: str, issues: Iterable[Issue], **kw: Any) -> RawTable:
    return RawTable(pd.DataFrame(dtype=str), issues=tuple(issues), filename=filename, **kw)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":
            encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return text, encoding
    return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    lines = [re.sub(r'"[^"]*"', "", line) for line in text.splitlines()[:20] if line.strip()][:_HEADER_SCAN]
    counts = {d: max((line.count(d) for line in lines), default=0) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    yield from reader


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        # A real number cell is exact: keep "1.234" from reading as the ambiguous "1,234"-like text.
        return text + "0" if re.fullmatch(r"-?\d{1,3}\.\d{3}", text) else text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(getattr(value, "text", None) or value)


def _pick_sheet(names: Sequence[str]) -> str:
    keys = [normalise_header(n) for n in names]
    for name, key in zip(names, keys, strict=True):
        if key in _SHEET_NAMES:
            return name
    return next((n for n, k in zip(names, keys, strict=True) if k not in _SKIP_SHEETS), names[0])


def _xlsx_rows(data: bytes) -> tuple[list[list[str]], str]:
    import openpyxl  # local: only XLSX uploads pay for it

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = _pick_sheet(workbook.sheetnames)
        rows = []
        for values in workbook[sheet].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            rows.append(cells)
            if len(rows) > MAX_ROWS + _HEADER_SCAN + 1:
                break
        return rows, sheet
    finally:
        workbook.close()


def _header_index(rows: list[list[str]]) -> int | None:
    best, best_hits = None, 0
    scanned = 0
    for i, row in enumerate(rows):
        if not any(c.strip() for c in row):
            continue
        hits = len(match_headers([c for c in row if c.strip()])[0])
        if best is None or hits > best_hits:
            best, best_hits = i, hits
        scanned += 1
        if scanned >= _HEADER_SCAN or (best_hits and hits < best_hits):
            break
    return best


def _unique_headers(cells: list[str]) -> list[str]:
    out: list[str] = []
    taken: set[str] = set()
    for j, cell in enumerate(cells):
        base = cell.strip() or f"({j + 1})"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base} ({n})"
        taken.add(name)
        out.append(name)
    return out


def _issue(code: str, fr: str, en: str, found: str, fix_fr: str, fix_en: str, *,
           severity: str = "error") -> Issue:
    return file_issue(code, Text(fr, en), found, Text(fix_fr, fix_en), severity=severity)


def _too_big(found: str) -> Issue:
    return _issue("file.too_large", f"au plus {MAX_ROWS} lignes, {MAX_COLUMNS} colonnes et 10 Mo",
                  f"at most {MAX_ROWS} rows, {MAX_COLUMNS} columns and 10 MB", found,
                  "Découpez le fichier en plusieurs fichiers plus petits.",
                  "Split the file into smaller files.")


def _header_issues(unknown: list[str], duplicates: list[str]) -> list[Issue]:
    issues = [Issue(None, raw, Text("une colonne du modèle", "a template column"), raw,
                    Text("Colonne ignorée ; renommez-la comme dans le modèle si elle doit être lue.",
                         "This column is ignored; rename it as in the template if it should be read."),
                    "warning", "file.unknown_column") for raw in unknown]
    issues += [Issue(None, raw, Text("une seule colonne de ce nom", "one column of this name"), raw,
                     Text("Seule la première colonne est lue ; supprimez ou renommez le doublon.",
                          "Only the first such column is read; delete or rename the duplicate."),
                     "warning", "file.duplicate_column") for raw in duplicates]
    return issues


def _table_from_rows(rows: list[list[str]], filename: str, **meta: Any) -> RawTable:
    start = _header_index(rows)
    if start is None:
        return _empty(filename, [_issue("file.empty", "un tableau avec une ligne d'en-têtes",
                                        "a table with a header row", "", "Utilisez le modèle fourni.",
                                        "Use the template provided.")], **meta)
    width = max(len(r) for r in rows[start:]) if rows[start:] else 0
    if width > MAX_COLUMNS:
        return _empty(filename, [_too_big(f"{width} colonnes / columns")], **meta)
    body = [(i + 1, r + [""] * (width - len(r))) for i, r in enumerate(rows) if i > start]
    body = [(n, r) for n, r in body if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        return _empty(filename, [_too_big(f"{len(body)} lignes / rows")], **meta)
    header_cells = rows[start] + [""] * (width - len(rows[start]))
    keep = [j for j in range(width) if header_cells[j].strip() or any(r[j].strip() for _, r in body)]
    headers = _unique_headers([header_cells[j] for j in keep])
    frame = pd.DataFrame([[r[j] for j in keep] for _, r in body], columns=headers, dtype=str)
    header_map, unknown, duplicates = match_headers(headers)
    issues = _header_issues(unknown, duplicates)
    if not header_map:
        issues.insert(0, _issue("file.no_known_column", "les en-têtes du modèle (ex. nom, quantite, unite)",
                                "the template headers (e.g. name, quantity, unit)", ", ".join(headers[:5]),
                                "Mettez les noms de colonnes du modèle sur la première ligne.",
                                "Put the template column names on the first row."))
    return RawTable(frame, tuple(n for n, _ in body), header_map, tuple(unknown), tuple(issues),
                    filename=filename, lang=header_language(headers), **meta)


def _read_text(data: bytes, filename: str) -> RawTable:
    text, encoding = _decode(data)
    if "\x00" in text:
        return _empty(filename, [_issue("file.not_a_table", "un fichier CSV (texte) ou XLSX",
                                        "a CSV (text) or XLSX file", filename,
                                        "Enregistrez le fichier en CSV ou en XLSX depuis Excel.",
                                        "Save the file as CSV or XLSX from Excel.")], encoding=encoding)
    delimiter = _sniff_delimiter(text)
    rows: list[list[str]] = []
    for row in _csv_rows(text, delimiter):
        rows.append(row)
        if len(rows) > MAX_ROWS + _HEADER_SCAN + 1:
            break
    return _table_from_rows(rows, filename, encoding=encoding, delimiter=delimiter)


def _kind_of(data: bytes, filename: str) -> str:
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(b"PK\x03\x04") or (ext in _XLSX_EXT and zipfile.is_zipfile(io.BytesIO(data))):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0") or ext == ".xls":
        return "xls"
    if ext and ext not in _TEXT_EXT | _XLSX_EXT:
        return "other"
    return "text"


def read_table(data: bytes, *, filename: str = "") -> RawTable:
    """Read uploaded bytes (CSV or XLSX) as an all-text table; never raises.

    Parameters
    ----------
    data
        The file content.
    filename
        The uploaded file name; its extension helps, the content decides.

    Returns
    -------
    RawTable
        The text table with its row numbers, header mapping and file-level issues.
    """
    try:
        return _read(bytes(data), filename)
    except Exception as exc:  # the contract: arbitrary bytes never raise
        logger.warning("could not read %r: %s", filename, exc)
        return _empty(filename, [_issue("file.unreadable", "un fichier CSV ou XLSX lisible",
                                        "a readable CSV or XLSX file", filename,
                                        "Ouvrez le fichier dans Excel et enregistrez-le de nouveau "
                                        "en XLSX ou CSV.",
                                        "Open the file in Excel and save it again as XLSX or CSV.")])


def _read(data: bytes, filename: str) -> RawTable:
    if len(data) > MAX_BYTES:
        return _empty(filename, [_too_big(f"{len(data) / 1e6:.1f} Mo / MB")])
    kind = _kind_of(data, filename)
    if kind in ("xls", "other"):
        return _empty(filename, [_issue("file.format", "un fichier .csv ou .xlsx", "a .csv or .xlsx file",
                                        filename, "Enregistrez-le en .xlsx (Excel) ou en .csv.",
                                        "Save it as .xlsx (Excel) or .csv.")])
    if kind == "text":
        return _read_text(data, filename)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    if inflated > MAX_UNZIPPED_BYTES:
        return _empty(filename, [_too_big(f"{inflated / 1e6:.0f} Mo décompressés / MB unzipped")])
    rows, sheet = _xlsx_rows(data)
    return _table_from_rows(rows, filename, sheet=sheet)
