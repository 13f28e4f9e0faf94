"""The registry page in a real browser: an advisor signs in, it renders the sample region offline."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, RequestLog, demo_password, new_page, sign_in

pytestmark = pytest.mark.e2e


def test_registry_page_renders_offline(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(
            page,
            app_url,
            "conseillere",
            demo_password("conseillere"),
            landing="Registre des entreprises et des flux",
        )
        page.get_by_text("Entreprises").first.wait_for()
        page.locator('[data-testid="stDataFrame"]').first.wait_for()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "registry.png"))
        page.get_by_text("English").click()
        page.get_by_text("Registry of firms and streams").first.wait_for()
    finally:
        context.close()
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []
