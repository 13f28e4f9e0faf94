"""In the browser: every page's address typed or bookmarked (a deep link) opens a page, never Streamlit's
English « Page not found » — a role's landing page by its own address, a page asked for before sign-in
once signed in, another role's page as the landing page with a message saying why."""

from __future__ import annotations

import pytest

from symbiosis.i18n import t
from tests.e2e.conftest import RequestLog, demo_password, fill_sign_in, new_page, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e]


def _no_page_not_found(page) -> None:
    page.wait_for_timeout(300)  # the dialog arrives with the navigation message
    assert page.get_by_role("dialog").count() == 0
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.parametrize(
    ("user_id", "address", "title_key"),
    [
        ("gestionnaire", "tableau-de-bord", "manager.title"),
        ("conseillere", "registre", "registry.title"),
        ("scierie", "mon-entreprise", "firm_profile.title"),
    ],
)
def test_a_roles_landing_page_opens_at_its_own_address(browser, app_url, user_id, address, title_key):
    context, page = new_page(browser, RequestLog())
    try:
        sign_in(page, app_url, user_id, demo_password(user_id))
        page.goto(f"{app_url}/{address}")  # a new browser session, resumed from the cookie
        wait_for_app(page)
        page.get_by_role("button", name="Se déconnecter").wait_for()
        page.locator("h1").filter(has_text=t(title_key, "fr")).first.wait_for(timeout=60_000)
        _no_page_not_found(page)
    finally:
        context.close()


def test_a_page_asked_for_before_sign_in_opens_once_signed_in(browser, app_url):
    context, page = new_page(browser, RequestLog())
    try:
        page.goto(f"{app_url}/tableau-de-bord")
        wait_for_app(page)
        page.get_by_text(t("nav.sign_in_first", "fr", page=t("manager.title", "fr"))).wait_for()
        _no_page_not_found(page)
        fill_sign_in(page, "gestionnaire", demo_password("gestionnaire"))
        page.locator("h1").filter(has_text=t("manager.title", "fr")).first.wait_for(timeout=60_000)
        assert page.url.rstrip("/").endswith("/tableau-de-bord")
        _no_page_not_found(page)
    finally:
        context.close()


def test_another_roles_page_goes_to_the_landing_page_and_says_why(browser, app_url):
    context, page = new_page(browser, RequestLog())
    try:
        sign_in(page, app_url, "scierie", demo_password("scierie"))
        page.goto(f"{app_url}/registre")
        wait_for_app(page)
        page.locator("h1").filter(has_text=t("firm_profile.title", "fr")).first.wait_for(timeout=60_000)
        roles = ", ".join(t(f"auth.role.{r}", "fr") for r in ("advisor", "program_manager"))
        page.get_by_text(t("nav.other_role", "fr", page=t("registry.title", "fr"), roles=roles)).wait_for()
        _no_page_not_found(page)
    finally:
        context.close()


def test_an_address_no_page_has_opens_the_landing_page_in_french(browser, app_url):
    # a typo or an old bookmark met Streamlit's English dialog « Page not found … Running the app's
    # main page. »; it is the landing page with a French notice, before and after sign-in
    context, page = new_page(browser, RequestLog())
    try:
        page.goto(f"{app_url}/mes-fluxx")
        wait_for_app(page)
        notice = t("nav.unknown_address", "fr", address="mes\\-fluxx").replace("\\", "")
        page.get_by_text(notice).wait_for()
        page.get_by_role("button", name="Se connecter").wait_for()
        _no_page_not_found(page)
        fill_sign_in(page, "scierie", demo_password("scierie"))
        page.locator("h1").filter(has_text=t("firm_profile.title", "fr")).first.wait_for(timeout=60_000)
        _no_page_not_found(page)
    finally:
        context.close()


def test_the_language_chosen_survives_a_refresh_and_a_typed_address(browser, app_url):
    """The language lived in the session only: F5 or a bookmark brought an English reader back to French."""
    context, page = new_page(browser, RequestLog())
    try:
        sign_in(page, app_url, "gestionnaire", demo_password("gestionnaire"))
        page.get_by_text("English", exact=True).click()
        page.get_by_role("button", name="Sign out").wait_for()
        wait_for_app(page)
        page.reload()
        wait_for_app(page)
        page.get_by_role("button", name="Sign out").wait_for()
        page.locator("h1").filter(has_text=t("manager.title", "en")).first.wait_for(timeout=60_000)
        page.goto(f"{app_url}/rapports")
        wait_for_app(page)
        page.locator("h1").filter(has_text=t("reports.page.title", "en")).first.wait_for(timeout=60_000)
        # set by the sidebar's script, which may run after the main column's title is drawn: at a
        # load of 10 the title came first and « en » (Streamlit's own) was read (a full make test)
        page.wait_for_function("document.documentElement.lang === 'en-CA'", timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == "en-CA"
    finally:
        context.close()
