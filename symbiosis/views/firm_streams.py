"""A firm's streams on screen: the table, the add form's choices, the editable table's rows.

Pure shaping of values (no database, no importer). Every path to the registry (a form, edited table
rows, an uploaded file) is the service :mod:`symbiosis.services.firm_self_service`, which validates
through the importer and writes through the repository with the firm's actor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from symbiosis.i18n import t
from symbiosis.ingest import ImportReport
from symbiosis.ingest.columns import header_label
from symbiosis.kb.classify import RECEIVING_SERVICES, categories_on_side, classify
from symbiosis.labels import unit_label
from symbiosis.units import units
from symbiosis.views.firm import number_cell
from symbiosis.views.kept_rows import ERRORS, place_kept, row_findings, rows_to_fix
from symbiosis.views.registry import months_label

__all__ = [
    "EDITOR_COLUMNS",
    "EDITOR_LABELS",
    "FORM_FIELDS",
    "category_options",
    "changed_rows",
    "choice_words",
    "editor_column_labels",
    "editor_frame",
    "editor_rows",
    "form_column_labels",
    "months_cell",
    "pending_rows",
    "rows_to_fix",
    "stream_cells",
    "stream_label",
    "streams_table",
    "unit_options",
    "unit_word",
    "with_pending",
]

#: Columns of the editable table, as import columns (every other cell of a stream is kept as stored).
EDITOR_COLUMNS: tuple[str, ...] = (
    "stream_id",
    "direction",
    "category_id",
    "description",
    "quantity",
    "unit",
    "months",
    "confidentiality",
)
_NUMBER_CELLS = (
    "density_t_per_m3",
    "moisture_pct",
    "temperature_c",
    "purity_pct",
    "disposal_cost_cad_per_unit",
    "purchase_price_cad_per_unit",
    "min_lot_per_yr",
    "max_distance_km",
    "contaminant_pct",
    "min_purity_pct",
    "max_moisture_pct",
    "min_temperature_c",
    "return_temperature_c",
    "max_contaminant_pct",
    "gate_fee_cad_per_unit",
)
#: Quality and baseline cells kept as stored (canonical words the importer reads back).
_QUALITY_CELLS = ("particle_size", "accepted_particle_sizes", "current_fate", "current_use")
_WORDS = {
    "direction": {"fr": {"supply": "offre", "demand": "demande"}},
    "confidentiality": {"fr": {"public": "public", "members": "membres", "confidential": "confidentiel"}},
}


def choice_words(column: str, lang: str = "fr") -> dict[str, str]:
    """Return canonical value -> word a person writes in ``lang`` (``supply`` -> ``offre``)."""
    canonical = {"direction": ("supply", "demand"), "confidentiality": ("public", "members", "confidential")}[
        column
    ]
    words = _WORDS[column].get(lang, {})
    return {value: words.get(value, value) for value in canonical}


def unit_options(lang: str = "fr") -> list[str]:
    """Return the controlled list of units as written in ``lang`` (``t/an`` / ``t/yr``)."""
    return [u.unit_en if lang == "en" else u.unit_fr for u in units()]


def unit_word(unit: str, lang: str = "fr") -> str:
    """Return a unit of the controlled list as written in ``lang``, whichever language it is given in.

    A form keeps its unit as the French spelling (a stable value across the language switch) and
    shows and validates it in the reader's language: ``unit_word("m³/an", "en")`` is ``m³/yr``.
    """
    for u in units():
        if unit in (u.unit_fr, u.unit_en):
            return u.unit_en if lang == "en" else u.unit_fr
    return unit


def months_cell(mask: int) -> str:
    """Write a months mask as the importer reads it (``6,7,8``; empty for all year)."""
    mask = int(mask)
    if mask & 0xFFF == 0xFFF:
        return ""
    return ",".join(str(m) for m in range(1, 13) if mask >> (m - 1) & 1)


def _date_cell(value: object) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def stream_cells(stream: Mapping[str, object], lang: str = "fr") -> dict[str, str]:
    """Return a stored stream as the text cells of a streams file (the inverse of the importer)."""
    cells = {
        c: str(stream.get(c, "") or "")
        for c in (
            "stream_id",
            "firm_id",
            "direction",
            "category_id",
            "waste_code",
            "description",
            "quality_notes",
            "availability",
            "confidentiality",
        )
    }
    cells["direction"] = choice_words("direction", lang).get(cells["direction"], cells["direction"])
    cells["confidentiality"] = choice_words("confidentiality", lang).get(
        cells["confidentiality"], cells["confidentiality"]
    )
    cells["quantity"] = str(stream.get("quantity_as_typed", "") or "")
    # in the reader's spelling: the English table's unit list holds « t/yr », never « t/an »
    cells["unit"] = unit_word(str(stream.get("unit_as_typed", "") or ""), lang)
    cells.update({c: number_cell(stream.get(c), lang) for c in _NUMBER_CELLS})
    if stream.get("density_source") != "declared":
        cells["density_t_per_m3"] = ""
    cells["hazardous"] = ("yes" if lang == "en" else "oui") if stream.get("hazardous") else ""
    cells.update({c: str(stream.get(c, "") or "") for c in _QUALITY_CELLS})
    refuses = str(stream.get("rejects_hazardous")).strip().lower() in ("true", "1")
    cells["rejects_hazardous"] = ("yes" if lang == "en" else "oui") if refuses else ""
    cells["months"] = months_cell(stream.get("months_mask", 0xFFF))  # type: ignore[arg-type]
    cells["start_date"] = _date_cell(stream.get("start_date"))
    cells["end_date"] = _date_cell(stream.get("end_date"))
    return cells


def category_options(
    description: str,
    categories: pd.DataFrame,
    *,
    lang: str = "fr",
    top: int = 3,
    direction: str | None = None,
    unit: str | None = None,
) -> list[str]:
    """Return category ids for a description: the classifier's ``top`` suggestions, then all others.

    The suggestions fit the stream's ``direction`` and ``unit`` when given (a supply is never offered
    a category nothing receives from; m³ offers water or materials with a density). With a
    ``direction``, the list holds only categories a rule can match on that side (an offer of mulch,
    a category only ever received, would never be proposed), and the receiving services for an offer
    (spare treatment capacity, recorded as the demand it is). With an empty description, every such
    category, in label order.
    """
    label = "label_en" if lang == "en" else "label_fr"
    if direction in ("supply", "demand"):
        side = categories_on_side(direction) | (RECEIVING_SERVICES if direction == "supply" else frozenset())
        if side:
            categories = categories[categories["category_id"].isin(side)]
    ordered = categories.sort_values(label)["category_id"].tolist()
    suggested = (
        [s.category_id for s in classify(description, lang=lang, top=top, direction=direction, unit=unit)]
        if description.strip()
        else []
    )
    return [*suggested, *(c for c in ordered if c not in suggested)]


def streams_table(
    streams: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return a firm's streams as a person reads them (numbers written the way ``lang`` writes them)."""
    category = streams["category_id"]
    if categories is not None:
        labels = categories.set_index("category_id")["label_en" if lang == "en" else "label_fr"]
        category = category.map(labels).fillna(category)
    if "category_source" in streams:  # a category no person chose says so, until one confirms it
        unconfirmed = streams["category_source"].astype(str).isin(("inferred", "corrected")).to_numpy()
        category = pd.Series(
            [
                t("firm.category_to_confirm", lang, label=c) if u else c
                for c, u in zip(category, unconfirmed, strict=True)
            ],
            index=streams.index,
        )
    columns = {
        "firm.col.stream_id": streams["stream_id"],
        "col.direction": streams["direction"].map(lambda d: t(f"direction.{d}", lang)),
        "col.category": category,
        "col.description": streams["description"],
        "firm.col.quantity_typed": streams["quantity_as_typed"] + " " + streams["unit_as_typed"],
        "col.quantity_per_yr": pd.to_numeric(streams["quantity_per_yr"]).round(1),
        "col.unit": streams["quantity_unit"].map(lambda u: unit_label(u, lang)),
        "col.months": streams["months_mask"].map(lambda m: months_label(m, lang)),
        "firm.col.confidentiality": streams["confidentiality"].map(
            lambda c: t(f"firm.confidentiality.{c}", lang)
        ),
    }
    return pd.DataFrame({t(key, lang): list(values) for key, values in columns.items()})


