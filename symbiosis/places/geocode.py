"""Geocoders: turn a place name typed by a firm into a point (offline gazetteer first, Nominatim optional).

The default, :class:`GazetteerGeocoder`, never touches the network. :class:`NominatimGeocoder` is an
optional online fallback (OpenStreetMap Nominatim through geopy, one request per second, cached);
never geocode a confidential address through a third party without the firm's consent.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from symbiosis.places.distance import haversine_km
from symbiosis.places.gazetteer import load_gazetteer, name_keys, normalise_name

__all__ = [
    "SLSJ_CENTRE",
    "ChainGeocoder",
    "GazetteerGeocoder",
    "Geocoder",
    "NominatimGeocoder",
    "Place",
    "default_geocoder",
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


class NominatimGeocoder:
    """Online geocoder: OpenStreetMap Nominatim through geopy, rate-limited and cached.

    Optional: the engine never needs it, tests never call it. Results (misses included) are kept
    in memory and, when ``cache_path`` is given, in a JSON file so a name is asked only once.

    Parameters
    ----------
    user_agent
        Identifies the application to Nominatim (required by its usage policy).
    timeout_s
        Seconds before a request is abandoned.
    min_delay_seconds
        Pause between two requests (the policy allows one per second).
    cache_path
        JSON file that persists the cache between runs; memory only when ``None``.
    max_retries
        Retries after a service error (each after a 5 s pause).
    geolocator
        An object with a geopy-like ``geocode(query, **kw)``; a ``geopy.geocoders.Nominatim`` is
        built when ``None`` (tests inject a fake here).
    """

    def __init__(
        self,
        *,
        user_agent: str = "symbiosis-industrial-symbiosis/0.1",
        timeout_s: float = 10.0,
        min_delay_seconds: float = 1.0,
        cache_path: str | Path | None = None,
        max_retries: int = 1,
        geolocator: Any = None,
    ) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self.min_delay_seconds = min_delay_seconds
        self.cache_path = None if cache_path is None else Path(cache_path)
        self.max_retries = max_retries
        self.geolocator = geolocator
        self._cache: dict[str, list[Any] | None] | None = None
        self._geocode: Callable[..., Any] | None = None

    @property
    def cache(self) -> dict[str, list[Any] | None]:
        """Query key → ``[name, lat, lon, municipality]`` or ``None`` for a known miss."""
        if self._cache is None:
            self._cache = {}
            if self.cache_path is not None and self.cache_path.exists():
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
        return self._cache

    def _geocode_fn(self) -> Callable[..., Any]:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter

            geolocator = self.geolocator
            if geolocator is None:
                from geopy.geocoders import Nominatim

                geolocator = Nominatim(user_agent=self.user_agent, timeout=self.timeout_s)
            self._geocode = RateLimiter(
                geolocator.geocode,
                min_delay_seconds=self.min_delay_seconds,
                max_retries=self.max_retries,
                swallow_exceptions=False,
            )
        return self._geocode

    def _save(self) -> None:
        if self.cache_path is not None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            self.cache_path.write_text(json.dumps(self.cache, ensure_ascii=False, indent=1), encoding="utf-8")

    def locate(self, name: str, *, province: str = "QC") -> Place | None:
        """Return the place Nominatim finds for ``name, province, Canada``, or ``None``.

        A network failure is logged and returns ``None`` without being cached.
        """
        from geopy.exc import GeopyError

        key = f"{normalise_name(name)}|{province.upper()}"
        if key not in self.cache:
            try:
                location = self._geocode_fn()(
                    f"{name}, {province}, Canada",
                    country_codes="ca",
                    addressdetails=True,
                    timeout=self.timeout_s,
                )
            except GeopyError as exc:
                logger.warning("Nominatim failed for %r: %s", name, exc)
                return None
            self.cache[key] = None if location is None else _location_record(location, name)
            self._save()
        record = self.cache[key]
        if record is None:
            return None
        return Place(
            name=record[0],
            lat=float(record[1]),
            lon=float(record[2]),
            source="nominatim",
            municipality=record[3],
        )


def _location_record(location: Any, query: str) -> list[Any]:
    raw = getattr(location, "raw", None) or {}
    address = raw.get("address", {}) if isinstance(raw, dict) else {}
    municipality = next(
        (address[k] for k in ("city", "town", "village", "municipality") if k in address), query
    )
    return [str(location.address), float(location.latitude), float(location.longitude), str(municipality)]


@dataclass(frozen=True)
class ChainGeocoder:
    """Ask several geocoders in turn; the first that finds the name wins.

    Parameters
    ----------
    geocoders
        In order of preference, e.g. ``(GazetteerGeocoder(), NominatimGeocoder(...))``.
    """

    geocoders: Sequence[Geocoder]

    def locate(self, name: str, *, province: str = "QC") -> Place | None:
        """Return the first place found, or ``None``."""
        for geocoder in self.geocoders:
            place = geocoder.locate(name, province=province)
            if place is not None:
                return place
        return None


def default_geocoder(
    *,
    online: bool = False,
    cache_path: str | Path | None = None,
    user_agent: str = "symbiosis-industrial-symbiosis/0.1",
) -> Geocoder:
    """Return the offline gazetteer, or, with ``online=True``, the gazetteer then Nominatim.

    Parameters
    ----------
    online
        Add the Nominatim fallback (network; only with the firm's consent for private addresses).
    cache_path
        JSON cache of Nominatim answers.
    user_agent
        Sent to Nominatim.
    """
    gazetteer = GazetteerGeocoder()
    if not online:
        return gazetteer
    return ChainGeocoder((gazetteer, NominatimGeocoder(user_agent=user_agent, cache_path=cache_path)))
