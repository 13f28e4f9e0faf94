"""The advisor's synergy pipeline page, driven headless with AppTest (and refused to other roles)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.services.synergy_store import SynergyRepository
from tests._app_helpers import run_page, run_via_navigation
from tests._synergy_helpers import FakeResult, exchange, exchanges, seed_schema_pair

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ADVISOR = Actor("adele", "advisor")
OTHERS = {
    "firm": Actor("alice", "firm", "A"),
    "program_manager": Actor("marc", "program_manager"),
    "anonymous": None,
}


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        seed_schema_pair(repo)
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
    assert any("Ce qui a changé" in s for s in shown)  # the history, in sentences
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


def _two_synergies(db: Path) -> tuple[SynergyRepository, str, str]:
    """Two recorded proposals: A-1 → B-1 and A-1 → C-1."""
    store = _store(db)
    store.record_proposals(
        ADVISOR, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"), exchange("A-1", "C-1", "A", "C")))
    )
    ids = store.synergies(ADVISOR).set_index("demand_id")["synergy_id"]
    return store, ids["B-1"], ids["C-1"]


def _form(at: AppTest, label: str, kind: str = "selectbox"):
    return next(w for w in getattr(at, kind) if w.label == label)


def test_rejecting_with_a_reason_then_every_later_visit_works(db):
    """#11.1: « Abandonnée » with a reason crashed with KeyError 'synergy.reason.nan', then on every visit."""
    store, first, _ = _two_synergies(db)
    at = _page(ADVISOR)
    _form(at, "Choisir une synergie").set_value(first)
    at.run()
    _form(at, "Nouveau statut").set_value("rejected")
    _form(at, "Motif d'abandon").set_value("cost")
    _form(at, "Enregistrer", "button").click().run()
    assert not at.exception
    assert "Synergie mise à jour." in at.success[0].value
    assert store.synergies(ADVISOR).set_index("synergy_id").loc[first, "status"] == "rejected"
    again = _page(ADVISOR)  # a later visit: the other synergy has no reason (was read as NaN)
    assert not again.exception
    table = again.dataframe[0].value
    assert sorted(table["Motif"].tolist()) == ["", "Coût"]
    assert "nan" not in table.to_string()


def test_owner_and_next_action_never_show_nan(db):
    store, first, _ = _two_synergies(db)
    store.transition(ADVISOR, first, "rejected", reason="volume")
    at = _page(ADVISOR)
    assert not at.exception
    table = at.dataframe[0].value
    assert "nan" not in table.to_string()
    assert set(table["Prochaine action"]) == {""}
    assert _form(at, "Prochaine action", "text_input").value == ""
    assert _form(at, "Responsable (identifiant)", "text_input").value == "adele"


def test_after_a_save_the_selection_stays_and_the_note_is_cleared(db):
    """#11.1: after a save the selector jumped to another synergy while the form kept the note."""
    _, first, second = _two_synergies(db)
    at = _page(ADVISOR)
    _form(at, "Statut").set_value("proposed")  # filter: only proposed synergies
    at.run()
    _form(at, "Choisir une synergie").set_value(second)
    at.run()
    _form(at, "Nouveau statut").set_value("qualified")
    _form(at, "Note", "text_area").input("Appel prévu")
    _form(at, "Enregistrer", "button").click().run()
    assert not at.exception
    assert _form(at, "Choisir une synergie").value == second  # still the one just changed
    assert _form(at, "Note", "text_area").value == ""
    assert "Qualifiée" in at.caption[0].value or any("Qualifiée" in c.value for c in at.caption)
    _form(at, "Choisir une synergie").set_value(first)
    at.run()
    assert _form(at, "Note", "text_area").value == ""  # another synergy never inherits a note


def test_the_status_filter_survives_the_language_switch(db):
    # « Tous » was an option value: in English it was no option at all, and the filter reset to it
    _two_synergies(db)
    at = _page(ADVISOR)
    _form(at, "Statut").set_value("proposed")
    at.run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert _form(at, "Status").value == "proposed"
    _form(at, "Status").set_value("")
    at.run()
    at.session_state["lang"] = "fr"
    at.run()
    assert _form(at, "Statut").value == ""


