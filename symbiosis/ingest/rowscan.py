"""One pass over the records of a file: drop blank rows, count the rest, flag the rows that cannot be read.

The reader hands every record (a list of cell texts) to :func:`scan_rows` before any header matching,
number parsing or pattern. The scan is linear in the size of the file and bounds what later stages
see: a blank row is skipped and never counted against :data:`~symbiosis.ingest.reader.MAX_ROWS`; a
row with a cell too long, a NUL byte, bytes that are not text in the file's encoding, or too many
cells keeps its place (so the rejected-rows file lists it) but is flagged, its cells cut to size, and
validation rejects it alone. Only the first ``keep`` non-blank rows are kept; the others are counted,
so that a file over the cap is refused with its true row count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["RowProblem", "Scan", "ScannedRow", "scan_rows"]

#: Characters of an over-long cell kept for the rejected-rows file.
SHOWN_CHARS = 100


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be read.

    Parameters
    ----------
    code
        ``row.too_wide``, ``row.cell_too_long``, ``row.nul`` or ``row.encoding``.
    column
        Index of the cell concerned, or ``None`` for the whole row.
    found
        What was found (a count, or the cell's start).
    """

    code: str
    column: int | None
    found: str


@dataclass
class ScannedRow:
    """A non-blank record: its number as the user sees it, its cells (cut to size), its problems."""

    number: int
    cells: list[str]
    width: int
    problems: list[RowProblem] = field(default_factory=list)


@dataclass
class Scan:
    """The kept rows and the count of every non-blank row of the file."""

    rows: list[ScannedRow]
    n_nonblank: int


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end] if end < len(cells) else cells


def _check(
    cells: list[str], *, max_columns: int, max_cell_chars: int, bad_marker: str | None
) -> tuple[list[str], list[RowProblem]]:
    problems: list[RowProblem] = []
    if len(cells) > max_columns:
        problems.append(RowProblem("row.too_wide", None, f"{len(cells)}"))
        cells = cells[:max_columns]
    out = []
    for j, cell in enumerate(cells):
        if len(cell) > max_cell_chars:
            problems.append(RowProblem("row.cell_too_long", j, f"{len(cell)}"))
            cell = cell[:SHOWN_CHARS] + "…"
        if "\x00" in cell:
            problems.append(RowProblem("row.nul", j, ""))
            cell = cell.replace("\x00", "")
        if bad_marker and bad_marker in cell:
            problems.append(RowProblem("row.encoding", j, cell[:40]))
        out.append(cell)
    return out, problems


def scan_rows(
    records: Iterable[list[str]],
    *,
    keep: int,
    max_columns: int,
    max_cell_chars: int,
    bad_marker: str | None = None,
) -> Scan:
    """Scan ``records`` once: keep the first ``keep`` non-blank rows, count them all.

    Parameters
    ----------
    records
        Every record of the file, in order (the first is row 1).
    keep
        How many non-blank rows to keep (header scan included).
    max_columns, max_cell_chars
        Caps on a row's cells (after trailing empty cells are dropped) and on one cell's length.
    bad_marker
        The character that replaced undecodable bytes (``"\\ufffd"``), when the file was decoded
        with replacement; a row holding it is flagged ``row.encoding``.

    Returns
    -------
    Scan
        The kept rows, with their problems, and the number of non-blank rows in the whole file.
    """
    rows: list[ScannedRow] = []
    count = 0
    for number, record in enumerate(records, start=1):
        cells = _trim(record)
        if not cells:
            continue
        count += 1
        if count > keep:
            continue
        width = len(cells)
        cells, problems = _check(
            cells, max_columns=max_columns, max_cell_chars=max_cell_chars, bad_marker=bad_marker
        )
        rows.append(ScannedRow(number, cells, width, problems))
    return Scan(rows, count)
