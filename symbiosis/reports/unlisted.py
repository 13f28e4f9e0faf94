"""Why a report lists no synergy: one reason, said by the PDF, the workbook, the CSV's caption and the CLI.

A report's list of synergies (:attr:`~symbiosis.reports.data.ReportData.synergies`) is empty when no
synergy falls in the territory and period (``none``), when in anonymised mode no synergy has two
firms that consented to be named (``withheld``), or when a firm declined each of them (``declined``:
a declined synergy is never named, in any mode). The PDF and the workbook print the reason where the
list would be; the CSV, a file for machines, stays a header row only, and the reports page and
``symbiosis report`` say why beside it.
"""

from __future__ import annotations

from symbiosis.i18n import t
from symbiosis.reports.data import ReportData

__all__ = ["UNLISTED_REASONS", "headers_only_note", "list_note", "unlisted_reason"]

#: Why a report may list no synergy.
UNLISTED_REASONS: tuple[str, ...] = ("none", "withheld", "declined")
#: What the PDF and the workbook print in place of the list, per reason.
_LIST_NOTES = {
    "none": "reports.none",
    "withheld": "reports.no_named_synergy",
    "declined": "reports.all_declined",
}


def unlisted_reason(data: ReportData) -> str | None:
    """Return why ``data`` lists no synergy (one of :data:`UNLISTED_REASONS`), or None when it lists some."""
    if not data.synergies.empty:
        return None
    in_scope = int(data.by_status["n_synergies"].sum()) if len(data.by_status) else 0
    if in_scope == 0:
        return "none"
    if data.n_declined >= in_scope or not data.anonymised:
        return "declined"
    return "withheld"


def list_note(reason: str, lang: str = "fr") -> str:
    """The sentence the PDF and the workbook print where the list of synergies would be."""
    return t(_LIST_NOTES[reason], lang)


def headers_only_note(reason: str, lang: str = "fr") -> str:
    """The sentence that says a CSV holds its header row only, and why (page caption, CLI warning)."""
    return t(f"reports.csv_headers_only.{reason}", lang)
