"""The event-planner page, driven headless: advisors plan and download; other roles are refused."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from tests._app_helpers import point_app_at, run_page
from tests.test_reports_fixtures import seed_db


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "r.db"
    seed_db(path)
    return point_app_at(path, monkeypatch)


def _page(actor: Actor | None, lang: str = "fr") -> AppTest:
    return run_page("event_planner.py", actor, lang)


def test_advisor_plans_an_event_and_gets_the_agendas(db):
    at = _page(Actor("adele", "advisor"), "en")
    assert not at.exception
    assert at.title[0].value == "Matchmaking-event planner"
    at.text_input(key="events.tables").set_value("2")
    at.text_input(key="events.slots").set_value("3")
    at.text_input(key="events.limit").set_value("2")
    at.button[0].click().run()
    assert not at.exception
    plan = at.session_state["events.plan"]
    assert plan["pdf"].startswith(b"%PDF") and plan["xlsx"][:2] == b"PK"
    grid = at.dataframe[-1].value
    assert list(grid.columns[:4]) == ["Slot", "Time", "Table 1", "Table 2"]
    assert (grid.iloc[:, 2:] != "— free —").sum().sum() == 4
    summary = " ".join(map(str, at.dataframe[-2].value.iloc[:, 1]))
    for jargon in ("optimal", "cp-sat", "greedy", "bound", "feasible"):  # #11.5: plain words only
        assert jargon not in summary.lower()
    assert "best possible schedule" in summary


def test_the_same_plan_is_not_computed_twice(db):
    at = _page(Actor("adele", "advisor"))
    at.button[0].click().run()
    first = at.session_state["events.plan"]["pdf"]
    at.button[0].click().run()
    assert at.session_state["events.plan"]["pdf"] is first


def test_agendas_pdf_has_no_empty_agenda(tmp_path):
    """#11.9: the planner's 295-page PDF held 186 empty agendas."""
    import shutil
    import subprocess

    from symbiosis.events import PlannerConfig
    from symbiosis.events.agenda import agenda_pdf_bytes, firms_without_meeting, plan_event
    from symbiosis.pipeline import run
    from tests.test_reports_fixtures import report_registry

    reg = report_registry()
    result = run(reg)
    instance, schedule, greedy = plan_event(
        result.exchanges,
        reg.firms,
        list(reg.firms["firm_id"]),
        tables=1,
        slots=1,
        config=PlannerConfig(time_limit_s=2),
    )
    without = firms_without_meeting(instance, schedule)
    assert len(without) >= 2  # one table, one slot: most firms cannot meet
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(agenda_pdf_bytes(instance, schedule, "fr", greedy=greedy))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        assert text.count("Agenda de ") == len(instance.firms) - len(without)
        assert "Entreprises sans rencontre" in text


def test_no_proposal_between_the_chosen_firms(db):
    at = _page(Actor("adele", "advisor"))
    at.multiselect[0].set_value(["P3", "P4"])
    at.button[0].click().run()
    assert not at.exception and at.info and "events.plan" not in at.session_state


@pytest.mark.parametrize("actor", [None, Actor("marc", "program_manager"), Actor("fanny", "firm", "P1")])
def test_other_roles_are_refused(db, actor):
    at = _page(actor)
    assert at.error and not at.button


def test_a_plan_made_in_french_reads_in_english_after_the_switch_without_a_new_solve(db, monkeypatch):
    # the plan was kept in the language it was made in: after the sidebar switch the English page
    # showed French tables, French reasons and French agendas
    at = _page(Actor("adele", "advisor"), "fr")
    at.text_input(key="events.tables").set_value("2")
    at.text_input(key="events.slots").set_value("3")
    at.button[0].click().run()
    assert list(at.dataframe[-1].value.columns[:3]) == ["Plage", "Heure", "Table 1"]
    french_grid = at.dataframe[-1].value

    import symbiosis.events.agenda as agenda

    monkeypatch.setattr(agenda, "solve", lambda *a, **k: pytest.fail("switching language re-solved"))
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    grid = at.dataframe[-1].value
    assert list(grid.columns[:3]) == ["Slot", "Time", "Table 1"]
    assert (grid.iloc[:, 2:] != "").to_numpy().tolist() == (french_grid.iloc[:, 2:] != "").to_numpy().tolist()
    summary = " ".join(map(str, at.dataframe[-2].value.iloc[:, 1]))
    assert "best possible schedule" in summary
    assert at.get("download_button")[0].proto.label == "Download the agendas (PDF)"
    import io

    from openpyxl import load_workbook

    from symbiosis.i18n import t

    book = load_workbook(io.BytesIO(at.session_state["events.plan"]["xlsx"]))
    assert book.sheetnames[:3] == [t(k, "en") for k in ("events.summary", "events.master", "events.agendas")]
    agendas = book[book.sheetnames[2]]
    header = [c.value for c in next(agendas.iter_rows(max_row=1))]
    assert t("events.col.why", "en") in header
