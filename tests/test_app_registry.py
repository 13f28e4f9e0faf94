"""The app's registry page, driven headless with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from tests._registry_helpers import tiny_registry

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def tiny_db(tmp_path, monkeypatch):
    path = tmp_path / "tiny.db"
    repo = Repository.from_url(f"sqlite:///{path}")
    reg = tiny_registry()
    repo.upsert_firms(Actor.system("test"), reg.firms)
    repo.upsert_streams(Actor.system("test"), reg.streams)
    repo.close()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    return path


ADVISOR = Actor("conseil", "advisor")
MANAGER = Actor("gestion", "program_manager")


def _run(lang: str = "fr", actor: Actor | None = ADVISOR) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    return at.run()


def test_registry_lists_firms_and_streams_in_french(tiny_db):
    at = _run()
    assert not at.exception
    assert at.title[0].value == "Registre des entreprises et des flux"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Entreprises"] == "3" and metrics["Municipalités"] == "2"
    table = at.dataframe[0].value
    assert set(table["Entreprise"]) == {"Scierie Péribonka", "Granules du Lac", "Serres Boréales"}


def test_program_managers_open_the_registry_too(tiny_db):
    at = _run(actor=MANAGER).switch_page("app_pages/registry.py").run()
    assert not at.exception
    assert at.title[0].value == "Registre des entreprises et des flux"
    assert len(at.dataframe[0].value) == 3


@pytest.mark.parametrize("actor", [None, Actor("u1", "firm", "F1")], ids=["anonymous", "firm"])
def test_registry_page_refuses_anonymous_and_firm_users(tiny_db, actor):
    at = AppTest.from_file(str(Path(APP).parent / "app_pages" / "registry.py"), default_timeout=30)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Accès refusé")
    assert not at.dataframe and not at.metric


def test_registry_hides_personal_information(tiny_db):
    at = _run(actor=MANAGER).switch_page("app_pages/registry.py").run()
    shown = at.dataframe[0].value.to_string()
    assert "Jeanne Tremblay" not in shown and "jt@example.org" not in shown


def test_filters_and_english(tiny_db):
    at = _run("en")
    assert at.title[0].value == "Registry of firms and streams"
    at.selectbox[1].set_value("demand").run()
    assert len(at.dataframe[0].value) == 2
    at.text_input[0].input("boiler").run()
    assert not at.dataframe  # descriptions are French: "chaudière"; no empty table, a way forward
    assert at.info[0].value.startswith("No stream matches these filters (")
    at.text_input[0].input("chaudière").run()
    assert at.dataframe[0].value["Firm"].tolist() == ["Serres Boréales"]


def test_missing_database_is_explained_not_crashed(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(tmp_path / "empty.db"))
    at = _run()
    assert not at.exception
    assert "Le registre est vide" in at.info[0].value


def test_filters_survive_the_language_switch(tiny_db):
    # « Tous » was an option value and the boxes were unkeyed: switching language reset every filter
    at = _run("fr")
    at.selectbox[1].set_value("demand").run()
    at.text_input[0].input("chaudière").run()
    shown = at.dataframe[0].value.iloc[:, 0].tolist()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.selectbox[1].value == "demand" and at.text_input[0].value == "chaudière"
    assert at.dataframe[0].value["Firm"].tolist() == shown
