"""The levers' tables as editable text cells: stored rows written back as a file's cells, edited rows read.

Pure shaping of values (no database): a firm edits its purchases, capacities, treatment needs and
pickups as the text a file would hold (``lun-ven``, ``matin``, ``07:30-16:30``, ``12,5``, category
labels in its language), and the service :mod:`symbiosis.services.mutual_inputs` validates the edited
rows with the importer of :mod:`symbiosis.mutual.ingest`: a form, an edited table and a file are
checked and reported alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from symbiosis.i18n import catalogue_keys, t
from symbiosis.ingest import ImportReport
from symbiosis.mutual import reference as ref
from symbiosis.mutual.ingest import HEADERS
from symbiosis.units.words import unit_label
from symbiosis.views.firm import number_cell
from symbiosis.views.firm_streams import months_cell
from symbiosis.views.kept_rows import ERRORS, place_kept, row_findings

__all__ = [
    "CHOICE_COLUMNS",
    "EDITOR_COLUMNS",
    "choice_labels",
    "column_label",
    "editor_frame",
    "editor_rows",
    "period_words",
    "refused_rows",
    "with_refused",
]

#: Columns a firm edits, per table, as import columns (``firm_id`` is always the signed-in firm's).
EDITOR_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(c for c in HEADERS[table] if c != "firm_id")
    for table in ("purchases", "capacity_offers", "capacity_needs", "treatment_needs", "pickups")
}
#: Columns whose cell is a label of a bundled list (column -> the list's id column).
CHOICE_COLUMNS: dict[str, str] = {
    "category_id": "category_id",
    "asset_type": "asset_type",
    "treatment_type": "treatment_type",
    "residue_id": "residue_id",
}
_NUMBERS = (
    "quantity_per_yr",
    "price_cad_per_unit",
    "max_distance_km",
    "hours_per_week",
    "cost_cad_per_h",
    "fixed_cost_cad_per_yr",
    "host_hours_per_yr",
    "alternative_cost_cad_per_h",
    "current_cost_cad_per_unit",
    "current_cost_cad_per_pickup",
)
_DAY_WORDS = {
    "fr": ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"),
    "en": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
}
_PERIODS = {
    "fr": {1: "matin", 2: "après-midi", 3: "journée"},
    "en": {1: "morning", 2: "afternoon", 3: "all day"},
}
_FREQUENCIES = {
    "fr": {1: "hebdomadaire", 2: "aux 2 semaines", 4: "aux 4 semaines"},
    "en": {1: "weekly", 2: "every 2 weeks", 4: "every 4 weeks"},
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "fr"


def column_label(column: str, lang: str) -> str:
    """The header a person reads for an editor column (the column itself when it has none)."""
    key = f"mutual.input.{column}"
    return t(key, lang) if key in catalogue_keys() else column


def _list(column: str) -> pd.DataFrame:
    return {
        "category_id": ref.load_purchase_categories,
        "asset_type": ref.load_asset_types,
        "treatment_type": ref.load_treatment_types,
        "residue_id": ref.load_residues,
    }[column]()


def choice_labels(column: str, lang: str) -> dict[str, str]:
    """Id -> label in ``lang`` of a choice column's bundled list (the importer reads labels back)."""
    table = _list(column).drop_duplicates(CHOICE_COLUMNS[column])
    labels = table["label_en" if _lang(lang) == "en" else "label_fr"].astype(str)
    return dict(zip(table[CHOICE_COLUMNS[column]].astype(str), labels, strict=True))


def period_words(column: str, lang: str) -> list[str]:
    """The words a ``periods`` or ``frequency`` cell may hold, in ``lang`` (the editor's choices)."""
    words = _PERIODS if column == "periods" else _FREQUENCIES
    return list(words[_lang(lang)].values())


def _days_cell(mask: object, lang: str) -> str:
    bits = int(mask) if not _missing(mask) else 0
    return ",".join(w for d, w in enumerate(_DAY_WORDS[_lang(lang)]) if bits >> d & 1)


