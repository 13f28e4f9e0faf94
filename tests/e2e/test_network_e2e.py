"""The network page in a real browser: family clusters, anchor firms and short chains read as words."""

from __future__ import annotations

import re

import pytest

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


def test_network_page_shows_anchors_and_chains_of_a_few_steps(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, "conseillere", demo_password("conseillere"))
        open_page(page, "Réseau de symbiose")
        page.get_by_role("heading", name="Résilience : pertes si une entreprise pivot ferme").wait_for(
            timeout=TIMEOUT_MS
        )
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        assert page.get_by_text(re.compile(r"familles de ressources échangées : \d+")).count() == 1
        chains = page.get_by_role("heading", name="Chaînes de valorisation")
        chains.evaluate("e => e.scrollIntoView({block: 'start'})")  # the chains, read whole, in the picture
        assert page.locator('[data-testid="stTable"]').get_by_text("→").count() > 0
        page.wait_for_timeout(500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "advisor_network_chains.png"))
    finally:
        context.close()
    assert log.outside_loopback() == []
