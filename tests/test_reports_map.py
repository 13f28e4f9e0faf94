"""The PDF map: the offline basemap, parks, links and firms drawn legibly, checked on the rendered page."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.pipeline import run
from symbiosis.reports import gather_report, lines_from_result, render_report
from symbiosis.reports.figures import REGION_EXTENT, Frame, Projection, draw_map, map_extent
from symbiosis.reports.pdf import ReportPDF
from tests.test_reports_fixtures import SECRET_NAMES, report_registry

WATER = (170, 211, 223)
BLUE = (31, 97, 141)
ORANGE = (211, 84, 0)


def _pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        if os.environ.get("SYMBIOSIS_REQUIRE_SERVICES") == "1":
            pytest.fail("SYMBIOSIS_REQUIRE_SERVICES=1 but pdftoppm (poppler-utils) is missing", pytrace=False)
        pytest.skip("pdftoppm not installed: apt-get install poppler-utils")
    return path


def _render(pdf: bytes, page: int, tmp_path: Path, dpi: int = 60) -> np.ndarray:
    from PIL import Image

    src = tmp_path / "map.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        [
            _pdftoppm(),
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            "-png",
            str(src),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    return np.asarray(Image.open(tmp_path / "page.png").convert("RGB"), dtype=int)


def _share(pixels: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 8) -> float:
    return float((np.abs(pixels - np.array(rgb)) <= tolerance).all(axis=2).mean())


def test_projection_keeps_aspect_and_orientation():
    frame = Frame(10, 20, 100, 100)
    proj = Projection.fit((-72.0, 48.0, -71.0, 49.0), frame, margin=0)
    x, y = proj(np.array([-72.0, -71.0, -72.0]), np.array([49.0, 49.0, 48.0]))
    assert y[0] == pytest.approx(y[1]) and y[2] > y[0]  # north up
    width, height = x[1] - x[0], y[2] - y[0]
    assert height == pytest.approx(100)  # latitude fills the frame
    assert width / height == pytest.approx(np.cos(np.radians(48.5)), rel=1e-6)  # 1° of lon is shorter


def test_extent_always_shows_the_region_and_reaches_every_point():
    points = pd.DataFrame({"lon": [-71.65], "lat": [48.55]})
    links = pd.DataFrame({"lon0": [-71.65], "lat0": [48.55], "lon1": [-74.2], "lat1": [49.9]})
    lon0, lat0, lon1, lat1 = map_extent(points, links)
    assert lon0 < -74.2 and lat1 > 49.9
    assert lon1 >= REGION_EXTENT[2] and lat0 <= REGION_EXTENT[1]


def _map_page(points: pd.DataFrame, links: pd.DataFrame, lang: str = "fr") -> bytes:
    pdf = ReportPDF("Carte", lang)
    pdf.add_page()
    draw_map(pdf, points, links, Frame(pdf.l_margin, 30, pdf.epw, 150), lang)
    pdf.set_font(size=10)
    pdf.cell(text="Texte après la carte : Œuvre")
    return bytes(pdf.output())


def test_empty_map_still_draws_the_basemap(tmp_path):
    pixels = _render(
        _map_page(
            pd.DataFrame(columns=["lon", "lat", "label", "n_synergies", "named"]),
            pd.DataFrame(columns=["lon0", "lat0", "lon1", "lat1"]),
        ),
        1,
        tmp_path,
    )
    assert _share(pixels, WATER) > 0.02  # Lac Saint-Jean and the fjord


@pytest.fixture(scope="module")
def reports():
    """The hand-made registry's report, named and anonymised (P1 alone consents)."""
    registry = report_registry()
    lines = lines_from_result(run(registry, MatchConfig()))
    factors = load_factors()
    return (
        gather_report(registry.firms, lines, factors),
        gather_report(registry.firms, lines, factors, anonymised=True, consents={"P1"}),
    )


def test_report_map_draws_lake_links_and_firms(reports, tmp_path):
    named, _ = reports
    pixels = _render(render_report(named, "pdf", "fr"), 3, tmp_path)
    water, blue = _share(pixels, WATER), _share(pixels, BLUE)
    assert water > 0.02, "no lake or fjord on the map"
    assert blue > 0.0001, "no firm drawn"
    colours = {tuple(p) for p in pixels.reshape(-1, 3)[::7]}
    assert len(colours) > 40, "the map is a few flat squares"
    links = ((pixels < 140).all(axis=2) & (np.ptp(pixels, axis=2) < 20)).mean()
    assert links > 0.0005, "no synergy line drawn"


def test_anonymised_map_groups_firms_by_mrc_without_their_names(reports, tmp_path):
    _, anonymised = reports
    pdf = render_report(anonymised, "pdf", "en")
    pixels = _render(pdf, 3, tmp_path)
    assert _share(pixels, ORANGE) > 0.0002  # MRC aggregates
    assert _share(pixels, WATER) > 0.02
    text = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", str(tmp_path / "map.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "MRC" in text and "Lac Saint-Jean" in text and "GSHHG" in text
    assert "Firms grouped at their MRC" in text  # the legend, in the report's language
    for name in SECRET_NAMES:
        assert name not in text


def test_text_after_the_map_keeps_its_font(tmp_path):
    pdf = _map_page(
        pd.DataFrame({"lon": [-71.65], "lat": [48.55], "label": ["A"], "n_synergies": [2], "named": [True]}),
        pd.DataFrame({"lon0": [-71.65], "lat0": [48.55], "lon1": [-71.06], "lat1": [48.42]}),
    )
    (tmp_path / "after.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "after.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Texte après la carte : Œuvre" in text  # the clip's state popped, the font selected again
