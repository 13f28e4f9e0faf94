"""Static map figure for PDF reports, drawn with fpdf2 primitives (no tiles, no network, no matplotlib).

An equirectangular projection scaled by ``cos(latitude)`` is exact enough for a region of a few
hundred kilometres. Named firms are blue dots, aggregated firms (anonymised mode) orange squares at
their MRC's public centroid, synergies grey lines; dot size grows with the number of synergies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from fpdf import FPDF

__all__ = ["Frame", "draw_map", "project"]

_BLUE = (31, 97, 141)
_ORANGE = (211, 84, 0)
_GREY = (170, 170, 170)


@dataclass(frozen=True)
class Frame:
    """Rectangle of the page the map is drawn in (mm)."""

    x: float
    y: float
    w: float
    h: float


def project(lon: np.ndarray, lat: np.ndarray, frame: Frame, *, margin: float = 4.0) -> tuple:
    """Map ``lon, lat`` (degrees) into ``frame`` keeping the aspect ratio; return page ``x, y`` (mm)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if lon.size == 0:
        return lon, lat
    scale_x = math.cos(math.radians(float(np.mean(lat))))
    gx, gy = lon * scale_x, lat
    span_x = max(float(gx.max() - gx.min()), 1e-3)
    span_y = max(float(gy.max() - gy.min()), 1e-3)
    k = min((frame.w - 2 * margin) / span_x, (frame.h - 2 * margin) / span_y)
    off_x = frame.x + (frame.w - k * span_x) / 2
    off_y = frame.y + (frame.h - k * span_y) / 2
    return off_x + (gx - gx.min()) * k, off_y + (gy.max() - gy) * k


def draw_map(pdf: FPDF, points: pd.DataFrame, links: pd.DataFrame, frame: Frame) -> None:
    """Draw the synergy map in ``frame``: border, links, points, labels of aggregated points."""
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.3)
    pdf.rect(frame.x, frame.y, frame.w, frame.h)
    if points.empty:
        return
    lon = np.concatenate([points["lon"].to_numpy(float), links["lon0"].to_numpy(float),
                          links["lon1"].to_numpy(float)])
    lat = np.concatenate([points["lat"].to_numpy(float), links["lat0"].to_numpy(float),
                          links["lat1"].to_numpy(float)])
    xs, ys = project(lon, lat, frame)
    n = len(points)
    n_links = len(links)
    pdf.set_draw_color(*_GREY)
    pdf.set_line_width(0.15)
    for i in range(n_links):
        pdf.line(xs[n + i], ys[n + i], xs[n + n_links + i], ys[n + n_links + i])
    sizes = 1.0 + np.sqrt(points["n_synergies"].to_numpy(float).clip(min=1))
    for i, row in enumerate(points.itertuples(index=False)):
        r = float(min(sizes[i], 6.0))
        if bool(row.named):
            pdf.set_fill_color(*_BLUE)
            pdf.circle(x=xs[i], y=ys[i], radius=r / 2, style="F")
        else:
            pdf.set_fill_color(*_ORANGE)
            pdf.rect(xs[i] - r / 2, ys[i] - r / 2, r, r, style="F")
            pdf.set_font(size=6)
            label = str(row.label)
            right = xs[i] + r / 2 + 0.8
            if right + pdf.get_string_width(label) > frame.x + frame.w:
                right = xs[i] - r / 2 - 0.8 - pdf.get_string_width(label)
            pdf.text(right, ys[i] + 1.0, label)
