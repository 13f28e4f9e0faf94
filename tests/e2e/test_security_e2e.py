"""In the browser: a session survives a refresh and a deep link and ends at sign-out with its files;
a firm's hostile upload leaves every other user's page answering within 2 s (issue #12, #11.10)."""

from __future__ import annotations

import sqlite3
import threading
import time
import urllib.request

import pytest

from tests._hostile import quantity_tabs_xlsx
from tests.e2e.conftest import (
    RequestLog,
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


def test_a_hostile_upload_leaves_other_users_answered_within_two_seconds(browser, own_app, tmp_path):
    upload = tmp_path / "flux_hostile.xlsx"
    upload.write_bytes(quantity_tabs_xlsx(firm_id="F0007"))
    baseline = _time_page(browser, own_app)
    context, page = new_page(browser, RequestLog())
    health: list[float] = []
    stop = threading.Event()

    def probe() -> None:  # the health check, as a load balancer would, all along the upload
        while not stop.is_set():
            start = time.monotonic()
            with urllib.request.urlopen(f"{own_app}/_stcore/health", timeout=30) as answer:
                assert answer.status == 200
            health.append(time.monotonic() - start)
            time.sleep(0.1)

    try:
        sign_in(page, own_app, "scierie", demo_password("scierie"), landing="Mon entreprise")
        open_page(page, "Mes flux")
        page.get_by_role("tab", name="Importer un fichier").click()
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        started = time.monotonic()
        page.get_by_role("button", name="Importer", exact=True).click()
        others = [_time_page(browser, own_app) for _ in range(2)]  # another user opens the app meanwhile
        page.get_by_text("2 lignes lues : 1 acceptée, 1 rejetée").wait_for(timeout=60_000)
        uploaded_s = time.monotonic() - started
        stop.set()
        prober.join(timeout=30)
    finally:
        stop.set()
        context.close()
    # The server never stops answering (the health check), and another user's page takes at most 2 s
    # more than it does alone on this machine (which may be busy: the first load alone is the baseline).
    assert health and max(health) < ANSWER_S, max(health)
    assert max(others) < baseline + ANSWER_S, (others, baseline)
    assert uploaded_s < 30, uploaded_s  # the report came back: the file was refused row by row, at once
    print(
        f"upload answered in {uploaded_s:.1f} s; other user's page {max(others):.2f} s (alone "
        f"{baseline:.2f} s); health check at most {max(health):.3f} s"
    )
