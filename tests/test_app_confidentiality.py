"""Every download in anonymised mode is free of non-consenting firms (issue #11.3, #12.2).

The files are downloaded as a program manager gets them in the app (dashboard and reports page,
every format, both languages), then searched for the name, id, contact, stream ids and exact
coordinates of every firm that did not consent: confidential, members-only, and a public firm
that declined its synergy.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.reports import FORMATS
from symbiosis.reports.export import export_report
from symbiosis.services.report_source import load_source
from tests._app_helpers import APP, point_app_at
from tests._export_fixtures import CONSENTING, SECRETS, consent_db

MANAGER = Actor("marc", "program_manager")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return consent_db(tmp_path_factory.mktemp("consent") / "registry.db")


@pytest.fixture
def db(template, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    shutil.copy(template, path)
    return point_app_at(path, monkeypatch)


def text_of(fmt: str, content: bytes, tmp_path: Path) -> str:
    """What a person (or a program) reads in a file: cell values, PDF text, CSV or JSON text."""
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)
    if fmt == "pdf":
        path = tmp_path / "f.pdf"
        path.write_bytes(content)
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True)
        return (out.stdout + info.stdout).decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")
    text = content.decode("utf-8-sig")
    return text + "\n" + json.dumps(json.loads(text), ensure_ascii=False) if fmt == "geojson" else text


def leaks(text: str) -> list[tuple[str, str]]:
    """Every (firm, needle) of a non-consenting firm found in ``text``."""
    return [(s.firm_id, n) for s in SECRETS for n in s.needles() if n in text]


def _dashboard(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["actor"] = MANAGER
    at.run()
    return at.switch_page("app_pages/manager_dashboard.py").run()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_dashboard_download_is_anonymised(db, lang, tmp_path):
    at = _dashboard(lang)
    assert not at.exception
    assert next(c for c in at.checkbox if c.key == "dashboard.anonymise").value is True
    at.button[0].click().run()
    files = at.session_state["dashboard.files.files"]
    assert set(files) == set(FORMATS) and len(at.get("download_button")) == 4
    for fmt, file in files.items():
        text = text_of(fmt, file.content, tmp_path)
        assert leaks(text) == [], (fmt, lang)
        if fmt in ("xlsx", "pdf"):
            assert CONSENTING[0] in text  # consenting firms stay named
    assert Path(db).exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_format_is_anonymised_on_the_reports_page(db, fmt, tmp_path):
    at = AppTest.from_file(str(Path(APP).parent / "app_pages" / "manager_reports.py"), default_timeout=90)
    at.session_state["actor"] = MANAGER
    at.run()
    next(s for s in at.selectbox if s.key == "reports.format").set_value(fmt).run()
    assert next(c for c in at.checkbox if c.key == "reports.anonymised").value is True
    at.button[0].click().run()
    assert not at.exception
    file = at.session_state["reports.files.files"][fmt]
    assert leaks(text_of(fmt, file.content, tmp_path)) == []


def test_a_declined_synergy_is_never_named_even_in_a_named_report(template, tmp_path):
    with Repository.from_url(f"sqlite:///{template}") as repo:
        source = load_source(repo, Actor("adele", "advisor"))
    data = source.data(anonymised=False)
    declined = SECRETS[2]
    assert declined.name not in set(data.synergies["supply_name"]) | set(data.synergies["demand_name"])
    assert data.n_declined == 1 and data.kpi("n_synergies") == 4  # counted, not named
    xlsx = text_of("xlsx", export_report(source, "xlsx", "fr", anonymised=False).content, tmp_path)
    assert SECRETS[0].name in xlsx  # a named (internal) report names the confidential firm…
    anon = text_of("xlsx", export_report(source, "xlsx", "fr", anonymised=True).content, tmp_path)
    assert leaks(anon) == []  # …an anonymised one never does
