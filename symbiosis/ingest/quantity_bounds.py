"""Whether a stream's yearly quantity is one a single site can have: a billion is a typo, not a stream.

The importer reads any number a firm types; ``1e30`` t/an or « 1 000 000 000 000 » m³/an were stored
as they came and reached the allocation, whose integer flow network cannot hold them (the network
was refused and the run fell back to a slower model). No industrial site produces or takes in more
than :data:`MAX_QUANTITY_PER_YR` canonical units a year (a billion tonnes is half the world's
municipal waste; a billion MWh, five times Québec's electricity): such a row is refused, naming what
was read. Above :data:`LARGE_QUANTITY_PER_YR` (ten million, beyond the largest streams of the
sample region by a factor of three) the row is kept with a warning asking to check the digits and
the unit. Water is the exception by three orders of magnitude: a coastal power plant's once-through
cooling takes in and sends back billions of cubic metres of seawater a year (Dunkirk's, in the
corpus, 5 billion), so its bounds are :data:`BOUNDS_BY_UNIT`'s.
"""

from __future__ import annotations

from symbiosis.i18n import Text, TextTable
from symbiosis.ingest.rows import RowContext
from symbiosis.numbers import format_number
from symbiosis.units import Conversion

__all__ = ["BOUNDS_BY_UNIT", "LARGE_QUANTITY_PER_YR", "MAX_QUANTITY_PER_YR", "check_magnitude"]

#: The messages (``ingest.quantity.*`` in the catalogue).
QUANTITY_TEXTS = TextTable("ingest.quantity")
#: Above this many canonical units a year (t/yr, m3/yr, MWh/yr, trip/yr, m2, h/yr) a row is refused.
MAX_QUANTITY_PER_YR = 1e9
#: Above this many, the row is kept with a warning to check the digits and the unit.
LARGE_QUANTITY_PER_YR = 1e7
#: (warn above, refuse above) for the canonical units whose streams outgrow the bounds above: a
#: hundred billion m³ is twenty times the largest once-through cooling flows.
BOUNDS_BY_UNIT: dict[str, tuple[float, float]] = {"m3/yr": (1e10, 1e11)}


def _written(value: float, lang: str) -> str:
    if value >= 1e15:  # beyond any grouping a person reads: the power of ten says it
        return f"{value:.1e}".replace(".", "," if lang == "fr" else ".")
    return format_number(value, locale="en_CA" if lang == "en" else "fr_CA", decimals=0)


def _text(code: str, **values: object) -> Text:
    """The catalogue's ``ingest.quantity.<code>`` with ``values`` written in each language."""
    entry = QUANTITY_TEXTS[code]
    unit = str(values.pop("unit", ""))
    words = QUANTITY_TEXTS.get(f"unit.{unit.replace('/', '_')}", Text(unit, unit))  # t/yr -> t/an
    fr = {k: _written(v, "fr") if isinstance(v, float) else v for k, v in values.items()}
    en = {k: _written(v, "en") if isinstance(v, float) else v for k, v in values.items()}
    fr["unit"], en["unit"] = words.fr, words.en
    check = QUANTITY_TEXTS["check"]
    return Text(entry.fr.format(check=check.fr, **fr), entry.en.format(check=check.en, **en))


def check_magnitude(ctx: RowContext, conversion: Conversion) -> bool:
    """Refuse a yearly quantity no site can have, warn about an unusually large one; False if refused.

    Parameters
    ----------
    ctx
        The row (its ``quantity`` column receives the finding).
    conversion
        The quantity in the canonical unit of its kind, per year.
    """
    value, unit = float(conversion.quantity_per_yr), conversion.quantity_unit
    large, most = BOUNDS_BY_UNIT.get(unit, (LARGE_QUANTITY_PER_YR, MAX_QUANTITY_PER_YR))
    if not value <= most:  # also catches an infinite value
        expected = _text("implausible_expected", limit=most, unit=unit)
        ctx.error("quantity", "implausible", expected, _text("implausible_fix", value=value, unit=unit))
        return False
    if value > large:
        expected = _text("very_large_expected")
        fix = _text("very_large_fix", value=value, unit=unit)
        ctx.error("quantity", "very_large", expected, fix, severity="warning")
    return True
