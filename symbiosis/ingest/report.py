"""The bilingual import report: one :class:`~symbiosis.findings.Finding` per problem.

Each finding names the row, the column, what was expected, what was found and how to fix it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from symbiosis.findings import SEVERITIES, Finding
from symbiosis.i18n import Text, t, tn

__all__ = ["SEVERITIES", "ImportReport", "file_issue"]

_HEADERS = {
    "fr": ("Ligne", "Colonne", "Attendu", "Trouvé", "Correction", "Gravité", "Code"),
    "en": ("Row", "Column", "Expected", "Found", "Fix", "Severity", "Code"),
}
_SEVERITY_WORDS = {"error": Text("erreur", "error"), "warning": Text("avertissement", "warning")}


def file_issue(code: str, expected: Text, found: str, fix: Text, *, severity: str = "error") -> Finding:
    """Return an issue about the whole file (no row, no column)."""
    return Finding(row=None, column="", expected=expected, found=found, fix=fix, severity=severity, code=code)


@dataclass(frozen=True)
class ImportReport:
    """All the issues of one imported file, with row counts.

    Parameters
    ----------
    issues
        The problems, in file order (file-level first).
    n_rows
        Data rows read (the header excluded).
    n_valid
        Rows accepted.
    """

    issues: tuple[Finding, ...] = field(default_factory=tuple)
    n_rows: int = 0
    n_valid: int = 0

    @property
    def n_rejected(self) -> int:
        """Rows rejected (any error rejects the whole row)."""
        return self.n_rows - self.n_valid

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Issues of severity ``error``."""
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Issues of severity ``warning``."""
        return tuple(i for i in self.issues if i.severity == "warning")

    @property
    def ok(self) -> bool:
        """Whether the file has no error at all."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Return the number of issues per code."""
        return dict(Counter(i.code for i in self.issues))

    def extend(self, issues: Iterable[Finding]) -> ImportReport:
        """Return a copy with more issues appended."""
        return ImportReport(self.issues + tuple(issues), self.n_rows, self.n_valid)

    def to_frame(self, lang: str = "fr") -> pd.DataFrame:
        """Return the issues as a table with headers in ``lang`` (Ligne/Row, Colonne/Column, …)."""
        lang = "en" if lang == "en" else "fr"
        rows = [
            (
                i.row,
                i.column,
                i.expected.get(lang),
                i.found,
                i.fix.get(lang),
                _SEVERITY_WORDS[i.severity].get(lang),
                i.code,
            )
            for i in self.issues
        ]
        frame = pd.DataFrame(rows, columns=list(_HEADERS[lang]))
        frame[_HEADERS[lang][0]] = frame[_HEADERS[lang][0]].astype("Int64")
        return frame

    def summary(self, lang: str = "fr") -> str:
        """Return a one-paragraph summary: rows accepted and rejected, errors and warnings."""
        return t(
            "ingest.summary",
            lang,
            rows=tn("ingest.summary.rows", self.n_rows, lang),
            accepted=tn("ingest.summary.accepted", self.n_valid, lang),
            rejected=tn("ingest.summary.rejected", self.n_rejected, lang),
            errors=tn("ingest.summary.errors", len(self.errors), lang),
            warnings=tn("ingest.summary.warnings", len(self.warnings), lang),
        )

    def lines(self, lang: str = "fr") -> list[str]:
        """Return every issue as a sentence, errors first."""
        ordered = sorted(self.issues, key=lambda i: (i.severity != "error", i.row or 0))
        return [i.message(lang) for i in ordered]
