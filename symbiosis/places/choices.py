"""Known places a firm may have meant when the one it typed is not in the offline gazetteer.

Two kinds of candidates: names spelt close to what was typed (« St-Feliciën » → Saint-Félicien),
and the gazetteer's places nearest the site's current position (a hamlet typed, the village next
to it known). Each comes with its distance from that position, so that a homonym 400 km away is
seen for what it is. Pure: the gazetteer in, a table out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.places.distance import haversine_km
from symbiosis.places.geocode import GazetteerGeocoder

__all__ = ["PLACE_CHOICE_COLUMNS", "place_choices"]

#: Columns of :func:`place_choices`: ``reason`` is ``spelling`` (a close name) or ``near`` (close by).
PLACE_CHOICE_COLUMNS: tuple[str, ...] = ("name", "municipality", "lat", "lon", "distance_km", "reason")


def place_choices(
    typed: str,
    *,
    geocoder: GazetteerGeocoder | None = None,
    near: tuple[float, float] | None = None,
    n_spelling: int = 4,
    n_near: int = 4,
) -> pd.DataFrame:
    """Return the known places a firm may have meant by ``typed``, close names first.

    Parameters
    ----------
    typed
        The place name that the gazetteer does not know.
    geocoder
        The offline gazetteer (the bundled one when ``None``).
    near
        (lat, lon) of the site's current position: adds its nearest places and every distance.
    n_spelling, n_near
        How many close names, how many nearest places.

    Returns
    -------
    pandas.DataFrame
        :data:`PLACE_CHOICE_COLUMNS`, one row per distinct place: close names (nearest first when
        ``near`` is given), then the places nearby; ``distance_km`` (great circle, from ``near``) is
        NaN without ``near``.
    """
    geocoder = geocoder or GazetteerGeocoder()
    rows = []
    for name in geocoder.suggest(typed, n_spelling, cutoff=0.55) if typed.strip() else []:
        place = geocoder.locate(name)
        if place is not None:
            rows.append((place.name, place.municipality, place.lat, place.lon, "spelling"))
    if near is not None and n_near > 0:
        table = geocoder.gazetteer
        distance = haversine_km(table["lat"].to_numpy(), table["lon"].to_numpy(), *near)
        for i in np.argsort(distance, kind="stable")[:n_near]:
            row = table.iloc[int(i)]
            rows.append(
                (str(row["name"]), str(row["municipality"]), float(row["lat"]), float(row["lon"]), "near")
            )
    frame = pd.DataFrame(rows, columns=[c for c in PLACE_CHOICE_COLUMNS if c != "distance_km"])
    frame = frame.drop_duplicates(subset=["name", "lat", "lon"]).reset_index(drop=True)
    if near is None or frame.empty:
        frame.insert(4, "distance_km", np.nan)
    else:
        frame.insert(4, "distance_km", haversine_km(frame["lat"].to_numpy(), frame["lon"].to_numpy(), *near))
        # close names first, the nearest of them first (a homonym far away last); then the places nearby
        first = (frame["reason"] != "spelling").astype(int)
        frame = frame.assign(_first=first).sort_values(["_first", "distance_km"], kind="stable")
        frame = frame.drop(columns="_first").reset_index(drop=True)
    return frame.astype({"lat": float, "lon": float, "distance_km": float})
