"""Validation of the streams file: rows following ``schemas.STREAMS``, any error rejects the row."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from functools import partial
from typing import Any

import pandas as pd

from symbiosis.i18n import Text, TextTable
from symbiosis.ingest.category_inference import CategoryChoice, infer_missing_categories, suggest_for_unit
from symbiosis.ingest.fields import (
    CONFIDENTIALITY_WORDS,
    DIRECTION_WORDS,
    read_choice,
    read_float,
    read_id,
    read_text,
)
from symbiosis.ingest.firms import missing_columns
from symbiosis.ingest.heat_return import check_return_temperature
from symbiosis.ingest.reader import RawTable
from symbiosis.ingest.rows import ImportResult, RowContext, generated_id, run_rows
from symbiosis.ingest.stream_checks import (
    CategoryIndex,
    check_baseline,
    check_category,
    check_density,
    check_hazardous,
    check_quality,
    check_quantity,
    check_time,
    check_waste_code,
    corrected_for_side,
    corrected_for_unit,
    receiving_service_offered,
    temperature_band,
    waste_code_table,
)
from symbiosis.kb.classify import RECEIVING_SERVICES, categories_on_side
from symbiosis.schemas import STREAMS
from symbiosis.units.table import read_unit

logger = logging.getLogger(__name__)

__all__ = ["REQUIRED_STREAM_COLUMNS", "check_firm_reference", "validate_streams"]

#: ``category_id`` may be left out: each category is then inferred from the description (and flagged).
REQUIRED_STREAM_COLUMNS = ("firm_id", "direction", "quantity", "unit")
_ID_FIELDS = (
    "firm_id",
    "direction",
    "category_id",
    "description",
    "quantity",
    "unit",
    "months",
    "start_date",
)


def check_firm_reference(ctx: RowContext, known_firm_ids: Collection[str] | None) -> str:
    """The stream's firm: required, and one of ``known_firm_ids`` unless that is ``None``."""
    firm_id = ctx.take("firm_id", read_id)
    expected = Text("l'identifiant d'une entreprise connue", "the id of a known firm")
    if not firm_id:
        ctx.error(
            "firm_id",
            "missing",
            expected,
            Text("Indiquez l'identifiant de l'entreprise (id_entreprise).", "Give the firm's id (firm_id)."),
        )
    elif known_firm_ids is not None and firm_id not in known_firm_ids:
        ctx.error(
            "firm_id",
            "unknown",
            expected,
            Text(
                "Aucune entreprise n'a cet identifiant : ajoutez-la d'abord au fichier des entreprises.",
                "No firm has this id: add it to the firms file first.",
            ),
        )
    return firm_id


_STREAM_ID_TEXTS = TextTable("ingest.stream_id")


def check_stream_owner(ctx: RowContext, stream_id: str, taken_stream_ids: Collection[str]) -> None:
    """Refuse the row when its ``stream_id`` already belongs to a stream of another firm.

    Only this row is rejected: the rest of the file is stored, where the repository would refuse the
    whole file for one foreign id.
    """
    if stream_id in taken_stream_ids:
        texts = _STREAM_ID_TEXTS
        ctx.error("stream_id", "taken", texts["taken_expected"], texts["taken_fix"], found=stream_id)


def _numbers(ctx: RowContext) -> dict[str, float | None]:
    loc = ctx.locale
    return {
        "moisture_pct": ctx.take("moisture_pct", read_float, locale=loc, maximum=100.0, strip="%"),
        "temperature_c": ctx.take(
            "temperature_c", read_float, locale=loc, minimum=-60.0, maximum=2000.0, strip="°c|°|c"
        ),
        "purity_pct": ctx.take("purity_pct", read_float, locale=loc, maximum=100.0, strip="%"),
        "min_lot_per_yr": ctx.take("min_lot_per_yr", read_float, locale=loc),
        "max_distance_km": ctx.take("max_distance_km", read_float, locale=loc, strip="km"),
    }


