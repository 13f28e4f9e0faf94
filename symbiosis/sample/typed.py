"""Writing canonical values the way firms type them: units from the controlled list, French numbers.

The typed units are a common subset of :mod:`symbiosis.units`' controlled list; ``PER_CANONICAL``
converts one canonical unit per year (t/yr, m3/yr, MWh/yr, trip/yr, m2, h/yr) into the typed unit
(volumes of materials also divide by the density written next to them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "ANNUAL_UNITS",
    "ENGLISH_UNIT",
    "PER_CANONICAL",
    "VOLUME_UNITS",
    "format_numbers",
    "month_text",
    "pick_units",
    "round_significant",
]

_DAYS_PER_YR = 365.25
#: Typed unit (French) -> value in that unit of one canonical unit per year.
PER_CANONICAL: dict[str, float] = {
    "t/an": 1.0,
    "t/mois": 1 / 12,
    "t/semaine": 7 / _DAYS_PER_YR,
    "kg/jour": 1000 / _DAYS_PER_YR,
    "kg/mois": 1000 / 12,
    "t": 1.0,
    "m³/jour": 1 / _DAYS_PER_YR,
    "m³/an": 1.0,
    "L/jour": 1000 / _DAYS_PER_YR,
    "MWh/an": 1.0,
    "GJ/an": 3.6,
    "kW": 1000 / (_DAYS_PER_YR * 24),
    "voyages/an": 1.0,
    "m²": 1.0,
    "h/an": 1.0,
}
#: French unit -> the English form some firms type.
ENGLISH_UNIT: dict[str, str] = {
    "t/an": "t/yr",
    "t/mois": "t/month",
    "t/semaine": "t/week",
    "kg/jour": "kg/day",
    "kg/mois": "kg/month",
    "t": "t",
    "m³/jour": "m³/day",
    "m³/an": "m³/yr",
    "L/jour": "L/day",
    "MWh/an": "MWh/yr",
    "GJ/an": "GJ/yr",
    "kW": "kW",
    "voyages/an": "trips/yr",
    "m²": "m²",
    "h/an": "h/yr",
}
VOLUME_UNITS: frozenset[str] = frozenset({"m³/jour", "m³/an", "L/jour"})
#: Units safe for a seasonal stream (a yearly total, not a rate that would be read as all-year).
ANNUAL_UNITS: frozenset[str] = frozenset({"t/an", "m³/an", "MWh/an", "GJ/an", "voyages/an", "m²", "h/an"})
_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def round_significant(values: np.ndarray, digits: int | np.ndarray = 2) -> np.ndarray:
    """Round to ``digits`` significant digits, as a person typing an estimate would (sign kept)."""
    values = np.asarray(values, dtype=float)
    size = np.abs(values)
    safe = np.where(size > 0, size, 1.0)
    scale = 10.0 ** (np.floor(np.log10(safe)) - (np.asarray(digits) - 1))
    rounded = np.sign(values) * np.round(size / scale) * scale
    return np.where(size > 0, rounded, np.where(np.isnan(values), np.nan, 0.0))


def _format_one(value: float, *, french: bool, group: bool) -> str:
    if value == 0:
        return "0"
    decimals = 0 if value >= 100 else (1 if value >= 10 else (2 if value >= 0.1 else 3))
    text = f"{value:,.{decimals}f}" if (group and french) else f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if french:
        text = text.replace(",", " ").replace(".", ",")
    return text


def format_numbers(values: np.ndarray, french: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Write numbers as typed: French rows use ``12,5`` and often ``1 200``; English rows ``1200.5``.

    NaN gives an empty string.
    """
    group = rng.random(len(values)) < 0.7
    return [
        "" if not np.isfinite(v) else _format_one(float(v), french=bool(f), group=bool(g))
        for v, f, g in zip(values, french, group, strict=True)
    ]


def month_text(mask: int, *, style: int) -> str:
    """Write the months of a seasonal stream as typed (``"8-10"``, ``"août-octobre"``, ``"8,9,10"``).

    Spans that wrap over the new year are always written as a comma-separated list.
    """
    months = [m for m in range(1, 13) if mask & (1 << (m - 1))]
    if not months or len(months) == 12:
        return ""
    contiguous = months == list(range(months[0], months[-1] + 1))
    if not contiguous or style == 2:
        wrap = [m for m in months if m >= 7] + [m for m in months if m < 7] if not contiguous else months
        return ",".join(str(m) for m in wrap)
    if len(months) == 1:
        return str(months[0])
    if style == 1:
        return f"{_MONTHS_FR[months[0] - 1]}-{_MONTHS_FR[months[-1] - 1]}"
    return f"{months[0]}-{months[-1]}"


def pick_units(options: pd.Series, annual_only: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pick one unit per stream among its profile's ``|``-separated options.

    Seasonal and one-off streams keep only yearly-total units (the first option when none is).
    """
    draws = rng.random(len(options))
    picked = []
    for text, annual, u in zip(options, annual_only, draws, strict=True):
        units = text.split("|")
        if annual:
            units = [x for x in units if x in ANNUAL_UNITS] or [units[0]]
        picked.append(units[int(u * len(units))])
    return np.asarray(picked, dtype=object)
