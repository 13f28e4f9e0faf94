"""Units: the controlled list of units firms write, and conversion to each kind's canonical rate.

See :mod:`symbiosis.units.table` (the list, reading a typed unit) and
:mod:`symbiosis.units.convert` (pint registry, ``to_canonical``). Numbers are read by
:func:`symbiosis.numbers.parse_number`, re-exported here.
"""

from symbiosis.numbers import ParsedNumber, format_number, parse_number
from symbiosis.units.convert import (
    CANONICAL_EXPRESSION,
    Conversion,
    UnitError,
    from_canonical,
    to_canonical,
    unit_registry,
)
from symbiosis.units.table import (
    UnitDef,
    UnitMatch,
    normalise_unit,
    read_unit,
    suggest_units,
    unit_table,
    units,
)

__all__ = [
    "CANONICAL_EXPRESSION",
    "Conversion",
    "ParsedNumber",
    "UnitDef",
    "UnitError",
    "UnitMatch",
    "format_number",
    "from_canonical",
    "normalise_unit",
    "parse_number",
    "read_unit",
    "suggest_units",
    "to_canonical",
    "unit_registry",
    "unit_table",
    "units",
]
