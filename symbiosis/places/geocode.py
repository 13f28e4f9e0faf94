"""Geocoders: turn a place name typed by a firm into a point (offline gazetteer first).

:class:`GazetteerGeocoder` never touches the network; :class:`ChainGeocoder` asks several in turn.
The optional online fallback (Nominatim, with its cache file) is the service
:class:`symbiosis.services.geocoding.NominatimGeocoder`.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from symbiosis.places.distance import haversine_km
from symbiosis.places.gazetteer import load_gazetteer, name_keys, normalise_name

__all__ = [
    "SLSJ_CENTRE",
    "ChainGeocoder",
    "GazetteerGeocoder",
    "Geocoder",
    "Place",
]

logger = logging.getLogger(__name__)

#: Rough centre of Saguenay–Lac-Saint-Jean (lat, lon): breaks ties between homonyms.
SLSJ_CENTRE: tuple[float, float] = (48.45, -71.65)
_QUEBEC = {"qc", "quebec", "pq", ""}
_PARENS = re.compile(r"^(?P<outer>[^(]*)\((?P<inner>[^)]*)\)\s*$")


@dataclass(frozen=True)
class Place:
    """A located place.

    Parameters
    ----------
    name
        Name of the place found (the gazetteer's spelling, or the geocoder's address).
    lat, lon
        WGS84 decimal degrees.
    source
        Who located it: ``gazetteer``, ``park`` or ``nominatim``.
    municipality
        Municipality the place belongs to (``Saguenay`` for the Chicoutimi sector).
    place_id
        Identifier in its source (gazetteer ``place_id``, ``park_id``), empty when none.
    """

    name: str
    lat: float
    lon: float
    source: str
    municipality: str
    place_id: str = ""


@runtime_checkable
class Geocoder(Protocol):
    """Anything that locates a place name in a province."""

    def locate(self, name: str, *, province: str = "QC") -> Place | None:
        """Return the place called ``name``, or ``None`` when it is not found."""
        ...


def _query_variants(name: str) -> list[str]:
    """The full name, then the part in parentheses, then each comma-separated part."""
    variants = [name]
    match = _PARENS.match(name.strip())
    if match:
        variants += [match["inner"], match["outer"]]
    variants += [part for part in name.split(",") if part.strip()]
    return list(dict.fromkeys(v.strip() for v in variants if v.strip()))


class GazetteerGeocoder:
    """Offline geocoder over the bundled Québec gazetteer.

    Matching ignores case, accents, hyphens and apostrophes and expands ``St``/``Ste``; aliases are
    searched after official names ("Dolbeau" → Dolbeau-Mistassini). Homonyms are resolved by the
    distance to ``bias`` (the region the tool serves), then by population.

    Parameters
    ----------
    gazetteer
        A table with the columns of :func:`~symbiosis.places.gazetteer.load_gazetteer`; the bundled
        one when ``None``.
    bias
        (lat, lon) preferred among homonyms; ``None`` to prefer the most populous.
    """

    def __init__(
        self, gazetteer: pd.DataFrame | None = None, *, bias: tuple[float, float] | None = SLSJ_CENTRE
    ) -> None:
        self.gazetteer = load_gazetteer() if gazetteer is None else gazetteer.reset_index(drop=True)
        self.bias = bias
        self._index: dict[str, list[tuple[int, int]]] | None = None

    def _build_index(self) -> dict[str, list[tuple[int, int]]]:
        index: dict[str, list[tuple[int, int]]] = {}
        for row, (name, aliases) in enumerate(
            zip(self.gazetteer["name"], self.gazetteer["aliases"], strict=True)
        ):
            for rank, key in enumerate(name_keys(name, aliases)):
                index.setdefault(key, []).append((min(rank, 1), row))
        return index

    @property
    def index(self) -> dict[str, list[tuple[int, int]]]:
        """Normalised name → list of (0 for an official name / 1 for an alias, row number)."""
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def _best(self, hits: list[tuple[int, int]]) -> int:
        rows = np.array([row for _, row in hits])
        ranks = np.array([rank for rank, _ in hits])
        table = self.gazetteer.iloc[rows]
        if self.bias is None:
            distance = np.zeros(len(rows))
        else:
            distance = np.round(haversine_km(table["lat"], table["lon"], *self.bias), 0)
        population = pd.to_numeric(table["population"], errors="coerce").fillna(0).to_numpy()
        order = np.lexsort((-population, distance, ranks))
        return int(rows[order[0]])

    def locate(self, name: str, *, province: str = "QC") -> Place | None:
        """Return the gazetteer place matching ``name``, or ``None``.

        Parameters
        ----------
        name
            A place name as typed ("St-Félicien", "Saguenay (Jonquière)", "dolbeau").
        province
            Only Québec is covered: any other province gives ``None``.
        """
        if normalise_name(province) not in _QUEBEC:
            return None
        for variant in _query_variants(str(name)):
            hits = self.index.get(normalise_name(variant))
            if hits:
                row = self.gazetteer.iloc[self._best(hits)]
                return Place(
                    name=str(row["name"]),
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    source="gazetteer",
                    municipality=str(row["municipality"]),
                    place_id=str(row["place_id"]),
                )
        return None

    def suggest(self, name: str, n: int = 3, *, cutoff: float = 0.6) -> list[str]:
        """Return up to ``n`` gazetteer names close to a misspelt ``name``, best first."""
        keys = difflib.get_close_matches(normalise_name(name), list(self.index), n=4 * n, cutoff=cutoff)
        names = [str(self.gazetteer.iloc[self._best(self.index[k])]["name"]) for k in keys]
        return list(dict.fromkeys(names))[:n]


@dataclass(frozen=True)
class ChainGeocoder:
    """Ask several geocoders in turn; the first that finds the name wins.

    Parameters
    ----------
    geocoders
        In order of preference, e.g. ``(GazetteerGeocoder(), NominatimGeocoder(...))``
        (:mod:`symbiosis.services.geocoding`).
    """

    geocoders: Sequence[Geocoder]

    def locate(self, name: str, *, province: str = "QC") -> Place | None:
        """Return the first place found, or ``None``."""
        for geocoder in self.geocoders:
            place = geocoder.locate(name, province=province)
            if place is not None:
                return place
        return None
