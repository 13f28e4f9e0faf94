"""In the browser: a session survives a refresh and a deep link and ends at sign-out with its files;
a firm's hostile upload leaves every other user's page answering within 2 s (issue #12, #11.10)."""

from __future__ import annotations

import sqlite3
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests._hostile import quantity_tabs_xlsx
from tests.e2e.conftest import (
    RequestLog,
    choose_file,
    demo_password,
    new_page,
    open_page,
    serve_app,
    sign_in,
    wait_for_app,
)

pytestmark = [pytest.mark.e2e, pytest.mark.reliability]
ANSWER_S = 2.0


@pytest.fixture(scope="module")
def own_app(sample_db, tmp_path_factory, chromium_path):
    """The app on a copy of the sample registry (these tests write to it)."""
    folder = tmp_path_factory.mktemp("security-e2e")
    db = folder / "registry.db"
    with sqlite3.connect(sample_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)  # a WAL database is more than its main file
    yield from serve_app(db, folder / "streamlit.log")


def _status(context, url: str) -> int:
    return context.request.get(url, fail_on_status_code=False).status


def test_a_session_survives_refresh_and_deep_link_and_sign_out_ends_it_and_its_files(browser, own_app):
    context, page = new_page(browser, RequestLog())
    try:
        sign_in(page, own_app, "scierie", demo_password("scierie"), landing="Mon entreprise")
        page.reload()  # F5
        wait_for_app(page)
        page.get_by_role("button", name="Se déconnecter").wait_for()
        page.goto(f"{own_app}/mes-flux")  # a deep link, in a new browser session
        page.get_by_role("heading", name="Mes flux").first.wait_for()
        wait_for_app(page)
        page.get_by_role("tab", name="Importer un fichier").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="Télécharger le modèle").click()
        url = download.value.url
        assert "/media/" in url and _status(context, url) == 200
        [cookie] = [c for c in context.cookies() if c["name"] == "symbiosis_session"]
        assert cookie["sameSite"] == "Strict" and cookie["value"].startswith("v1.")
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("heading", name="Connexion").wait_for()
        assert _status(context, url) == 404  # the file's URL died with the session
        page.reload()
        wait_for_app(page)
        page.get_by_role("heading", name="Connexion").wait_for()  # the cookie is cleared
        assert not [c for c in context.cookies() if c["name"] == "symbiosis_session" and c["value"]]
    finally:
        context.close()
    thief, page = new_page(browser, RequestLog())  # the old cookie, replayed after sign-out
    try:
        thief.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
        page.goto(f"{own_app}/mes-flux")
        wait_for_app(page)
        page.get_by_role("heading", name="Connexion").wait_for()
        assert page.get_by_role("button", name="Se déconnecter").count() == 0
    finally:
        thief.close()


def _time_page(browser, url: str) -> float:
    context, page = new_page(browser, RequestLog())
    try:
        start = time.monotonic()
        page.goto(url)
        page.get_by_role("heading", name="Connexion").wait_for(timeout=60_000)
        return time.monotonic() - start
    finally:
        context.close()


SUMMARY = "2 lignes lues : 1 acceptée, 1 rejetée"


def _upload_while_others_open_the_app(browser, page, url: str, upload) -> tuple[list[float], list[float]]:
    """Upload ``upload`` on the firm's page while another user opens the app twice; dismiss the report.

    Returns the other user's page times and the health check's answer times, all along the upload.
    """
    health: list[float] = []
    stop = threading.Event()

    def probe() -> None:  # the health check, as a load balancer would, all along the upload
        while not stop.is_set():
            start = time.monotonic()
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as answer:
                assert answer.status == 200
            health.append(time.monotonic() - start)
            time.sleep(0.1)

    choose_file(page, upload)
    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    try:
        page.get_by_role("button", name="Importer", exact=True).click()
        others = [_time_page(browser, url) for _ in range(2)]  # another user opens the app meanwhile
        expect(page.get_by_text(SUMMARY)).to_be_visible(timeout=60_000)
    finally:
        stop.set()
        prober.join(timeout=30)
    page.get_by_role("button", name="Effacer ce rapport").click()  # the next upload's report is new
    expect(page.get_by_text(SUMMARY)).to_have_count(0)
    return others, health


