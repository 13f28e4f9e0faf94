"""The advisor map in a real browser: the canvas draws the basemap, a filter zooms, no outside request.

The basemap is checked by counting the canvas pixels of its land and water colours (the lakes, the
St. Lawrence and the Saguenay fjord), before and after a park filter zooms the view in.
"""

from __future__ import annotations

import io

import pytest

from symbiosis.views.map import legend
from symbiosis.views.map_base import BASE_COLOURS
from tests.e2e.conftest import (
    SCREENSHOTS,
    RequestLog,
    demo_password,
    new_page,
    open_page,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 60_000


def _share(png: bytes, rgb: tuple[int, int, int], tolerance: int = 6) -> float:
    """Share of the picture's pixels within ``tolerance`` of ``rgb`` on each channel."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    close = (np.abs(pixels - np.array(rgb)) <= tolerance).all(axis=2)
    return float(close.mean())


def _canvas_png(page) -> bytes:
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(2000)  # deck.gl draws its first frames, then the fonts of the labels
    return canvas.screenshot()


def _assert_legend_readable(page) -> None:
    """At 1280 px every sector family of the legend is written whole beside its colour, none cut."""
    for label in legend("fr")["sector"]:
        text = page.get_by_text(label, exact=True)
        text.wait_for(timeout=TIMEOUT_MS)
        box = text.bounding_box()
        clipped = text.evaluate("e => e.scrollWidth > e.clientWidth + 1")
        assert box and box["x"] + box["width"] <= 1280 and not clipped, label


def test_map_draws_the_basemap_offline_and_zooms_on_a_park(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, "conseillere", demo_password("conseillere"))
        open_page(page, "Carte des échanges")
        region = _canvas_png(page)
        water, land = BASE_COLOURS["water"][:3], BASE_COLOURS["land"][:3]
        assert _share(region, water) > 0.01, "no lake or river water drawn"
        assert _share(region, land) > 0.2, "no land drawn"
        page.get_by_text("Légende").first.wait_for()
        _assert_legend_readable(page)
        page.screenshot(path=str(_path("advisor_map.png")))

        page.locator('[data-testid="stSelectbox"]').filter(has_text="Parc industriel").first.click()
        page.keyboard.type("secteur sud")
        page.keyboard.press("Enter")
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        page.get_by_text("Un arc par échange").first.wait_for(timeout=TIMEOUT_MS)
        zoomed = _canvas_png(page)
        assert _share(zoomed, land) > 0.2
        assert zoomed != region
        page.screenshot(path=str(_path("advisor_map_park.png")))
    finally:
        context.close()
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []


def _path(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name
