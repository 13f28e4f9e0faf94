"""The program manager's dashboard in a real browser: estimated KPIs and a real download, offline."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.e2e.conftest import SCREENSHOTS, RequestLog, new_page, wait_for_app
from tests.e2e.test_advisor_e2e import TIMEOUT_MS, go_to, sign_in_as

pytestmark = pytest.mark.e2e


def test_manager_dashboard_downloads_exports(browser, app_url, sample_db, tmp_path):
    log = RequestLog()
    context, page = new_page(browser, log)
    try:
        sign_in_as(page, app_url, "gestionnaire")
        go_to(page, "Tableau de bord du programme")
        page.get_by_text("Synergies proposées").first.wait_for(timeout=TIMEOUT_MS)
        assert page.get_by_text("Accès refusé").count() == 0
        wait_for_app(page, timeout_ms=TIMEOUT_MS)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)  # let the charts draw before the picture
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "manager_dashboard.png"))

        with page.expect_download(timeout=TIMEOUT_MS) as info:
            page.get_by_role("button", name="Échanges (CSV)").click()
        download = info.value
        assert download.suggested_filename == "symbiosis_echanges.csv"
        path = tmp_path / "echanges.csv"
        download.save_as(path)
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert rows and "net_value_cad_per_yr" in rows[0] and "supply_firm_name" in rows[0]

        with page.expect_download(timeout=TIMEOUT_MS) as info:
            page.get_by_role("button", name="Carte des échanges (GeoJSON)").click()
        geo = tmp_path / "echanges.geojson"
        info.value.save_as(geo)
        data = json.loads(geo.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and data["features"]
        assert all(f["properties"]["anonymised"] for f in data["features"])  # anonymised by default
        wait_for_app(page)
    finally:
        context.close()
    from symbiosis.db import Actor, Repository

    with Repository.from_url(f"sqlite:///{sample_db}") as repo:
        exports = repo.audit(Actor.system("test"), action="export")
    assert len(exports) >= 2  # one audited export per download
    assert set(exports["actor_id"]) == {"gestionnaire"}
    assert log.urls, "the browser made no request at all"
    assert log.outside_loopback() == []
