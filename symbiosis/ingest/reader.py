"""Uploaded bytes to an all-text table: sniff CSV encoding and separator, read XLSX; never raise.

This is the only module of the ingest package that touches bytes. Every cell comes out as text, as
the firm typed it (numbers of an XLSX sheet as ``12.5``, dates as ``2026-05-01``, formulas as their
inert text ``=HYPERLINK(...)``, never evaluated). Problems with the whole file (too big, not a
table, unreadable workbook, unknown headers) become :class:`~symbiosis.ingest.report.Finding` s.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.ingest.columns import MAX_HEADER_CHARS, header_language, match_headers, normalise_header
from symbiosis.ingest.report import file_issue
from symbiosis.ingest.rowscan import RowProblem, Scan, ScannedRow, scan_rows

__all__ = ["MAX_BYTES", "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_ROWS", "RawTable", "read_table"]

logger = logging.getLogger(__name__)

#: Largest upload read (bytes); ``.streamlit/config.toml`` ``server.maxUploadSize`` matches it.
MAX_BYTES = 10 * 1024 * 1024
#: Most data rows in one file; blank lines do not count. A file over it is refused whole, with its count.
MAX_ROWS = 50_000
#: Most columns; a wider header refuses the file, a wider data row is rejected alone.
MAX_COLUMNS = 100
#: Longest cell (characters); a longer cell rejects its row, before any pattern looks at it.
MAX_CELL_CHARS = 5_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an XLSX inflating beyond this is refused (zip bomb)
_TEXT_EXT = {".csv", ".txt", ".tsv"}
_XLSX_EXT = {".xlsx", ".xlsm"}
_SHEET_NAMES = {"entreprises", "firms", "flux", "streams", "donnees", "data"}
_SKIP_SHEETS = {"instructions", "lisezmoi", "readme", "listes", "lists"}
_HEADER_SCAN = 10
_SNIFF_CHARS = 64 * 1024
_BAD_BYTE = "\ufffd"


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
        Headers that match no column (kept in ``frame``, ignored by validation).
    issues
        File-level problems; an ``error`` among them means no row can be imported.
    encoding, delimiter, sheet
        How the file was read (``delimiter`` and ``encoding`` empty for XLSX, ``sheet`` empty for CSV).
    lang
        Language guessed from the headers (``fr`` or ``en``); decides how ``1,200`` reads.
    row_issues
        Problems the reader found with single rows (bytes that are not text in the file's encoding,
        a NUL byte, a cell over :data:`MAX_CELL_CHARS`, more than :data:`MAX_COLUMNS` cells): each
        rejects its row only. The row stays in ``frame`` (cells cut to size) for the rejected-rows file.
    """

    frame: pd.DataFrame
    source_rows: tuple[int, ...] = ()
    header_map: dict[str, str] = field(default_factory=dict)
    unknown_columns: tuple[str, ...] = ()
    issues: tuple[Finding, ...] = ()
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    lang: str = "fr"
    filename: str = ""
    row_issues: tuple[Finding, ...] = ()

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


def _empty(filename: str, issues: Iterable[Finding], **kw: Any) -> RawTable:
    return RawTable(pd.DataFrame(dtype=str), issues=tuple(issues), filename=filename, **kw)


