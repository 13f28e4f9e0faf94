"""Territories a report covers: a park, a municipality, an MRC or the whole region, and firm filtering.

A territory is written ``kind:value`` on the command line and in the app: ``region`` (the whole
Saguenay–Lac-Saint-Jean), ``mrc:Lac-Saint-Jean-Est``, ``municipality:Alma``,
``park:sag-jonquiere``. Municipalities are grouped into MRCs by the bundled ``data/mrc.csv``
(Ville de Saguenay is a territory equivalent to an MRC; Mashteuiatsh is grouped with Le
Domaine-du-Roy, the MRC that surrounds it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from symbiosis.places import load_gazetteer, normalise_name

__all__ = [
    "MRC_UNKNOWN",
    "TERRITORY_KINDS",
    "Territory",
    "add_mrc",
    "load_mrc_table",
    "mrc_centroids",
    "parse_territory",
    "select_firms",
    "territory_choices",
]

TERRITORY_KINDS: tuple[str, ...] = ("region", "mrc", "municipality", "park")
#: MRC label given to a municipality the table does not list (kept, never dropped silently).
MRC_UNKNOWN = "?"
#: Bounding box of Saguenay–Lac-Saint-Jean's settled area (degrees), to skip homonymous towns.
_REGION_LAT = (47.9, 49.9)
_REGION_LON = (-73.6, -69.9)


@dataclass(frozen=True)
class Territory:
    """The area a report covers.

    Parameters
    ----------
    kind
        One of :data:`TERRITORY_KINDS`.
    value
        The park id, municipality or MRC name; empty for ``region``.
    """

    kind: str = "region"
    value: str = ""

    def __post_init__(self) -> None:
        if self.kind not in TERRITORY_KINDS:
            raise ValueError(f"unknown territory kind {self.kind!r}; expected one of {TERRITORY_KINDS}")
        if self.kind != "region" and not self.value.strip():
            raise ValueError(f"territory {self.kind!r} needs a value, e.g. {self.kind}:NAME")

    @property
    def spec(self) -> str:
        """The ``kind:value`` text of the territory (``region`` alone for the region)."""
        return "region" if self.kind == "region" else f"{self.kind}:{self.value}"

    def label(self, lang: str = "fr") -> str:
        """A human-readable name of the territory."""
        if self.kind == "region":
            return "Saguenay–Lac-Saint-Jean"
        prefix = {"mrc": "MRC", "municipality": "", "park": ""}[self.kind]
        return f"{prefix} {self.value}".strip()


def parse_territory(spec: str | None) -> Territory:
    """Read ``region``, ``mrc:NAME``, ``municipality:NAME`` or ``park:ID`` (empty means region).

    Raises
    ------
    ValueError
        On an unknown kind or a missing value.
    """
    text = (spec or "region").strip()
    kind, _, value = text.partition(":")
    kind = kind.lower()
    kind = {"municipalite": "municipality", "municipalité": "municipality", "parc": "park"}.get(kind, kind)
    return Territory(kind, value.strip())


@functools.lru_cache(maxsize=1)
def _mrc_table() -> pd.DataFrame:
    path = resources.files("symbiosis.reports").joinpath("data/mrc.csv")
    with resources.as_file(path) as file:
        table = pd.read_csv(file, dtype=str, keep_default_na=False)
    table["key"] = table["municipality"].map(normalise_name)
    return table


def load_mrc_table() -> pd.DataFrame:
    """Return the municipality → MRC table (``municipality, mrc, mrc_code, note, key``), a copy."""
    return _mrc_table().copy()


def add_mrc(firms: pd.DataFrame) -> pd.DataFrame:
    """Return ``firms`` with an ``mrc`` column (:data:`MRC_UNKNOWN` for unlisted municipalities)."""
    lookup = dict(zip(_mrc_table()["key"], _mrc_table()["mrc"], strict=True))
    keys = firms["municipality"].fillna("").astype(str).map(normalise_name)
    return firms.assign(mrc=keys.map(lookup).fillna(MRC_UNKNOWN).astype(str))


def select_firms(firms: pd.DataFrame, territory: Territory) -> pd.Series:
    """Return a boolean mask of the firms located in ``territory`` (same index as ``firms``).

    Names compare without case, accents or punctuation (``normalise_name``).
    """
    if territory.kind == "region":
        return pd.Series(True, index=firms.index)
    if territory.kind == "park":
        return firms["park_id"].fillna("").astype(str).eq(territory.value)
    if territory.kind == "municipality":
        wanted = normalise_name(territory.value)
        return firms["municipality"].fillna("").astype(str).map(normalise_name).eq(wanted)
    wanted = normalise_name(territory.value)
    return add_mrc(firms)["mrc"].map(normalise_name).eq(wanted)


def territory_choices(firms: pd.DataFrame) -> list[str]:
    """Every territory spec the firms make meaningful: region, MRCs, municipalities, parks (sorted)."""
    with_mrc = add_mrc(firms)
    mrcs = sorted(set(with_mrc["mrc"]) - {MRC_UNKNOWN})
    towns = sorted(set(firms["municipality"].dropna().astype(str)) - {""})
    parks = sorted(set(firms["park_id"].dropna().astype(str)) - {""})
    return (
        ["region"]
        + [f"mrc:{m}" for m in mrcs]
        + [f"municipality:{m}" for m in towns]
        + [f"park:{p}" for p in parks]
    )


@functools.lru_cache(maxsize=1)
def _centroids() -> pd.DataFrame:
    gaz = load_gazetteer()
    lat, lon = gaz["lat"].astype(float), gaz["lon"].astype(float)
    gaz = gaz[lat.between(*_REGION_LAT) & lon.between(*_REGION_LON)]  # homonyms elsewhere in Québec
    gaz = gaz.assign(key=gaz["name"].map(normalise_name)).drop_duplicates("key")
    table = _mrc_table().merge(gaz[["key", "lat", "lon"]], on="key", how="inner")
    return table.groupby("mrc")[["lat", "lon"]].mean()


def mrc_centroids() -> pd.DataFrame:
    """Return one public point per MRC (mean of its gazetteer towns), indexed by MRC name.

    These points come from the public gazetteer, never from firm coordinates, so placing an
    anonymised firm there reveals nothing but its MRC.
    """
    out = _centroids().copy()
    out[["lat", "lon"]] = np.round(out[["lat", "lon"]].to_numpy(dtype=float), 3)
    return out
