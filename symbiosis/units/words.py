"""Units as each language writes them: the canonical units and rates, and the levers' purchase units.

The engine's canonical units (``t/yr``, ``m3``, ``trip``…) are written from :data:`UNIT_LABELS`; the
units of the levers' reference tables (a purchase category counts ``boîte``, ``pièce``,
``bouteille``…, stored as the French word) from the message catalogue (``labels.unit.*`` in
``symbiosis/data/messages/labels.yaml``), with their yearly rate (``boîte/yr`` → « box/yr »). The
screens (:mod:`symbiosis.labels` re-exports :func:`unit_label`), the reports and the levers'
explanations all call it; an unknown unit is written as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from symbiosis.i18n import catalogue_keys, t

__all__ = ["UNIT_LABELS", "per_unit_label", "unit_label"]

#: Canonical units (and per-year rates) as each language writes them.
UNIT_LABELS: Mapping[str, tuple[str, str]] = {
    "t/yr": ("t/an", "t/yr"),
    "m3/yr": ("m³/an", "m³/yr"),
    "MWh/yr": ("MWh/an", "MWh/yr"),
    "trip/yr": ("voyages/an", "trips/yr"),
    "m2": ("m²", "m²"),
    "h/yr": ("h/an", "h/yr"),
    "t": ("t", "t"),
    "m3": ("m³", "m³"),
    "MWh": ("MWh", "MWh"),
    "trip": ("voyages", "trips"),
    "h": ("h", "h"),
    "CAD": ("$", "$"),
    "CAD/yr": ("$/an", "$/yr"),
    "t CO2e": ("t CO₂e", "t CO₂e"),
    "t CO2e/yr": ("t CO₂e/an", "t CO₂e/yr"),
    "kg CO2e/t": ("kg CO₂e/t", "kg CO₂e/t"),
    "kg CO2e/t.km": ("kg CO₂e/t·km", "kg CO₂e/t·km"),
    "kg CO2e/MWh": ("kg CO₂e/MWh", "kg CO₂e/MWh"),
    "kg CO2e/m3": ("kg CO₂e/m³", "kg CO₂e/m³"),
    # every factor unit the engine knows (symbiosis.engine.factors.UNITS): the French report printed
    # « kg CO2e/trip » in its methodology table
    "kg CO2e/trip": ("kg CO₂e/voyage", "kg CO₂e/trip"),
    "kg CO2e/m2": ("kg CO₂e/m²", "kg CO₂e/m²"),
    "kg CO2e/h": ("kg CO₂e/h", "kg CO₂e/h"),
}
_PER_YR = "/yr"
#: Units written in the singular after « $/ » (« $/voyage », not « $/voyages »).
_SINGULAR: Mapping[str, tuple[str, str]] = {"trip": ("voyage", "trip")}


def _catalogue_unit(unit: str, lang: str) -> str | None:
    key = f"labels.unit.{unit}"
    return t(key, lang) if key in catalogue_keys() else None


def unit_label(unit: object, lang: str = "fr") -> str:
    """Return a unit as written in ``lang`` (``t/yr`` → ``t/an``, ``CAD/yr`` → ``$/an``, ``boîte`` → box)."""
    missing = unit is None or (isinstance(unit, float) and math.isnan(unit))
    text = "" if missing else str(unit).strip()
    if text in UNIT_LABELS:
        fr, en = UNIT_LABELS[text]
        return en if lang == "en" else fr
    word = _catalogue_unit(text, lang)
    if word is not None:
        return word
    base = text.removesuffix(_PER_YR)
    word = _catalogue_unit(base, lang) if base != text else None
    return t("labels.unit.per_yr", lang, unit=word) if word is not None else text


def per_unit_label(unit: object, lang: str = "fr") -> str:
    """Return a unit as written after « $/ » in ``lang`` (``trip`` → ``voyage``, ``m3`` → ``m³``)."""
    text = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit).strip()
    if text in _SINGULAR:
        fr, en = _SINGULAR[text]
        return en if lang == "en" else fr
    return unit_label(text, lang)