def _fits_unit(ctx: RowContext, category: Mapping[str, Any] | None, density: float | None) -> bool:
    """Whether the typed unit can measure the category's kind (an unknown unit is the converter's to
    report)."""
    if category is None or not ctx.text("unit"):
        return True
    match = read_unit(ctx.text("unit"))
    if match is None:
        return True
    energy_by_mass = match.unit.dimension == "mass_rate" and (category.get("energy_mwh_per_t") or 0) > 0
    energy_by_volume = match.unit.is_volume and (category.get("energy_mwh_per_m3") or 0) > 0
    if str(category["kind"]) not in match.unit.kinds and not (energy_by_mass or energy_by_volume):
        return False
    volume = match.unit.dimension.startswith("volume") and str(category["kind"]) == "material"
    default = category.get("default_density_t_per_m3")
    return not volume or density is not None or (isinstance(default, float) and default > 0)


def _choose_category(
    ctx: RowContext, index: CategoryIndex, inferred: Mapping[int, Any], density: float | None
) -> CategoryChoice:
    choice = check_category(ctx, index, inferred.get(ctx.row, ()))
    if choice.category is None:
        return choice
    if not _fits_unit(ctx, choice.category, density):
        fix = corrected_for_unit(ctx, index, choice.category, suggest_for_unit(ctx.cells, lang=ctx.raw.lang))
        return fix or choice  # no confident fix: the converter reports the unit error with its hint
    if choice.source == "inferred":
        return _fitting_temperature(ctx, index, choice, density)
    return choice


def _on_its_side(
    ctx: RowContext, index: CategoryIndex, choice: CategoryChoice, direction: str | None
) -> tuple[CategoryChoice, str | None]:
    """A category the firm gave on the side where no rule ever matches it (mulch *offered*, scrap
    steel *wanted as* a residue nobody offers) is replaced by the best category of the row's side,
    or kept with a warning; an offered receiving service (spare treatment capacity) becomes a demand.

    The classifier's own choices are always on the row's side.
    """
    category = choice.category
    if category is None or direction not in ("supply", "demand"):
        return choice, direction
    side = categories_on_side(direction)
    if not side or category["category_id"] in side:
        return choice, direction
    if direction == "supply" and category["category_id"] in RECEIVING_SERVICES:
        receiving_service_offered(ctx, category)
        return choice, "demand"
    fix = corrected_for_side(ctx, index, category, direction, suggest_for_unit(ctx.cells, lang=ctx.raw.lang))
    return fix or choice, direction


def _fitting_temperature(
    ctx: RowContext, index: CategoryIndex, choice: CategoryChoice, density: float | None
) -> CategoryChoice:
    """An inferred category whose band excludes the row's own temperature gives way to the best
    runner-up that fits it (and the unit): the guess is ours, the temperature is the firm's.

    A category the firm typed is never replaced: its band error is reported by the quality check.
    """
    temperature, problems = read_float(
        ctx.text("temperature_c"), locale=ctx.locale, minimum=-60.0, maximum=2000.0, strip="°c|°|c"
    )
    if temperature is None or problems or _within_band(choice.category, temperature):
        return choice
    ranked = (choice.category["category_id"], *choice.alternatives)
    for k, cid in enumerate(ranked[1:], start=1):
        category = index.by_id.get(cid)
        if (
            category is not None
            and _within_band(category, temperature)
            and _fits_unit(ctx, category, density)
        ):
            rest = tuple(c for c in ranked if c != cid)
            logger.debug(
                "row %s: inferred %s → runner-up %d %s fits %g °C", ctx.row, ranked[0], k, cid, temperature
            )
            return CategoryChoice(category, "inferred", choice.score, rest)
    return choice


def _within_band(category: Mapping[str, Any] | None, temperature: float) -> bool:
    low, high = temperature_band(dict(category or {}))
    return (low is None or temperature >= low) and (high is None or temperature <= high)


