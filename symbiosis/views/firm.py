"""What a firm user's screens show: which firm a page is about, the profile's cells, form rows as a table.

Pure shaping of values (no database, no importer): reading and writing the firm, and validating a
form through the importer, are the service :mod:`symbiosis.services.firm_self_service`, which turns
a form's values into a one-row :class:`~symbiosis.ingest.RawTable` with :func:`raw_table`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from symbiosis.i18n import t
from symbiosis.ingest import RawTable
from symbiosis.ingest.columns import FIRM_COLUMNS, header_label
from symbiosis.numbers import format_number

__all__ = [
    "PROFILE_FIELDS",
    "firm_id_in_view",
    "number_cell",
    "place_choice_label",
    "place_option_label",
    "profile_cells",
    "profile_column_labels",
    "raw_table",
]

#: The firm columns the profile form edits, in form order (``firm_id`` is never editable).
PROFILE_FIELDS: tuple[str, ...] = tuple(c for c in FIRM_COLUMNS if c != "firm_id")


def firm_id_in_view(own_firm_id: str | None, requested: str | None) -> str:
    """Return the firm a page shows: the one asked for (query parameter), else the user's own.

    The repository, not this function, decides whether the user may read it.
    """
    requested = (requested or "").strip()
    return requested or (own_firm_id or "")


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


def _place_parts(choice: Mapping[str, object], lang: str) -> tuple[str, str, str]:
    """A place choice's name, `` (municipality)`` when it differs, and its distance written in ``lang``
    (empty when the distance is unknown)."""
    km = pd.to_numeric(pd.Series([choice.get("distance_km")]), errors="coerce").iloc[0]
    locale = "en_CA" if lang == "en" else "fr_CA"
    distance = "" if pd.isna(km) else format_number(float(km), locale=locale, decimals=0)
    name, municipality = str(choice["name"]), str(choice.get("municipality") or "")
    where = f" ({municipality})" if municipality and municipality != name else ""  # Chicoutimi (Saguenay)
    return name, where, distance


def place_choice_label(choice: Mapping[str, object], lang: str = "fr") -> str:
    """One known place offered for a place not found: its name, municipality, why, and how far.

    ``choice`` is a row of :func:`symbiosis.places.choices.place_choices`.
    """
    name, where, distance = _place_parts(choice, lang)
    key = str(choice.get("reason")) if distance else "spelling_anywhere"
    return t(f"firm_place.choice.{key}", lang, name=name, where=where, km=distance)


def place_option_label(choice: Mapping[str, object], lang: str = "fr") -> str:
    """A known place as an advisor picks it for a firm: name, municipality, distance from the firm."""
    name, where, distance = _place_parts(choice, lang)
    return t("places.option", lang, name=name, where=where, km=distance) if distance else f"{name}{where}"


def profile_column_labels(lang: str = "fr") -> dict[str, str]:
    """File header -> the label of the profile form's field (``code_scian`` -> « Code SCIAN »).

    The profile is checked as a one-row firms file, whose report names the file's columns; the form
    shows labels, so the report names the field the firm has to correct.
    """
    return {header_label(column, lang): t(f"firm.field.{column}", lang) for column in PROFILE_FIELDS}


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