def _decode(data: bytes) -> tuple[str, str, bool]:
    """Return the text, its encoding, and whether undecodable bytes were replaced by U+FFFD.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. A file that is not valid
    UTF-8 but has at least one line of valid UTF-8 accents is a UTF-8 file with some bad bytes: they
    become U+FFFD and their rows are rejected one by one, loudly, while the others keep their accents
    (reading it as Windows-1252 would store ``Ã‰corces`` silently). A file with no valid UTF-8
    accent at all is Windows-1252 (Excel's "CSV" on Windows), else Latin-1.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", False
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", False
    except UnicodeDecodeError:
        pass
    marked = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if any(_BAD_BYTE not in line and not line.isascii() for line in marked.splitlines()):
        return marked, "utf-8", True
    try:
        return data.decode("cp1252"), "cp1252", False
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", False


def _looks_binary(text: str) -> bool:
    """A NUL in the first non-blank line, or in half of the first 100 non-blank lines: not a CSV."""
    lines = [line for line in text[:_SNIFF_CHARS].splitlines() if line.strip()][:100]
    if not lines:
        return False
    return "\x00" in lines[0] or 2 * sum("\x00" in line for line in lines) >= len(lines)


def _split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _sniff_delimiter(text: str) -> str:
    """Pick ``;``, tab or ``,``: the one whose split of the header line names most template columns.

    The header line is the first of the first lines that any delimiter splits into a template column
    name; ties (and files without one) go to the delimiter that splits a line into most cells (``;``
    first, as fr-CA Excel writes it). A tab-filled cell cannot outvote a header row written with ``;``.
    """
    lines = [line for line in text[:_SNIFF_CHARS].splitlines()[:50] if line.strip()][:_HEADER_SCAN]
    counts = {d: max((line.count(d) for line in lines), default=0) for d in (";", "\t", ",")}
    for line in lines:
        known = {d: len(match_headers([c for c in _split_line(line, d) if c.strip()])[0]) for d in counts}
        if any(known.values()):
            return max(counts, key=lambda d: (known[d], counts[d]))
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _allow_long_fields() -> None:
    """Let the csv module read a cell as long as a whole upload (the scan rejects its row, not the file).

    The limit is process-wide; it is only ever raised, to the upload cap, so no other reader is hurt.
    """
    if csv.field_size_limit() < MAX_BYTES + 1:
        csv.field_size_limit(MAX_BYTES + 1)


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


def _xlsx_records(data: bytes) -> tuple[list[list[str]], str]:
    """Return every row of the chosen sheet as text cells (at most one cell past the column cap)."""
    import openpyxl  # local: only XLSX uploads pay for it

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = _pick_sheet(workbook.sheetnames)
        rows = [
            [_cell_text(v) for v in values]
            for values in workbook[sheet].iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        ]
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


def _issue(
    code: str, fr: str, en: str, found: str, fix_fr: str, fix_en: str, *, severity: str = "error"
) -> Finding:
    return file_issue(code, Text(fr, en), found, Text(fix_fr, fix_en), severity=severity)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _too_big(found: str) -> Finding:
    return _issue(
        "file.too_large",
        f"au plus {_count(MAX_ROWS)} lignes (hors lignes vides), {MAX_COLUMNS} colonnes et "
        f"{MAX_BYTES // 2**20} Mo",
        f"at most {MAX_ROWS:,} rows (blank lines aside), {MAX_COLUMNS} columns and {MAX_BYTES // 2**20} MB",
        found,
        "Rien n'a été importé. Découpez le fichier en plusieurs fichiers plus petits.",
        "Nothing was imported. Split the file into smaller files.",
    )


def _shown(header: str) -> str:
    return header if len(header) <= 60 else header[:60] + "…"


def _header_issues(unknown: list[str], duplicates: list[str]) -> list[Finding]:
    issues = [
        Finding(
            row=None,
            column=_shown(raw),
            expected=Text("une colonne du modèle", "a template column"),
            found=_shown(raw),
            fix=Text(
                "Colonne ignorée ; renommez-la comme dans le modèle si elle doit être lue.",
                "This column is ignored; rename it as in the template if it should be read.",
            ),
            severity="warning",
            code="file.unknown_column",
        )
        for raw in unknown
    ]
    issues += [
        Finding(
            row=None,
            column=_shown(raw),
            expected=Text("une seule colonne de ce nom", "one column of this name"),
            found=raw,
            fix=Text(
                "Seule la première colonne est lue ; supprimez ou renommez le doublon.",
                "Only the first such column is read; delete or rename the duplicate.",
            ),
            severity="warning",
            code="file.duplicate_column",
        )
        for raw in duplicates
    ]
    return issues


_ROW_TEXTS: dict[str, tuple[Text, Text]] = {
    "row.too_wide": (
        Text(f"au plus {MAX_COLUMNS} cellules dans la ligne", f"at most {MAX_COLUMNS} cells in the row"),
        Text(
            "Cette ligne seule est rejetée : retirez les cellules en trop.",
            "This row alone is rejected: remove the extra cells.",
        ),
    ),
    "row.cell_too_long": (
        Text(
            f"au plus {_count(MAX_CELL_CHARS)} caractères par cellule",
            f"at most {MAX_CELL_CHARS:,} characters in a cell",
        ),
        Text(
            "Cette ligne seule est rejetée : raccourcissez la cellule.",
            "This row alone is rejected: shorten the cell.",
        ),
    ),
    "row.nul": (
        Text("du texte (sans octet nul)", "text (no NUL byte)"),
        Text(
            "Cette ligne seule est rejetée : retapez-la ou enregistrez de nouveau le fichier en CSV UTF-8.",
            "This row alone is rejected: retype it, or save the file again as CSV UTF-8.",
        ),
    ),
    "row.encoding": (
        Text("du texte UTF-8 valide", "valid UTF-8 text"),
        Text(
            "Cette ligne seule est rejetée : des octets ne sont pas du texte UTF-8 (U+FFFD). "
            "Retapez les caractères accentués ou enregistrez le fichier en CSV UTF-8.",
            "This row alone is rejected: some bytes are not UTF-8 text (U+FFFD). Retype the "
            "accented characters or save the file as CSV UTF-8.",
        ),
    ),
}


def _row_issue(row: ScannedRow, problem: RowProblem, headers: list[str]) -> Finding:
    expected, fix = _ROW_TEXTS[problem.code]
    column = headers[problem.column] if problem.column is not None and problem.column < len(headers) else ""
    found = problem.found
    if problem.code == "row.too_wide":
        found = f"{problem.found} cellules / cells"
    elif problem.code == "row.cell_too_long":
        found = f"{problem.found} caractères / characters"
    return Finding(
        row=row.number,
        column=column,
        expected=expected,
        found=found,
        fix=fix,
        severity="error",
        code=problem.code,
    )


def _header_index(rows: list[list[str]]) -> int | None:
    best, best_hits = None, 0
    for i, row in enumerate(rows[:_HEADER_SCAN]):
        hits = len(match_headers([c for c in row if c.strip()])[0])
        if best is None or hits > best_hits:
            best, best_hits = i, hits
        if best_hits and hits < best_hits:
            break
    return best


def _table_from_scan(scan: Scan, filename: str, **meta: Any) -> RawTable:
    start = _header_index([r.cells for r in scan.rows])
    if start is None:
        return _empty(
            filename,
            [
                _issue(
                    "file.empty",
                    "un tableau avec une ligne d'en-têtes",
                    "a table with a header row",
                    "",
                    "Utilisez le modèle fourni.",
                    "Use the template provided.",
                )
            ],
            **meta,
        )
    header = scan.rows[start]
    if header.width > MAX_COLUMNS:
        return _empty(filename, [_too_big(f"{header.width} colonnes / columns")], **meta)
    n_data = scan.n_nonblank - start - 1
    if n_data > MAX_ROWS:
        return _empty(filename, [_too_big(f"{_count(n_data)} lignes / rows")], **meta)
    body = scan.rows[start + 1 :]
    width = max([len(header.cells), *(len(r.cells) for r in body)])
    header_cells = [c if len(c) <= MAX_HEADER_CHARS else c[:MAX_HEADER_CHARS] + "…" for c in header.cells]
    header_cells += [""] * (width - len(header_cells))
    cells = [r.cells + [""] * (width - len(r.cells)) for r in body]
    keep = [j for j in range(width) if header_cells[j].strip() or any(row[j].strip() for row in cells)]
    headers = _unique_headers([header_cells[j] for j in keep])
    frame = pd.DataFrame([[row[j] for j in keep] for row in cells], columns=headers, dtype=object)
    header_map, unknown, duplicates = match_headers(headers)
    issues = _header_issues(unknown, duplicates)
    if not header_map:
        issues.insert(
            0,
            _issue(
                "file.no_known_column",
                "les en-têtes du modèle (ex. nom, quantite, unite)",
                "the template headers (e.g. name, quantity, unit)",
                ", ".join(_shown(h) for h in headers[:5]),
                "Mettez les noms de colonnes du modèle sur la première ligne.",
                "Put the template column names on the first row.",
            ),
        )
    by_position = {j: name for name, j in zip(headers, keep, strict=True)}
    row_issues = tuple(
        _row_issue(r, p, [by_position.get(j, "") for j in range(width)]) for r in body for p in r.problems
    )
    return RawTable(
        frame,
        tuple(r.number for r in body),
        header_map,
        tuple(unknown),
        tuple(issues),
        filename=filename,
        lang=header_language(headers),
        row_issues=row_issues,
        **meta,
    )


def _read_text(data: bytes, filename: str) -> RawTable:
    text, encoding, marked = _decode(data)
    if _looks_binary(text):
        return _empty(
            filename,
            [
                _issue(
                    "file.not_a_table",
                    "un fichier CSV (texte) ou XLSX",
                    "a CSV (text) or XLSX file",
                    filename,
                    "Enregistrez le fichier en CSV ou en XLSX depuis Excel.",
                    "Save the file as CSV or XLSX from Excel.",
                )
            ],
            encoding=encoding,
        )
    delimiter = _sniff_delimiter(text)
    _allow_long_fields()
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    scan = scan_rows(
        records,
        keep=MAX_ROWS + _HEADER_SCAN + 1,
        max_columns=MAX_COLUMNS,
        max_cell_chars=MAX_CELL_CHARS,
        bad_marker=_BAD_BYTE if marked else None,
    )
    return _table_from_scan(scan, filename, encoding=encoding, delimiter=delimiter)


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
    # A true boundary: hostile or broken bytes reach csv, zipfile, openpyxl and its XML parser, which
    # raise dozens of unrelated types (BadZipFile, KeyError, ParseError, a TypeError deep inside a
    # malformed sheet...). The contract is "arbitrary bytes never raise"; the fuzz tests hold it.
    except Exception as exc:
        logger.warning("could not read %r: %s", filename, exc)
        return _empty(
            filename,
            [
                _issue(
                    "file.unreadable",
                    "un fichier CSV ou XLSX lisible",
                    "a readable CSV or XLSX file",
                    filename,
                    "Ouvrez le fichier dans Excel et enregistrez-le de nouveau en XLSX ou CSV.",
                    "Open the file in Excel and save it again as XLSX or CSV.",
                )
            ],
        )


def _read(data: bytes, filename: str) -> RawTable:
    if len(data) > MAX_BYTES:
        return _empty(filename, [_too_big(f"{len(data) / 1e6:.1f} Mo / MB")])
    kind = _kind_of(data, filename)
    if kind in ("xls", "other"):
        return _empty(
            filename,
            [
                _issue(
                    "file.format",
                    "un fichier .csv ou .xlsx",
                    "a .csv or .xlsx file",
                    filename,
                    "Enregistrez-le en .xlsx (Excel) ou en .csv.",
                    "Save it as .xlsx (Excel) or .csv.",
                )
            ],
        )
    if kind == "text":
        return _read_text(data, filename)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    if inflated > MAX_UNZIPPED_BYTES:
        return _empty(filename, [_too_big(f"{inflated / 1e6:.0f} Mo décompressés / MB unzipped")])
    rows, sheet = _xlsx_records(data)
    scan = scan_rows(
        rows, keep=MAX_ROWS + _HEADER_SCAN + 1, max_columns=MAX_COLUMNS, max_cell_chars=MAX_CELL_CHARS
    )
    return _table_from_scan(scan, filename, sheet=sheet)
