"""Conversion of a typed quantity and unit to the canonical yearly rate of its resource kind.

Decisions (also in ``docs/data-model.md``)
-----------------------------------------
* One shared pint registry, built on first use: ``t`` is the metric tonne (``ton``, the short ton,
  is not in the list), a year is 365.25 days (8766 h), ``trip`` and ``pallet`` are counted
  dimensions and a ``load`` is one trip.
* Volume to mass only with a density: the declared one wins, else the category default (recorded
  as ``category_default``), else :class:`UnitError`.
* Water is stored in m³/yr; its mass is the volume times the declared density, else 1.0 t/m³.
  Water typed as a mass is turned into a volume with the declared, else category, else 1.0 density.
* Power (``kW``, ``MW``, ``BTU/h``) is a continuous rate: 1 kW = 8.766 MWh/yr.
* Steam typed in ``t/h`` is a *mass* flow: it converts for a material (or water) category; an
  energy category needs the heat in MWh/yr or kW (the enthalpy of steam depends on its pressure).
* Loads need their size in the text (``chargements de 30 m³/semaine``) for materials and water;
  for logistics a load is a trip. Pallets need their mass (``palettes de 25 kg/semaine``).
* A total without a period (``t``, ``m³``, ``MWh``) is accepted for one-off streams only and counted
  as the yearly equivalent: the whole lot is delivered within the one year the stream exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import pint

from symbiosis.i18n import Text, TextTable
from symbiosis.schemas import CANONICAL_UNIT
from symbiosis.units.table import UnitDef, UnitMatch, read_unit, suggest_units

__all__ = [
    "CANONICAL_EXPRESSION",
    "Conversion",
    "UnitError",
    "from_canonical",
    "to_canonical",
    "unit_registry",
]

#: pint expression of each kind's canonical unit (``schemas.CANONICAL_UNIT``).
CANONICAL_EXPRESSION: dict[str, str] = {
    "material": "t/year",
    "water": "m**3/year",
    "energy": "MWh/year",
    "logistics": "trip/year",
    "capacity": "m**2",
    "service": "hour/year",
}
WATER_DENSITY_T_PER_M3 = 1.0


class UnitError(ValueError):
    """A quantity that cannot be converted; carries the bilingual explanation and fix.

    Parameters
    ----------
    code
        Stable machine id (``unit.unknown``, ``unit.wrong_kind``, ``unit.density_missing``,
        ``unit.size_missing``, ``unit.total_not_allowed``).
    expected
        What was expected, as a noun phrase.
    fix
        How to fix it.
    suggestions
        Close valid units, when relevant.
    """

    def __init__(self, code: str, expected: Text, fix: Text, suggestions: tuple[str, ...] = ()):
        super().__init__(f"{code}: {expected.en}. {fix.en}")
        self.code, self.expected, self.fix, self.suggestions = code, expected, fix, suggestions


@dataclass(frozen=True)
class Conversion:
    """A quantity in the canonical unit of its kind, with how it was obtained.

    ``period`` is the typed unit's period (:attr:`UnitDef.period`): a ``sub_year`` rate is converted
    as if it lasted the whole year; the caller scales it to the months the stream exists.
    """

    quantity_per_yr: float
    quantity_unit: str
    mass_t_per_yr: float | None
    density_t_per_m3: float | None
    density_source: str
    unit: str
    is_total: bool = False
    period: str = "year"


@lru_cache(maxsize=1)
def unit_registry() -> pint.UnitRegistry:
    """Return the shared registry (built once; pint's application registry is left untouched)."""
    ureg = pint.UnitRegistry()
    ureg.define("trip = [trip]")
    ureg.define("load = 1 * trip")
    ureg.define("pallet = [pallet]")
    return ureg


#: What was expected and how to fix it, per unit error, from the message catalogue (``unit.<case>.*``).
_UNIT_TEXTS = TextTable("unit")


def _said(case: str, **values: object) -> tuple[Text, Text]:
    """The (expected, fix) texts of a unit error, formatted with ``values``."""
    return _UNIT_TEXTS[f"{case}.expected"].format(**values), _UNIT_TEXTS[f"{case}.fix"].format(**values)


def _lookup(
    unit_text: str, kind: str, *, energy_by_mass: bool = False, energy_by_volume: bool = False
) -> UnitMatch:
    match = read_unit(unit_text)
    if match is None:
        close = tuple(suggest_units(unit_text, kind=kind))
        listed = ", ".join(close)
        raise UnitError("unit.unknown", *_said("unknown", listed=listed), close)
    if energy_by_mass and kind == "energy" and match.unit.dimension == "mass_rate":
        return match
    if energy_by_volume and kind == "energy" and match.unit.is_volume:
        return match
    if kind not in match.unit.kinds:
        valid = ", ".join(suggest_units("", kind=kind, n=4))
        if kind == "energy" and match.unit.dimension == "mass_rate":
            raise UnitError("unit.wrong_kind", *_said("steam_flow"), ("MWh/an", "kW"))
        said = _said(
            "wrong_kind", kind=kind, unit_fr=match.unit.unit_fr, unit_en=match.unit.unit_en, valid=valid
        )
        raise UnitError("unit.wrong_kind", *said, tuple(valid.split(", ")))
    return match


def _with_size(q: pint.Quantity, match: UnitMatch, kind: str) -> pint.Quantity:
    unit: UnitDef = match.unit
    if not unit.counted or kind == "logistics":
        return q
    if match.size is None:
        what = (
            ("chargements de 30 m³/semaine", "loads of 20 t/week")
            if unit.counted == "load"
            else ("palettes de 25 kg/semaine", "pallets of 25 kg/week")
        )
        raise UnitError("unit.size_missing", *_said("size_missing", example_fr=what[0], example_en=what[1]))
    ureg = unit_registry()
    value, expression = match.size
    if unit.counted == "pallet" and not ureg.Quantity(value, expression).check("[mass]"):
        raise UnitError("unit.size_missing", *_said("pallet_mass"))
    return q * ureg.Quantity(value, expression) / ureg.Quantity(1, unit.counted)


def _density(declared: float | None, default: float | None, *, required: bool) -> tuple[float | None, str]:
    if declared is not None and declared > 0:
        return float(declared), "declared"
    if default is not None and default > 0:
        return float(default), "category_default"
    if required:
        raise UnitError("unit.density_missing", *_said("density_missing"))
    return None, ""


def _per_year(
    q: pint.Quantity, kind: str, *, total_allowed: bool, unit: UnitDef
) -> tuple[pint.Quantity, bool]:
    if not unit.is_total:
        return q, False
    if not total_allowed:
        said = _said("total_not_allowed", unit_fr=unit.unit_fr, unit_en=unit.unit_en)
        raise UnitError("unit.total_not_allowed", *said)
    return q / unit_registry().Quantity(1, "year"), True


def to_canonical(
    value: float,
    unit_text: str,
    *,
    kind: str,
    density_t_per_m3: float | None = None,
    default_density_t_per_m3: float | None = None,
    total_allowed: bool = False,
    energy_mwh_per_t: float | None = None,
    energy_mwh_per_m3: float | None = None,
) -> Conversion:
    """Convert a typed quantity to the canonical yearly rate of ``kind``.

    Parameters
    ----------
    value
        The number the firm typed (already parsed).
    unit_text
        The unit as typed (``"m³/jour"``, ``"chargements de 30 m³/semaine"``).
    kind
        Resource kind of the stream's category (a key of ``schemas.CANONICAL_UNIT``).
    density_t_per_m3
        Density the firm declared, if any.
    default_density_t_per_m3
        Default density of the category, if any.
    total_allowed
        Accept a total without a period (one-off streams); it is counted as the yearly equivalent.
    energy_mwh_per_t
        Energy per tonne of an energy category that may be declared by mass (steam: the usable heat
        of a tonne condensed); a mass rate of such a category converts to MWh/yr with it.
    energy_mwh_per_m3
        Energy per cubic metre of a gas category a firm may declare by volume (biogas, landfill gas,
        hydrogen: its lower heating value per normal cubic metre); a volume converts to MWh with it.

    Raises
    ------
    UnitError
        Unknown unit, unit of another kind, missing density or item size, total for a rate.
    """
    one = _unit_conversion(
        str(unit_text),
        kind,
        density_t_per_m3,
        default_density_t_per_m3,
        total_allowed,
        energy_mwh_per_t if energy_mwh_per_t and energy_mwh_per_t > 0 else None,
        energy_mwh_per_m3 if energy_mwh_per_m3 and energy_mwh_per_m3 > 0 else None,
    )
    value = float(value)
    mass = None if one.mass_t_per_yr is None else one.mass_t_per_yr * value
    return replace(one, quantity_per_yr=one.quantity_per_yr * value, mass_t_per_yr=mass)


@lru_cache(maxsize=4096)
def _unit_conversion(
    unit_text: str,
    kind: str,
    density_t_per_m3: float | None,
    default_density_t_per_m3: float | None,
    total_allowed: bool,
    energy_mwh_per_t: float | None = None,
    energy_mwh_per_m3: float | None = None,
) -> Conversion:
    """Conversion of one unit of ``unit_text`` (conversions are linear: callers scale it)."""
    match = _lookup(
        unit_text,
        kind,
        energy_by_mass=energy_mwh_per_t is not None,
        energy_by_volume=energy_mwh_per_m3 is not None,
    )
    q = _with_size(unit_registry().Quantity(1.0, match.unit.expression), match, kind)
    q, is_total = _per_year(q, kind, total_allowed=total_allowed, unit=match.unit)
    density, source = None, ""
    if kind == "material":
        volume = q.check("[volume]/[time]")
        density, source = _density(
            density_t_per_m3, default_density_t_per_m3 if volume else None, required=volume
        )
        if volume:
            q = q * unit_registry().Quantity(density, "t/m**3")
    elif kind == "energy" and q.check("[mass]/[time]") and energy_mwh_per_t is not None:
        q = q * unit_registry().Quantity(energy_mwh_per_t, "MWh/t")
    elif kind == "energy" and q.check("[volume]/[time]") and energy_mwh_per_m3 is not None:
        q = q * unit_registry().Quantity(energy_mwh_per_m3, "MWh/m**3")
    elif kind == "water":
        density, source = _density(
            density_t_per_m3, default_density_t_per_m3 if q.check("[mass]/[time]") else None, required=False
        )
        if q.check("[mass]/[time]"):
            q = q / unit_registry().Quantity(density or WATER_DENSITY_T_PER_M3, "t/m**3")
    quantity = float(q.to(CANONICAL_EXPRESSION[kind]).magnitude)
    mass = {"material": quantity, "water": quantity * (density or WATER_DENSITY_T_PER_M3)}.get(kind)
    return Conversion(
        quantity, CANONICAL_UNIT[kind], mass, density, source, match.unit.unit_fr, is_total, match.unit.period
    )


def from_canonical(
    quantity_per_yr: float, unit_text: str, *, kind: str, density_t_per_m3: float | None = None
) -> float:
    """Express a canonical yearly rate in another unit of the list (the inverse of :func:`to_canonical`).

    Counted units (loads, pallets) and totals are not supported: they need a size or a duration.
    """
    match = _lookup(unit_text, kind)
    if (match.unit.counted and kind != "logistics") or match.unit.is_total:
        raise UnitError("unit.not_invertible", *_said("not_invertible"))
    ureg = unit_registry()
    q = ureg.Quantity(float(quantity_per_yr), CANONICAL_EXPRESSION[kind])
    target = ureg.Quantity(1, match.unit.expression)
    if kind == "material" and target.check("[volume]/[time]"):
        q = q / ureg.Quantity(_density(density_t_per_m3, None, required=True)[0], "t/m**3")
    elif kind == "water" and target.check("[mass]/[time]"):
        q = q * ureg.Quantity(density_t_per_m3 or WATER_DENSITY_T_PER_M3, "t/m**3")
    return float(q.to(match.unit.expression).magnitude)