def test_a_hostile_upload_leaves_other_users_answered_within_two_seconds(browser, own_app, tmp_path):
    # The same firm uploads, while another user opens the app, first a harmless file of the same
    # shape (a quantity of « 1<tab>1 »), then the hostile one (a million tabs): the harmless run is
    # the baseline, measured in the same conditions (same server, same concurrent page, same
    # moment's machine load). A single page load alone, cold, was 1.28 s once and 3.7 s another
    # time, and a loaded machine made the failure of this test (4.11 s against 1.28 s + 2 s) with
    # no stall from the file: the harmless upload slows others as much (docs/security.md).
    harmless, hostile = tmp_path / "flux_temoin.xlsx", tmp_path / "flux_hostile.xlsx"
    harmless.write_bytes(quantity_tabs_xlsx(1, firm_id="F0007"))
    hostile.write_bytes(quantity_tabs_xlsx(firm_id="F0007"))
    alone = _time_page(browser, own_app)  # also warms the server: its first page is a cold one
    context, page = new_page(browser, RequestLog())
    try:
        sign_in(page, own_app, "scierie", demo_password("scierie"), landing="Mon entreprise")
        open_page(page, "Mes flux")
        page.get_by_role("tab", name="Importer un fichier").click()
        baseline, calm = _upload_while_others_open_the_app(browser, page, own_app, harmless)
        started = time.monotonic()
        others, health = _upload_while_others_open_the_app(browser, page, own_app, hostile)
        uploaded_s = time.monotonic() - started
    finally:
        context.close()
    # The server never stops answering (the health check) and another user's page takes at most 2 s
    # more during the hostile upload than during a harmless one at the same moment. The health check
    # too is held to the harmless upload's: at a load of 10 on the 2 cores it once took 2.3 s to
    # answer right after the click, and at a load of 4 the harmless upload's was as slow as the
    # hostile one's (at most 1.04 s against 0.87 s); a file that held the server adds its whole hold.
    assert health and calm
    assert max(health) < max(calm) + ANSWER_S, (max(health), max(calm))
    assert max(others) < max(baseline) + ANSWER_S, (others, baseline)
    assert uploaded_s < 30, uploaded_s  # the report came back: the file was refused row by row, at once
    print(
        f"upload answered in {uploaded_s:.1f} s; other user's page {max(others):.2f} s (during a harmless "
        f"upload {max(baseline):.2f} s, alone {alone:.2f} s); health check at most {max(health):.3f} s "
        f"({max(calm):.3f} s during the harmless upload)"
    )


def test_an_upload_report_survives_a_reload_until_dismissed(browser, own_app, tmp_path):
    # the report and the rejected rows lived in the browser session: a reload (F5) lost them
    upload = tmp_path / "flux_a_corriger.csv"
    upload.write_bytes(
        "id_flux;id_entreprise;sens;categorie;description;quantite;unite\n"
        "S-E2E-1;F0007;offre;wood_bark;Écorces;12,5;t/an\n"
        "S-E2E-2;F0007;offre;wood_bark;Écorces sèches;beaucoup;t/an\n".encode()
    )
    context, page = new_page(browser, RequestLog())
    summary = page.get_by_text(SUMMARY)
    download = page.get_by_role("button", name="Télécharger les lignes rejetées")
    try:
        sign_in(page, own_app, "scierie", demo_password("scierie"), landing="Mon entreprise")
        open_page(page, "Mes flux")
        page.get_by_role("tab", name="Importer un fichier").click()
        choose_file(page, upload)
        page.get_by_role("button", name="Importer", exact=True).click()
        expect(summary).to_be_visible(timeout=60_000)
        page.reload()  # F5: a new browser session, resumed from the signed-in one
        wait_for_app(page)
        page.get_by_role("tab", name="Importer un fichier").click()
        expect(summary).to_be_visible()
        expect(download).to_be_visible()
        with page.expect_download() as rejected:
            download.click()
        assert "beaucoup" in Path(rejected.value.path()).read_text(encoding="utf-8-sig")
        page.get_by_role("button", name="Effacer ce rapport").click()
        expect(summary).to_have_count(0)
        page.reload()  # dismissed for good, not only in that browser session
        wait_for_app(page)
        page.get_by_role("tab", name="Importer un fichier").click()
        expect(page.get_by_role("button", name="Télécharger le modèle")).to_be_visible()
        expect(summary).to_have_count(0)
        expect(download).to_have_count(0)
    finally:
        context.close()
