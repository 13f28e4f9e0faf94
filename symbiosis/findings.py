"""One type for what every check finds: :class:`Finding` (severity, code, bilingual text, where, fix).

The import report, the cell readers of the importer, the knowledge-base checker, the factor-table
check and the solver-free allocation checker all return findings, so a screen, a command or a test
reads any of them the same way. This module sits at the bottom of the package (it imports only
:mod:`symbiosis.i18n`), so ``kb``, ``ingest`` and ``engine`` can all use it without import cycles.

Two shapes of finding exist, with one sentence builder:

* a cell finding of the importer says what was **expected** and what was **found**, at a **row**
  and **column** of the file (``row`` is ``None`` for a whole-file finding; a cell reader returns
  it before it is placed, with no row and no column);
* a table or model finding says what is wrong in ``detail``, at a ``location`` (a category id,
  rule id, factor row, supply or arc id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from symbiosis.i18n import Text

__all__ = ["SEVERITIES", "Finding", "has_errors"]

#: ``error``: the row is rejected, the table must not ship, the solution is wrong; ``warning``: check it.
SEVERITIES: tuple[str, ...] = ("error", "warning")
_NO_TEXT = Text("", "")
_FOUND_MAX = 80


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One problem found by a check, in French and English.

    Parameters
    ----------
    code
        Stable machine id of the check that fired (``quantity.not_a_number``, ``unknown_category``,
        ``supply_over``).
    severity
        ``"error"`` or ``"warning"`` (see :data:`SEVERITIES`).
    detail
        What is wrong, for table and model findings (``None`` for cell findings).
    expected
        For cell findings: what was expected, as a noun phrase (« un nombre » / "a number").
    found
        For cell findings: what the cell held, as text (``None`` before the finding is placed: the
        cell as typed is then shown).
    fix
        How to fix it, in one or two sentences (empty when the detail says it all).
    row
        Row number as the user sees it in a spreadsheet (the header is row 1); ``None`` when the
        finding is about a whole file or table.
    column
        The column header as written in the file (empty for a whole-row or whole-file finding).
    location
        The id of the item concerned (category, rule, factor, supply, arc), empty when none.
    """

    code: str
    severity: str = "error"
    detail: Text | None = None
    expected: Text | None = None
    found: str | None = None
    fix: Text = _NO_TEXT
    row: int | None = None
    column: str = ""
    location: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r} (expected one of {SEVERITIES})")

    @property
    def is_error(self) -> bool:
        """Whether the finding is an error (not a warning)."""
        return self.severity == "error"

    def placed(self, row: int | None, column: str, found: str) -> Finding:
        """Return this cell finding placed at ``row`` and ``column`` (``found`` if none was set)."""
        return replace(self, row=row, column=column, found=found if self.found is None else self.found)

    def message(self, lang: str = "fr") -> str:
        """Return the finding as one friendly sentence in ``lang``."""
        if self.expected is not None:
            return self._cell_message(lang)
        where = f"{self.location} : " if lang != "en" and self.location else ""
        where = f"{self.location}: " if lang == "en" and self.location else where
        detail = (self.detail or _NO_TEXT).get(lang)
        return f"{where}{detail} {self.fix.get(lang)}".strip()

    def _cell_message(self, lang: str) -> str:
        assert self.expected is not None
        found = self.found or ""
        found = found if len(found) <= _FOUND_MAX else found[:_FOUND_MAX] + "…"
        if lang == "en":
            where = "File" if self.row is None else f"Row {self.row}"
            where += f", column “{self.column}”" if self.column else ""
            what = f"found “{found}”" if found else "found an empty cell"
            return f"{where}: expected {self.expected.en}, {what}. {self.fix.en}".strip()
        where = "Fichier" if self.row is None else f"Ligne {self.row}"
        where += f", colonne « {self.column} »" if self.column else ""
        what = f"trouvé « {found} »" if found else "trouvé une cellule vide"
        return f"{where} : on attendait {self.expected.fr}, {what}. {self.fix.fr}".strip()


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.is_error for f in findings)
