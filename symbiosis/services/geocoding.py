"""Online geocoding: OpenStreetMap Nominatim through geopy, rate-limited, cached in a JSON file.

Optional: the engine never needs it and tests never reach the network (they inject a fake
geolocator). The offline gazetteer and the geocoder protocol are pure (:mod:`symbiosis.places.geocode`);
this module adds the network and the cache file. Never geocode a confidential address through a
third party without the firm's consent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from symbiosis.places.gazetteer import normalise_name
from symbiosis.places.geocode import ChainGeocoder, GazetteerGeocoder, Geocoder, Place

__all__ = ["NominatimGeocoder", "default_geocoder"]

logger = logging.getLogger(__name__)


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
