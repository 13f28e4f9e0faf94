"""Static map figure for PDF reports, drawn with fpdf2 primitives (no tiles, no network, no matplotlib).

The map shows the region at a fixed, readable extent (the settled area of Saguenay–Lac-Saint-Jean,
widened to every point drawn) over the bundled offline basemap: land, lakes, the Saguenay fjord and
the St. Lawrence, rivers, approximate MRC limits (dashed) and place names. On it: the industrial
parks (grey rings), the synergies (lines, darker where several overlap), the named firms (blue
dots) and, in anonymised mode, the firms aggregated at their MRC's public centroid (orange squares
with the MRC's name); dot size grows with the number of synergies. A legend sits in the figure's
lower-left corner; :func:`map_caption` gives the text and basemap credit to print under it.

An equirectangular projection scaled by ``cos(latitude)`` is exact enough for a region of a few
hundred kilometres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fpdf import FPDF

from symbiosis.i18n import t
from symbiosis.places.basemap import BASEMAP_CREDIT, basemap_features
from symbiosis.places.parks import load_parks

__all__ = ["REGION_EXTENT", "Frame", "Projection", "draw_map", "map_caption", "map_extent", "project"]

_BLUE = (31, 97, 141)
_ORANGE = (211, 84, 0)
_LINK = (90, 90, 90)
_LAND = (242, 239, 233)
_WATER = (170, 211, 223)
_RIVER = (120, 170, 200)
_MRC = (150, 120, 160)
_PARK = (120, 120, 120)
_LABEL = (70, 70, 70)

#: (lon_min, lat_min, lon_max, lat_max) always shown: the region's settled area, lake and fjord.
REGION_EXTENT = (-72.75, 48.20, -70.60, 49.05)


@dataclass(frozen=True)
class Frame:
    """Rectangle of the page the map is drawn in (mm)."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Projection:
    """Degrees to page millimetres: ``x = x0 + k·cos(φ0)·(λ − λmin)``, ``y = y0 + k·(φmax − φ)``."""

    lon_min: float
    lat_max: float
    scale_x: float
    k: float
    x0: float
    y0: float

    @classmethod
    def fit(cls, extent: tuple[float, ...], frame: Frame, *, margin: float = 4.0) -> Projection:
        """Fit ``extent`` (lon_min, lat_min, lon_max, lat_max) in ``frame``, centred, aspect kept."""
        lon0, lat0, lon1, lat1 = extent
        scale_x = math.cos(math.radians((lat0 + lat1) / 2))
        span_x, span_y = max((lon1 - lon0) * scale_x, 1e-3), max(lat1 - lat0, 1e-3)
        k = min((frame.w - 2 * margin) / span_x, (frame.h - 2 * margin) / span_y)
        return cls(
            lon_min=lon0,
            lat_max=lat1,
            scale_x=scale_x,
            k=k,
            x0=frame.x + (frame.w - k * span_x) / 2,
            y0=frame.y + (frame.h - k * span_y) / 2,
        )

    def __call__(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return self.x0 + (lon - self.lon_min) * self.scale_x * self.k, self.y0 + (self.lat_max - lat) * self.k


def project(lon: np.ndarray, lat: np.ndarray, frame: Frame, *, margin: float = 4.0) -> tuple:
    """Map ``lon, lat`` (degrees) into ``frame`` keeping the aspect ratio; return page ``x, y`` (mm)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if lon.size == 0:
        return lon, lat
    extent = (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
    return Projection.fit(extent, frame, margin=margin)(lon, lat)


def map_extent(points: pd.DataFrame, links: pd.DataFrame, *, pad_deg: float = 0.08) -> tuple:
    """The extent drawn: :data:`REGION_EXTENT` widened to every point and link end (plus ``pad_deg``)."""
    lon0, lat0, lon1, lat1 = REGION_EXTENT
    lon = np.concatenate(
        [
            points["lon"].to_numpy(float),
            links["lon0"].to_numpy(float),
            links["lon1"].to_numpy(float),
            [lon0 + pad_deg, lon1 - pad_deg],
        ]
    )
    lat = np.concatenate(
        [
            points["lat"].to_numpy(float),
            links["lat0"].to_numpy(float),
            links["lat1"].to_numpy(float),
            [lat0 + pad_deg, lat1 - pad_deg],
        ]
    )
    lon, lat = lon[np.isfinite(lon)], lat[np.isfinite(lat)]
    return (
        float(lon.min()) - pad_deg,
        float(lat.min()) - pad_deg,
        float(lon.max()) + pad_deg,
        float(lat.max()) + pad_deg,
    )


def _xy(proj: Projection, coords: list) -> list[tuple[float, float]]:
    pts = np.asarray(coords, dtype=float)
    xs, ys = proj(pts[:, 0], pts[:, 1])
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def _draw_basemap(pdf: FPDF, proj: Projection, frame: Frame) -> None:
    pdf.set_fill_color(*_LAND)
    pdf.rect(frame.x, frame.y, frame.w, frame.h, style="F")
    pdf.set_fill_color(*_WATER)
    holes = []
    for f in basemap_features(("water",), ("region", "province"))["features"]:
        outer, *inner = f["geometry"]["coordinates"]
        pdf.polygon(_xy(proj, outer), style="F")
        holes += inner
    pdf.set_fill_color(*_LAND)
    for ring in holes:
        pdf.polygon(_xy(proj, ring), style="F")
    pdf.set_draw_color(*_RIVER)
    pdf.set_line_width(0.25)
    for f in basemap_features(("river",), ("region",))["features"]:
        pdf.polyline(_xy(proj, f["geometry"]["coordinates"]))
    pdf.set_draw_color(*_MRC)
    pdf.set_line_width(0.3)
    pdf.set_dash_pattern(dash=1.2, gap=0.8)
    for f in basemap_features(("mrc",), ("region",))["features"]:
        pdf.polyline(_xy(proj, f["geometry"]["coordinates"]))
    pdf.set_dash_pattern()


def _draw_labels(pdf: FPDF, proj: Projection, frame: Frame) -> None:
    for f in basemap_features(("label",), ("region",))["features"]:
        lon, lat = f["geometry"]["coordinates"]
        xs, ys = proj(np.array([lon]), np.array([lat]))
        x, y = float(xs[0]), float(ys[0])
        kind, name = f["properties"]["kind"], f["properties"]["name"]
        pdf.set_font(size=7.5 if kind == "mrc" else 6.5, style="B" if kind == "mrc" else "")
        pdf.set_text_color(*(_MRC if kind == "mrc" else _LABEL))
        width = pdf.get_string_width(name)
        inside_x = frame.x + 1 < x - width / 2 and x + width / 2 < frame.x + frame.w - 1
        if inside_x and frame.y + 3 < y < frame.y + frame.h - 1:
            pdf.text(x - width / 2, y, name)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(style="")


def _draw_parks(pdf: FPDF, proj: Projection) -> None:
    parks = load_parks()
    xs, ys = proj(parks["lon"].to_numpy(float), parks["lat"].to_numpy(float))
    pdf.set_draw_color(*_PARK)
    pdf.set_line_width(0.25)
    for x, y in zip(xs, ys, strict=True):
        pdf.circle(x=float(x), y=float(y), radius=1.6, style="D")


def _draw_links(pdf: FPDF, proj: Projection, links: pd.DataFrame) -> None:
    x0, y0 = proj(links["lon0"].to_numpy(float), links["lat0"].to_numpy(float))
    x1, y1 = proj(links["lon1"].to_numpy(float), links["lat1"].to_numpy(float))
    pdf.set_draw_color(*_LINK)
    pdf.set_line_width(0.2)
    with pdf.local_context(stroke_opacity=0.35):
        for a, b, c, d in zip(x0, y0, x1, y1, strict=True):
            pdf.line(float(a), float(b), float(c), float(d))


def _draw_points(pdf: FPDF, proj: Projection, points: pd.DataFrame, frame: Frame) -> None:
    xs, ys = proj(points["lon"].to_numpy(float), points["lat"].to_numpy(float))
    sizes = 1.0 + np.sqrt(points["n_synergies"].to_numpy(float).clip(min=1))
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.15)
    for i, row in enumerate(points.itertuples(index=False)):
        r = float(min(sizes[i], 6.0))
        if bool(row.named):
            pdf.set_fill_color(*_BLUE)
            pdf.circle(x=xs[i], y=ys[i], radius=r / 2, style="DF")
            continue
        pdf.set_fill_color(*_ORANGE)
        pdf.rect(xs[i] - r / 2, ys[i] - r / 2, r, r, style="DF")
        pdf.set_font(size=6.5, style="B")
        label = str(row.label)
        right = xs[i] + r / 2 + 0.8
        if right + pdf.get_string_width(label) > frame.x + frame.w:
            right = xs[i] - r / 2 - 0.8 - pdf.get_string_width(label)
        pdf.text(right, ys[i] + 1.0, label)
    pdf.set_font(style="")


def _draw_legend(pdf: FPDF, frame: Frame, lang: str, anonymised: bool) -> None:
    rows = [
        ("firm", t("map.pdf.legend.firm", lang)),
        ("link", t("map.pdf.legend.link", lang)),
        ("park", t("map.pdf.legend.park", lang)),
        ("mrc", t("map.pdf.legend.mrc", lang)),
    ]
    if anonymised:
        rows.insert(1, ("aggregate", t("map.pdf.legend.aggregate", lang)))
    pdf.set_font(size=6.5)
    width = 10 + max(pdf.get_string_width(text) for _, text in rows)
    x, y = frame.x + 2, frame.y + frame.h - 2 - 4.2 * len(rows) - 2
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, width, 4.2 * len(rows) + 2, style="DF")
    for i, (kind, text) in enumerate(rows):
        cy = y + 3 + 4.2 * i
        _legend_symbol(pdf, kind, x + 4, cy)
        pdf.set_text_color(*_LABEL)
        pdf.text(x + 8, cy + 0.9, text)
    pdf.set_text_color(0, 0, 0)


def _legend_symbol(pdf: FPDF, kind: str, x: float, y: float) -> None:
    if kind == "firm":
        pdf.set_fill_color(*_BLUE)
        pdf.circle(x=x, y=y, radius=1.1, style="F")
    elif kind == "aggregate":
        pdf.set_fill_color(*_ORANGE)
        pdf.rect(x - 1.2, y - 1.2, 2.4, 2.4, style="F")
    elif kind == "link":
        pdf.set_draw_color(*_LINK)
        pdf.line(x - 2.5, y, x + 2.5, y)
    elif kind == "park":
        pdf.set_draw_color(*_PARK)
        pdf.circle(x=x, y=y, radius=1.4, style="D")
    else:
        pdf.set_draw_color(*_MRC)
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(x - 2.5, y, x + 2.5, y)
        pdf.set_dash_pattern()


def draw_map(pdf: FPDF, points: pd.DataFrame, links: pd.DataFrame, frame: Frame, lang: str = "fr") -> None:
    """Draw the synergy map in ``frame``: basemap, parks, links, points, labels, legend and credit."""
    if points.empty:
        links = links.iloc[:0]
    proj = Projection.fit(map_extent(points, links), frame)
    anonymised = bool((~points["named"].astype(bool)).any()) if not points.empty else False
    size = pdf.font_size_pt
    with pdf.rect_clip(frame.x, frame.y, frame.w, frame.h):
        _draw_basemap(pdf, proj, frame)
        _draw_parks(pdf, proj)
        if not points.empty:
            _draw_links(pdf, proj, links)
            _draw_points(pdf, proj, points, frame)
        _draw_labels(pdf, proj, frame)
        _draw_legend(pdf, frame, lang, anonymised)
    # the clip's graphics state is popped: select the font and colours again so the page goes on right
    pdf.set_font(size=size + 1)
    pdf.set_font(size=size)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_text_color(0, 0, 0)
    pdf.set_line_width(0.3)
    pdf.rect(frame.x, frame.y, frame.w, frame.h)


def map_caption(lang: str = "fr") -> str:
    """The text under the map: what it shows and the basemap's credit."""
    return t("map.pdf_caption", lang) + " " + BASEMAP_CREDIT.get(lang)
