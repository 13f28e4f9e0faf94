"""The advisor pages in a real browser: the offline map draws arcs, a scenario runs, nothing leaves 127.0.0.1.

Each page is photographed at 1280×900 (``make screenshots`` writes them to docs/screenshots/).
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from symbiosis.services.demo_accounts import DEMO_ACCOUNTS
from tests.e2e.conftest import SCREENSHOTS, RequestLog, new_page, wait_for_app

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 60_000


def _password(user_id: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.user_id == user_id)


def sign_in_as(page, app_url: str, user_id: str) -> None:
    """Sign in through the form with a demo account and wait for the landing page."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_label("Identifiant").fill(user_id)
    page.get_by_label("Mot de passe").fill(_password(user_id))
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page)


def go_to(page, title: str) -> None:
    """Follow a sidebar link (same session, so the sign-in is kept) and wait until the page has run."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").resize((320, 150))
    return len(image.getcolors(maxcolors=1 << 20) or ())


def test_advisor_map_exchanges_network_offline(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in_as(page, app_url, "conseillere")
        go_to(page, "Carte des échanges")
        chart = page.locator('[data-testid="stDeckGlJsonChart"]')
        canvas = chart.locator("canvas").first
        canvas.wait_for(timeout=TIMEOUT_MS)
        caption = page.get_by_text(re.compile(r"Échanges affichés : \d+")).first.inner_text()
        shown = int(re.search(r"Échanges affichés : (\d+)", caption.replace("\u202f", "")).group(1))
        assert shown > 0
        page.wait_for_timeout(1500)  # let deck.gl draw its first frames (test_map_e2e takes the picture)
        assert _distinct_colours(canvas.screenshot()) > 20, "the deck canvas is blank"

        go_to(page, "Échanges proposés")
        page.get_by_role("heading", name="Pourquoi cet échange ?").wait_for()
        page.get_by_text(re.compile(r"^Règle de compatibilité : ")).first.wait_for()
        _screenshot(page, "advisor_exchanges.png")

        go_to(page, "Réseau de symbiose")
        page.get_by_role("heading", name="Résilience : pertes si une entreprise pivot ferme").wait_for()
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        _screenshot(page, "advisor_network.png")
        assert page.get_by_text("Accès refusé").count() == 0
    finally:
        context.close()
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []


def test_advisor_runs_a_scenario(browser, app_url):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in_as(page, app_url, "conseillere")
        go_to(page, "Scénarios")
        page.get_by_text("Aucun scénario lancé pour l'instant.").wait_for()
        radius = page.get_by_label("Plafond de distance (km, facultatif)")
        radius.fill("40")
        radius.press("Tab")
        page.get_by_role("button", name="Lancer le scénario").click()
        page.get_by_role("heading", name="Indicateurs du scénario (écart à la référence)").wait_for(
            timeout=TIMEOUT_MS
        )
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        metrics = page.locator('[data-testid="stMetric"]')
        metrics.nth(7).wait_for(timeout=TIMEOUT_MS)  # the heading can be drawn before its metrics
        assert metrics.count() >= 8
        assert page.locator('[data-testid="stMetricDelta"]').count() > 0  # a smaller radius changes KPIs
        page.get_by_text(re.compile(r"Échanges disparus \(\d+\)")).wait_for()
        page.mouse.move(800, 500)
        page.mouse.wheel(0, 780)  # the results, not the form, in the picture
        page.wait_for_timeout(500)
        _screenshot(page, "advisor_scenario.png")
    finally:
        context.close()
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []


def _shown(page) -> str:
    text = page.locator('[data-testid="stMain"]').inner_text()
    return re.search(r"(\S+) échanges? affichés?", text).group(1)


def test_advisor_narrows_the_exchanges_looks_at_the_map_and_finds_them_as_left(browser, app_url):
    """The filters outlive a visit to the map; the drill-down adds up and speaks in words, not codes."""
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in_as(page, app_url, "conseillere")
        go_to(page, "Échanges proposés")
        page.get_by_text("Redevance de traitement").first.wait_for()  # the spent pot lining's gate fee
        basis = page.get_by_text(re.compile(r"^Règle de compatibilité : ")).first.inner_text()
        assert "|" not in basis and "EXPERT:" not in basis and "MAESTRI:" not in basis
        every = _shown(page)
        search = page.get_by_label("Rechercher (entreprise, catégorie)")
        search.fill("sciure")
        search.press("Enter")
        page.get_by_text(re.compile(r"^\d+ échanges? affichés?$")).filter(has_not_text=every).wait_for()
        narrowed = _shown(page)
        # the box names the exchange explained, one of the short list (it showed a filtered-out
        # aluminium smelter's pot lining above the explanation of a sawdust exchange)
        chosen = page.get_by_role("combobox", name="Échange à expliquer")
        expect(chosen).to_have_value(re.compile("Sciures"))  # waits for the box, then fails
        go_to(page, "Carte des échanges")
        go_to(page, "Échanges proposés")
        # waits for the page to redraw its widgets (read at once, the box was sometimes still empty)
        expect(page.get_by_label("Rechercher (entreprise, catégorie)")).to_have_value(
            "sciure", timeout=TIMEOUT_MS
        )
        # the short list, not every exchange, once the page has drawn its count (waits, then fails)
        page.get_by_text(re.compile(rf"^{re.escape(narrowed)} échanges? affichés?$")).wait_for()
        assert narrowed != every
    finally:
        context.close()
    assert log.outside_loopback() == []


def _set_min_value(page, typed: str, *, before: str) -> str:
    """Type ``typed`` in the minimum-value filter; return the count shown once it is not ``before``."""
    box = page.get_by_label("Valeur nette minimale ($/an)")
    box.clear()
    box.press_sequentially(typed)  # key by key, as a person types (the number box dropped the comma)
    box.press("Enter")
    page.get_by_text(re.compile(r"^\d[\d\s]* échanges? affichés?$")).filter(has_not_text=before).wait_for(
        timeout=TIMEOUT_MS
    )
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    return _shown(page)


def test_a_minimum_value_typed_the_french_way_filters_as_written_and_a_wrong_one_is_named(browser, app_url):
    """The browser's number box read « 12 500,5 » $/an as 125 005: the list then held the exchanges
    worth ten times the minimum typed, silently. Typed « 12 500,5 » and « 12500 » now show the same list;
    « 12,5,0 » is refused by the filter's name and shows no list."""
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in_as(page, app_url, "conseillere")
        go_to(page, "Échanges proposés")
        page.get_by_text(re.compile(r"^\d[\d\s]* échanges? affichés?$")).wait_for(timeout=TIMEOUT_MS)
        every = _shown(page)
        page.get_by_text("Filtres", exact=True).click()
        french = _set_min_value(page, "12 500,5", before=f"{every} ")
        assert french != every
        none = _set_min_value(page, "1 000 000 000", before=f"{french} ")
        assert none == "0"
        assert _set_min_value(page, "12500", before="0 ") == french
        box = page.get_by_label("Valeur nette minimale ($/an)")
        box.clear()
        box.press_sequentially("12,5,0")
        box.press("Enter")
        expect(
            page.get_by_text("« Valeur nette minimale ($/an) » : « 12,5,0 » n'est pas un nombre")
        ).to_be_visible(timeout=TIMEOUT_MS)
        expect(page.get_by_text(re.compile(r"échanges? affichés?$"))).to_have_count(0)
    finally:
        context.close()
    assert log.outside_loopback() == []
