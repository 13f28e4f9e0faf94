"""The advisor's event planner in a real browser: plan, read the schedule whole, download the agendas.

Photographed at 1280×900 (``make screenshots`` writes it to docs/screenshots/).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, RequestLog, demo_password, new_page, open_page, sign_in

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 120_000


def test_advisor_plans_an_event_reads_it_whole_and_downloads_the_agendas(browser, fresh_app, tmp_path):
    app_url, _ = fresh_app  # a plan is an audited export: its own registry, not the session's
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, "conseillere", demo_password("conseillere"))
        open_page(page, "Planificateur d'activité de maillage")
        page.get_by_label("Tables").fill("3")
        page.get_by_label("Plages horaires").fill("2")
        page.get_by_label("Heure de début").fill("9 h 30")  # as people write it
        page.get_by_label("Temps de calcul maximal (secondes)").fill("2")
        page.get_by_role("button", name="Planifier").click()
        pdf = page.get_by_role("button", name="Télécharger les agendas (PDF)")
        pdf.wait_for(timeout=TIMEOUT_MS)
        # the summary, the schedule: the last two tables (the requests' two, folded, come first)
        page.locator('[data-testid="stDataFrame"]').last.wait_for()
        summary = page.locator('[data-testid="stDataFrame"]').nth(-2).locator(".dvn-scroller")
        width, shown = summary.evaluate("s => [s.scrollWidth, s.clientWidth]")
        assert width <= shown + 1  # the summary is read whole (the schedule may scroll: a column a table)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "event_planner.png"))
        with page.expect_download(timeout=TIMEOUT_MS) as info:
            pdf.click()
        assert info.value.suggested_filename == "agendas.pdf"
        path = tmp_path / "agendas.pdf"
        info.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        page.get_by_text("English").click()  # the same schedule, read in English
        page.get_by_role("button", name="Download the agendas (XLSX)").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("heading", name="Matchmaking-event planner").wait_for(timeout=TIMEOUT_MS)
    finally:
        context.close()
    assert log.outside_loopback() == []


def test_a_count_typed_with_a_french_comma_is_refused_by_name_and_nothing_is_planned(browser, app_url):
    """The browser's number box read « 1,5 » tables as 15 and « 12,5 » minutes as 125, and planned."""
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in(page, app_url, "conseillere", demo_password("conseillere"))
        open_page(page, "Planificateur d'activité de maillage")
        for label, typed in (("Tables", "1,5"), ("Durée d'une rencontre (min)", "12,5")):
            box = page.get_by_label(label)
            box.clear()
            box.press_sequentially(typed)  # key by key, as a person types
        page.get_by_role("button", name="Planifier").click()
        error = page.locator('[data-testid="stAlert"]').filter(has_text="À corriger avant de planifier")
        expect(error).to_contain_text(
            "« Tables » : « 1,5 » n'est pas un nombre entier entre 1 et 200", timeout=TIMEOUT_MS
        )
        expect(error).to_contain_text(
            "« Durée d'une rencontre (min) » : « 12,5 » n'est pas un nombre entier entre 5 et 120"
        )
        expect(page.get_by_role("button", name="Télécharger les agendas (PDF)")).to_have_count(0)
    finally:
        context.close()
    assert log.outside_loopback() == []
