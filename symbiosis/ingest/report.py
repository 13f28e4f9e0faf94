"""The bilingual import report: one :class:`Issue` per problem, naming row, column, expected, found, fix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from symbiosis.i18n import Text

__all__ = ["SEVERITIES", "ImportReport", "Issue", "file_issue"]

SEVERITIES: tuple[str, ...] = ("error", "warning")
_HEADERS = {
    "fr": ("Ligne", "Colonne", "Attendu", "Trouvé", "Correction", "Gravité", "Code"),
    "en": ("Row", "Column", "Expected", "Found", "Fix", "Severity", "Code"),
}
_SEVERITY_WORDS = {"error": Text("erreur", "error"), "warning": Text("avertissement", "warning")}
_FOUND_MAX = 80


@dataclass(frozen=True)
class Issue:
    """One problem found in an imported file.

    Parameters
    ----------
    row
        Row number as the user sees it in Excel or a text editor (the header is row 1); ``None``
        for a problem with the whole file.
    column
        The column header as written in the file (empty for a whole-row or file problem).
    expected
        What was expected, as a noun phrase (« un nombre » / "a number").
    found
        What the cell held, as text.
    fix
        How to fix it, in one or two sentences.
    severity
        ``error`` (the row is rejected) or ``warning`` (the row is kept; please check).
    code
        Stable machine id, ``<field>.<problem>`` (``quantity.not_a_number``).
    """

    row: int | None
    column: str
    expected: Text
    found: str
    fix: Text
    severity: str = "error"
    code: str = ""

    def message(self, lang: str = "fr") -> str:
        """Return the issue as one friendly sentence in ``lang``."""
        found = self.found if len(self.found) <= _FOUND_MAX else self.found[:_FOUND_MAX] + "…"
        if lang == "en":
            where = "File" if self.row is None else f"Row {self.row}"
            where += f", column “{self.column}”" if self.column else ""
            what = f"found “{found}”" if found else "found an empty cell"
            return f"{where}: expected {self.expected.en}, {what}. {self.fix.en}".strip()
        where = "Fichier" if self.row is None else f"Ligne {self.row}"
        where += f", colonne « {self.column} »" if self.column else ""
        what = f"trouvé « {found} »" if found else "trouvé une cellule vide"
        return f"{where} : on attendait {self.expected.fr}, {what}. {self.fix.fr}".strip()


def file_issue(code: str, expected: Text, found: str, fix: Text, *, severity: str = "error") -> Issue:
    """Return an issue about the whole file (no row, no column)."""
    return Issue(None, "", expected, found, fix, severity, code)


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

    issues: tuple[Issue, ...] = field(default_factory=tuple)
    n_rows: int = 0
    n_valid: int = 0

    @property
    def n_rejected(self) -> int:
        """Rows rejected (any error rejects the whole row)."""
        return self.n_rows - self.n_valid

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Issues of severity ``error``."""
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """Issues of severity ``warning``."""
        return tuple(i for i in self.issues if i.severity == "warning")

    @property
    def ok(self) -> bool:
        """Whether the file has no error at all."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Return the number of issues per code."""
        return dict(Counter(i.code for i in self.issues))

    def extend(self, issues: Iterable[Issue]) -> ImportReport:
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
        e, w = len(self.errors), len(self.warnings)
        if lang == "en":
            return (
                f"{self.n_rows} row(s) read: {self.n_valid} accepted, {self.n_rejected} rejected; "
                f"{e} error(s), {w} warning(s)."
            )
        return (
            f"{self.n_rows} ligne(s) lue(s) : {self.n_valid} acceptée(s), {self.n_rejected} "
            f"rejetée(s) ; {e} erreur(s), {w} avertissement(s)."
        )

    def lines(self, lang: str = "fr") -> list[str]:
        """Return every issue as a sentence, errors first."""
        ordered = sorted(self.issues, key=lambda i: (i.severity != "error", i.row or 0))
        return [i.message(lang) for i in ordered]
