"""The rows an editable table keeps to fix after a save: their findings, their place, a list of them.

A firm's tables (its streams, its purchases and capacities…) are checked, their valid rows saved,
and the refused rows stay in the table as typed, so nothing is lost. Once the valid rows are stored
a kept row may stand on another line than the one it was checked on: each kept row holds its
*findings*, not their sentences, and its message is written when the table is drawn, with the line
where the row stands and the table's headers in the table's language. The table's last column
(``errors``) holds the messages; :func:`rows_to_fix` lists them under the table, where a firm reads
(that column is out of sight on a laptop screen).

Pure shaping of values: every editor of a firm's table uses these, so the two behave alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import Text, tn
from symbiosis.ingest import ImportReport
from symbiosis.views.markdown import markdown_plain

__all__ = [
    "ERRORS",
    "MESSAGE_BREAK",
    "kept_from_json",
    "kept_message",
    "kept_messages",
    "kept_to_json",
    "place_kept",
    "row_findings",
    "rows_to_fix",
]

#: The column of an editable table holding each kept row's messages (empty for the other rows).
ERRORS = "errors"
#: What separates the messages of one kept row in its :data:`ERRORS` cell. Not a line break: the
#: grid draws a cell's first line only, and would hide every problem but the first.
MESSAGE_BREAK = " • "
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def row_findings(report: ImportReport, row_numbers: Sequence[int]) -> list[tuple[Finding, ...]]:
    """The error findings of each checked row, in order (an empty tuple for a row accepted)."""
    by_row: dict[int | None, list[Finding]] = {}
    for finding in report.errors:
        by_row.setdefault(finding.row, []).append(finding)
    return [tuple(by_row.get(number, ())) for number in row_numbers]


def kept_message(
    findings: Sequence[Finding], line: int, lang: str, headers: Mapping[str, str] | None = None
) -> str:
    """The findings of a kept row as one cell, placed on ``line`` of the table: one sentence each.

    ``headers`` renames each finding's column (as the file or the check named it, in either
    language) to the table's header in ``lang``. Each finding is its own sentence, after a bullet
    (:data:`MESSAGE_BREAK`; a line break typed in a quoted cell is read as a space), and its own
    item in :func:`rows_to_fix`: a row with two problems read « … un nombre. | Ligne 3, colonne … »,
    one run-on item under the table.
    """
    rename = headers or {}
    placed = (replace(f, row=line, column=rename.get(f.column, f.column)) for f in findings)
    return MESSAGE_BREAK.join(_LINE_BREAKS.sub(" ", f.message(lang)) for f in placed)


def kept_messages(cell: object) -> list[str]:
    """The sentences of an :data:`ERRORS` cell written by :func:`kept_message`, one per finding."""
    return [m for m in str(cell or "").split(MESSAGE_BREAK) if m.strip()]


def place_kept(
    shown: pd.DataFrame,
    kept: Sequence[Mapping[str, object]],
    id_column: str,
    lang: str = "fr",
    *,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return the editable table: stored rows, a kept row in place of its stored one, new ones last.

    Parameters
    ----------
    shown
        The stored rows as the table's text cells.
    kept
        The rows kept to fix: the table's cells as typed and their findings under :data:`ERRORS`.
    id_column
        The column naming a stored row (a kept row with a stored id replaces that row).
    lang
        The table's language: its messages are written in it.
    headers
        A finding's column -> the table's header in ``lang`` (:func:`kept_message`).

    Returns
    -------
    pandas.DataFrame
        ``shown``'s columns and :data:`ERRORS`, every cell a text; a kept row's message names the
        line where the row stands in this table.
    """
    columns = [c for c in shown.columns if c != ERRORS]
    frame = shown[columns].copy()
    frame[ERRORS] = ""
    where = {str(row_id): i for i, row_id in enumerate(frame[id_column]) if str(row_id)}
    extra: list[list[str]] = []
    for row in kept:
        position = where.get(str(row.get(id_column, "") or ""))
        line = position if position is not None else len(frame) + len(extra)
        findings = row.get(ERRORS, ())
        message = kept_message(findings if isinstance(findings, tuple) else (), line + 1, lang, headers)
        values = [str(row.get(c, "") or "") for c in columns] + [message]
        if position is not None:
            frame.iloc[position] = values
        else:
            extra.append(values)
    if extra:
        frame = pd.concat(
            [frame, pd.DataFrame(extra, columns=frame.columns, dtype=object)], ignore_index=True
        )
    return frame.astype(object)


def rows_to_fix(table: pd.DataFrame, lang: str = "fr") -> str:
    """Return the messages of the rows kept in the editable table, as a list to show under it.

    Empty when no row is kept. The heading counts the rows; each problem of a row is an item of
    its own (each names its line). The messages quote what was typed, shown as typed (never as
    Markdown).
    """
    cells = [m for m in table[ERRORS] if kept_messages(m)] if ERRORS in table else []
    if not cells:
        return ""
    lines = [f"- {markdown_plain(m)}" for cell in cells for m in kept_messages(cell)]
    return "\n".join([tn("firm_streams.to_fix", len(cells), lang), *lines])


def _encode(value: Any) -> Any:
    if isinstance(value, Finding):
        return {"__finding__": {f.name: _encode(getattr(value, f.name)) for f in fields(Finding)}}
    if isinstance(value, Text):
        return {"__text__": [value.fr, value.en]}
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__text__"}:
            fr, en = value["__text__"]
            return Text(str(fr), str(en))
        if set(value) == {"__finding__"}:
            known = {f.name for f in fields(Finding)}
            return Finding(**{k: _decode(v) for k, v in value["__finding__"].items() if k in known})
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def kept_to_json(kept: object) -> str:
    """Kept rows (a list of rows, or a mapping of lists) as JSON text, their findings included.

    The rows a firm keeps to fix outlive a page reload this way: the page stores the text with the
    signed-in session (never in a cache shared between users) and reads it back with
    :func:`kept_from_json`.
    """
    return json.dumps(_encode(kept), ensure_ascii=False)


def kept_from_json(text: str | None, default: Any) -> Any:
    """Kept rows read back from :func:`kept_to_json`; ``default`` when ``text`` is empty or unreadable.

    A row's errors come back as a tuple of :class:`~symbiosis.findings.Finding`, as they were kept.
    """
    if not text:
        return default
    try:
        value = _decode(json.loads(text))
    except (ValueError, TypeError, KeyError):
        return default
    if not isinstance(value, type(default)):
        return default
    return _with_finding_tuples(value)


def _with_finding_tuples(value: Any) -> Any:
    if isinstance(value, dict):
        if ERRORS in value and isinstance(value[ERRORS], list):
            return {**value, ERRORS: tuple(value[ERRORS])}
        return {k: _with_finding_tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_finding_tuples(v) for v in value]
    return value
