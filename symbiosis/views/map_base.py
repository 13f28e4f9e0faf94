"""The ground under the advisor's map: the offline basemap layers and a view fitted to what is shown.

The basemap (``symbiosis.places.basemap``) is drawn as deck.gl layers under the firms and arcs: a
land background, water (lakes, the St. Lawrence and the Saguenay fjord), rivers, provincial
borders, the approximate MRC limits and French place names. Everything is data in the deck's JSON:
no tile, no style URL, no outside request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pydeck as pdk
from pydeck.types import String

from symbiosis.places.basemap import basemap_features

__all__ = ["BASE_COLOURS", "REGION_VIEW", "View", "basemap_labels", "basemap_layers", "fit_view"]

#: RGBA colours of the basemap, also used by the PDF map and checked by the browser test.
BASE_COLOURS: dict[str, tuple[int, int, int, int]] = {
    "land": (242, 239, 233, 255),
    "water": (170, 211, 223, 255),
    "river": (120, 170, 200, 255),
    "province": (110, 110, 110, 255),
    "mrc": (150, 120, 160, 200),
    "label": (60, 60, 60, 255),
    "label_mrc": (120, 90, 130, 255),
}
#: deck.gl draws a 512-pixel world at zoom 0.
_TILE_PX = 512
_PROVINCE_BOX = ((-80.0, 44.8), (-57.0, 62.8))
#: Every character a French or English place name may hold (the label font atlas is built from it).
_CHARACTERS = "".join(chr(c) for c in range(32, 127)) + "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’–—«»·"
_FONT = "Source Sans Pro, DejaVu Sans, Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class View:
    """A top-down view: centre and zoom (deck.gl's Web Mercator zoom level)."""

    latitude: float
    longitude: float
    zoom: float

    def view_state(self) -> pdk.ViewState:
        """The pydeck view state: flat (pitch 0, bearing 0)."""
        return pdk.ViewState(
            latitude=self.latitude, longitude=self.longitude, zoom=self.zoom, pitch=0, bearing=0
        )


#: Saguenay–Lac-Saint-Jean's settled area, from Saint-Félicien to La Baie.
REGION_VIEW = View(latitude=48.55, longitude=-71.55, zoom=7.6)


def _mercator_y(lat: np.ndarray) -> np.ndarray:
    rad = np.radians(np.clip(lat, -85.0, 85.0))
    return (1.0 - np.log(np.tan(rad) + 1.0 / np.cos(rad)) / math.pi) / 2.0


def fit_view(
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    width_px: int = 600,
    height_px: int = 620,
    padding_px: int = 60,
    min_zoom: float = 4.0,
    max_zoom: float = 12.0,
) -> View:
    """Return the view that shows every point, centred on their box, as close as ``max_zoom`` allows.

    Parameters
    ----------
    lon, lat
        Degrees; NaNs are ignored. With no point, :data:`REGION_VIEW`.
    width_px, height_px
        Expected size of the map on screen (pixels).
    padding_px
        Margin kept around the points on every side.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return REGION_VIEW
    lon, lat = lon[ok], lat[ok]
    x = (lon + 180.0) / 360.0
    y = _mercator_y(lat)
    dx, dy = float(x.max() - x.min()), float(y.max() - y.min())
    usable_w, usable_h = max(width_px - 2 * padding_px, 50), max(height_px - 2 * padding_px, 50)
    scale = min(
        usable_w / (dx * _TILE_PX) if dx > 0 else math.inf, usable_h / (dy * _TILE_PX) if dy > 0 else math.inf
    )
    zoom = max_zoom if scale == math.inf else math.log2(scale)
    centre_y = (float(y.max()) + float(y.min())) / 2.0
    centre_lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * centre_y))))
    centre_lon = (float(lon.max()) + float(lon.min())) / 2.0
    return View(
        latitude=round(centre_lat, 5),
        longitude=round(centre_lon, 5),
        zoom=round(min(max(zoom, min_zoom), max_zoom), 2),
    )


def _land() -> dict:
    (lon0, lat0), (lon1, lat1) = _PROVINCE_BOX
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    geometry = {"type": "Polygon", "coordinates": [ring]}
    feature = {"type": "Feature", "properties": {}, "geometry": geometry}
    return {"type": "FeatureCollection", "features": [feature]}


def _lines(layer_id: str, layer: str, width_px: float) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data=basemap_features((layer,)),
        stroked=True,
        filled=False,
        get_line_color=list(BASE_COLOURS[layer]),
        line_width_units=String("pixels"),
        get_line_width=width_px,
        pickable=False,
    )


def _labels() -> list[dict]:
    out = []
    for f in basemap_features(("label",))["features"]:
        kind = f["properties"]["kind"]
        colour = BASE_COLOURS["label_mrc" if kind == "mrc" else "label"]
        size = {"mrc": 13, "town": 12, "lake": 13, "river": 11}.get(kind, 11)
        out.append(
            {
                "position": f["geometry"]["coordinates"],
                "text": f["properties"]["name"],
                "colour": list(colour),
                "size": size,
            }
        )
    return out


def basemap_layers() -> list[pdk.Layer]:
    """Return the basemap's ground layers, bottom first (ids start with ``basemap-``); labels apart."""
    return [
        pdk.Layer(
            "GeoJsonLayer",
            id="basemap-land",
            data=_land(),
            stroked=False,
            filled=True,
            get_fill_color=list(BASE_COLOURS["land"]),
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            id="basemap-water",
            data=basemap_features(("water",)),
            stroked=False,
            filled=True,
            get_fill_color=list(BASE_COLOURS["water"]),
            pickable=False,
        ),
        _lines("basemap-rivers", "river", 1.2),
        _lines("basemap-borders", "province", 1.5),
        _lines("basemap-mrc", "mrc", 1.0),
    ]


def basemap_labels() -> pdk.Layer:
    """Return the place names (French), to draw above everything else so that arcs never hide them."""
    return pdk.Layer(
        "TextLayer",
        id="basemap-labels",
        data=_labels(),
        get_position="position",
        get_text="text",
        get_color="colour",
        get_size="size",
        size_units=String("pixels"),
        character_set=String(_CHARACTERS),
        font_family=String(_FONT),
        font_weight=600,
        font_settings={"sdf": True},
        outline_width=3,
        outline_color=[255, 255, 255, 200],
        pickable=False,
    )
