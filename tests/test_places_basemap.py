"""The committed offline basemap: valid RFC 7946, covers the region and its parks, water where due."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from symbiosis.places import load_parks
from symbiosis.places.basemap import (
    BASEMAP_LAYERS,
    basemap_features,
    load_basemap,
    point_in_water,
    ring_contains,
)

MAX_BYTES = 400 * 1024
GEOMETRY_TYPES = {"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"}


def _positions(coords):
    arr = np.asarray(coords, dtype=object)
    if arr.ndim == 1 and len(arr) and isinstance(arr[0], (int, float)):
        yield list(coords)
        return
    for c in coords:
        yield from _positions(c)


def _signed_area(ring) -> float:
    pts = np.asarray(ring, dtype=float)
    return 0.5 * float(np.sum(pts[:-1, 0] * pts[1:, 1] - pts[1:, 0] * pts[:-1, 1]))


def test_file_is_small():
    path = resources.files("symbiosis.places").joinpath("data", "basemap_qc.geojson")
    assert len(path.read_bytes()) < MAX_BYTES


def test_valid_rfc7946():
    fc = load_basemap()
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc  # RFC 7946 drops crs: WGS84 lon/lat only
    for f in fc["features"]:
        assert f["type"] == "Feature"
        geom = f["geometry"]
        assert geom["type"] in GEOMETRY_TYPES
        assert f["properties"]["layer"] in BASEMAP_LAYERS
        assert f["properties"]["scale"] in ("region", "province")
        for lon, lat in _positions(geom["coordinates"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        if geom["type"] == "Polygon":
            outer, *holes = geom["coordinates"]
            for ring in geom["coordinates"]:
                assert len(ring) >= 4 and ring[0] == ring[-1]
            assert _signed_area(outer) > 0  # exterior counter-clockwise (right-hand rule)
            assert all(_signed_area(h) < 0 for h in holes)
        if geom["type"] == "LineString":
            assert len(geom["coordinates"]) >= 2


def test_region_scale_covers_every_park():
    parks = load_parks()
    pts = np.array(
        [
            p
            for f in basemap_features(scales=("region",))["features"]
            for p in _positions(f["geometry"]["coordinates"])
        ]
    )
    lon0, lat0 = pts.min(axis=0)
    lon1, lat1 = pts.max(axis=0)
    assert parks["lon"].between(lon0 + 0.3, lon1 - 0.3).all()
    assert parks["lat"].between(lat0 + 0.3, lat1 - 0.3).all()


def test_province_scale_reaches_quebec_ends():
    pts = np.array(
        [
            p
            for f in basemap_features(scales=("province",))["features"]
            for p in _positions(f["geometry"]["coordinates"])
        ]
    )
    assert pts[:, 0].min() < -79 and pts[:, 0].max() > -58  # Ontario border to Blanc-Sablon
    assert pts[:, 1].min() < 45.2 and pts[:, 1].max() > 62  # the US border to Ungava


def test_lac_saint_jean_is_water_alma_is_not():
    assert point_in_water(-72.05, 48.60)  # middle of Lac Saint-Jean
    assert point_in_water(-71.90, 48.50)  # near Desbiens
    assert not point_in_water(-71.6494, 48.5502)  # Alma, on the Grande Décharge
    assert not point_in_water(-72.24, 48.52)  # Roberval, on the shore


def test_saguenay_fjord_and_st_lawrence_are_water():
    assert point_in_water(-70.60, 48.375)  # fjord, off Sainte-Rose-du-Nord
    assert point_in_water(-69.60, 48.00)  # St. Lawrence estuary
    assert not point_in_water(-71.06, 48.38)  # Chicoutimi-Sud


@pytest.mark.parametrize(
    "name",
    [
        "Lac Saint-Jean",
        "Rivière Saguenay",
        "Rivière Péribonka",
        "Le Domaine-du-Roy",
        "Maria-Chapdelaine",
        "Lac-Saint-Jean-Est",
        "Le Fjord-du-Saguenay",
        "Ville de Saguenay",
        "Alma",
        "Roberval",
    ],
)
def test_labels_present(name):
    labels = {f["properties"]["name"] for f in basemap_features(("label",))["features"]}
    assert name in labels


def test_layers_present():
    layers = {f["properties"]["layer"] for f in load_basemap()["features"]}
    assert layers == set(BASEMAP_LAYERS)


def test_ring_contains_square():
    square = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
    assert ring_contains(square, 1, 1)
    assert not ring_contains(square, 3, 1)
    assert not ring_contains(square, -1, 1)


def test_features_are_fresh_copies():
    a = basemap_features(("label",))
    a["features"].clear()
    assert basemap_features(("label",))["features"]
