"""The advisor's requests of an event, checked before planning: the clock, required meetings, absences."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.events.inputs import attending_firms, check_clock, firm_labels, read_requests

LABELS = {"F1": "Scierie", "F2": "Granules", "F3": "Serres", "F9": "Absente"}
HEADERS = {"a": "Entreprise A", "b": "Entreprise B", "firm": "Entreprise", "slot": "Plage"}


def _read(must=(), absent=(), attending=("F1", "F2", "F3"), slots=4, start="09:00", minutes=20):
    return read_requests(
        list(must),
        list(absent),
        labels=LABELS,
        attending=set(attending),
        slots=slots,
        start=start,
        slot_minutes=minutes,
        headers=HEADERS,
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


# -- absences as ranges (symbiosis.events.absences) ---------------------------------------------------
# The event of these tests: 09:00, eight 20-minute slots (09:00-09:20 … 11:20-11:40).


def _away(cell, slots=8, start="09:00", minutes=20):
    return _read(absent=[{"firm": "Granules", "slot": cell}], slots=slots, start=start, minutes=minutes)


@pytest.mark.parametrize(
    ("cell", "covered"),
    [
        (3, (2,)),  # the single-slot form, as before (a number column gives 3 or 3.0)
        (3.0, (2,)),
        ("3", (2,)),
        ("2-4", (1, 2, 3)),
        ("2 – 4", (1, 2, 3)),
        ("9 h 00 – 11 h 30", (0, 1, 2, 3, 4, 5, 6, 7)),  # 11:20-11:40 is touched: the firm is away in it
        ("9:00-11:30", (0, 1, 2, 3, 4, 5, 6, 7)),
        ("9h à 10h", (0, 1, 2)),  # 10:00 is when the fourth slot starts: it is free
        ("de 9\u00a0h\u00a020 à 10\u202fh\u202f10", (1, 2, 3)),  # non-breaking spaces, as Word types them
        ("9:30-9:50", (1, 2)),  # a part of two slots: both
        ("8 h – 9 h 10", (0,)),  # before the event: its part during the event counts
        ("11 h 30 – 24 h", (7,)),
        ("10 h 15", (3,)),  # one time: the slot under way
        ("9-10h", (0, 1, 2)),  # a bare end next to a time is an hour
    ],
)
def test_an_absence_reads_as_every_slot_it_covers(cell, covered):
    read = _away(cell)
    assert read.findings == ()
    assert read.unavailable == tuple(("F2", s) for s in covered)


@pytest.mark.parametrize(
    ("cell", "fr", "en"),
    [
        (
            "beaucoup",
            "on attendait un numéro de plage (1 à 8), des plages (2-4) ou des heures (9 h 00 – 11 h 30), "
            "trouvé « beaucoup »",
            "expected a slot number (1 to 8), slots (2-4) or hours (9:00-11:30), found “beaucoup”",
        ),
        ("9 h -", "trouvé « 9 h - »", "found “9 h -”"),
        ("1-2-3", "des plages (2-4)", "slots (2-4)"),
        ("9h30 - 9h75", "« 9h75 » n'est pas une heure", "“9h75” is not a time of day"),
        ("23 h – 25 h", "« 25 h » n'est pas une heure", "“25 h” is not a time of day"),
        ("11 h 30 – 9 h", "une fin après le début (11:30)", "an end after the start (11:30)"),
        ("10 h – 10 h", "une fin après le début (10:00)", "an end after the start (10:00)"),
        ("4-2", "une fin après le début (4)", "an end after the start (4)"),
        (
            "22 h – 23 h",
            "une absence pendant l'activité (09:00 – 11:40)",
            "while the event is on (09:00-11:40)",
        ),
        ("14 h", "L'absence de 14:00 à 14:00 ne touche aucune plage", "from 14:00 to 14:00 falls in no slot"),
        ("7-9", "un numéro de plage de 1 à 8, trouvé « 7-9 »", "a slot number from 1 to 8, found “7-9”"),
        ("0", "un numéro de plage de 1 à 8", "a slot number from 1 to 8"),
        (2.5, "trouvé « 2.5 »", "found “2.5”"),
        ("9" * 5000, "des heures (9 h 00 – 11 h 30)", "or hours (9:00-11:30)"),
    ],
)
def test_a_bad_absence_names_its_line_what_was_expected_and_the_fix_in_both_languages(cell, fr, en):
    read = _read(
        absent=[{"firm": "Granules", "slot": 1}, {"firm": "Granules", "slot": cell}],
        slots=8,
    )
    [problem] = read.findings
    assert problem.is_error and problem.row == 2 and problem.column == "Plage"
    assert problem.message("fr").startswith("Ligne 2, colonne « Plage » : on attendait ")
    assert problem.message("en").startswith("Row 2, column “Plage”: expected ")
    assert fr in problem.message("fr") and en in problem.message("en")
    assert read.unavailable == (("F2", 0),)  # the good line is still read


def test_a_bad_absence_of_a_firm_not_attending_reports_both_problems():
    read = _read(absent=[{"firm": "Absente", "slot": "midi"}])
    assert [f.code for f in read.findings] == ["events.not_attending", "events.absence_malformed"]


def test_a_firm_without_proposal_is_told_apart_when_everyone_is_invited():
    rows = [{"firm": "Absente", "slot": "1"}]
    chosen = read_requests([], rows, labels=LABELS, attending={"F1"}, **_CLOCK, headers=HEADERS)
    everyone = read_requests(
        [], rows, labels=LABELS, attending={"F1"}, **_CLOCK, headers=HEADERS, everyone=True
    )
    assert [f.code for f in chosen.findings] == ["events.not_attending"]
    assert [f.code for f in everyone.findings] == ["events.no_proposal"]
    assert "Ajoutez-la" not in everyone.findings[0].message("fr")
    assert "Remove the line" in everyone.findings[0].message("en")


_CLOCK = {"slots": 4, "start": "09:00", "slot_minutes": 20}


def test_an_absence_cell_is_read_in_time_linear_in_its_length():
    # hostile cells are cut before any pattern sees them
    import time

    from symbiosis.events.absences import AbsenceProblem, absent_slots

    started = time.process_time()
    for cell in ("1" + "\t" * 100_000 + "1", "9" + " h" * 50_000, "-" * 100_000, "9 h 00 " + "à " * 50_000):
        with pytest.raises(AbsenceProblem):
            absent_slots(cell, start="09:00", slot_minutes=20, slots=8)
    assert time.process_time() - started < 1.0
