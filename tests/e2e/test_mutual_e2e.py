"""The mutualisation levers in a real browser, from the advisor's plan to a member firm's consent (issue 14).

The advisor opens the mutualisation data page on the sample region, plans the levers, records them,
reads the buying groups and offers one to its members, reads the shared assets and the collection
tours' map (the bundled basemap drawn offline under the tours: no request leaves 127.0.0.1). A firm
of that group then signs in, sees the group with the other members described by bands only, and
accepts; its decision is stored and the names stay hidden while the others have not accepted.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.i18n import t, tn
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.views.map_base import BASE_COLOURS
from tests.e2e.conftest import SCREENSHOTS, RequestLog, new_page, wait_for_app
from tests.e2e.test_journeys_e2e import TIMEOUT_MS, metric, no_error, sign_in
from tests.e2e.test_map_e2e import _share

pytestmark = pytest.mark.e2e

MEMBER = "membre-groupe"
MEMBER_PASSWORD = "mot de passe du membre"
ADVISOR = Actor("conseillere", "advisor")
#: How an anonymised member's distance reads (« 10 à 50 km », « moins de 10 km »).
BANDS = re.compile(r"\d+ à \d+ km|moins de \d+ km|plus de \d+ km")


def fr(key: str, **values: object) -> str:
    return t(key, "fr", **values)


@pytest.fixture
def mutual_app(fresh_app):
    """A fresh copy of the sample registry served on its own port (the journey writes): (url, db)."""
    return fresh_app


def go_to(page, title: str) -> None:
    """Follow the sidebar link ``title`` (the navigation lists every page, never folded)."""
    link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)
    # every page is listed: no fold, so no English « View N more » button to press
    assert page.locator('[data-testid="stSidebarNavViewButton"]').count() == 0
    link.click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def _offered_group(db) -> tuple[str, list[str]]:
    """The group the advisor offered: its id and its member firms (qualified parts)."""
    with Repository.from_url(f"sqlite:///{db}") as repo:
        synergies = SynergyRepository(repo).synergies(ADVISOR)
    parts = synergies[synergies["synergy_type"].eq("group_purchase") & synergies["status"].eq("qualified")]
    groups = parts["demand_id"].unique()
    assert len(groups) == 1, groups
    return str(groups[0]), sorted(parts["supply_firm_id"].unique())


def _advisor_plans_records_and_offers(page, url: str) -> None:
    page.goto(url)
    sign_in(page, url, "conseillere")
    go_to(page, fr("mutual.data.title"))
    page.get_by_role("heading", name=fr("mutual.data.plan")).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name=fr("mutual.data.plan_button")).click()  # the four levers: on demand
    no_error(page)
    assert page.get_by_text(re.compile(r"incohérence")).count() == 0  # the solver-free checks pass
    page.get_by_role("button", name=fr("mutual.data.record")).click()
    page.get_by_text(
        re.compile(r"\d+ propositions? de mutualisation enregistrées? ou mises? à jour")
    ).wait_for(timeout=TIMEOUT_MS)
    no_error(page)

    go_to(page, fr("mutual.purchasing.title"))
    assert int(metric(page, fr("mutual.page.groups"))) > 0
    page.get_by_text(re.compile(r"prix|palier", re.IGNORECASE)).first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name=fr("mutual.offer.button")).click()
    page.get_by_text(re.compile(r"Proposé à \d+ membre")).wait_for(timeout=TIMEOUT_MS)
    no_error(page)

    go_to(page, fr("mutual.assets.title"))
    page.get_by_role("heading", name=fr("mutual.assets.sharing")).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("heading", name=fr("mutual.assets.units")).wait_for(timeout=TIMEOUT_MS)
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=TIMEOUT_MS)
    no_error(page)

    go_to(page, fr("mutual.routes.title"))
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text(fr("advisor.map.no_tiles")).first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # deck.gl draws its first frames (and would fetch tiles, if it could)
    drawn = canvas.screenshot()
    assert _share(drawn, BASE_COLOURS["water"][:3]) > 0.01, "no lake or river under the tours"
    assert _share(drawn, BASE_COLOURS["land"][:3]) > 0.2, "no land under the tours"
    no_error(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mutual_routes.png"))


def test_advisor_plans_and_offers_a_group_and_a_member_firm_consents(browser, mutual_app):
    url, db = mutual_app
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        _advisor_plans_records_and_offers(page, url)
    finally:
        context.close()

    group, members = _offered_group(db)
    assert len(members) >= 2
    member, others = members[0], members[1:]
    with Repository.from_url(f"sqlite:///{db}") as repo:
        AccountRepository(repo).create_account(Actor.system("e2e"), MEMBER, MEMBER_PASSWORD, "firm", member)
        names = repo.firms(ADVISOR).set_index("firm_id")["name"]

    context, page = new_page(browser, log)
    try:
        page.goto(url)
        page.get_by_label("Identifiant").fill(MEMBER)
        page.get_by_label("Mot de passe").fill(MEMBER_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("button", name="Se déconnecter").wait_for(timeout=TIMEOUT_MS)
        go_to(page, fr("mutual.firm.title"))
        hidden = tn("mutual.firm.anonymous", 0, "fr", total=len(members))
        page.get_by_text(hidden).wait_for(timeout=TIMEOUT_MS)
        no_error(page)
        members_grid = page.locator('[data-testid="stDataFrame"]').nth(1)
        # the grids draw on a canvas; their cells are in the page's accessibility table
        expect(members_grid).to_contain_text(BANDS, timeout=TIMEOUT_MS)
        html = page.content()
        for other in others:
            assert names[other] not in html and other not in html  # counterparts anonymised
        page.screenshot(path=str(SCREENSHOTS / "mutual_firm_group.png"))

        page.get_by_text(fr("synergy.decision.accept")).click()
        page.get_by_role("button", name=fr("synergy.consent.submit")).click()
        page.get_by_text(fr("synergy.consent.done")).wait_for(timeout=TIMEOUT_MS)
        page.get_by_text(tn("mutual.firm.anonymous", 1, "fr", total=len(members))).wait_for(
            timeout=TIMEOUT_MS
        )
        no_error(page)
        expect(members_grid).to_contain_text(BANDS, timeout=TIMEOUT_MS)
        html = page.content()
        assert all(names[other] not in html for other in others)  # still hidden: the others have not accepted
    finally:
        context.close()

    with Repository.from_url(f"sqlite:///{db}") as repo:
        store = SynergyRepository(repo)
        synergies = store.synergies(ADVISOR)
        mine = synergies[(synergies["demand_id"] == group) & (synergies["supply_firm_id"] == member)]
        consents = store.consents(ADVISOR)
    decided = consents[consents["synergy_id"].isin(mine["synergy_id"])]
    assert len(decided) and set(decided["decision"]) == {"accept"} and set(decided["firm_id"]) == {member}
    assert log.urls and log.outside_loopback() == []


def _capacity_cell(page, editor):
    """Select the first unit's capacity in the unit editor (scrolled into sight); return its cell."""
    first = editor.get_by_test_id("glide-cell-1-0")  # the row marker is column 0
    # the expander still moves the grid when the click lands: click until the cell says it is selected
    for _ in range(5):
        editor.evaluate("e => e.scrollIntoView({block: 'center'})")
        box = editor.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 63, box["y"] + 37 + 17)  # header 37 px, rows 35 px
        try:
            expect(first).to_have_attribute("aria-selected", "true", timeout=3_000)
            break
        except AssertionError:
            page.wait_for_timeout(500)
    expect(first).to_have_attribute("aria-selected", "true")
    for _ in range(5):  # treatment, size, French and English labels, unit: then the capacity
        page.keyboard.press("ArrowRight")
    cell = editor.get_by_test_id("glide-cell-6-0")
    expect(cell).to_have_attribute("aria-selected", "true")
    return cell


