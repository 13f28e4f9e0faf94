"""The advisor's synergy pipeline page, driven headless with AppTest (and refused to other roles)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.schemas import FIRMS, STREAMS
from symbiosis.synergy.store import SynergyRepository
from tests._app_helpers import run_page, run_via_navigation
from tests._synergy_helpers import FakeResult, exchange, exchanges, seed_pair
from tests.conftest import _firm_row, _stream_row

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ADVISOR = Actor("adele", "advisor")
OTHERS = {"firm": Actor("alice", "firm", "A"), "program_manager": Actor("marc", "program_manager"),
          "anonymous": None}


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        seed_pair(repo, lambda *r: pd.DataFrame(list(r), columns=FIRMS.names),
                  lambda *r: pd.DataFrame(list(r), columns=STREAMS.names), _firm_row, _stream_row)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(path))
    return path


def _store(path: Path) -> SynergyRepository:
    return SynergyRepository(Repository.from_url(f"sqlite:///{path}"))


def _page(actor: Actor | None, lang: str = "fr") -> AppTest:
    return run_via_navigation("synergy_pipeline.py", actor, lang)


@pytest.mark.parametrize("role", list(OTHERS))
def test_pipeline_page_refuses_other_roles(db, role):
    at = run_page("synergy_pipeline.py", OTHERS[role])
    assert not at.exception
    assert "Accès refusé" in at.error[0].value and not at.dataframe


def test_pipeline_page_is_in_the_advisor_navigation_only(db):
    for actor in (*OTHERS.values(), ADVISOR):
        at = AppTest.from_file(APP, default_timeout=30)
        if actor is not None:
            at.session_state["actor"] = actor
        at.run()
        assert ("Suivi des synergies" in str(at)) == (actor is ADVISOR)


def test_empty_pipeline_explains_and_records_the_engine_proposals(db):
    at = _page(ADVISOR)
    assert not at.exception
    assert at.title[0].value == "Suivi des synergies"
    assert "Aucune synergie" in at.info[0].value
    at.button[0].click().run()  # record the engine's current proposals (runs the matching)
    assert not at.exception
    assert "ajoutée" in at.success[0].value
    assert len(_store(db).synergies(ADVISOR)) >= 1


def test_advisor_moves_a_synergy_and_sees_history_ledger_and_funnel(db):
    store = _store(db)
    store.record_proposals(ADVISOR, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"))))
    at = _page(ADVISOR)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Statut"].tolist() == ["Proposée"]
    assert table["Fournisseur"].tolist() == ["Scierie Péribonka ltée"]
    next(s for s in at.selectbox if s.label == "Nouveau statut").set_value("qualified")
    next(a for a in at.text_area if a.label == "Note").input("Bon potentiel")
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception
    assert "Synergie mise à jour." in at.success[0].value
    assert store.synergies(ADVISOR).status.tolist() == ["qualified"]
    history = store.history(ADVISOR, store.synergies(ADVISOR).synergy_id.iat[0])
    assert history.after.iat[0]["note"] == "Bon potentiel" and history.actor_id.iat[0] == "adele"
    shown = {str(d.value.columns.tolist()) for d in at.dataframe}
    assert any("Indicateur" in s for s in shown)  # the ledger
    assert any("Avant" in s for s in shown)  # the history
    assert any("Proposée → Qualifiée" in s for s in shown)  # the funnel's rates


def test_rejection_without_a_valid_note_is_refused_on_screen(db):
    store = _store(db)
    store.record_proposals(ADVISOR, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"))))
    at = _page(ADVISOR, "en")
    next(s for s in at.selectbox if s.label == "New status").set_value("rejected")
    next(s for s in at.selectbox if s.label == "Reason for rejection").set_value("other")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert "Refused" in at.error[0].value and "note" in at.error[0].value
    assert store.synergies(ADVISOR).status.tolist() == ["proposed"]
