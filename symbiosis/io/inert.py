"""Make every exported cell inert: no text a spreadsheet would run as a formula, whatever the separator.

A spreadsheet runs a cell as a formula when it starts with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one of them; full-width ``＝ ＋ － ＠`` on some systems). Looking only at
a value's first character is not enough: a firm named ``Acme\\r=cmd|' /C calc'!A0`` starts a new
row at the carriage return, and ``x;=cmd`` in a comma-separated file becomes a cell of its own when
a French-Canadian spreadsheet opens it with ``;``. So :func:`escape_text` puts a ``'`` before a
trigger at the start of the value **and** at the start of every piece a reader could cut the value
into: after a line break (CR, LF and the other Unicode line breaks), a tab, a comma or a semicolon,
skipping spaces and double quotes.

The rule for numbers, stated once:

* a value whose *type* is a number (int, float, numpy number, Decimal) is never changed: ``-12.5``
  is a legitimate negative number and stays a number;
* a *text* piece that is exactly a plain number (``-12,5``, ``+3``, ``-1.2e5``, surrounding spaces
  allowed) is left as it is: a spreadsheet reads it as a number, not a formula;
* every other text piece that starts (after spaces and quotes) with a trigger gets the ``'``.

:func:`is_live_formula` states the same rule from the reader's side; the export-scan test uses it.
CSV files are written by :func:`csv_bytes` with every text field quoted, so a line break inside a
value stays inside its cell for any reader that honours quotes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any, Literal

import pandas as pd

__all__ = [
    "CELL_BREAKS",
    "FORMULA_TRIGGERS",
    "csv_bytes",
    "escape_text",
    "is_live_formula",
    "is_plain_number",
    "live_cells",
    "safe_frame",
]

#: First characters that make a spreadsheet treat text as a formula.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: What a formula starts with once leading spaces, tabs and line breaks are skipped.
_FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
#: Characters at which a reader may start a new cell or row: line breaks, tab, comma, semicolon.
CELL_BREAKS = "\r\n\t,;\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SPLIT = re.compile("([" + re.escape(CELL_BREAKS) + "])")
_ANY_TRIGGER = re.compile("[" + re.escape("".join(FORMULA_TRIGGERS)) + "]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
_SKIPPED = ' "'


def is_plain_number(text: str) -> bool:
    """Whether ``text`` (spaces around allowed) is a plain number a spreadsheet reads as a number."""
    return _PLAIN_NUMBER.fullmatch(text.strip(" \t\r\n")) is not None


_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: How readers cut a line into cells: at each of these separators, or not at all.
_READER_SEPARATORS: tuple[str, ...] = (",", ";", "\t", "")


def _needs_quote_mark(value: str, start: int) -> int | None:
    """Where a ``'`` must go for the piece starting at ``start`` (after spaces and quotes), or ``None``.

    The piece is judged as every reader would cut it: up to the next comma, semicolon, tab or line
    break, depending on the separator the reader uses. It needs the mark when, in any of those views,
    it starts with a trigger and is not a plain number ("-1" alone is a number; "-1<tab>1" read with
    ";" is a formula).
    """
    body = start
    while body < len(value) and value[body] in _SKIPPED:
        body += 1
    if not value.startswith(_FORMULA_START, body):
        return None
    for separator in _READER_SEPARATORS:
        end = len(value)
        for stop in (*_LINE_BREAKS, separator):
            found = value.find(stop, body) if stop else -1
            if found != -1:
                end = min(end, found)
        if not is_plain_number(value[body:end]):
            return body
    return None


def escape_text(value: Any) -> Any:
    """Return ``value`` inert: text gets a ``'`` before every formula trigger that could start a cell.

    Non-text values (numbers, dates, None) are returned unchanged.
    """
    if not isinstance(value, str) or not _ANY_TRIGGER.search(value):
        return value
    if value.startswith(FORMULA_TRIGGERS) and not is_plain_number(value):
        value = "'" + value  # the classic case, kept exactly as before
    starts = [0, *(m.end() for m in _SPLIT.finditer(value))]
    marks = sorted({m for m in (_needs_quote_mark(value, s) for s in starts) if m is not None}, reverse=True)
    for mark in marks:
        if not (mark > 0 and value[mark - 1] == "'"):
            value = value[:mark] + "'" + value[mark:]
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, (tuple, list, set, frozenset)):
        value = " | ".join(map(str, value))
    return escape_text(value)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells (and column names) are escaped and list cells joined.

    Numeric columns are unchanged (see the module's rule for numbers).
    """
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if col.dtype == object:
            out[name] = col.astype(object).map(_cell)
        elif pd.api.types.is_string_dtype(col):
            out[name] = _escaped_strings(col)
    out.columns = [escape_text(str(c)) for c in out.columns]
    return out


