"""The offline gazetteer of Québec places: loading the bundled table and normalising place names.

The table (``data/gazetteer_qc.csv``) is built by ``scripts/build_gazetteer.py`` from GeoNames data
(CC BY 4.0, see ``data/NOTICE.md``) plus a few curated places of Saguenay–Lac-Saint-Jean.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["GAZETTEER_COLUMNS", "load_gazetteer", "name_keys", "normalise_name"]

GAZETTEER_COLUMNS: tuple[str, ...] = (
    "place_id",
    "name",
    "ascii_name",
    "aliases",
    "lat",
    "lon",
    "population",
    "admin1",
    "municipality",
    "source",
)

_PUNCT = re.compile(r"[\s\-–—_'’`´.,/]+")
_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "mt": "mont",
    "n d": "notre dame",
}
_PREFIXES = ("ville de ", "municipalite de ", "municipalite du ", "paroisse de ", "city of ")
_SUFFIXES = (" qc", " quebec", " canada")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(name: str) -> str:
    """Return the matching key of a place name.

    Case, accents, hyphens, dashes, apostrophes and periods are ignored; ``St``/``Ste``/``Mt`` are
    expanded; a leading "Ville de" and a trailing ", QC" / "Québec" / "Canada" are dropped.

    Examples
    --------
    >>> normalise_name("Ste-Rose-du-Nord")
    'sainte rose du nord'
    >>> normalise_name("Métabetchouan–Lac-à-la-Croix, QC")
    'metabetchouan lac a la croix'
    """
    text = _PUNCT.sub(" ", _strip_accents(str(name)).lower().replace("œ", "oe")).strip()
    for suffix in _SUFFIXES:
        while text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)].strip()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    words = text.split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def name_keys(name: str, aliases: str = "") -> list[str]:
    """Return the normalised keys of a name and its ``|``-separated aliases, without repeats."""
    keys = [normalise_name(name)]
    keys += [normalise_name(a) for a in str(aliases or "").split("|") if a.strip()]
    return list(dict.fromkeys(k for k in keys if k))


@lru_cache(maxsize=1)
def _read_bundled() -> pd.DataFrame:
    path = resources.files("symbiosis.places").joinpath("data", "gazetteer_qc.csv")
    with path.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(
            fh,
            dtype={"place_id": str, "admin1": str, "aliases": str},
            keep_default_na=False,
            na_values={"lat": [""], "lon": [""]},
        )
    return frame


def load_gazetteer() -> pd.DataFrame:
    """Return the bundled gazetteer (a fresh copy; the parsed file is cached).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GAZETTEER_COLUMNS`: ``lat``/``lon`` in WGS84 degrees, ``aliases`` separated
        by ``|``, ``municipality`` the municipality a place or sector belongs to (Chicoutimi →
        Saguenay), ``source`` one of ``geonames``, ``geonames+curated``, ``curated``.
    """
    return _read_bundled().copy()
