"""The industrial parks of Saguenay–Lac-Saint-Jean: a small curated table with approximate points."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from symbiosis.places.geocode import Place

__all__ = ["PARK_COLUMNS", "PARK_KINDS", "get_park", "load_parks"]

PARK_COLUMNS: tuple[str, ...] = ("park_id", "name", "municipality", "sector", "lat", "lon", "kind", "notes")
PARK_KINDS: tuple[str, ...] = ("industrial", "port", "technology")


@lru_cache(maxsize=1)
def _read_bundled() -> pd.DataFrame:
    path = resources.files("symbiosis.places").joinpath("data", "parks_slsj.csv")
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False).astype({"lat": "float64", "lon": "float64"})


def load_parks() -> pd.DataFrame:
    """Return the parks table (a fresh copy).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PARK_COLUMNS`, one row per park: ``municipality`` is the official municipality
        (Saguenay for its boroughs), ``sector`` the borough or locality, ``lat``/``lon`` approximate
        WGS84 degrees (the centre of the zone, ±2 km), ``kind`` one of :data:`PARK_KINDS`.
    """
    return _read_bundled().copy()


def get_park(park_id: str) -> Place | None:
    """Return a park as a :class:`~symbiosis.places.geocode.Place`, or ``None`` when unknown."""
    parks = _read_bundled()
    row = parks[parks["park_id"] == str(park_id).strip()]
    if row.empty:
        return None
    first = row.iloc[0]
    return Place(
        name=str(first["name"]),
        lat=float(first["lat"]),
        lon=float(first["lon"]),
        source="park",
        municipality=str(first["municipality"]),
        place_id=str(first["park_id"]),
    )
