"""The program manager's main task in a real browser: the period's figures, then the same figures in files.

Sign in, read the dashboard's headline, prepare the files (anonymised by default) and download the
workbook and the CSV: the workbook's totals are the dashboard's, no file names a firm that did not
consent, every download is audited, and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from symbiosis.i18n import t
from tests.e2e.conftest import SCREENSHOTS, RequestLog, new_page, wait_for_app
from tests.e2e.test_advisor_e2e import TIMEOUT_MS, go_to, sign_in_as

pytestmark = pytest.mark.e2e


def _number(text: str) -> float:
    millions = "M$" in text
    value = float(re.sub(r"[^\d,.-]", "", text.replace("\u00a0", "").replace("\u202f", "")).replace(",", "."))
    return value * 1e6 if millions else value


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _assert_tables_fit(page) -> None:
    """At 1280 px every table shows all its columns: none to scroll to (the status table showed 263 of
    its 575 px, « Ont atteint cette étape » and the conversion hidden)."""
    frames = page.locator('[data-testid="stDataFrame"]')
    assert frames.count() >= 2
    for i in range(frames.count()):
        scroller = frames.nth(i).locator(".dvn-scroller")
        width, shown = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
        assert width <= shown + 1, (i, width, shown)


def test_manager_reads_the_dashboard_and_downloads_the_same_figures(browser, app_url, sample_db, tmp_path):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in_as(page, app_url, "gestionnaire")
        go_to(page, "Tableau de bord du programme")
        page.get_by_text("Synergies (chacune une fois)").first.wait_for(timeout=TIMEOUT_MS)
        assert page.get_by_text("Accès refusé").count() == 0
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)  # let the charts draw before the picture
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "manager_dashboard.png"))
        _assert_tables_fit(page)
        synergies = _number(_metric(page, "Synergies (chacune une fois)"))
        diverted = _number(_metric(page, "Tonnes détournées (t/an)"))

        page.get_by_role("button", name="Préparer le rapport").click()
        page.get_by_role("button", name="Classeur (XLSX)").wait_for(timeout=TIMEOUT_MS)
        with page.expect_download(timeout=TIMEOUT_MS) as info:
            page.get_by_role("button", name="Classeur (XLSX)").click()
        assert info.value.suggested_filename.endswith("-anonymise.xlsx")  # anonymised by default
        path = tmp_path / "rapport.xlsx"
        info.value.save_as(path)
        summary = {r[0].value: r[1].value for r in openpyxl.load_workbook(path).worksheets[0].iter_rows()}
        assert summary[t("reports.kpi.n_synergies", "fr")] == synergies
        assert round(summary[t("reports.kpi.diverted_t_per_yr", "fr")]) == diverted
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        # The rerun the XLSX download starts may begin after the status widget was checked: while it
        # runs, the page shows the former buttons beside the new ones. Wait for one button again.
        csv_button = page.get_by_role("button", name="Synergies (CSV)")
        page.wait_for_function(
            "() => [...document.querySelectorAll('button')]"
            ".filter(b => b.innerText.trim() === 'Synergies (CSV)').length === 1",
            timeout=TIMEOUT_MS,
        )

        with page.expect_download(timeout=TIMEOUT_MS) as info:
            csv_button.click()
        csv_path = tmp_path / "synergies.csv"
        info.value.save_as(csv_path)
        rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
        assert rows and rows[0][0] == t("reports.col.synergy_id", "fr")
        wait_for_app(page)
        # The download leaves the browser at once; its audit entry is written by the rerun the click
        # starts on the server, which a loaded machine may run a moment later: wait for it (the
        # browser stays open meanwhile, so the rerun is not cancelled).
        exports, firms = _audited_exports(sample_db, at_least=2)
    finally:
        context.close()
    assert len(exports) >= 2  # one audited export per download
    assert set(exports["actor_id"]) == {"gestionnaire"}
    hidden = firms.loc[firms["confidentiality"].ne("public"), "name"]
    text = csv_path.read_text(encoding="utf-8-sig")
    assert not [name for name in hidden if name in text]
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []


def _audited_exports(sample_db, *, at_least: int, timeout_s: float = 20.0):
    """The registry's audited exports and its firms, once ``at_least`` exports are in (or time is up)."""
    import time

    from symbiosis.db import Actor, Repository

    deadline = time.monotonic() + timeout_s
    while True:
        with Repository.from_url(f"sqlite:///{sample_db}") as repo:
            exports = repo.audit(Actor.system("test"), action="export")
            firms = repo.firms(Actor.system("test"))
        if len(exports) >= at_least or time.monotonic() > deadline:
            return exports, firms
        time.sleep(0.25)
