"""The ``check_*`` of a heat demand's own return temperature (``return_temperature_c``).

A use that heats a fluid in a loop (a greenhouse's pipes, a district network, a dryer's hot-water
coils, a fish farm's make-up water) takes that fluid back at its return temperature: a supply colder
than the need still preheats it from there (:func:`symbiosis.engine._candidate_pairs.heat_share`).
The firm's own value replaces its category's ``temperature_return_c``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from symbiosis.i18n import Text, TextTable
from symbiosis.ingest.fields import read_float
from symbiosis.ingest.rows import RowContext
from symbiosis.ingest.stream_checks import temperature_band
from symbiosis.numbers import format_number

__all__ = ["RETURN_RANGE_C", "SENSIBLE_HEAT_FAMILIES", "check_return_temperature"]

#: A loop's return temperature, °C: from a lake's make-up water to a pressurised hot-water network.
RETURN_RANGE_C = (0.0, 150.0)
#: Category families whose uses heat a fluid without changing its phase, so that the share of the duty
#: a colder supply covers is linear in temperature. Steam is left out: most of its duty is the latent
#: heat of boiling, which preheating the feed water does not provide.
SENSIBLE_HEAT_FAMILIES = frozenset({"energy_heat"})
_TEXTS = TextTable("ingest.return_temperature")
_COLUMN = "return_temperature_c"


def check_return_temperature(
    ctx: RowContext,
    direction: str | None,
    category: Mapping[str, Any] | None,
    need_c: float | None,
) -> float | None:
    """The demand's own return temperature, °C, or None (not given, or not applicable).

    Parameters
    ----------
    ctx
        The row.
    direction, category
        The row's direction and category (after the category checks).
    need_c
        The temperature the demand states it needs (``temperature_c``, else ``min_temperature_c``);
        None falls back on its category band's low end, the need the engine assumes.

    A number outside :data:`RETURN_RANGE_C` or not below the need is an error (the row is refused, the
    file's other rows are kept). On a supply, or on a demand that is no sensible-heat use (steam,
    materials, water), the value is ignored with a warning.
    """
    low, high = RETURN_RANGE_C
    value = ctx.take(_COLUMN, read_float, locale=ctx.locale, minimum=low, maximum=high, strip="°c|°|c")
    if value is None:
        return None
    if direction != "demand" or str((category or {}).get("family", "")) not in SENSIBLE_HEAT_FAMILIES:
        ctx.error(
            _COLUMN,
            "heat_demand_only",
            _TEXTS["heat_demand_only_expected"],
            _TEXTS["heat_demand_only_fix"],
            found=ctx.text(_COLUMN),
            severity="warning",
        )
        return None
    need = need_c if need_c is not None else temperature_band(dict(category or {}))[0]
    if need is not None and value >= need:
        fr, en = (format_number(need, locale=loc) for loc in ("fr_CA", "en_CA"))
        expected = _TEXTS["below_need_expected"]
        ctx.error(
            _COLUMN,
            "not_below_need",
            Text(expected.fr.format(need=fr), expected.en.format(need=en)),
            _TEXTS["below_need_fix"],
            found=ctx.text(_COLUMN),
        )
        return None
    return value
