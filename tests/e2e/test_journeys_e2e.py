"""Each role walks its main task in a real browser, on its own copy of the sample region.

* The advisor: record the engine's proposals → qualify one → contact it → reject another with a
  reason → reopen the page → refresh the browser; every step shows its result and no error, and
  the statuses survive (issue #11, item 1 and its first "done when").
* A firm: read what a proposal brings it, accept it, and be told it now waits for the other firm.

Each test starts its own app server on a fresh copy of the sample registry (``fresh_app``), since it
writes to it.
After the browser refresh the advisor is still signed in (a signed session cookie) and the page and its
data are still there.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from symbiosis.db import Actor, Repository
from symbiosis.services.synergy_store import SynergyRepository
from tests.e2e.conftest import SCREENSHOTS, RequestLog, demo_password, new_page, wait_for_app

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 90_000


def _signed_in(page) -> bool:
    return page.get_by_role("button", name="Se déconnecter").count() > 0


def sign_in(page, url: str, user_id: str) -> None:
    """Sign in through the form (when the page shows it) and wait for the landing page."""
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    signed_in_or_form = page.get_by_role("button", name="Se déconnecter").or_(
        page.get_by_role("button", name="Se connecter")
    )
    signed_in_or_form.first.wait_for(timeout=TIMEOUT_MS)  # the page has decided who is there
    if _signed_in(page):
        return
    for attempt in range(20):
        dialog = page.get_by_role("dialog")  # after a refresh that lost the session: "Page not found"
        if dialog.count():
            dialog.get_by_role("button").first.click()
        try:
            page.get_by_label("Identifiant").fill(user_id, timeout=3_000)
            break
        except Exception:
            if attempt == 19:
                raise
    page.get_by_label("Mot de passe").fill(demo_password(user_id))
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def go_to(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    _pick(page, label, lambda: page.get_by_role("option", name=option, exact=True).first)


def _pick(page, label: str, option) -> None:
    """Open the list of the select box ``label`` and click ``option()`` (again if a rerun closed it)."""
    combo = page.get_by_role("combobox", name=label, exact=True)
    for attempt in range(3):
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        combo.locator("xpath=..").get_by_role("button", name="Open").click()
        try:
            option().click(timeout=5_000)
            page.wait_for_timeout(500)  # a select box outside a form reruns the page: let it start
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    wait_for_app(page, timeout_ms=TIMEOUT_MS)


def no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text(re.compile("Traceback|KeyError")).count() == 0


def metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def save_move(page) -> None:
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Synergie mise à jour.").wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    no_error(page)


def test_advisor_journey_from_proposals_to_a_rejection_survives_reopening_and_refresh(browser, fresh_app):
    url, db = fresh_app
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        page.goto(url)
        sign_in(page, url, "conseillere")
        assert page.evaluate("document.documentElement.lang") == "fr-CA"
        go_to(page, "Suivi des synergies")
        page.get_by_role("button", name="Enregistrer les propositions actuelles du moteur").click()
        page.get_by_text(re.compile(r"propositions? ajoutées? ou mises? à jour")).wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        no_error(page)

        choose(page, "Nouveau statut", "Qualifiée")  # the first synergy, selected by default
        page.get_by_label("Note").fill("Appel prévu avec les deux entreprises")
        save_move(page)
        page.get_by_text("Statut actuel : Qualifiée").wait_for(timeout=TIMEOUT_MS)  # still this synergy
        expect(page.get_by_label("Note")).to_have_count(1, timeout=TIMEOUT_MS)  # stale elements gone
        assert page.get_by_label("Note").input_value() == ""  # a fresh form, no note carried over
        choose(page, "Nouveau statut", "Entreprises contactées")
        save_move(page)
        page.get_by_text("Statut actuel : Entreprises contactées").wait_for(timeout=TIMEOUT_MS)

        _pick(page, "Choisir une synergie", lambda: page.get_by_role("option").nth(1))  # another synergy
        page.get_by_text("Statut actuel : Proposée").wait_for(timeout=TIMEOUT_MS)  # its form is shown
        choose(page, "Nouveau statut", "Abandonnée")
        choose(page, "Motif d'abandon", "Coût")
        page.get_by_label("Note").fill("Transport trop cher")
        save_move(page)  # crashed with KeyError: 'synergy.reason.nan' before
        page.get_by_text("Statut actuel : Abandonnée").wait_for(timeout=TIMEOUT_MS)
        expect(page.get_by_label("Note")).to_have_count(1, timeout=TIMEOUT_MS)
        expect(page.get_by_label("Note")).to_have_value("", timeout=TIMEOUT_MS)  # a fresh form
        assert metric(page, "Entreprises contactées") == "1" and metric(page, "Abandonnée") == "1"
        page.mouse.move(800, 400)
        page.mouse.wheel(0, -20_000)  # the metrics and the table in the picture
        page.wait_for_timeout(500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "synergy_pipeline.png"))

        go_to(page, "Registre")  # reopen the page
        go_to(page, "Suivi des synergies")
        no_error(page)
        assert metric(page, "Entreprises contactées") == "1" and metric(page, "Abandonnée") == "1"
        assert page.get_by_text(re.compile(r"\bnan\b")).count() == 0

        page.reload()  # refresh the browser: the session survives it (#11.9, #11.10)
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        page.get_by_role("button", name="Se déconnecter").wait_for(timeout=TIMEOUT_MS)
        page.get_by_role("heading", name="Suivi des synergies").first.wait_for(timeout=TIMEOUT_MS)
        no_error(page)
        assert metric(page, "Entreprises contactées") == "1" and metric(page, "Abandonnée") == "1"
    finally:
        context.close()
    with Repository.from_url(f"sqlite:///{db}") as repo:
        synergies = SynergyRepository(repo).synergies(Actor("t", "advisor"))
    statuses = synergies["status"].value_counts()
    assert statuses["contacted"] == 1 and statuses["rejected"] == 1
    rejected = synergies[synergies["status"] == "rejected"].iloc[0]
    assert rejected["rejection_reason"] == "cost" and "Transport trop cher" in rejected["notes"]
    assert log.outside_loopback() == []


def _qualified_for(db, firm_id: str) -> None:
    """Record the sample's proposals and present one of ``firm_id``'s to both firms (qualified, contacted)."""
    from symbiosis.services.report_source import match_result

    advisor = Actor("conseillere", "advisor")
    with Repository.from_url(f"sqlite:///{db}") as repo:
        store = SynergyRepository(repo)
        store.record_proposals(advisor, match_result(repo.load_registry(advisor)))
        synergies = store.synergies(advisor)
        mine = synergies[(synergies["supply_firm_id"] == firm_id) | (synergies["demand_firm_id"] == firm_id)]
        sid = mine["synergy_id"].iat[0]
        store.transition(advisor, sid, "qualified")
        store.transition(advisor, sid, "contacted")


def test_firm_reads_what_a_proposal_brings_and_accepts_it(browser, fresh_app):
    url, db = fresh_app
    _qualified_for(db, "F0007")
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        page.goto(url)
        sign_in(page, url, "scierie")
        page.get_by_text(re.compile(r"notifications? non lues?")).first.wait_for(timeout=TIMEOUT_MS)
        go_to(page, "Mes propositions de synergie")
        page.get_by_text("Votre économie").first.wait_for(timeout=TIMEOUT_MS)
        page.get_by_text(re.compile("donnez votre décision")).wait_for()
        page.get_by_text("J'accepte", exact=True).click()
        page.get_by_role("button", name="Envoyer ma décision").click()
        page.get_by_text("Décision enregistrée.").wait_for(timeout=TIMEOUT_MS)
        page.get_by_text(re.compile("En attente de la décision de l'autre entreprise")).wait_for()
        no_error(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "firm_proposals.png"))
        go_to(page, "Notifications")
        cell = page.get_by_text(re.compile("Nouvelle proposition de synergie pour")).first
        expect(cell).to_be_attached(timeout=TIMEOUT_MS)  # a table cell (the grid draws on a canvas)
        no_error(page)
    finally:
        context.close()
    assert log.outside_loopback() == []
