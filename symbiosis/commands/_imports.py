"""How import results are summarised on the command line (shared by ``init`` and ``import``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from symbiosis.ingest import ImportBatch, ImportReport

if TYPE_CHECKING:  # the levers' importer reads units with pint, which imports dask when installed
    from symbiosis.services.mutual_inputs import MutualImport

__all__ = ["batch_summary", "mutual_summary", "print_batch", "print_mutual"]


def _report_summary(report: ImportReport) -> dict:
    return {
        "rows": report.n_rows,
        "accepted": report.n_valid,
        "rejected": report.n_rejected,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "issues": [
            {
                "row": i.row,
                "column": i.column,
                "code": i.code,
                "severity": i.severity,
                "message_fr": i.message("fr"),
                "message_en": i.message("en"),
            }
            for i in report.issues
        ],
    }


def batch_summary(batch: ImportBatch) -> dict:
    """Return per-file row counts and issues (English keys) for JSON output."""
    out: dict = {}
    for name, result in (("firms", batch.firms), ("streams", batch.streams)):
        if result is not None:
            out[name] = _report_summary(result.report)
    return out


def mutual_summary(imports: Sequence[MutualImport]) -> dict:
    """The levers' files for JSON output: per table, the report, what was replaced, or the refusal."""
    out: dict = {}
    for imported in imports:
        entry = _report_summary(imported.result.report) if imported.result is not None else {}
        entry["file"] = imported.filename
        if imported.outcome is not None:
            entry["replaced"] = imported.outcome.as_json()
        if imported.refused is not None:
            entry["refused_fr"], entry["refused_en"] = imported.refused.fr, imported.refused.en
        out[imported.table or imported.filename] = entry
    return out


def print_batch(batch: ImportBatch, *, lang: str = "fr", limit: int = 20) -> None:
    """Print each file's summary and its first ``limit`` issues."""
    for result in (batch.firms, batch.streams):
        if result is None:
            continue
        print(result.report.summary(lang))
        lines = result.report.lines(lang)
        for line in lines[:limit]:
            print(f"  {line}")
        if len(lines) > limit:
            more = len(lines) - limit
            print(f"  … {more} autres / more")


def print_mutual(imports: Sequence[MutualImport], *, lang: str = "fr", limit: int = 20) -> None:
    """Print each levers' file: its report, its first ``limit`` issues, and what was replaced."""
    for imported in imports:
        print(imported.filename)
        if imported.result is not None:
            print(imported.result.report.summary(lang))
            lines = imported.result.report.lines(lang)
            for line in lines[:limit]:
                print(f"  {line}")
            if len(lines) > limit:
                print(f"  … {len(lines) - limit} autres / more")
        print(imported.summary(lang))
