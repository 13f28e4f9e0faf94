"""The last upload's report of a page, kept with the signed-in session so that a reload shows it again.

A bulk import stores its valid rows at once and answers with a report (why each rejected row was
refused) and the rejected rows to download, fix and upload again. That answer lived in the browser
session only, and a page reload lost it with no way to get it back but uploading the file again.
It is now kept as JSON text with the signed-in session (``session_drafts``, the store of the rows a
firm keeps to fix, :func:`symbiosis.db.sessions.keep_draft`): only that session reads it, and
sign-out, disabling the account or resetting its password delete it. The valid rows are not kept
(they are in the registry); the report and the rejected rows as read are. A page keeps the files of
its last upload (the advisor's levers' files come several at a time) under one name.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from symbiosis.db.accounts import AccountRepository
from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.ingest import ImportReport, ImportResult
from symbiosis.views.kept_rows import kept_from_json, kept_to_json

__all__ = [
    "KeptUpload",
    "keep_upload_reports",
    "kept_upload",
    "read_upload_reports",
    "uploads_from_json",
    "uploads_to_json",
]

logger = logging.getLogger(__name__)
_VERSION = 1


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
    """

    filename: str
    refused: Text | None = None
    result: ImportResult | None = None
    table: str | None = None
    summary: Text | None = None


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


def _body(kept: KeptUpload) -> dict[str, Any]:
    body: dict[str, Any] = {
        "filename": kept.filename,
        "refused": kept.refused,
        "table": kept.table,
        "summary": kept.summary,
    }
    if kept.result is not None:
        report, rejected = kept.result.report, kept.result.rejected
        body["report"] = {
            "issues": list(report.issues),
            "n_rows": int(report.n_rows),
            "n_valid": int(report.n_valid),
        }
        body["rejected"] = {
            "columns": [str(c) for c in rejected.columns],
            "rows": [[_cell(v) for v in row] for row in rejected.itertuples(index=False, name=None)],
        }
    return body


def uploads_to_json(uploads: Sequence[KeptUpload]) -> str:
    """``uploads`` as JSON text (findings and bilingual texts included), read by :func:`uploads_from_json`."""
    return kept_to_json({"version": _VERSION, "uploads": [_body(kept) for kept in uploads]})


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
    return KeptUpload(
        body["filename"],
        refused if isinstance(refused, Text) else None,
        _result(body) if "report" in body else None,
        table if isinstance(table, str) else None,
        summary if isinstance(summary, Text) else None,
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
