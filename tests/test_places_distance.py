"""The one distance definition: vectorised haversine."""

from __future__ import annotations

import numpy as np
import pytest
from geopy.distance import great_circle

from symbiosis.places.distance import EARTH_RADIUS_KM, haversine_km


def test_one_degree_of_latitude():
    assert haversine_km(48.0, -71.0, 49.0, -71.0) == pytest.approx(np.pi / 180 * EARTH_RADIUS_KM)


def test_zero_and_symmetry():
    assert haversine_km(48.4, -71.1, 48.4, -71.1) == 0.0
    assert haversine_km(48.4, -71.1, 45.5, -73.6) == pytest.approx(haversine_km(45.5, -73.6, 48.4, -71.1))


def test_matches_geopy_great_circle_on_random_quebec_pairs():
    rng = np.random.default_rng(1)
    lat1, lat2 = rng.uniform(45, 50, 50), rng.uniform(45, 50, 50)
    lon1, lon2 = rng.uniform(-79, -65, 50), rng.uniform(-79, -65, 50)
    expected = [great_circle((a, b), (c, d)).km for a, b, c, d in zip(lat1, lon1, lat2, lon2, strict=True)]
    np.testing.assert_allclose(haversine_km(lat1, lon1, lat2, lon2), expected, rtol=1e-5)


def test_broadcasts_to_a_matrix():
    lat = np.array([48.0, 48.5, 49.0])
    lon = np.array([-71.0, -72.0, -73.0])
    matrix = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert matrix.shape == (3, 3)
    np.testing.assert_allclose(np.diag(matrix), 0.0)
    np.testing.assert_allclose(matrix, matrix.T)
