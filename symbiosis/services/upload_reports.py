"""The last upload's report of a page, kept with the signed-in session so that a reload shows it again.

A bulk import stores its valid rows at once and answers with a report (why each rejected row was
refused) and the rejected rows to download, fix and upload again. That answer lived in the browser
session only, and a page reload lost it with no way to get it back but uploading the file again.
It is now kept as JSON text with the signed-in session (``session_drafts``, the store of the rows a
firm keeps to fix, :func:`symbiosis.db.sessions.keep_draft`): only that session reads it, and
sign-out, disabling the account or resetting its password delete it. The valid rows are not kept
(they are in the registry); the report and the rejected rows as read are. A page keeps the files of
its last upload (the advisor's levers' files come several at a time) under one name.

What is kept is capped (:data:`MAX_KEPT_ROWS` rejected rows per file, :data:`MAX_KEPT_BYTES` of JSON
per page): a file of 50,000 refused rows, each with up to 100 cells of 5,000 characters, was stored
whole. The first rejected rows are kept with every message about them (what the person needs to start
fixing the file), a finding's "found" value is shortened (the rejected row keeps the cell whole), and
the kept report says it was cut and how to get the whole one (:meth:`Truncation.note`).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from symbiosis.db.accounts import AccountRepository
from symbiosis.findings import Finding
from symbiosis.i18n import Text, tn
from symbiosis.ingest import ImportReport, ImportResult
from symbiosis.numbers import format_number
from symbiosis.views.kept_rows import kept_from_json, kept_to_json

__all__ = [
    "MAX_KEPT_BYTES",
    "MAX_KEPT_ROWS",
    "KeptUpload",
    "Truncation",
    "keep_upload_reports",
    "kept_upload",
    "read_upload_reports",
    "uploads_from_json",
    "uploads_to_json",
]

logger = logging.getLogger(__name__)
_VERSION = 1
#: Rejected rows (with every finding about them) a kept report holds per file.
MAX_KEPT_ROWS = 500
#: Bytes of JSON a page's kept reports may take in the session's drafts, all its files together.
MAX_KEPT_BYTES = 1_000_000
#: Characters of a finding's "found" value kept (the rejected row itself keeps its cells whole).
MAX_FOUND_CHARS = 200


@dataclass(frozen=True)
class Truncation:
    """How much of a file's rejected rows a kept report holds, when it could not hold them all.

    Parameters
    ----------
    rows_kept
        Rejected rows kept (the first ones), with every finding about them.
    rows_total
        Rejected rows of the file.
    last_row
        The file's row number of the last kept rejected row (0 when none is kept).
    """

    rows_kept: int
    rows_total: int
    last_row: int

    def note(self) -> Text:
        """Say, in both languages, that the report was cut, where, and how to get the whole one."""

        def text(lang: str) -> str:
            locale = "en_CA" if lang == "en" else "fr_CA"
            return tn(
                "upload_reports.truncated",
                self.rows_kept,
                lang,
                total=format_number(self.rows_total, locale=locale, decimals=0),
                row=format_number(self.last_row, locale=locale, decimals=0),
            )

        return Text(text("fr"), text("en"))


@dataclass(frozen=True)
class KeptUpload:
    """What a page shows of one file of its last upload.

    Parameters
    ----------
    filename
        The uploaded file's name, as the browser gave it (shown as plain text).
    refused
        Why nothing was stored (bilingual), when the whole file was refused; else ``None``.
    result
        The report and the rejected rows (with their errors column) of a file read row by row; its
        valid rows are empty (they are stored in the registry). ``None`` when the file was refused.
    table
        The table the file was read as, for a page that takes several (``purchases``…).
    summary
        What storing it did, in both languages, for a page that says it.
    truncated
        When the kept report holds only the first rejected rows: how many (a report read back from
        the session's drafts; the browser session that uploaded it holds it whole).
    """

    filename: str
    refused: Text | None = None
    result: ImportResult | None = None
    table: str | None = None
    summary: Text | None = None
    truncated: Truncation | None = None


def kept_upload(
    filename: str,
    *,
    refused: Text | None,
    result: ImportResult | None,
    table: str | None = None,
    summary: Text | None = None,
) -> KeptUpload:
    """The part of an upload's outcome a page keeps: the report and the rejected rows, not the valid ones."""
    if result is not None:
        result = ImportResult(result.valid.iloc[0:0], result.rejected, result.report)
    return KeptUpload(str(filename), refused, result, table, summary)


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return None if pd.isna(value) else str(value)


def _body(kept: KeptUpload, max_rows: int | None = None) -> dict[str, Any]:
    """The JSON body of ``kept``, holding only its first ``max_rows`` rejected rows when given."""
    body: dict[str, Any] = {
        "filename": kept.filename,
        "refused": kept.refused,
        "table": kept.table,
        "summary": kept.summary,
    }
    if kept.result is None:
        return body
    report, rejected = kept.result.report, kept.result.rejected
    issues, truncated = list(report.issues), kept.truncated
    if max_rows is not None and (max_rows < len(rejected) or truncated is not None):
        issues, rejected, truncated = _first_rows(kept, max_rows)
    body["report"] = {
        "issues": [_short(i) for i in issues],
        "n_rows": int(report.n_rows),
        "n_valid": int(report.n_valid),
    }
    body["rejected"] = {
        "columns": [str(c) for c in rejected.columns],
        "rows": [[_cell(v) for v in row] for row in rejected.itertuples(index=False, name=None)],
    }
    if truncated is not None:
        body["truncated"] = dataclasses.asdict(truncated)
    return body


def _first_rows(kept: KeptUpload, n: int) -> tuple[list[Finding], pd.DataFrame, Truncation]:
    """The findings of the file and of its first ``n`` rejected rows, those rows, and what was cut.

    The rejected rows follow the file's order, each with at least one error on its row: the ``n``-th
    smallest row number of the errors is the last kept row; a finding of no row (the file's) stays.
    """
    assert kept.result is not None
    report, rejected = kept.result.report, kept.result.rejected
    total = kept.truncated.rows_total if kept.truncated is not None else len(rejected)
    n = max(0, min(n, len(rejected)))
    error_rows = sorted({i.row for i in report.errors if i.row is not None})
    last = error_rows[n - 1] if 0 < n <= len(error_rows) else 0
    issues = [i for i in report.issues if i.row is None or (n and i.row <= last)]
    return issues, rejected.iloc[:n], Truncation(n, total, last)


def _short(finding: Finding) -> Finding:
    found = finding.found
    if found is None or len(found) <= MAX_FOUND_CHARS:
        return finding
    return dataclasses.replace(finding, found=found[:MAX_FOUND_CHARS] + "…")


def _capped(kept: KeptUpload, max_rows: int, max_bytes: int) -> dict[str, Any]:
    """``kept``'s body with at most ``max_rows`` rejected rows and, if it can, ``max_bytes`` of JSON.

    Fewer rows are kept until it fits (a bisection on the number of rows: each step measures the JSON).
    """
    body = _body(kept, max_rows)

    def size(body: dict[str, Any]) -> int:
        return len(kept_to_json(body).encode("utf-8"))

    if kept.result is None or size(body) <= max_bytes:
        return body
    low, high = 0, len(body["rejected"]["rows"])  # low fits (or is 0), high does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if size(_body(kept, middle)) <= max_bytes else (low, middle)
    return _body(kept, low)


def uploads_to_json(
    uploads: Sequence[KeptUpload], *, max_rows: int | None = None, max_bytes: int | None = None
) -> str:
    """``uploads`` as JSON text (findings and bilingual texts included), read by :func:`uploads_from_json`.

    Each file keeps at most ``max_rows`` rejected rows (:data:`MAX_KEPT_ROWS` by default), and fewer
    when the JSON would pass ``max_bytes`` (:data:`MAX_KEPT_BYTES`, shared evenly between the files);
    a file cut so says it (:class:`Truncation`).
    """
    max_rows = MAX_KEPT_ROWS if max_rows is None else max_rows
    share = (MAX_KEPT_BYTES if max_bytes is None else max_bytes) // max(1, len(uploads))
    return kept_to_json({"version": _VERSION, "uploads": [_capped(k, max_rows, share) for k in uploads]})


def uploads_from_json(text: str | None) -> tuple[KeptUpload, ...]:
    """The uploads kept by :func:`uploads_to_json`; none when nothing was kept or the text does not read."""
    body = kept_from_json(text, {})
    files = body.get("uploads")
    if body.get("version") != _VERSION or not isinstance(files, list):
        return ()
    try:
        return tuple(_upload(item) for item in files)
    except (AttributeError, KeyError, TypeError, ValueError):
        logger.warning("a kept upload report does not read; it is dropped")
        return ()


def _upload(body: dict[str, Any]) -> KeptUpload:
    if not isinstance(body.get("filename"), str):
        raise ValueError("a kept upload without a file name")
    refused, summary, table = body.get("refused"), body.get("summary"), body.get("table")
    cut = body.get("truncated")
    return KeptUpload(
        body["filename"],
        refused if isinstance(refused, Text) else None,
        _result(body) if "report" in body else None,
        table if isinstance(table, str) else None,
        summary if isinstance(summary, Text) else None,
        Truncation(int(cut["rows_kept"]), int(cut["rows_total"]), int(cut["last_row"])) if cut else None,
    )


def _result(body: dict[str, Any]) -> ImportResult:
    report, rejected = body["report"], body["rejected"]
    issues = tuple(i for i in report["issues"] if isinstance(i, Finding))
    columns = [str(c) for c in rejected["columns"]]
    rows = [list(row) for row in rejected["rows"] if isinstance(row, list) and len(row) == len(columns)]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return ImportResult(
        pd.DataFrame(), frame, ImportReport(issues, int(report["n_rows"]), int(report["n_valid"]))
    )


def keep_upload_reports(
    accounts: AccountRepository, token: str | None, name: str, uploads: Sequence[KeptUpload]
) -> bool:
    """Keep ``uploads`` as the session's last upload ``name`` (none: dismiss it).

    Returns whether it was kept with the signed-in session (not without a live session).
    """
    return accounts.keep_draft(token, name, uploads_to_json(uploads) if uploads else None)


def read_upload_reports(accounts: AccountRepository, token: str | None, name: str) -> tuple[KeptUpload, ...]:
    """The last upload ``name`` the live session of ``token`` kept (none when there is none)."""
    return uploads_from_json(accounts.read_draft(token, name))
