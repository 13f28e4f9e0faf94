"""``symbiosis event`` plans the registry's proposals and writes the agendas."""

from __future__ import annotations

import io

import openpyxl
import pytest

from symbiosis.cli import main
from symbiosis.commands.event import read_attendees
from tests.test_reports_fixtures import seed_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("event") / "r.db"
    seed_db(path)
    return path


def test_event_command_writes_agendas(db, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "agenda.xlsx"
    assert (
        main(
            [
                "event",
                "--db",
                str(db),
                "--attendees",
                "all",
                "--tables",
                "2",
                "--slots",
                "3",
                "--time-limit",
                "5",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    grid = book["Horaire général"]
    free = "— libre —"  # a free table is named in the grid, never left blank
    cells = [c.value for row in grid.iter_rows(min_row=2, min_col=3) for c in row if c.value != free]
    # 5 proposals, but P1 is in 4 of them and there are 3 slots: its weakest (with P2) is left out
    assert len(cells) == 4
    assert not any("Scierie Publique" in c and "HYPERLINK" in c for c in cells)
    cells_all = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells_all if c.data_type == "f"]  # the hostile name stays text everywhere
    hostile = [c.value for c in cells_all if "HYPERLINK" in str(c.value)]
    assert hostile and all(v.startswith("'=") for v in hostile)
    attendees = tmp_path / "present.csv"
    attendees.write_text("firm_id,name\nP1,x\nP4,y\n", encoding="utf-8")
    pdf = tmp_path / "agenda.pdf"
    assert (
        main(
            [
                "event",
                "--db",
                str(db),
                "--attendees",
                str(attendees),
                "--tables",
                "1",
                "--slots",
                "2",
                "--out",
                str(pdf),
                "--lang",
                "en",
            ]
        )
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")


def test_must_meet_and_availability_from_files(db, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    must = tmp_path / "must.csv"
    must.write_text("firm_a,firm_b\nP1,P2\n", encoding="utf-8")  # the weakest proposal, now required
    away = tmp_path / "away.csv"
    away.write_text("firm_id,slot\nP4,1\nP4,2\n", encoding="utf-8")
    out = tmp_path / "agenda.xlsx"
    assert (
        main(
            [
                "event",
                "--db",
                str(db),
                "--tables",
                "2",
                "--slots",
                "3",
                "--must-meet",
                str(must),
                "--unavailable",
                str(away),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    grid = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["Horaire général"]
    rows = [[c.value or "" for c in row] for row in grid.iter_rows(min_row=2)]
    cells = [c for row in rows for c in row[2:] if c]
    assert any("Scierie Publique" in c and "HYPERLINK" in c for c in cells)
    assert not any("Chaufferie" in c for row in rows[:2] for c in row[2:])  # P4 away in slots 1 and 2


def test_read_attendees_formats(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_text("P1\n\nP2\n", encoding="utf-8")
    assert read_attendees(str(plain)) == ["P1", "P2"]
    assert read_attendees("all") is None


def test_event_command_refuses_bad_output(db, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["event", "--db", str(db), "--out", str(tmp_path / "a.docx")]) == 2
    assert main(["event", "--db", str(db), "--tables", "0", "--out", str(tmp_path / "a.pdf")]) == 2


def test_must_meet_with_a_firm_that_does_not_attend_says_so_without_a_traceback(
    db, tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    must = tmp_path / "must.csv"
    must.write_text("P1,NOPE-9\n", encoding="utf-8")
    present = tmp_path / "present.txt"
    present.write_text("P1\nP2\n", encoding="utf-8")
    out = tmp_path / "agenda.xlsx"
    assert main(["event", "--db", str(db), "--must-meet", str(must), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "NOPE-9" in err and "Traceback" not in err and "not attending" in err and "absente" in err
    must.write_text("P1,P4\n", encoding="utf-8")  # P4 is in the registry but not among the attendees
    assert (
        main(
            [
                "event",
                "--db",
                str(db),
                "--attendees",
                str(present),
                "--must-meet",
                str(must),
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "P4" in capsys.readouterr().err and not out.exists()


def test_an_event_running_past_midnight_is_refused_in_both_languages(db, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "agenda.pdf"
    argv = [
        "event",
        "--db",
        str(db),
        "--start",
        "23:00",
        "--slots",
        "8",
        "--minutes",
        "20",
        "--out",
        str(out),
    ]
    assert main(argv) == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "le lendemain à 01:40" in err and "the next day at 01:40" in err


def _plan(db, tmp_path, away_text: str, *extra: str) -> tuple[int, list[list[str]]]:
    away = tmp_path / "away.csv"
    away.write_text(away_text, encoding="utf-8")
    out = tmp_path / "agenda.xlsx"
    argv = ["event", "--db", str(db), "--tables", "2", "--slots", "3", "--unavailable", str(away)]
    code = main([*argv, *extra, "--out", str(out)])
    if code != 0:
        return code, []
    grid = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["Horaire général"]
    return code, [[c.value or "" for c in row] for row in grid.iter_rows(min_row=2)]


@pytest.mark.parametrize(
    "line",
    ["P4,1-2", "P4;1-2", "P4,9 h 00 – 9 h 40", "P4,9:00-9:40", "P4,de 9h à 9h30", "P4,1\nP4,2"],
)
def test_an_absence_line_takes_the_ranges_and_hours_of_the_app(db, tmp_path, monkeypatch, line):
    # one line per slot only: « P4,1-2 » stopped the command (int('1-2')); the app read it
    monkeypatch.delenv("DATABASE_URL", raising=False)
    code, rows = _plan(db, tmp_path, f"firm_id,absence\n{line}\n")
    assert code == 0
    assert not any("Chaufferie" in c for row in rows[:2] for c in row[2:])  # P4 away in slots 1 and 2


@pytest.mark.parametrize(
    ("text", "line", "fr", "en"),
    [
        (
            "firm_id,absence\nP4,1\n\nP4,beaucoup\n",
            4,
            "on attendait un numéro de plage (1 à 3)",
            "slots (2-4)",
        ),
        ("P4,4\n", 1, "un numéro de plage de 1 à 3", "a slot number from 1 to 3"),
        ("firm_id,absence\nP4,3-2\n", 2, "une fin après le début (3)", "an end after the start (3)"),
        ("P4,25 h 00\n", 1, "des heures de la journée", "hours of the day"),
        (
            "P4,7 h 00 – 8 h 00\n",
            1,
            "une absence pendant l'activité (09:00 – 10:00)",
            "while the event is on",
        ),
        ("P4\n", 1, "trouvé une cellule vide", "found an empty cell"),
        ("NOPE-9,1\n", 1, "une entreprise présente à l'activité", "a firm attending the event"),
    ],
)
def test_a_bad_absence_line_is_named_in_both_languages_without_a_traceback(
    db, tmp_path, monkeypatch, capsys, text, line, fr, en
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    code, _ = _plan(db, tmp_path, text)
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"Ligne {line}, colonne" in err and f"Row {line}, column" in err
    assert fr in err and en in err
    assert not (tmp_path / "agenda.xlsx").exists()
