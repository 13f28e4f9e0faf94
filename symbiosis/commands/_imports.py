"""How import results are summarised on the command line (shared by ``init`` and ``import``)."""

from __future__ import annotations

from symbiosis.ingest import ImportBatch

__all__ = ["batch_summary", "print_batch"]


def batch_summary(batch: ImportBatch) -> dict:
    """Return per-file row counts and issues (English keys) for JSON output."""
    out: dict = {}
    for name, result in (("firms", batch.firms), ("streams", batch.streams)):
        if result is None:
            continue
        report = result.report
        out[name] = {
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
