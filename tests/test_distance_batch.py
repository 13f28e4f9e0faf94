"""The WGS84 distance of a pair does not depend on the other pairs computed with it (issue #16)."""

from __future__ import annotations

import numpy as np
from geopy.distance import geodesic

from symbiosis.engine.distance import geodesic_pairs_km, reduced_latitudes


def _points(seed: int, n: int):
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(45, 62, n), rng.uniform(-79, -57, n)
    return lat, lon, reduced_latitudes(lat)


def test_a_pair_gets_the_same_km_alone_or_in_any_batch():
    lat, lon, red = _points(1, 400)
    i, j = np.arange(0, 200), np.arange(200, 400)
    whole = geodesic_pairs_km(lat, lon, red, lat, lon, red, i, j)
    # Include a near-antipodal pair: it needs many iterations, so the batch iterates long.
    far_lat, far_lon = np.r_[lat, -lat[0]], np.r_[lon, lon[0] + 179.5]
    far_red = reduced_latitudes(far_lat)
    with_far = geodesic_pairs_km(
        far_lat, far_lon, far_red, far_lat, far_lon, far_red, np.r_[i, 0], np.r_[j, 400]
    )
    assert np.array_equal(with_far[:-1], whole)
    for lo, hi in ((0, 1), (17, 61), (150, 200)):
        part = geodesic_pairs_km(lat, lon, red, lat, lon, red, i[lo:hi], j[lo:hi])
        assert np.array_equal(part, whole[lo:hi])


def test_distances_agree_with_geopy_to_the_millimetre():
    lat, lon, red = _points(2, 40)
    i, j = np.arange(20), np.arange(20, 40)
    km = geodesic_pairs_km(lat, lon, red, lat, lon, red, i, j)
    ref = [geodesic((lat[a], lon[a]), (lat[b], lon[b])).km for a, b in zip(i, j, strict=True)]
    assert np.allclose(km, ref, rtol=0, atol=1e-6)


def test_pairs_computed_by_slices_give_the_same_km(monkeypatch):
    import symbiosis.engine.distance as distance

    lat, lon, red = _points(3, 300)
    rng = np.random.default_rng(3)
    i, j = rng.integers(0, 300, 1000), rng.integers(0, 300, 1000)
    whole = geodesic_pairs_km(lat, lon, red, lat, lon, red, i, j)
    monkeypatch.setattr(distance, "PAIR_SLICE", 7)
    assert np.array_equal(geodesic_pairs_km(lat, lon, red, lat, lon, red, i, j), whole)