def test_the_unit_table_reads_a_french_decimal_typed_in_an_english_browser(browser, app_url):
    """A French page in a browser set to English: the unit editor's number cells read what was typed
    in the browser's language, « 1500,50 » m³/an as 150 050, silently. The cells are text read by the
    app: applied, the capacity reads back « 1 500,5 »."""
    log = RequestLog()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.on("request", log.record)
    page = context.new_page()
    try:
        page.goto(app_url)
        sign_in(page, app_url, "conseillere")
        go_to(page, fr("mutual.assets.title"))
        expander = page.get_by_test_id("stExpander").filter(has_text=fr("mutual.assets.edit_units"))
        expander.get_by_text(fr("mutual.assets.edit_units")).click()
        editor = expander.locator('[data-testid="stDataFrame"]')
        cell = _capacity_cell(page, editor)
        page.keyboard.press("Enter")
        typed = page.locator("#portal textarea, #portal input").first
        expect(typed).to_be_focused(timeout=TIMEOUT_MS)  # the cell's editor is open and takes the keys
        typed.fill("1500,50")
        page.keyboard.press("Enter")
        expect(typed).to_have_count(0)
        expect(cell).to_have_text("1500,50")  # the grid has taken the edit as typed: the form sends it
        expander.get_by_role("button", name=fr("mutual.assets.apply_units")).click()
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        no_error(page)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        page.get_by_role("heading", name=fr("mutual.assets.units")).wait_for(timeout=TIMEOUT_MS)
        if not editor.is_visible():  # the page drawn again may fold the expander
            expander.get_by_text(fr("mutual.assets.edit_units")).click()
        # read by the app and written back its way: 1500.5, « 1 500,5 » (not the « 1500,50 » typed)
        expect(_capacity_cell(page, editor)).to_have_text(re.compile(r"^1\s500,5$"), timeout=TIMEOUT_MS)
    finally:
        context.close()
    assert log.outside_loopback() == []
