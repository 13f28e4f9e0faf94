"""The controlled list of units firms may write, and the reading of a typed unit against it.

The list is data (``data/units.csv``: ``unit_fr, unit_en, expression, dimension, kinds, counted,
label_fr, label_en``). A typed unit is normalised (case, accents, ``³``/``3``, ``par``/``per``/``/``,
French and English words for the quantity and the period) into a key such as ``t/an`` and looked
up; counted units (loads, pallets) may carry their size in the text: ``chargements de 30 m³/semaine``.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["UnitDef", "UnitMatch", "normalise_unit", "read_unit", "suggest_units", "unit_table", "units"]

#: Words for the quantity (numerator), normalised (lower case, no accents) -> key token.
_QUANTITY_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "t",
            "tonne",
            "tonnes",
            "tm",
            "mt",
            "tonne metrique",
            "tonnes metriques",
            "metric ton",
            "metric tons",
            "metric tonne",
            "metric tonnes",
            "tmi",
        ],
        "t",
    ),
    **dict.fromkeys(
        ["kg", "kgs", "kilo", "kilos", "kilogramme", "kilogrammes", "kilogram", "kilograms"], "kg"
    ),
    **dict.fromkeys(["lb", "lbs", "livre", "livres", "pound", "pounds"], "lb"),
    **dict.fromkeys(
        [
            "m3",
            "metre cube",
            "metres cubes",
            "metre cubes",
            "meter cube",
            "cubic meter",
            "cubic meters",
            "cubic metre",
            "cubic metres",
            "mc",
            # normal cubic metres of a gas (0 °C, 1 atm): the volume firms give for biogas or hydrogen
            "nm3",
            "normo metre cube",
            "normo metres cubes",
            "normal cubic metre",
            "normal cubic metres",
        ],
        "m3",
    ),
    **dict.fromkeys(["l", "litre", "litres", "liter", "liters", "lt"], "L"),
    **dict.fromkeys(
        [
            "gal imp",
            "gallon imp",
            "gallons imp",
            "gallon imperial",
            "gallons imperial",
            "gallons imperiaux",
            "gallon imperiaux",
            "imp gal",
            "imperial gallon",
            "imperial gallons",
            "gal imperial",
            "igal",
        ],
        "gal imp",
    ),
    **dict.fromkeys(
        [
            "gal us",
            "gallon us",
            "gallons us",
            "us gal",
            "us gallon",
            "us gallons",
            "gallon americain",
            "gallons americains",
            "usgal",
        ],
        "gal US",
    ),
    **dict.fromkeys(
        [
            "vg3",
            "v3",
            "verge cube",
            "verges cubes",
            "verge cubes",
            "yd3",
            "cubic yard",
            "cubic yards",
            "cu yd",
            "vc",
        ],
        "vg3",
    ),
    **dict.fromkeys(["mwh", "megawattheure", "megawattheures", "megawatt hour", "megawatt hours"], "MWh"),
    **dict.fromkeys(["kwh", "kilowattheure", "kilowattheures", "kilowatt hour", "kilowatt hours"], "kWh"),
    **dict.fromkeys(["gj", "gigajoule", "gigajoules"], "GJ"),
    **dict.fromkeys(["kw", "kilowatt", "kilowatts"], "kW"),
    **dict.fromkeys(["mw", "megawatt", "megawatts"], "MW"),
    **dict.fromkeys(["btu", "btus"], "BTU"),
    **dict.fromkeys(
        [
            "chargement",
            "chargements",
            "load",
            "loads",
            "truckload",
            "truckloads",
            "camion",
            "camions",
            "conteneur",
            "conteneurs",
            "container",
            "containers",
            "benne",
            "bennes",
        ],
        "chargements",
    ),
    **dict.fromkeys(["palette", "palettes", "pallet", "pallets"], "palettes"),
    **dict.fromkeys(
        [
            "voyage",
            "voyages",
            "trip",
            "trips",
            "livraison",
            "livraisons",
            "delivery",
            "deliveries",
            "transport",
            "transports",
        ],
        "voyages",
    ),
    **dict.fromkeys(
        [
            "m2",
            "metre carre",
            "metres carres",
            "square meter",
            "square meters",
            "square metre",
            "square metres",
            "sq m",
        ],
        "m2",
    ),
    **dict.fromkeys(
        ["pi2", "pied carre", "pieds carres", "sq ft", "square foot", "square feet", "ft2", "pc"], "pi2"
    ),
    **dict.fromkeys(["h", "heure", "heures", "hour", "hours", "hr", "hrs"], "h"),
}
#: Words for the period (denominator) -> key token.
_PERIOD_WORDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "an",
            "ans",
            "annee",
            "annees",
            "a",
            "yr",
            "yrs",
            "year",
            "years",
            "y",
            "annum",
            "annuel",
            "annuellement",
        ],
        "an",
    ),
    **dict.fromkeys(["mois", "month", "months", "mo", "mth", "mths"], "mois"),
    **dict.fromkeys(["semaine", "semaines", "sem", "week", "weeks", "wk", "wks"], "semaine"),
    **dict.fromkeys(["jour", "jours", "j", "day", "days", "d"], "jour"),
    **dict.fromkeys(["h", "heure", "heures", "hour", "hours", "hr", "hrs"], "h"),
    **dict.fromkeys(["min", "minute", "minutes", "mn"], "min"),
}
_SIZE_UNITS = {
    "t": "t",
    "kg": "kg",
    "lb": "lb",
    "m3": "m**3",
    "L": "L",
    "vg3": "yard**3",
    "gal imp": "imperial_gallon",
    "gal US": "gallon",
}
_CONNECTORS = {
    "de",
    "d",
    "of",
    "a",
    "x",
    "each",
    "chacun",
    "chacune",
    "chaque",
    "approx",
    "environ",
    "env",
    "about",
    "size",
    "taille",
}
# A run of spaces is tried from its first character only and never given back: linear on any cell.
_PER = re.compile(r"(?<!\s)\s++(?:par|per|a l|a la|au|chaque|each|every)\s++")
_TOKEN = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*|[a-z][a-z0-9]*|/")


@dataclass(frozen=True)
class UnitDef:
    """One unit of the controlled list.

    Parameters
    ----------
    unit_fr, unit_en
        How the unit is written in French and English (the dropdown values).
    expression
        The pint expression (``t/year``, ``load/week``).
    dimension
        ``mass_rate``, ``volume_rate``, ``power``, ``load_rate``, ``pallet_rate``, ``trip_rate``,
        ``area``, ``hours_rate``, or a total (``mass``, ``volume``, ``energy``, ``load``, ``trip``,
        ``hours``).
    kinds
        The resource kinds the unit may measure.
    counted
        ``load`` or ``pallet`` when the unit counts items whose size must be given, else ``""``.
    label_fr, label_en
        Plain-words description.
    """

    unit_fr: str
    unit_en: str
    expression: str
    dimension: str
    kinds: tuple[str, ...]
    counted: str
    label_fr: str
    label_en: str

    @property
    def key(self) -> str:
        """Normalised key of the unit (``m3/an``)."""
        return normalise_unit(self.unit_fr)

    @property
    def period(self) -> str:
        """``year`` (``t/an``), ``sub_year`` (per month, week, day, hour, minute, or a power),
        ``total`` (no period, one-off streams) or ``none`` (an area)."""
        if self.is_total:
            return "total"
        if self.dimension == "area":
            return "none"
        return "year" if self.unit_fr.endswith("/an") else "sub_year"

    @property
    def is_volume(self) -> bool:
        """Whether the unit measures a volume (a rate in m³ per period, or a one-off volume)."""
        return self.dimension in ("volume_rate", "volume")

    @property
    def is_total(self) -> bool:
        """Whether the unit is a total quantity (no period), usable for one-off streams only."""
        return "/" not in self.unit_fr and self.dimension not in {"power", "area"}


@dataclass(frozen=True)
class UnitMatch:
    """A typed unit read against the list: the unit, and the item size found in the text.

    ``size`` is ``(value, pint expression)``, e.g. ``(30.0, "m**3")`` for ``chargements de 30 m³``.
    """

    unit: UnitDef
    size: tuple[float, str] | None = None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("’", "'").replace("'", " ")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = _PER.sub("/", f" {text} ")
    return re.sub(r"\s+", " ", text).strip()


def _key(tokens: list[str]) -> str | None:
    if "/" in tokens:
        i = tokens.index("/")
        num, den = " ".join(tokens[:i]), " ".join(tokens[i + 1 :])
        period = _PERIOD_WORDS.get(den)
        if period is None or num not in _QUANTITY_WORDS:
            return None
        return f"{_QUANTITY_WORDS[num]}/{period}"
    phrase = " ".join(tokens)
    return _QUANTITY_WORDS.get(phrase)


def _number(text: str) -> float | None:
    from symbiosis.numbers import parse_number

    parsed = parse_number(text.replace(" ", ""), locale="fr_CA")
    return parsed.value if parsed.ok else None


def _split_size(tokens: list[str]) -> tuple[list[str], tuple[float, str] | None]:
    """Remove a ``<number> <mass or volume unit>`` phrase (and its connector) from the tokens."""
    for i, tok in enumerate(tokens):
        if not tok[0].isdigit():
            continue
        for width in (2, 1):
            phrase = " ".join(tokens[i + 1 : i + 1 + width])
            unit = _QUANTITY_WORDS.get(phrase)
            value = _number(tok)
            if unit in _SIZE_UNITS and value is not None and value > 0:
                start = i - 1 if i > 0 and tokens[i - 1] in _CONNECTORS else i
                rest = tokens[:start] + tokens[i + 1 + width :]
                return [t for t in rest if t not in _CONNECTORS], (value, _SIZE_UNITS[unit])
    return tokens, None


def normalise_unit(text: str) -> str:
    """Return the key of a typed unit (``"Tonnes par année"`` -> ``"t/an"``), or the folded text."""
    tokens = _TOKEN.findall(_fold(text))
    return _key(tokens) or " ".join(tokens)


@lru_cache(maxsize=1)
def units() -> tuple[UnitDef, ...]:
    """Return the controlled list of units, in the order of ``data/units.csv``."""
    path = resources.files("symbiosis.units").joinpath("data/units.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        UnitDef(
            r["unit_fr"],
            r["unit_en"],
            r["expression"],
            r["dimension"],
            tuple(r["kinds"].split("|")),
            r["counted"],
            r["label_fr"],
            r["label_en"],
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def _by_key() -> dict[str, UnitDef]:
    return {u.key: u for u in units()}


def unit_table() -> pd.DataFrame:
    """Return the controlled list as a frame (one row per unit, ``kinds`` joined with ``|``)."""
    frame = pd.DataFrame([u.__dict__ for u in units()])
    frame["kinds"] = frame["kinds"].map("|".join)
    return frame


def read_unit(text: str) -> UnitMatch | None:
    """Read a typed unit against the controlled list; ``None`` when it is not in the list.

    Parameters
    ----------
    text
        The unit as typed: ``"t/an"``, ``"tonnes per year"``, ``"m3 par jour"``,
        ``"chargements de 30 m³/semaine"``, ``"pallets of 25 kg/week"``.
    """
    tokens = _TOKEN.findall(_fold(text))
    if not tokens:
        return None
    key = _key(tokens)
    if key in _by_key():
        return UnitMatch(_by_key()[key])
    rest, size = _split_size(tokens)
    key = _key(rest) if size else None
    unit = _by_key().get(key or "")
    if unit is None or not unit.counted:
        return None
    return UnitMatch(unit, size)


def suggest_units(text: str, *, kind: str | None = None, n: int = 5) -> list[str]:
    """Return up to ``n`` units of the list close to ``text`` (French spelling), for ``kind`` if given."""
    pool = [u for u in units() if kind is None or kind in u.kinds]
    names = {u.key: u.unit_fr for u in pool} | {normalise_unit(u.unit_en).lower(): u.unit_fr for u in pool}
    folded = normalise_unit(text)
    close = difflib.get_close_matches(folded, list(names), n=n * 2, cutoff=0.4)
    ordered = list(dict.fromkeys(names[c] for c in close))
    if len(ordered) < n:
        ordered += [u.unit_fr for u in pool if u.unit_fr not in ordered and "/" in u.unit_fr]
    return ordered[:n]
