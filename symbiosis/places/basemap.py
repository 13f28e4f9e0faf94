"""The bundled offline basemap of Québec: water, rivers, borders, approximate MRC limits and labels.

``data/basemap_qc.geojson`` is built by ``scripts/build_basemap.py`` from GSHHG (LGPL-3.0-or-later)
and Natural Earth (public domain); see ``data/NOTICE.md``. Each feature's ``layer`` is ``water``
(polygons), ``river``, ``province``, ``mrc`` (lines; MRC limits are approximate) or ``label``
(points with ``name`` and ``kind``: lake, river, mrc, town); its ``scale`` is ``region`` (detailed,
around Saguenay–Lac-Saint-Jean) or ``province`` (coarse, the rest of Québec).
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources

import numpy as np

from symbiosis.i18n import Text

__all__ = [
    "BASEMAP_CREDIT",
    "BASEMAP_LAYERS",
    "basemap_features",
    "load_basemap",
    "point_in_water",
    "ring_contains",
]

#: Layers of the basemap, drawn in this order (water under rivers under limits under labels).
BASEMAP_LAYERS: tuple[str, ...] = ("water", "river", "province", "mrc", "label")

#: The credit shown under every map that draws the basemap.
BASEMAP_CREDIT = Text(
    "Fond de carte : GSHHG 2.3.6 (Wessel et Smith, LGPL-3.0), Natural Earth (domaine public), "
    "GeoNames (CC BY 4.0). Limites de MRC approximatives (dérivées des municipalités).",
    "Basemap: GSHHG 2.3.6 (Wessel & Smith, LGPL-3.0), Natural Earth (public domain), "
    "GeoNames (CC BY 4.0). MRC limits are approximate (derived from the municipalities).",
)


@functools.lru_cache(maxsize=1)
def _read() -> dict:
    path = resources.files("symbiosis.places").joinpath("data", "basemap_qc.geojson")
    with path.open("r", encoding="utf-8") as fh:
        return json.load(fh)


def load_basemap() -> dict:
    """Return the whole basemap as an RFC 7946 FeatureCollection (a fresh copy)."""
    return copy.deepcopy(_read())


@functools.lru_cache(maxsize=32)
def _features(layers: tuple[str, ...], scales: tuple[str, ...]) -> str:
    keep = [
        f
        for f in _read()["features"]
        if f["properties"]["layer"] in layers and f["properties"]["scale"] in scales
    ]
    return json.dumps({"type": "FeatureCollection", "features": keep})


def basemap_features(
    layers: tuple[str, ...] = BASEMAP_LAYERS, scales: tuple[str, ...] = ("region", "province")
) -> dict:
    """Return a FeatureCollection of the features of ``layers`` at ``scales`` (a fresh copy)."""
    return json.loads(_features(tuple(layers), tuple(scales)))


def ring_contains(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Whether the point is inside a closed ``[lon, lat]`` ring (even-odd ray casting)."""
    pts = np.asarray(ring, dtype=float)
    x0, y0 = pts[:-1, 0], pts[:-1, 1]
    x1, y1 = pts[1:, 0], pts[1:, 1]
    crosses = (y0 > lat) != (y1 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x0 + (lat - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(crosses & (lon < x_at)) % 2)


def point_in_water(lon: float, lat: float) -> bool:
    """Whether a point falls in a water polygon of the basemap (a lake or the sea, holes excluded)."""
    for feature in _read()["features"]:
        geom = feature["geometry"]
        if feature["properties"]["layer"] != "water" or geom["type"] != "Polygon":
            continue
        outer, *holes = geom["coordinates"]
        if ring_contains(outer, lon, lat) and not any(ring_contains(h, lon, lat) for h in holes):
            return True
    return False
