"""The advisor's requests of an event, checked before planning: the clock, required meetings, absences."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.events.inputs import attending_firms, check_clock, firm_labels, read_requests

LABELS = {"F1": "Scierie", "F2": "Granules", "F3": "Serres", "F9": "Absente"}
HEADERS = {"a": "Entreprise A", "b": "Entreprise B", "firm": "Entreprise", "slot": "Plage"}


def _read(must=(), absent=(), attending=("F1", "F2", "F3"), slots=4):
    return read_requests(
        list(must), list(absent), labels=LABELS, attending=set(attending), slots=slots, headers=HEADERS
    )


@pytest.mark.parametrize(
    ("start", "minutes", "slots"), [("09:00", 20, 8), ("22:00", 20, 6), ("23:00", 20, 3)]
)
def test_an_event_ending_by_midnight_is_fine(start, minutes, slots):
    assert check_clock(start, minutes, slots) is None


def test_an_event_running_past_midnight_is_refused_with_the_latest_start_that_fits():
    # 23:00 with eight 20-minute slots ran to « 01:40 » on agendas that read as the same day
    problem = check_clock("23:00", 20, 8)
    assert problem is not None and problem.is_error
    assert "le lendemain à 01:40" in problem.message("fr") and "au plus tard à 21:20" in problem.message("fr")
    assert "the next day at 01:40" in problem.message("en") and "at 21:20 at the latest" in problem.message(
        "en"
    )


def test_an_event_longer_than_a_day_says_to_shorten_it():
    problem = check_clock("08:00", 120, 40)
    assert problem is not None and "plus d'une journée" in problem.message("fr")
    assert "more than a day" in problem.message("en")


def test_required_meetings_and_absences_are_read_as_the_planner_takes_them():
    read = _read(
        must=[{"a": "Scierie", "b": "Serres"}, {"a": None, "b": None}, {"a": "Serres", "b": "Scierie"}],
        absent=[{"firm": "Granules", "slot": 1}, {"firm": "Granules", "slot": 4.0}],
    )
    assert read.findings == ()
    assert read.must_meet == (("F1", "F3"), ("F3", "F1")) and read.unavailable == (("F2", 0), ("F2", 3))


def test_each_problem_names_the_line_the_column_what_was_expected_and_the_fix():
    read = _read(
        must=[{"a": "Scierie", "b": "Scierie"}, {"a": "Absente", "b": "Serres"}, {"a": "Serres", "b": ""}],
        absent=[{"firm": "Granules", "slot": 9}, {"firm": None, "slot": 2}],
    )
    messages = [f.message("fr") for f in read.findings]
    assert read.must_meet == () and read.unavailable == ()
    assert messages[0].startswith("Ligne 1, colonne « Entreprise B » : on attendait une autre entreprise")
    assert messages[1].startswith("Ligne 2, colonne « Entreprise A » : on attendait une entreprise présente")
    assert "trouvé « Absente »" in messages[1] and "Ajoutez-la aux entreprises présentes" in messages[1]
    assert messages[2].startswith(
        "Ligne 3, colonne « Entreprise B » : on attendait une entreprise, trouvé une"
    )
    assert "un numéro de plage de 1 à 4, trouvé « 9 »" in messages[3]
    assert messages[4].startswith("Ligne 2, colonne « Entreprise »")
    assert all(f.message("en").startswith("Row ") for f in read.findings)


def test_every_firm_with_a_proposal_attends_when_none_is_chosen():
    exchanges = pd.DataFrame({"supply_firm_id": ["F1", "F2"], "demand_firm_id": ["F3", "F3"]})
    assert attending_firms(exchanges, None) == {"F1", "F2", "F3"}
    assert attending_firms(exchanges, ["F1"]) == {"F1"}


def test_two_firms_of_the_same_name_are_told_apart_in_the_list():
    firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "name": ["Scierie", "Scierie", "Serres"]})
    assert firm_labels(firms) == {"A": "Scierie (A)", "B": "Scierie (B)", "C": "Serres"}