def _stream_row(
    ctx: RowContext,
    *,
    index: CategoryIndex,
    waste: Mapping[str, bool],
    known_firm_ids: Collection[str] | None,
    inferred: Mapping[int, Any],
    taken_stream_ids: Collection[str] = frozenset(),
) -> dict[str, Any]:
    firm_id = check_firm_reference(ctx, known_firm_ids)
    direction = ctx.take("direction", read_choice, words=DIRECTION_WORDS, default=None, field="direction")
    density = check_density(ctx)
    choice = _choose_category(ctx, index, inferred, density)
    choice, direction = _on_its_side(ctx, index, choice, direction)
    category = choice.category
    waste_code, code_hazardous = check_waste_code(ctx, waste, category)
    availability, months_mask, start, end = check_time(ctx)
    conversion = check_quantity(
        ctx, category, density, availability=availability, months_mask=months_mask, start=start, end=end
    )
    stream_id = ctx.take("stream_id", read_id) or generated_id("S", ctx.cells, _ID_FIELDS)
    check_stream_owner(ctx, stream_id, taken_stream_ids)
    numbers = _numbers(ctx)
    quality = check_quality(ctx, direction, category, numbers)
    need = numbers["temperature_c"] if numbers["temperature_c"] is not None else quality["min_temperature_c"]
    heat_return = check_return_temperature(ctx, direction, category, need)
    baseline = check_baseline(ctx, direction, category)
    return {
        "stream_id": stream_id,
        "firm_id": firm_id,
        "direction": direction,
        "kind": (category or {}).get("kind", ""),
        "category_id": (category or {}).get("category_id", ""),
        "category_source": choice.source if category else "",
        "category_score": choice.score,
        "category_alternatives": "|".join(choice.alternatives),
        "waste_code": waste_code,
        "description": ctx.take("description", read_text),
        "quantity_as_typed": ctx.text("quantity"),
        "unit_as_typed": ctx.text("unit"),
        "quantity_per_yr": conversion.quantity_per_yr if conversion else None,
        "quantity_unit": conversion.quantity_unit if conversion else "",
        "mass_t_per_yr": conversion.mass_t_per_yr if conversion else None,
        "density_t_per_m3": conversion.density_t_per_m3 if conversion else density,
        "density_source": conversion.density_source if conversion else "",
        "hazardous": check_hazardous(ctx, code_hazardous, category),
        **numbers,
        **quality,
        "return_temperature_c": heat_return,
        "quality_notes": ctx.take("quality_notes", read_text),
        "availability": availability,
        "months_mask": months_mask,
        "start_date": start,
        "end_date": end,
        **baseline,
        "confidentiality": ctx.take(
            "confidentiality",
            read_choice,
            words=CONFIDENTIALITY_WORDS,
            default="confidential",
            field="confidentiality",
        ),
    }


def validate_streams(
    raw: RawTable,
    *,
    categories: pd.DataFrame,
    waste_codes: Mapping[str, bool] | Collection[str] | pd.DataFrame = (),
    known_firm_ids: Collection[str] | None = None,
    taken_stream_ids: Collection[str] = frozenset(),
) -> ImportResult:
    """Validate a streams file read by :func:`~symbiosis.ingest.reader.read_table`.

    Parameters
    ----------
    raw
        The text table.
    categories
        Resource categories (``symbiosis.kb.load_categories()``).
    waste_codes
        Valid EU List of Waste codes: ``{code: hazardous}``, a frame (``code``, ``is_hazardous``) or
        codes with a trailing ``*`` for hazardous ones. Empty: any well-formed code is accepted.
    known_firm_ids
        Firms a stream may belong to (registry plus this batch); ``None`` skips the check.
    taken_stream_ids
        Stream ids stored under firms the importer may not write: a row naming one is rejected.

    Returns
    -------
    ImportResult
        ``valid`` follows ``schemas.STREAMS``; ``rejected`` holds the original text of rejected rows.
    """
    inferred = infer_missing_categories(raw, lang=raw.lang) if not raw.has_file_error else {}
    row = partial(
        _stream_row,
        index=CategoryIndex(categories),
        waste=waste_code_table(waste_codes),
        known_firm_ids=None if known_firm_ids is None else frozenset(known_firm_ids),
        inferred=inferred,
        taken_stream_ids=frozenset(taken_stream_ids),
    )
    return run_rows(
        raw, STREAMS, row, id_column="stream_id", file_issues=missing_columns(raw, REQUIRED_STREAM_COLUMNS)
    )
