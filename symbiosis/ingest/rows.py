"""Row-by-row validation machinery shared by firms and streams: collect issues, reject whole rows.

A row validator receives a :class:`RowContext` (the row's cells by canonical column, and a
``take`` method running a cell reader and recording its problems at the right row and column) and
returns the record of the clean row. :func:`run_rows` applies it to every row, rejects rows with any
error (never half a row), rejects later duplicates of an id, and builds the :class:`ImportResult`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import Text, TextTable
from symbiosis.ingest.columns import ERRORS_COLUMN, header_label
from symbiosis.ingest.reader import MAX_CELL_CHARS, RawTable
from symbiosis.ingest.report import ImportReport
from symbiosis.io.inert import csv_bytes, escape_text
from symbiosis.schemas import TableSchema, empty_frame

__all__ = ["ImportResult", "RowContext", "generated_id", "rejected_file", "run_rows"]

_DTYPES = {"str": object, "float": "float64", "int": "int64", "bool": "bool", "datetime": "datetime64[ns]"}


@dataclass(frozen=True)
class ImportResult:
    """The outcome of validating one file.

    Parameters
    ----------
    valid
        Accepted rows, following the table schema exactly (``validate_frame(strict=True)`` passes).
    rejected
        Rejected rows as the original text, with their original headers and the column
        ``erreurs_errors`` summarising why, so the user can fix them and upload them again.
    report
        Every issue, errors and warnings, with row numbers as in the file.
    """

    valid: pd.DataFrame
    rejected: pd.DataFrame
    report: ImportReport


class RowContext:
    """The cells of one row and the issues found so far.

    Parameters
    ----------
    raw
        The table the row comes from (for headers and locale).
    cells
        Canonical column -> cell text ("" when the file lacks the column).
    row
        Row number as the user sees it.
    """

    def __init__(self, raw: RawTable, cells: dict[str, str], row: int):
        self.raw, self.cells, self.row = raw, cells, row
        self.issues: list[Finding] = []

    @property
    def locale(self) -> str:
        """Locale of the numbers in the file."""
        return self.raw.locale

    @property
    def has_error(self) -> bool:
        """Whether an error was recorded for this row."""
        return any(i.severity == "error" for i in self.issues)

    def text(self, column: str) -> str:
        """Cell text of a canonical column, stripped."""
        return self.cells.get(column, "").strip()

    def header(self, column: str) -> str:
        """The header of ``column`` as written in the file (the template header if absent)."""
        return self.raw.column_for(column) or header_label(column, self.raw.lang)

    def add(self, column: str, problem: Finding) -> None:
        """Record a problem with the cell of ``column``."""
        code = f"{column}.{problem.code.split('.', 1)[-1]}"
        placed = problem.placed(self.row, self.header(column), self.text(column))
        self.issues.append(dataclasses.replace(placed, code=code))

    def error(
        self,
        column: str,
        code: str,
        expected: Text,
        fix: Text,
        *,
        found: str | None = None,
        severity: str = "error",
    ) -> None:
        """Record an error (or warning) for ``column`` with its machine ``code`` (``<column>.<problem>``)."""
        self.add(column, Finding(code=code, expected=expected, fix=fix, severity=severity, found=found))

    def take(
        self, column: str, reader: Callable[..., tuple[Any, tuple[Finding, ...]]], **options: Any
    ) -> Any:
        """Run a cell reader on ``column`` and record its problems; return the value."""
        value, problems = reader(self.cells.get(column, ""), **options)
        for problem in problems:
            self.add(column, problem)
        return value


def generated_id(prefix: str, cells: dict[str, str], columns: Iterable[str]) -> str:
    """Return ``<prefix>-<10 hex>``: the SHA-1 of the row's content, stable across imports."""
    content = "\x1f".join(f"{c}={cells.get(c, '').strip()}" for c in columns)
    return f"{prefix}-{hashlib.sha1(content.encode('utf-8')).hexdigest()[:10]}"


def _typed_frame(records: list[dict[str, Any]], schema: TableSchema) -> pd.DataFrame:
    if not records:
        return empty_frame(schema)
    frame = pd.DataFrame.from_records(records, columns=schema.names)
    for col in schema.columns:
        if col.dtype == "datetime":
            frame[col.name] = pd.to_datetime(frame[col.name]).astype("datetime64[ns]")
        elif col.dtype == "str":
            frame[col.name] = frame[col.name].fillna("").astype(object)
        else:
            frame[col.name] = frame[col.name].astype(_DTYPES[col.dtype])
    return frame


#: What a row typed twice without an identifier is told (its identifier was made from its content).
_REPEATED_ROW = TextTable("import.repeated_row")