def _window_cell(start: object, end: object) -> str:
    if _missing(start) or _missing(end):
        return ""
    return "-".join(f"{int(m) // 60:02d}:{int(m) % 60:02d}" for m in (start, end))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))


def _row_cells(row: Mapping[str, object], table: str, lang: str) -> dict[str, str]:
    cells: dict[str, str] = {}
    for column in EDITOR_COLUMNS[table]:
        if column in CHOICE_COLUMNS:
            value = str(row.get(column, "") or "")
            cells[column] = choice_labels(column, lang).get(value, value)
        elif column in _NUMBERS:
            cells[column] = number_cell(row.get(column), lang)
        elif column == "months":
            cells[column] = months_cell(int(row.get("months_mask", 4095)))
        elif column == "days":
            cells[column] = _days_cell(row.get("days_mask"), lang)
        elif column == "periods":
            cells[column] = _PERIODS[_lang(lang)].get(int(row.get("periods_mask", 3)), "")
        elif column == "frequency":
            cells[column] = _FREQUENCIES[_lang(lang)].get(int(row.get("period_weeks", 1)), "")
        elif column == "window":
            cells[column] = _window_cell(row.get("window_start_min"), row.get("window_end_min"))
        elif column == "quantity":  # pickups are stored in tonnes a year
            cells[column] = number_cell(row.get("quantity_t_per_yr"), lang)
        elif column == "unit" and table == "pickups":
            cells[column] = "t/yr" if _lang(lang) == "en" else "t/an"
        elif column == "unit":  # a purchase's « boîte » is a « box » in an English table
            cells[column] = unit_label(row.get(column, ""), lang)
        else:
            value = row.get(column, "")
            cells[column] = "" if _missing(value) else str(value)
    return cells


def editor_frame(stored: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    """A firm's stored rows of ``table`` as the text cells of its file (columns :data:`EDITOR_COLUMNS`)."""
    rows = [_row_cells(r, table, lang) for r in stored.to_dict(orient="records")]
    return pd.DataFrame(rows, columns=list(EDITOR_COLUMNS[table]), dtype=object).fillna("")


def editor_rows(edited: pd.DataFrame, table: str) -> tuple[list[dict[str, str]], list[int]]:
    """The edited rows as text cells, rows left wholly empty dropped, and their numbers (1, 2…)."""
    rows, numbers = [], []
    for position, record in enumerate(edited.to_dict(orient="records"), start=1):
        cells = {
            c: "" if _missing(record.get(c)) else str(record.get(c)).strip() for c in EDITOR_COLUMNS[table]
        }
        if any(cells.values()):
            rows.append(cells)
            numbers.append(position)
    return rows, numbers


def refused_rows(
    rows: Sequence[Mapping[str, str]], numbers: Sequence[int], report: ImportReport
) -> list[dict[str, object]]:
    """The checked rows the report refuses, as typed, each with its error findings under ``"errors"``.

    The findings are kept, not their sentences (:mod:`symbiosis.views.kept_rows`): :func:`with_refused`
    writes each message with the line where the row stands once the valid rows are stored.
    """
    return [
        {**row, ERRORS: findings}
        for row, findings in zip(rows, row_findings(report, numbers), strict=True)
        if findings
    ]


def _table_headers(table: str, lang: str) -> dict[str, str]:
    """A finding's column (the import column, or its header in either language) -> the header in ``lang``."""
    headers = {}
    for column in EDITOR_COLUMNS[table]:
        for written in (column, column_label(column, "fr"), column_label(column, "en")):
            headers[written] = column_label(column, lang)
    return headers


def with_refused(
    shown: pd.DataFrame, refused: Sequence[Mapping[str, object]], table: str, lang: str = "fr"
) -> pd.DataFrame:
    """The editable table after a save: stored rows, a refused row in place of its stored one, new ones last.

    What the firm typed stays on screen until it is fixed (its stored version, if any, is unchanged).
    The ``errors`` column holds each refused row's messages in ``lang`` (empty for the other rows),
    naming the line where the row stands now and the table's header.
    """
    columns = list(EDITOR_COLUMNS[table])
    return place_kept(shown[columns], refused, columns[0], lang, headers=_table_headers(table, lang))
