"""What the map's modules share: French number format, sector families of firms, places, safe tooltip text."""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

__all__ = [
    "SECTOR_COLOURS",
    "SECTOR_FAMILIES",
    "clean_text",
    "firm_frame",
    "fmt",
    "place_of",
    "sector_family",
]

#: SCIAN prefixes of each sector family, longest prefix wins; anything else is ``services``.
SECTOR_FAMILIES: dict[str, tuple[str, ...]] = {
    "agri_forestry": ("11",),
    "mining": ("21",),
    "utilities": ("22",),
    "construction": ("23", "327", "324"),
    "food": ("311", "312"),
    "wood": ("321", "337"),
    "pulp_paper": ("322",),
    "chemicals_plastics": ("325", "326"),
    "aluminium_metals": ("331",),
    "metal_fabrication": ("332", "333", "334", "335", "336"),
    "manufacturing_other": ("31", "32", "33"),
    "trade_transport": ("41", "44", "45", "48", "49"),
    "waste_recycling": ("562",),
    "services": (),
}
#: RGB colour of each sector family on the map and in its legend.
SECTOR_COLOURS: dict[str, tuple[int, int, int]] = {
    "agri_forestry": (102, 166, 30),
    "mining": (166, 118, 29),
    "utilities": (231, 41, 138),
    "construction": (117, 112, 179),
    "food": (230, 171, 2),
    "wood": (27, 158, 119),
    "pulp_paper": (102, 194, 165),
    "chemicals_plastics": (217, 95, 2),
    "aluminium_metals": (31, 120, 180),
    "metal_fabrication": (166, 206, 227),
    "manufacturing_other": (251, 154, 153),
    "trade_transport": (120, 120, 120),
    "waste_recycling": (51, 160, 44),
    "services": (190, 174, 212),
}
_PREFIXES = sorted(((p, fam) for fam, ps in SECTOR_FAMILIES.items() for p in ps), key=lambda x: -len(x[0]))
_LOCALE = {"fr": "fr_CA", "en": "en_CA"}


@functools.lru_cache(maxsize=4)
def _symbols(locale: str) -> tuple[str, str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale)


def fmt(value: float, lang: str = "fr", decimals: int = 0) -> str:
    """Format a number the way ``lang`` writes it (``1 234,5`` in French); ``—`` for NaN.

    Same output as Babel's ``#,##0.#`` pattern for the locale (its group, decimal and minus
    symbols, trailing zeros dropped), about twenty times faster: tables format thousands of cells.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    group, decimal, minus = _symbols(_LOCALE.get(lang, "fr_CA"))
    text = f"{abs(float(value)):,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    if text in ("0", ""):
        return "0"
    text = text.replace(",", "\x00").replace(".", decimal).replace("\x00", group)
    return (minus if value < 0 else "") + text


def sector_family(scian_codes: pd.Series) -> pd.Series:
    """Return the sector family of each SCIAN code (longest matching prefix of :data:`SECTOR_FAMILIES`)."""
    codes = scian_codes.astype("string").fillna("").str.strip()
    out = pd.Series(pd.NA, index=scian_codes.index, dtype=object)
    for length in sorted({len(p) for p, _ in _PREFIXES}, reverse=True):
        table = {p: fam for p, fam in _PREFIXES if len(p) == length}
        out = out.fillna(codes.str[:length].map(table).astype(object))
    return out.fillna("services").astype(object)


def place_of(firms: pd.DataFrame) -> pd.Series:
    """Return each firm's place: ``park:<park_id>`` when in a park, else ``mun:<municipality>``."""
    park = firms["park_id"].astype("string").fillna("").str.strip()
    mun = firms["municipality"].astype("string").fillna("").str.strip()
    return pd.Series(np.where(park.ne(""), "park:" + park, "mun:" + mun), index=firms.index, dtype=object)


def firm_frame(firms: pd.DataFrame) -> pd.DataFrame:
    """Return the firms' id, name, place and sector columns the map needs (unchanged when already shaped)."""
    if {"sector", "place"} <= set(firms.columns):  # already shaped by map_layers
        return firms
    out = firms[["firm_id", "name", "park_id", "municipality", "lat", "lon", "scian_code"]].copy()
    out["sector"] = sector_family(out["scian_code"])
    out["place"] = place_of(out)
    return out


def clean_text(text: object) -> str:
    """Text for a tooltip: control characters removed, braces neutralised (no template field)."""
    value = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    value = "".join(ch if ch.isprintable() else " " for ch in value)
    return value.replace("{", "(").replace("}", ")")[:200]