def _duplicate(ctx: RowContext, id_column: str, value: str, first_row: int) -> None:
    if not ctx.cells.get(id_column, "").strip():  # no identifier typed: one made from the row's content
        fix = _REPEATED_ROW["fix"].format(row=first_row)
        ctx.error(id_column, "duplicate", _REPEATED_ROW["expected"], fix, found=value)
        return
    ctx.error(
        id_column,
        "duplicate",
        Text("un identifiant unique dans le fichier", "an identifier unique in the file"),
        Text(
            f"« {value} » est déjà utilisé plus haut : cette ligne est rejetée ; donnez-lui un autre "
            "identifiant.",
            f"“{value}” is already used above: this row is rejected; give it another identifier.",
        ),
        found=value,
    )


def _long_cells(ctx: RowContext) -> list[Finding]:
    """Cells over :data:`~symbiosis.ingest.reader.MAX_CELL_CHARS` (a form or any table, not only a file)."""
    return [
        Finding(
            row=ctx.row,
            column=ctx.header(column),
            expected=Text(
                f"au plus {MAX_CELL_CHARS} caractères par cellule",
                f"at most {MAX_CELL_CHARS} characters in a cell",
            ),
            found=f"{len(text)} caractères / characters",
            fix=Text(
                "Cette ligne seule est rejetée : raccourcissez la cellule.",
                "This row alone is rejected: shorten the cell.",
            ),
            severity="error",
            code="row.cell_too_long",
        )
        for column, text in ctx.cells.items()
        if len(text) > MAX_CELL_CHARS
    ]


def _summary(issues: list[Finding], lang: str) -> str:
    return " | ".join(i.message(lang) for i in issues if i.severity == "error")


def run_rows(
    raw: RawTable,
    schema: TableSchema,
    validate_row: Callable[[RowContext], dict[str, Any] | None],
    *,
    id_column: str,
    file_issues: Iterable[Finding] = (),
) -> ImportResult:
    """Validate every row of ``raw`` and build the result.

    Parameters
    ----------
    raw
        The text table.
    schema
        The schema of the valid rows.
    validate_row
        Returns the record of a row (all schema columns), recording issues in its context.
    id_column
        The key column; a value seen on an earlier accepted row rejects the later row.
    file_issues
        Issues about the whole file found by the caller (missing columns); an error among them
        rejects every row.
    """
    file_issues = (*raw.issues, *file_issues)
    fatal = [i for i in file_issues if i.severity == "error"]
    canon = {raw_header: c for raw_header, c in raw.header_map.items()}
    issues: list[Finding] = list(file_issues)
    records: list[dict[str, Any]] = []
    rejected_idx: list[int] = []
    reasons: list[str] = []
    seen: dict[str, int] = {}  # the key of each accepted row -> its row number
    positions = [(j, canon[h]) for j, h in enumerate(raw.frame.columns) if h in canon]
    unreadable: dict[int, list[Finding]] = {}
    for issue in raw.row_issues:
        unreadable.setdefault(issue.row or 0, []).append(issue)
    rows = zip(raw.source_rows, raw.frame.astype(object).to_numpy().tolist(), strict=True)
    for i, (row_no, values) in enumerate(rows):
        if fatal:
            rejected_idx.append(i)
            reasons.append(_summary(fatal, raw.lang))
            continue
        cells = {c: str(values[j]) for j, c in positions}
        ctx = RowContext(raw, cells, row_no)
        ctx.issues.extend(unreadable.get(row_no, ()))
        ctx.issues.extend(_long_cells(ctx))
        if ctx.has_error:  # unreadable or oversized: rejected before any cell reader runs
            issues.extend(ctx.issues)
            rejected_idx.append(i)
            reasons.append(_summary(ctx.issues, raw.lang))
            continue
        record = validate_row(ctx)
        if record is not None and not ctx.has_error and record[id_column] in seen:
            _duplicate(ctx, id_column, record[id_column], seen[record[id_column]])
        issues.extend(ctx.issues)
        if record is None or ctx.has_error:
            rejected_idx.append(i)
            reasons.append(_summary(ctx.issues, raw.lang))
        else:
            seen[record[id_column]] = row_no
            records.append(record)
    rejected = raw.frame.iloc[rejected_idx].reset_index(drop=True).astype(object)
    rejected = pd.concat([rejected, pd.Series(reasons, name=ERRORS_COLUMN, dtype=object)], axis=1)
    report = ImportReport(tuple(issues), n_rows=len(raw.frame), n_valid=len(records))
    return ImportResult(_typed_frame(records, schema), rejected, report)


def rejected_file(result: ImportResult, fmt: str = "csv", *, delimiter: str = ";") -> bytes:
    """Return the rejected rows as a file the user can fix and upload again.

    CSV is UTF-8 with a byte-order mark (Excel-friendly) and ``;`` by default; XLSX is written with
    formulas and URLs disabled. Every cell goes through the one escape of every export
    (:func:`symbiosis.io.inert.escape_text`, whose rule for numbers keeps ``-5`` a number), so no
    spreadsheet evaluates it.
    """
    frame = result.rejected.map(escape_text)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        options = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
        with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=options) as writer:
            frame.to_excel(writer, sheet_name="rejets_rejected", index=False)
        return buffer.getvalue()
    return csv_bytes(frame, sep=delimiter)
