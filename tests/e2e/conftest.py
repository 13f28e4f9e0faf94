"""End-to-end fixtures: the real app served by ``streamlit run`` and driven by Debian's Chromium.

The browser is the system ``chromium`` (never ``playwright install``). Without it the tests skip
with a message, except when ``SYMBIOSIS_REQUIRE_SERVICES=1`` (CI), where a missing browser fails.
Every page records the requests it makes; :func:`assert_loopback_only` proves that none left
127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
#: Where the e2e run writes its 1280×900 screenshots: docs/screenshots/ (shown by the README) with
#: ``make screenshots`` (SYMBIOSIS_WRITE_SCREENSHOTS=1); otherwise an ignored folder, so that a test
#: run never rewrites committed files.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("SYMBIOSIS_WRITE_SCREENSHOTS") == "1"
    else ROOT / "test-results" / "screenshots"
)


def _missing(reason: str) -> None:
    if os.environ.get("SYMBIOSIS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (SYMBIOSIS_REQUIRE_SERVICES=1: CI must have it)")
    pytest.skip(f"{reason}: run scripts/test-services.sh to install Debian's chromium")


def choose_file(page, path: Path) -> str:
    """Put ``path`` in the page's file uploader, wait until the upload is done, and return the size a
    person reads beside the file (Streamlit's own « 430.0B » hidden, the app's drawn after it).

    The size is drawn only once the browser has sent the file: a click on « Importer » before that ran
    the page without the file and nothing was imported (the hostile-upload test failed so on a quiet
    machine, eighth session).
    """
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.locator('[data-testid="stFileChipName"]', has_text=path.name).wait_for(timeout=60_000)
    page.wait_for_function(
        """() => { const el = document.querySelector('[data-testid=stFileChipName] + *');
                   return el !== null && getComputedStyle(el).fontSize === '0px'; }""",
        timeout=60_000,
    )
    wait_for_app(page)
    return page.evaluate(
        """() => JSON.parse(getComputedStyle(
            document.querySelector('[data-testid=stFileChipName] + *'), '::after').content)"""
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the system Chromium."""
    path = os.environ.get("SYMBIOSIS_CHROMIUM") or shutil.which("chromium")
    if not path or not Path(path).exists():
        _missing("Chromium not found")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout_s} s")


def serve_app(db_path: Path, log_path: Path) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free loopback port against ``db_path``; yield its URL."""
    port = _free_port()
    env = {**os.environ, "SYMBIOSIS_DB": str(db_path), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """A headless Chromium shared by the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RequestLog:
    """Hosts of every request a browser context made."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def record(self, request) -> None:
        self.urls.append(request.url)

    def outside_loopback(self) -> list[str]:
        """Return the requested URLs whose host is not the loopback."""
        bad = []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in {"data", "blob", "about"}:
                continue
            if parsed.hostname not in LOOPBACK:
                bad.append(url)
        return bad


def new_page(browser, log: RequestLog):
    """Open a 1280×900 page in a fresh context whose requests go to ``log``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    context.on("request", log.record)
    return context, context.new_page()


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """An SQLite registry holding the bundled sample region, built once per session."""
    from symbiosis.cli import main

    path = tmp_path_factory.mktemp("e2e") / "sample.db"
    assert main(["init", "--db", str(path), "--sample", "--json"]) == 0
    return path


@pytest.fixture(scope="session")
def app_url(sample_db: Path, tmp_path_factory, chromium_path: str) -> Iterator[str]:
    """URL of the app served on the sample registry."""
    log = tmp_path_factory.mktemp("e2e-log") / "streamlit.log"
    yield from serve_app(sample_db, log)


@pytest.fixture
def fresh_app(sample_db: Path, tmp_path: Path, chromium_path: str) -> Iterator[tuple[str, Path]]:
    """A fresh copy of the sample registry served on its own port, for a test that writes: (url, db path)."""
    db = tmp_path / "registry.db"
    with sqlite3.connect(sample_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)  # a file copy would miss what is still in the write-ahead log
    server = serve_app(db, tmp_path / "streamlit.log")
    url = next(server)
    try:
        yield url, db
    finally:
        server.close()


def fill_sign_in(page, user_id: str, password: str) -> None:
    """Sign in through the form the current page shows, and wait until the session is open."""
    page.get_by_label("Identifiant").fill(user_id)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Se déconnecter").wait_for()


def sign_in(page, app_url: str, user_id: str, password: str, *, landing: str | None = None) -> None:
    """Open the app, sign in through the form and wait for the landing page (its title if given)."""
    page.goto(app_url)
    wait_for_app(page)
    fill_sign_in(page, user_id, password)
    page.get_by_role("button", name="Se connecter").wait_for(state="detached")
    if landing:
        page.locator("h1").filter(has_text=landing).first.wait_for(timeout=60_000)
    wait_for_app(page)


def open_page(page, title: str) -> None:
    """Follow the sidebar link ``title`` (same session: the sign-in is kept) and wait for the page."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()
    wait_for_app(page)


def demo_password(user_id: str) -> str:
    """The published password of a demo account (symbiosis.services.demo_accounts)."""
    from symbiosis.services.demo_accounts import DEMO_ACCOUNTS

    return next(a.password for a in DEMO_ACCOUNTS if a.user_id == user_id)