def stream_label(stream: Mapping[str, object]) -> str:
    """Return ``"S00026 — Écorces de résineux"`` for pick lists."""
    description = str(stream.get("description", "") or stream.get("category_id", ""))
    return f"{stream['stream_id']} — {description[:60]}"


def editor_frame(
    streams: pd.DataFrame, lang: str = "fr", *, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Return the editable table: :data:`EDITOR_COLUMNS` as text, one row per stored stream.

    With ``labels`` (``category_id → label``) the category column shows labels, not ids: a
    person picks « Écorces de résineux », never ``wood_bark`` (:func:`editor_rows` maps it back).
    """
    rows = [stream_cells(row, lang) for row in streams.to_dict(orient="records")]
    frame = pd.DataFrame(
        [[r[c] for c in EDITOR_COLUMNS] for r in rows], columns=list(EDITOR_COLUMNS), dtype=object
    )
    if labels is not None:
        frame["category_id"] = frame["category_id"].map(lambda c: labels.get(c, c))
    return frame


def changed_rows(base: pd.DataFrame, edited: pd.DataFrame) -> list[int]:
    """Return the positions of ``edited`` rows that are new or differ from ``base`` (same order)."""
    changed = []
    for i in range(len(edited)):
        new = ["" if pd.isna(v) else str(v) for v in edited.iloc[i][list(EDITOR_COLUMNS)]]
        old = (
            ["" if pd.isna(v) else str(v) for v in base.iloc[i][list(EDITOR_COLUMNS)]]
            if i < len(base)
            else None
        )
        if new != old and any(new):
            changed.append(i)
    return changed


def editor_rows(
    edited: pd.DataFrame,
    streams: pd.DataFrame,
    positions: Sequence[int],
    lang: str = "fr",
    *,
    ids_by_label: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Return the edited rows at ``positions`` as full rows of cells.

    A row whose ``stream_id`` is stored keeps every other stored cell (density, costs, dates…); only
    the columns of the table are replaced. ``ids_by_label`` turns a category label back into its id.
    """
    stored = {row["stream_id"]: row for row in streams.to_dict(orient="records")}
    out = []
    for i in positions:
        values = {c: "" if pd.isna(v) else str(v) for c, v in edited.iloc[i][list(EDITOR_COLUMNS)].items()}
        if ids_by_label is not None:
            values["category_id"] = ids_by_label.get(values["category_id"], values["category_id"])
        base = stream_cells(stored[values["stream_id"]], lang) if values["stream_id"] in stored else {}
        out.append({**base, **values})
    return out


def pending_rows(
    rows: Sequence[Mapping[str, str]],
    row_numbers: Sequence[int],
    report: ImportReport,
    *,
    labels: Mapping[str, str] | None = None,
) -> list[dict[str, object]]:
    """Return the rejected rows of a validation, each with its error findings under ``"errors"``.

    These stay in the editable table after the valid rows are saved, so nothing typed is lost. Their
    category stays an id (``labels`` is accepted for the callers' signature): :func:`with_pending`
    writes it, and the row's other words, in the language the table is drawn in when it is shown —
    a row kept in French and read again after a reload in English reads in English. The findings are
    kept, not their sentences (:mod:`symbiosis.views.kept_rows`): :func:`with_pending` writes each
    message with the line where the row stands once the valid rows are stored.
    """
    del labels
    out: list[dict[str, object]] = []
    for row, findings in zip(rows, row_findings(report, row_numbers), strict=True):
        if findings:
            cells = {c: str(row.get(c, "")) for c in EDITOR_COLUMNS}
            out.append({**cells, ERRORS: findings})
    return out


def _in_language(row: Mapping[str, object], lang: str, labels: Mapping[str, str]) -> dict[str, object]:
    """A kept row's words (direction, confidentiality, unit, category) as ``lang`` writes them."""
    out = dict(row)
    for column in ("direction", "confidentiality"):
        word = str(out.get(column) or "")
        canonical = {
            w.casefold(): v for tongue in ("fr", "en") for v, w in choice_words(column, tongue).items()
        }
        value = canonical.get(word.casefold())
        if value is not None:
            out[column] = choice_words(column, lang)[value]
    out["unit"] = unit_word(str(out.get("unit") or ""), lang)
    category = str(out.get("category_id") or "")
    out["category_id"] = labels.get(category, category)
    return out


def _table_headers(lang: str) -> dict[str, str]:
    """A streams file's header, as the French or the English file writes it -> the table's header."""
    return {
        header_label(column, written): t(key, lang)
        for column, key in EDITOR_LABELS.items()
        for written in ("fr", "en")
    }


def with_pending(
    stored: pd.DataFrame,
    pending: Sequence[Mapping[str, object]],
    lang: str = "fr",
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Return the editable table: stored rows, a pending row replacing its stored stream, new ones last.

    The pending rows' words are written in ``lang`` (``labels``: category id → label in ``lang``,
    as the table's category column shows them). The ``errors`` column holds each pending row's
    messages in ``lang`` (empty for the others), each naming the line of the table where the row
    stands now and the table's header.
    """
    shown = [_in_language(row, lang, labels or {}) for row in pending]
    return place_kept(stored[list(EDITOR_COLUMNS)], shown, "stream_id", lang, headers=_table_headers(lang))


#: The add-stream form's fields: canonical column -> catalogue key of the field's label.
FORM_FIELDS: dict[str, str] = {
    "description": "firm.field.description",
    "direction": "col.direction",
    "unit": "col.unit",
    "category_id": "col.category",
    "quantity": "firm.field.quantity",
    "months": "firm.field.months",
    "disposal_cost_cad_per_unit": "firm.field.cost",
    "purchase_price_cad_per_unit": "firm.field.cost",
    "confidentiality": "firm.col.confidentiality",
    "current_fate": "firm_streams.fate",
    "purity_pct": "firm_streams.purity",
    "moisture_pct": "firm_streams.moisture",
    "temperature_c": "firm_streams.temperature",
    "contaminant_pct": "firm_streams.contaminant",
    "particle_size": "firm_streams.size",
    "current_use": "firm_streams.use",
    "gate_fee_cad_per_unit": "firm_streams.gate_fee",
    "min_purity_pct": "firm_streams.min_purity",
    "max_moisture_pct": "firm_streams.max_moisture",
    "min_temperature_c": "firm_streams.min_temperature",
    "return_temperature_c": "firm_streams.return_temperature",
    "max_contaminant_pct": "firm_streams.max_contaminant",
    "accepted_particle_sizes": "firm_streams.sizes",
    "rejects_hazardous": "firm_streams.rejects_hazardous",
}


def form_column_labels(lang: str = "fr") -> dict[str, str]:
    """File header -> the label of the add-stream form's field, for the report of a form row.

    The report names a file's columns (``cout_elimination_cad_par_unite``); a form has no columns,
    only the labels the firm just read.
    """
    return {header_label(column, lang): t(key, lang) for column, key in FORM_FIELDS.items()}


#: The editable table's columns -> catalogue key of the header the firm reads (the page's column
#: configuration and the report of its rows use the same words).
EDITOR_LABELS: dict[str, str] = {
    "stream_id": "firm.col.stream_id",
    "direction": "col.direction",
    "category_id": "col.category",
    "description": "col.description",
    "quantity": "firm.field.quantity",
    "unit": "col.unit",
    "months": "col.months",
    "confidentiality": "firm.col.confidentiality",
}


def editor_column_labels(lang: str = "fr") -> dict[str, str]:
    """File header -> the editable table's header, for the report of edited rows.

    The rows are checked as a streams file, whose report names the file's columns (« quantite »);
    the table the firm edits says « Quantité ».
    """
    return {header_label(column, lang): t(key, lang) for column, key in EDITOR_LABELS.items()}
