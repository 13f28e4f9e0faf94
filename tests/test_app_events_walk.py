"""The event planner walked as a hurried advisor walks it: French times, few firms, the language switched."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor
from tests._app_helpers import point_app_at, run_page
from tests.test_reports_fixtures import seed_db

ADVISOR = Actor("adele", "advisor")


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "r.db"
    seed_db(path)
    return point_app_at(path, monkeypatch)


def _plan(at: AppTest, start: str, attendees: int = 0) -> AppTest:
    at.text_input(key="events.start").input(start)
    box = at.multiselect(key="events.attendees")
    for option in box.options[:attendees]:
        box.select(option)
    at.text_input(key="events.tables").set_value("2")
    at.text_input(key="events.slots").set_value("3")
    at.text_input(key="events.limit").set_value("2")
    return at.button[0].click().run()


def test_a_start_time_written_the_french_way_is_read(db):
    # « 9 h 30 » was refused: « Heure de début illisible … Écrivez-la HH:MM »
    at = _plan(run_page("event_planner.py", ADVISOR), "9 h 30")
    assert not at.exception and not at.error
    grid = at.dataframe[-1].value
    assert grid.iloc[0, 1].startswith("09:30")


def test_a_bad_start_time_is_quoted_short_and_the_fix_shows_accepted_spellings(db):
    at = _plan(run_page("event_planner.py", ADVISOR), "y" * 5000)
    [error] = at.error
    assert len(error.value) < 300  # the 5,000 characters were printed back in full
    assert "9 h 30" in error.value and "…" in error.value


def test_one_firm_chosen_says_why_nothing_is_planned_and_what_to_do(db):
    at = _plan(run_page("event_planner.py", ADVISOR), "09:00", attendees=1)
    assert not at.exception
    said = " ".join(i.value for i in at.info)
    assert "(1 choisie)" in said and "ajoutez des entreprises à la liste, ou videz-la" in said


def test_two_firms_with_nothing_between_them_are_counted_in_the_plural(db):
    at = run_page("event_planner.py", ADVISOR)
    box = at.multiselect(key="events.attendees")
    sawmills = [o for o in box.options if o.startswith("Scierie")]  # two suppliers of sawdust
    assert len(sawmills) == 2
    for option in sawmills:
        box.select(option)
    at = _plan(at, "09:00")
    assert not at.exception
    assert "(2 choisies)" in " ".join(i.value for i in at.info)


def test_the_form_keeps_the_chosen_firms_when_the_language_is_switched(db):
    # the unkeyed list was a new, empty widget in English: re-planning would have invited every firm
    at = _plan(run_page("event_planner.py", ADVISOR), "9 h", attendees=3)
    chosen = at.multiselect(key="events.attendees").value
    assert len(chosen) == 3
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.multiselect(key="events.attendees").value == chosen
    assert at.text_input(key="events.start").value == "9 h"


def test_a_start_that_would_run_past_midnight_is_refused_in_both_languages(db):
    # « 23:30 » with three 20-minute slots was planned « 23:30–23:50 … 00:10–00:30 », one day
    at = _plan(run_page("event_planner.py", ADVISOR), "23:30")
    assert not at.exception and len(at.dataframe) == 2  # the two request tables, no plan
    [error] = at.error
    said = error.value.replace("\\", "")  # the message is shown as plain text: its signs escaped
    assert "le lendemain à 00:30" in said and "au plus tard à 23:00" in said


def test_the_master_schedule_names_a_free_table(db):
    at = _plan(run_page("event_planner.py", ADVISOR), "09:00")
    grid = at.dataframe[-1].value
    assert not (grid.iloc[:, 2:] == "").any().any() and (grid.iloc[:, 2:] == "— libre —").any().any()


def test_required_meetings_and_absences_are_asked_on_the_page(db):
    # they were reachable from the command line only (--must-meet, --unavailable)
    at = run_page("event_planner.py", ADVISOR)
    assert [e.label for e in at.expander][-1] == "Rencontres obligatoires et absences"
    shown = str(at)
    assert "event_requests.must_meet" in shown and "event_requests.absences" in shown


def _requests(at: AppTest, key: str, *rows: dict) -> None:
    """Type ``rows`` into the request table ``key`` (as the browser sends a data editor's additions)."""
    at.session_state[key] = {"edited_rows": {}, "added_rows": list(rows), "deleted_rows": []}


def test_a_required_meeting_is_placed_and_an_absent_firm_meets_no_one_in_its_slot(db):
    at = run_page("event_planner.py", ADVISOR)
    _requests(at, "event_requests.must_meet", {"a": "Chaufferie d'Alma", "b": "Granules Secrètes inc."})
    _requests(at, "event_requests.absences", {"firm": "Scierie du Fjord", "slot": 1})
    at = _plan(at, "09:00")
    assert not at.exception and not at.error
    grid = at.dataframe[-1].value
    cells = grid.iloc[:, 2:]
    pair = {"Chaufferie d'Alma ↔ Granules Secrètes inc.", "Granules Secrètes inc. ↔ Chaufferie d'Alma"}
    assert cells.isin(pair).any().any()
    assert not cells.iloc[0].str.contains("Scierie du Fjord", regex=False).any()


def test_a_required_meeting_with_a_firm_not_attending_says_what_to_do(db):
    at = run_page("event_planner.py", ADVISOR)
    _requests(at, "event_requests.must_meet", {"a": "Scierie Publique", "b": "Chaufferie d'Alma"})
    at = _plan(at, "09:00", attendees=1)  # the first firm only
    [error] = at.error
    said = error.value.replace("\\", "")
    assert "Ligne 1, colonne « Entreprise " in said and "une entreprise présente à l'activité" in said
    assert "Ajoutez-la aux entreprises présentes" in said and "events.plan" not in at.session_state


def test_an_absence_of_a_firm_without_proposal_says_so_when_everyone_is_invited(db):
    """With no firm chosen (every firm with a proposal invited), the fix read « add it to the attending
    firms »: doing so made it the only firm chosen, the event shrunk to it."""
    import pandas as pd

    from symbiosis.db import Repository
    from symbiosis.schemas import FIRMS
    from tests._registry_helpers import firm

    with Repository.from_url(f"sqlite:///{db}") as repo:  # a firm with no stream: no proposal
        idle = pd.DataFrame([firm("Z9", "Atelier Sans Flux", "Alma", 48.55, -71.65)])
        repo.upsert_firms(Actor.system("test"), idle.reindex(columns=FIRMS.names))
    at = run_page("event_planner.py", ADVISOR)
    _requests(at, "event_requests.absences", {"firm": "Atelier Sans Flux", "slot": "1"})
    at = _plan(at, "09:00")
    [error] = at.error
    said = error.value.replace("\\", "")
    assert "une entreprise qui a au moins une proposition" in said and "Retirez la ligne" in said
    assert "Ajoutez-la" not in said and "events.plan" not in at.session_state


def test_an_absence_given_as_hours_keeps_the_firm_out_of_every_slot_it_covers(db):
    # one slot per line: a firm away for an hour took three lines of the table
    at = run_page("event_planner.py", ADVISOR)
    _requests(at, "event_requests.absences", {"firm": "Scierie du Fjord", "slot": "9 h 00 – 9 h 40"})
    at = _plan(at, "09:00")  # three 20-minute slots: 09:00-09:20, 09:20-09:40, 09:40-10:00
    assert not at.exception and not at.error
    cells = at.dataframe[-1].value.iloc[:, 2:]
    for slot in (0, 1):
        assert not cells.iloc[slot].str.contains("Scierie du Fjord", regex=False).any()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "Ligne 2, colonne « Plages ou heures » : on attendait une fin après le début (11:30)"),
        ("en", "Row 2, column “Slots or hours”: expected an end after the start (11:30)"),
    ],
)
def test_a_reversed_absence_is_refused_naming_its_line(db, lang, said):
    at = run_page("event_planner.py", ADVISOR, lang)
    _requests(
        at,
        "event_requests.absences",
        {"firm": "Scierie du Fjord", "slot": "2"},
        {"firm": "Scierie du Fjord", "slot": "11 h 30 – 9 h"},
    )
    at = _plan(at, "09:00")
    [error] = at.error
    assert said in error.value.replace("\\", "")
    assert "events.plan" not in at.session_state


def test_counts_typed_with_a_french_comma_are_refused_by_name_and_nothing_is_planned(db):
    # the number boxes read « 1,5 » tables as 15 and « 12,5 » minutes as 125, and planned with them
    at = run_page("event_planner.py", ADVISOR)
    at.text_input(key="events.tables").set_value("1,5")
    at.text_input(key="events.minutes").set_value("12,5")
    at.button[0].click().run()
    assert not at.exception
    [error] = at.error
    said = error.value.replace("\\", "")  # markdown escapes
    assert said.startswith("À corriger avant de planifier :")
    assert "« Tables » : « 1,5 » n'est pas un nombre entier entre 1 et 200" in said
    assert "« Durée d'une rencontre (min) » : « 12,5 » n'est pas un nombre entier entre 5 et 120" in said
    assert "events.plan" not in at.session_state


def test_counts_written_with_a_space_between_thousands_are_read(db):
    at = run_page("event_planner.py", ADVISOR)
    at.text_input(key="events.tables").set_value(" 2 ")
    at.text_input(key="events.slots").set_value("3")
    at.text_input(key="events.limit").set_value("2")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert at.session_state["events.plan"]["wanted"][1:3] == (2, 3)
