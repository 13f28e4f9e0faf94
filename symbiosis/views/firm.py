"""What a firm user's screens need: its own firm, one-row validation through the importer, the profile.

Everything here reads and writes through the :class:`~symbiosis.db.Repository` with the firm's
:class:`~symbiosis.db.Actor`, so the repository's access rules apply: asking for another firm raises
:class:`~symbiosis.db.PermissionDenied` (and is audited). Validation is the importer's: a form's
values become a one-row :class:`~symbiosis.ingest.RawTable` checked by
:func:`~symbiosis.ingest.validate_firms` or :func:`~symbiosis.ingest.validate_streams`, so a form and
an uploaded file give the same report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from symbiosis.db import Actor, NotFound, Repository
from symbiosis.ingest import ImportResult, RawTable, validate_firms
from symbiosis.ingest.columns import FIRM_COLUMNS, header_label
from symbiosis.numbers import format_number
from symbiosis.services.importing import ImportContext, default_context

__all__ = [
    "PROFILE_FIELDS",
    "firm_id_in_view",
    "load_firm",
    "number_cell",
    "profile_cells",
    "raw_table",
    "save_profile",
    "validate_profile",
]

#: The firm columns the profile form edits, in form order (``firm_id`` is never editable).
PROFILE_FIELDS: tuple[str, ...] = tuple(c for c in FIRM_COLUMNS if c != "firm_id")


def firm_id_in_view(actor: Actor, requested: str | None) -> str:
    """Return the firm a page shows: the one asked for (query parameter), else the actor's own.

    The repository, not this function, decides whether the actor may read it.
    """
    requested = (requested or "").strip()
    return requested or (actor.firm_id or "")


def load_firm(repo: Repository, actor: Actor, firm_id: str) -> pd.Series:
    """Return the row of ``firm_id`` as the actor may read it.

    Raises
    ------
    PermissionDenied
        The actor may not read this firm (audited by the repository).
    NotFound
        No such firm.
    """
    firms = repo.firms(actor)
    match = firms[firms["firm_id"] == firm_id]
    if match.empty:
        repo.streams(actor, firm_id=firm_id)  # raises PermissionDenied (audited) for another firm
        raise NotFound(f"no firm {firm_id!r}")
    return match.iloc[0]


def number_cell(value: object, lang: str = "fr") -> str:
    """Write a stored number back as a cell the importer reads in ``lang`` (``12,5``; empty for NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return ""
    return (
        format_number(float(value), locale="en_CA" if lang == "en" else "fr_CA")
        .replace("\u00a0", " ")
        .replace("\u202f", " ")
    )


def _yes_no(value: object, lang: str) -> str:
    yes, no = ("yes", "no") if lang == "en" else ("oui", "non")
    return yes if bool(value) else no


def profile_cells(firm: Mapping[str, object], lang: str = "fr") -> dict[str, str]:
    """Return a stored firm as the text cells of a firms file (what the profile form starts from).

    Coordinates are given only when the firm declared them; a position taken from the park or the
    municipality is left to be found again, so that saving the form does not turn it into a
    "declared" point.
    """
    declared = firm.get("coord_source") == "declared"
    cells = {c: "" if pd.isna(firm.get(c)) else str(firm.get(c, "")) for c in FIRM_COLUMNS}
    cells["lat"] = number_cell(firm.get("lat"), lang) if declared else ""
    cells["lon"] = number_cell(firm.get("lon"), lang) if declared else ""
    cells["accepts_hazardous"] = _yes_no(firm.get("accepts_hazardous"), lang)
    return cells


def raw_table(
    rows: Sequence[Mapping[str, str]],
    columns: Sequence[str],
    *,
    lang: str = "fr",
    row_numbers: Sequence[int] | None = None,
) -> RawTable:
    """Return rows of text cells (canonical column -> text) as the table a file would give.

    Parameters
    ----------
    rows
        One mapping per row; missing columns are empty.
    columns
        Canonical columns, in order.
    lang
        Language of the headers and of the numbers (``12,5`` in French, ``12.5`` in English).
    row_numbers
        The number the report gives each row (its row on screen); 1, 2, 3… by default.
    """
    headers = [header_label(c, lang) for c in columns]
    frame = pd.DataFrame(
        [[str(row.get(c, "") or "") for c in columns] for row in rows], columns=headers, dtype=object
    )
    numbers = tuple(row_numbers) if row_numbers is not None else tuple(range(1, len(rows) + 1))
    return RawTable(
        frame,
        source_rows=numbers,
        header_map=dict(zip(headers, columns, strict=True)),
        lang="en" if lang == "en" else "fr",
        filename="form",
    )


def validate_profile(
    cells: Mapping[str, str], firm_id: str, *, lang: str = "fr", context: ImportContext | None = None
) -> ImportResult:
    """Validate the profile form exactly as a one-row firms file of ``firm_id`` would be."""
    context = context or default_context()
    row = {**cells, "firm_id": firm_id}
    return validate_firms(
        raw_table([row], list(FIRM_COLUMNS), lang=lang), geocoder=context.geocoder, parks=context.parks
    )


def save_profile(repo: Repository, actor: Actor, result: ImportResult) -> int:
    """Store the valid row of :func:`validate_profile`; return the rows changed (0 or 1).

    Raises
    ------
    PermissionDenied
        The row is another firm's.
    """
    return repo.upsert_firms(actor, result.valid) if len(result.valid) else 0
