"""Words, not codes (issue #11.5): no page of any role, and no generated file, shows an engine code.

Every page a role may open is run headless on a registry whose synergies have moved through the
pipeline (so the pipeline, the ledger, the history and a firm's proposals all have content), in
French and English; its rendered text is searched for category, family and factor ids, ledger
method ids, solver terms, raw JSON, documentation paths and ``nan``.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from app_pages.pages import PAGES
from symbiosis.db import Actor, Repository
from symbiosis.events import PlannerConfig
from symbiosis.events.agenda import agenda_pdf_bytes, agenda_xlsx_bytes, plan_event
from symbiosis.reports.export import export_report
from symbiosis.services.report_source import load_source, match_result
from symbiosis.services.synergy_store import SynergyRepository
from tests._app_helpers import build_template, run_via_navigation
from tests._page_text import codes_in, page_text

ADVISOR = Actor("adele", "advisor")
MANAGER = Actor("marc", "program_manager")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The 240-stream sample registry with its proposals recorded and walked through the pipeline."""
    folder = tmp_path_factory.mktemp("words")
    path, _, result = build_template(folder, ADVISOR)
    with Repository.from_url(f"sqlite:///{path}") as repo:
        store = SynergyRepository(repo)
        store.record_proposals(ADVISOR, result)
        synergies = store.synergies(ADVISOR)
        first, second, third = synergies["synergy_id"].iloc[:3]
        store.transition(ADVISOR, first, "qualified", note="Appel prévu", owner_id="adele")
        store.transition(ADVISOR, first, "contacted")
        store.transition(ADVISOR, second, "rejected", reason="cost")
        store.transition(ADVISOR, third, "qualified")
        row = synergies.set_index("synergy_id").loc[first]
        for firm in (row["supply_firm_id"], row["demand_firm_id"]):
            store.consent(Actor(f"u-{firm}", "firm", firm), first, "accept")
        firm = Actor("u-firm", "firm", row["supply_firm_id"])
    return path, firm


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    path = tmp_path / "registry.db"
    shutil.copy(template[0], path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    return path


def _pages(role: str) -> list[str]:
    return [row[0].removeprefix("app_pages/") for row in PAGES if role in row[1]]


CASES = [(role, page) for role in ("advisor", "program_manager", "firm") for page in _pages(role)]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("role", "page"), CASES)
def test_no_page_shows_an_engine_code(db, template, role, page, lang):
    actor = {"advisor": ADVISOR, "program_manager": MANAGER, "firm": template[1]}[role]
    at = run_via_navigation(page, actor, lang, timeout_s=120)
    assert not at.exception, at.exception
    if page == "synergy_pipeline.py":  # open the synergy with a history, a ledger and decisions
        at = at.run()
    text = page_text(at)
    assert text.strip()
    assert codes_in(text) == {}, (role, page, lang)


def _workbook_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value)


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "f.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_generated_file_shows_an_engine_code(template, lang, tmp_path):
    with Repository.from_url(f"sqlite:///{template[0]}") as repo:
        source = load_source(repo, ADVISOR)
        registry = repo.load_registry(ADVISOR)
    for anonymised in (False, True):
        files = {
            fmt: export_report(source, fmt, lang, anonymised=anonymised).content
            for fmt in ("xlsx", "pdf", "csv")
        }
        texts = {
            "xlsx": _workbook_text(files["xlsx"]),
            "pdf": _pdf_text(files["pdf"], tmp_path),
            "csv": files["csv"].decode("utf-8-sig"),
        }
        for fmt, text in texts.items():
            assert codes_in(text) == {}, (fmt, anonymised, lang)
    result = match_result(registry)
    instance, schedule, greedy = plan_event(
        result.exchanges,
        registry.firms,
        None,
        tables=5,
        slots=4,
        config=PlannerConfig(time_limit_s=3),
        lang=lang,
    )
    for text in (
        _workbook_text(agenda_xlsx_bytes(instance, schedule, lang, greedy=greedy)),
        _pdf_text(agenda_pdf_bytes(instance, schedule, lang, greedy=greedy), tmp_path),
    ):
        assert codes_in(text) == {}
