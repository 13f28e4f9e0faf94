"""Whether a stream's yearly quantity is one a single site can have: a billion is a typo, not a stream.

The importer reads any number a firm types; ``1e30`` t/an or « 1 000 000 000 000 » m³/an were stored
as they came and reached the allocation, whose integer flow network cannot hold them (the network
was refused and the run fell back to a slower model). No industrial site produces or takes in more
than :data:`MAX_QUANTITY_PER_YR` canonical units a year (a billion tonnes is half the world's
municipal waste; a billion MWh, five times Québec's electricity): such a row is refused, naming what
was read. Above :data:`LARGE_QUANTITY_PER_YR` (ten million, beyond the largest streams of the
sample region by a factor of three) the row is kept with a warning asking to check the digits and
the unit.
"""

from __future__ import annotations

from symbiosis.i18n import Text
from symbiosis.ingest.rows import RowContext
from symbiosis.numbers import format_number
from symbiosis.units import Conversion

__all__ = ["LARGE_QUANTITY_PER_YR", "MAX_QUANTITY_PER_YR", "check_magnitude"]

#: Above this many canonical units a year (t/yr, m3/yr, MWh/yr, trip/yr, m2, h/yr) a row is refused.
MAX_QUANTITY_PER_YR = 1e9
#: Above this many, the row is kept with a warning to check the digits and the unit.
LARGE_QUANTITY_PER_YR = 1e7


def _written(value: float, lang: str) -> str:
    if value >= 1e15:  # beyond any grouping a person reads: the power of ten says it
        return f"{value:.1e}".replace(".", "," if lang == "fr" else ".")
    return format_number(value, locale="en_CA" if lang == "en" else "fr_CA", decimals=0)


def check_magnitude(ctx: RowContext, conversion: Conversion) -> bool:
    """Refuse a yearly quantity no site can have, warn about an unusually large one; False if refused.

    Parameters
    ----------
    ctx
        The row (its ``quantity`` column receives the finding).
    conversion
        The quantity in the canonical unit of its kind, per year.
    """
    value = float(conversion.quantity_per_yr)
    unit = conversion.quantity_unit
    fr, en = _written(value, "fr"), _written(value, "en")
    check = Text(
        "Vérifiez le nombre de chiffres et l'unité (des kg/an écrits en t/an ? une quantité totale "
        "plutôt qu'annuelle ?).",
        "Check the number of digits and the unit (kg/yr written as t/yr? a total rather than a yearly "
        "quantity?).",
    )
    if not value <= MAX_QUANTITY_PER_YR:  # also catches an infinite value
        limit_fr, limit_en = _written(MAX_QUANTITY_PER_YR, "fr"), _written(MAX_QUANTITY_PER_YR, "en")
        ctx.error(
            "quantity",
            "implausible",
            Text(
                f"au plus {limit_fr} {unit} par site et par an",
                f"at most {limit_en} {unit} per site and year",
            ),
            Text(
                f"Lu : {fr} {unit}, plus qu'aucun site ne peut en avoir. {check.fr}",
                f"Read: {en} {unit}, more than any site can have. {check.en}",
            ),
        )
        return False
    if value > LARGE_QUANTITY_PER_YR:
        ctx.error(
            "quantity",
            "very_large",
            Text("une quantité annuelle d'un seul site", "one site's yearly quantity"),
            Text(
                f"Lu : {fr} {unit}, bien plus que les plus gros flux de la région ; gardé. {check.fr}",
                f"Read: {en} {unit}, far more than the region's largest streams; kept. {check.en}",
            ),
            severity="warning",
        )
    return True