def test_a_refusal_is_explained_in_the_interface_language(db):
    """#11.1: « Refusé : in_discussion needs both firms' acceptance » mixed languages and codes."""
    store, first, _ = _two_synergies(db)
    store.transition(ADVISOR, first, "qualified")
    store.transition(ADVISOR, first, "contacted")
    at = _page(ADVISOR)
    _form(at, "Choisir une synergie").set_value(first)
    at.run()
    _form(at, "Nouveau statut").set_value("in_discussion")
    _form(at, "Enregistrer", "button").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "« En discussion »" in message and "accord des deux entreprises" in message
    assert "in_discussion" not in message and "needs" not in message


def test_history_reads_as_sentences_not_json(db):
    store, first, _ = _two_synergies(db)
    store.transition(ADVISOR, first, "qualified", note="Bon potentiel", owner_id="adele")
    at = _page(ADVISOR)
    _form(at, "Choisir une synergie").set_value(first)
    at.run()
    history = next(d.value for d in at.dataframe if "Ce qui a changé" in d.value.columns)
    text = " ".join(history["Ce qui a changé"])
    assert "Statut : Proposée → Qualifiée" in text and "« Bon potentiel »" in text
    assert "{" not in text and "status" not in text


# -- the period: the dashboard's rule, its labels --------------------------------------------------


#: When the current status of each of the two proposals was given (UTC).
GIVEN_ON = (dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC), dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC))


def _dated(db: Path) -> tuple[str, str]:
    """Two proposals whose current status was given on the days of :data:`GIVEN_ON`."""
    from sqlalchemy import text

    store, first, second = _two_synergies(db)
    with store._repo.engine.begin() as conn:
        for sid, on in zip((first, second), GIVEN_ON, strict=True):
            conn.execute(
                text("UPDATE synergies SET status_changed_at = :on WHERE synergy_id = :s"),
                {"on": on, "s": sid},
            )
    return first, second


def _dates(at: AppTest, start: dt.date | None, end: dt.date | None) -> AppTest:
    _form(at, "Du", "date_input").set_value(start)
    _form(at, "Au", "date_input").set_value(end)
    return at.run()


def test_the_pipeline_shows_the_synergies_whose_status_was_given_in_the_period(db):
    first, second = _dated(db)
    at = _page(ADVISOR)
    assert not at.exception
    assert len(at.dataframe[0].value) == 2  # empty dates by default: every tracked synergy
    assert any("comme au tableau de bord et dans les rapports" in c.value for c in at.caption)
    at = _dates(at, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert not at.exception
    table = at.dataframe[0].value
    assert table.index.tolist() == [first]
    assert next(m for m in at.metric if m.label == "Proposée").value == "1"
    chosen = _form(at, "Choisir une synergie")
    assert chosen.value == first and len(chosen.options) == 1
    at = _dates(at, dt.date(2024, 1, 1), None)  # an open end: from 2024 on
    assert sorted(at.dataframe[0].value.index) == sorted([first, second])


def test_an_empty_period_is_said_in_words_and_a_reversed_one_refused(db):
    _dated(db)
    at = _dates(_page(ADVISOR), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert not at.exception
    assert at.info[0].value.startswith(
        "Aucune synergie n'a reçu son statut actuel dans cette période ; 2 synergies"
    )
    assert not at.metric  # no row of zeros
    # no empty pipeline table nor funnel (the synergy chosen before keeps its details, as with the
    # status filter)
    assert not any("Fournisseur" in d.value.columns for d in at.dataframe)
    assert "Entonnoir et taux de conversion" not in [h.value for h in at.subheader]
    at = _dates(at, dt.date(2025, 12, 31), dt.date(2025, 1, 1))
    assert not at.exception
    assert at.error[0].value.startswith("La date de fin (2025-01-01) précède la date de début (2025-12-31)")
    assert not at.metric and not at.dataframe


def test_the_period_reads_in_english_with_the_dashboards_labels(db):
    _dated(db)
    at = _page(ADVISOR, "en")
    _form(at, "From", "date_input").set_value(dt.date(2023, 1, 1))
    _form(at, "To", "date_input").set_value(dt.date(2023, 12, 31))
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("No synergy received its current status in this period; 2 synergies")
