"""Great-circle distance: the one distance definition the engine uses (vectorised haversine)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["EARTH_RADIUS_KM", "haversine_km"]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance between points given in decimal degrees, element-wise.

    Inputs broadcast against each other like numpy arrays (scalars, equal-length vectors, or a
    column against a row for a distance matrix). Within 0.3 % of the ellipsoidal geodesic on
    Québec pairs.

    Parameters
    ----------
    lat1, lon1
        Latitude and longitude of the first points, WGS84 degrees.
    lat2, lon2
        Latitude and longitude of the second points, WGS84 degrees.

    Returns
    -------
    numpy.ndarray
        Distances in km (a 0-d array for scalar inputs).
    """
    phi1, lam1, phi2, lam2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((phi2 - phi1) / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
