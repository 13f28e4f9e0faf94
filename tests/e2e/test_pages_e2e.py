"""Every remaining page opens in the browser for its role, with no error, and is photographed.

The screenshots (1280×900) go to docs/screenshots/ with ``make screenshots`` (see conftest.SCREENSHOTS).
"""

from __future__ import annotations

import pytest

from symbiosis.i18n import t
from tests.e2e.conftest import SCREENSHOTS, RequestLog, demo_password, new_page, sign_in, wait_for_app

pytestmark = pytest.mark.e2e

PAGES = {  # the pipeline and a firm's proposals are photographed with content by test_journeys_e2e
    "conseillere": [
        ("synergy.pipeline.title", None),
        ("reports.page.title", "manager_reports.png"),
        ("events.page.title", None),  # photographed with a plan by test_events_e2e
        ("inbox.title", None),
    ],
    "serres": [("synergy.proposals.title", None), ("inbox.title", None)],
}


@pytest.mark.parametrize("user_id", sorted(PAGES))
def test_pages_open_without_error(browser, app_url, user_id):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, user_id, demo_password(user_id))
        for key, shot in PAGES[user_id]:
            title = t(key, "fr")
            link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)
            # every page is listed: no fold, so no English « View N more » button to press
            assert page.locator('[data-testid="stSidebarNavViewButton"]').count() == 0
            link.click()
            page.locator("h1").first.wait_for(timeout=60_000)
            wait_for_app(page, timeout_ms=60_000)
            page.wait_for_timeout(800)
            assert page.locator('[data-testid="stException"]').count() == 0, title
            assert page.get_by_text("Accès refusé").count() == 0, title
            if shot:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / shot))
    finally:
        context.close()
    assert log.outside_loopback() == []