def _escaped_strings(col: pd.Series) -> pd.Series:
    """A text column (no lists in it) as objects, :func:`escape_text` applied to the cells holding a
    trigger character only (found by one vectorised search: the others come out unchanged anyway)."""
    values = col.astype(object).to_numpy(copy=True)
    hit = col.str.contains(_ANY_TRIGGER.pattern, regex=True, na=False).to_numpy(dtype=bool)
    if hit.any():
        values[hit] = [escape_text(v) for v in values[hit]]
    return pd.Series(values, index=col.index, name=col.name, dtype=object).infer_objects()


def csv_bytes(frame: pd.DataFrame, *, sep: str = ",", bom: bool = True, decimal: str = ".") -> bytes:
    """Write ``frame`` as UTF-8 CSV (with a BOM for spreadsheet programs): escaped, text fields quoted.

    Every text field is quoted (numbers are not, so they stay numbers), hence a line break inside a
    value stays in its cell; formula triggers are escaped by :func:`safe_frame` anyway. A French
    spreadsheet reads ``sep=";"`` with ``decimal=","`` (``12,5``); a decimal comma needs a separator
    other than the comma. pandas writes such numbers as text, which every-field quoting would quote
    (``"12,5"``): with a decimal comma, only the fields holding the separator, a quote or a line
    break are quoted, so numbers still come out bare.
    """
    if decimal == sep:
        raise ValueError(f"the decimal mark {decimal!r} cannot also separate the fields")
    quoting: Literal[0, 2] = csv.QUOTE_NONNUMERIC if decimal == "." else csv.QUOTE_MINIMAL
    text = safe_frame(frame).to_csv(
        index=False, sep=sep, decimal=decimal, quoting=quoting, lineterminator="\r\n"
    )
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def is_live_formula(cell: str) -> bool:
    """Whether a cell, as a spreadsheet would read it, would run as a formula (the reader's side).

    Leading spaces, tabs and line breaks are skipped (a tab or carriage return before ``=`` is the
    classic way around a first-character check); a cell that is a plain number is not a formula.
    """
    body = cell.lstrip(" \t\r\n")
    return body.startswith(_FORMULA_START) and not is_plain_number(body)


def live_cells(text: str, separators: Iterable[str] = (",", ";", "\t")) -> list[tuple[str, int, str]]:
    """Return every cell of CSV ``text`` that a spreadsheet would run, reading it with each separator.

    Two readers per separator: one that honours quotes (``csv``; each cell is then cut again at
    its line breaks), and one that ignores them (each physical line cut at the separator, leading
    quotes dropped), as a spreadsheet opening the file with the wrong settings would. Returns
    ``(separator, line, cell)`` triples.
    """
    found = []
    text = text.removeprefix("\ufeff")
    breaks = re.compile("[" + re.escape(CELL_BREAKS) + "]")
    for sep in separators:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep)):
            for cell in row:
                found += [(sep, number, piece) for piece in breaks.split(cell) if is_live_formula(piece)]
        for number, line in enumerate(text.splitlines()):
            for cell in line.split(sep):
                piece = cell.strip(' "')
                if is_live_formula(piece):
                    found.append((sep, number, piece))
    return found
