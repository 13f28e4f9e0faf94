"""Categories a stream row does not give: inferred from its description, waste code, direction and unit.

A busy firm leaves the category empty (or the whole column out): the classifier
(:func:`symbiosis.kb.classify.classify_many`) reads the description with what the row says besides it
(direction, unit, temperature, waste code, whether it gives a density), in one batch for the file. The
row keeps the best category, records it as ``inferred`` with its score and the runners-up, and the
report asks the advisor to confirm. A category typed by the firm that cannot measure the row's unit
(heat in m³, a material in MWh) is replaced by the best category that fits the unit, recorded as
``corrected``, when the classifier is confident enough; otherwise the row is refused with the
suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from symbiosis.ingest.fields import DIRECTION_WORDS, read_choice
from symbiosis.ingest.reader import RawTable
from symbiosis.kb.classify import Declaration, Suggestion, classify_many
from symbiosis.numbers import parse_number

__all__ = ["CORRECTION_MIN_SCORE", "CategoryChoice", "infer_missing_categories", "suggest_for_unit"]

#: Least classifier score for a typed category to be replaced by one that fits the unit.
CORRECTION_MIN_SCORE = 0.25
#: Runner-up categories kept with an inferred one.
ALTERNATIVES = 4


@dataclass(frozen=True)
class CategoryChoice:
    """The category a row ends with and how it was set.

    Parameters
    ----------
    category
        The category's row (``categories.csv`` record), or ``None`` when none could be set.
    source
        ``"given"``, ``"inferred"`` or ``"corrected"``.
    score
        Classifier score of an inferred or corrected category; NaN when given.
    alternatives
        Runner-up category ids.
    """

    category: dict[str, Any] | None
    source: str = "given"
    score: float = float("nan")
    alternatives: tuple[str, ...] = ()


def _cells(raw: RawTable, column: str) -> list[str]:
    header = next((h for h, c in raw.header_map.items() if c == column), None)
    if header is None:
        return [""] * len(raw.frame)
    return [str(v).strip() for v in raw.frame[header].tolist()]


def _number(text: str) -> float | None:
    if not text:
        return None
    parsed = parse_number(text.replace("°C", "").replace("°", "").strip(), allow_negative=True)
    return parsed.value if parsed.ok else None


def _declaration(cells: Mapping[str, str]) -> Declaration:
    direction, _ = read_choice(cells.get("direction", ""), DIRECTION_WORDS, default="", field="direction")
    temperature = _number(cells.get("temperature_c", ""))
    if temperature is None and direction == "demand":
        # A demand states the temperature it needs as its minimum: its heat band is chosen by it.
        temperature = _number(cells.get("min_temperature_c", ""))
    return Declaration(
        direction=direction or None,
        unit=cells.get("unit") or None,
        temperature_c=temperature,
        waste_code=cells.get("waste_code") or None,
        density_declared=bool(cells.get("density_t_per_m3", "").strip()),
    )


def infer_missing_categories(raw: RawTable, *, lang: str | None = None) -> dict[int, list[Suggestion]]:
    """Suggestions, by row number as the user sees it, for every row whose category cell is empty.

    One :func:`~symbiosis.kb.classify.classify_many` call for the whole file. A row with neither a
    description nor a waste code gets no suggestion.
    """
    columns = (
        "category_id",
        "description",
        "direction",
        "unit",
        "temperature_c",
        "min_temperature_c",
        "waste_code",
        "density_t_per_m3",
    )
    table = {c: _cells(raw, c) for c in columns}
    rows = [
        i
        for i, category in enumerate(table["category_id"])
        if not category and (table["description"][i] or table["waste_code"][i])
    ]
    if not rows:
        return {}
    declarations = [_declaration({c: table[c][i] for c in columns}) for i in rows]
    texts = [table["description"][i] for i in rows]
    results = classify_many(texts, lang=lang, top=1 + ALTERNATIVES, declarations=declarations)
    return {raw.source_rows[i]: r for i, r in zip(rows, results, strict=True) if r}


def suggest_for_unit(cells: Mapping[str, str], *, lang: str | None = None) -> list[Suggestion]:
    """Categories that fit the row's unit (and direction), best first, from its description."""
    text = cells.get("description", "") or ""
    if not text.strip() and not cells.get("waste_code"):
        return []
    return classify_many([text], lang=lang, top=1 + ALTERNATIVES, declarations=[_declaration(cells)])[0]
