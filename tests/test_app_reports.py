"""The reports page, driven headless: program managers and advisors download, firms are refused."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from tests._app_helpers import point_app_at, run_page
from tests.test_reports_fixtures import SECRET_NAMES, seed_db


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "r.db"
    seed_db(path)
    return point_app_at(path, monkeypatch)


def _page(actor: Actor | None, lang: str = "fr") -> AppTest:
    return run_page("manager_reports.py", actor, lang)


def _download(at: AppTest, fmt: str):
    return at.session_state["reports.files.files"][fmt]


def _select(at: AppTest, key: str):
    return next(w for w in at.selectbox if w.key == key)


def test_program_manager_downloads_an_anonymised_xlsx(db):
    at = _page(Actor("marc", "program_manager"), "en")
    assert not at.exception
    assert at.title[0].value == "Reports for funders"
    assert at.checkbox[0].value is True  # anonymised by default for program managers
    _select(at, "reports.format").set_value("xlsx").run()
    at.button[0].click().run()
    assert not at.exception
    assert at.get("download_button")
    book = openpyxl.load_workbook(io.BytesIO(_download(at, "xlsx").content))
    text = "\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)
    assert "Scierie Publique" in text
    assert not any(name in text for name in SECRET_NAMES)


def test_advisor_gets_a_named_pdf_for_one_mrc(db):
    at = _page(Actor("adele", "advisor"))
    assert at.checkbox[0].value is False
    _select(at, "reports.territory").set_value("mrc:Maria-Chapdelaine").run()
    at.button[0].click().run()
    assert not at.exception
    file = _download(at, "pdf")
    assert file.content.startswith(b"%PDF") and file.name.startswith("rapport-mrc-Maria-Chapdelaine")
    said = next(m.value for m in at.markdown if m.value.startswith(file.name))
    # « 0,3 s », never « 0.3 s »; a whole second drops its decimal (« 1 s »: the PDF took over a
    # second on a loaded machine, and a pattern that wanted a comma failed there)
    assert re.fullmatch(re.escape(file.name) + r" prêt \((?:\d+,\d|\d+) s\)", said), said


def _csv_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if "CSV" in c.value]


def test_an_anonymised_csv_with_no_nameable_synergy_says_beside_its_button_why_it_is_headers_only(db):
    from symbiosis.reports.unlisted import headers_only_note

    at = _page(Actor("marc", "program_manager"))  # anonymised by default
    _select(at, "reports.format").set_value("csv").run()
    _select(at, "reports.territory").set_value("mrc:Maria-Chapdelaine").run()  # the confidential firm's MRC
    at.button[0].click().run()
    assert not at.exception
    file = _download(at, "csv")
    assert file.content.decode("utf-8-sig").strip().count("\n") == 0  # a header row: no prose in the file
    assert _csv_captions(at) == [headers_only_note("withheld", "fr")]
    _select(at, "reports.lang").set_value("en").run()  # the file's language; the page speaks French
    at.button[0].click().run()
    assert _csv_captions(at) == [headers_only_note("withheld", "fr")]


def test_a_csv_that_lists_synergies_has_no_such_caption(db):
    at = _page(Actor("adele", "advisor"), "en")
    _select(at, "reports.format").set_value("csv").run()
    at.button[0].click().run()
    assert not at.exception
    assert _download(at, "csv").content.decode("utf-8-sig").strip().count("\n") > 0
    assert _csv_captions(at) == []


def test_a_file_is_built_once_per_scope_and_language(db):
    """#11.4: switching language or format back and forth must not rebuild what the session has."""
    at = _page(Actor("adele", "advisor"))
    at.button[0].click().run()
    first = _download(at, "pdf")
    _select(at, "reports.lang").set_value("en").run()
    at.button[0].click().run()
    assert _download(at, "pdf").name.startswith("report-")
    _select(at, "reports.lang").set_value("fr").run()
    assert not at.button or at.get("download_button")  # ready again without a new build
    assert _download(at, "pdf") is first


def test_reversed_period_is_refused(db):
    at = _page(Actor("adele", "advisor"))
    at.date_input[0].set_value(dt.date(2026, 12, 31))
    at.date_input[1].set_value(dt.date(2026, 1, 1)).run()
    assert at.error and not at.get("download_button")
    # the dates the page holds, said: a box may show a date typed but not taken
    assert at.error[0].value == (
        "La date de fin (2026-01-01) précède la date de début (2026-12-31) : "
        "choisissez une fin après le début."
    )


@pytest.mark.parametrize("page", ["manager_reports.py", "manager_dashboard.py"])
def test_a_period_may_start_more_than_ten_years_back_and_end_decades_ahead(db, page):
    """Streamlit's default range (ten years either side of the box's value) refused a program started
    in 2015 with an English tooltip, while the page kept the previous date and said nothing."""
    at = run_page(page, Actor("marc", "program_manager"), "fr")
    for box in at.date_input[:2]:
        assert box.min <= dt.date(2015, 1, 1) and box.max >= dt.date(2040, 12, 31)


@pytest.mark.parametrize("actor", [None, Actor("fanny", "firm", "P1")])
def test_firms_and_anonymous_users_are_refused(db, actor):
    at = _page(actor)
    assert at.error and not at.button


def test_a_broken_database_is_explained_without_the_drivers_text(monkeypatch):
    """The page says which registry cannot be opened and the kind of failure; the driver's own text
    (server details, SQL) stays in the server log."""
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    at = _page(Actor("marc", "program_manager"))
    assert not at.exception
    said = at.error[0].value
    assert said.startswith("Impossible d'ouvrir le registre") and said.endswith("OperationalError")
    assert "secret" not in said and "refused" not in said.lower()
