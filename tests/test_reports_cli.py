"""``symbiosis report`` writes each format from a registry file and refuses bad arguments."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from symbiosis.cli import main
from tests.test_reports_fixtures import SECRET_NAMES, seed_db


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "r.db"
    seed_db(path)
    return path


def test_report_command_writes_xlsx_and_anonymised_geojson(db, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "r.xlsx"
    code = main(
        [
            "report",
            "--db",
            str(db),
            "--lang",
            "en",
            "--territory",
            "mrc:Lac-Saint-Jean-Est",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert "Synergies" in book.sheetnames
    geo = tmp_path / "r.geojson"
    assert main(["report", "--db", str(db), "--anonymised", "--out", str(geo)]) == 0
    text = geo.read_text(encoding="utf-8")
    assert json.loads(text)["type"] == "FeatureCollection"
    assert not any(name in text for name in SECRET_NAMES)


@pytest.mark.parametrize(
    "args",
    [
        ["--out", "r.docx"],
        ["--territory", "county:X", "--out", "r.pdf"],
        ["--from", "2026-12-31", "--to", "2026-01-01", "--out", "r.pdf"],
    ],
)
def test_report_command_refuses_bad_arguments(db, tmp_path, monkeypatch, args):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--db", str(db), *args]) == 2


def test_report_command_on_a_missing_registry(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "r.pdf")]) == 2


def _csv(db, out, *extra: str) -> int:
    return main(["report", "--db", str(db), "--format", "csv", "--out", str(out), *extra])


def test_an_anonymised_csv_with_no_nameable_synergy_is_a_header_row_and_a_warning_says_why(
    db, tmp_path, monkeypatch, caplog, capsys
):
    from symbiosis.reports.unlisted import headers_only_note

    monkeypatch.delenv("DATABASE_URL", raising=False)
    out = tmp_path / "r.csv"
    with caplog.at_level("WARNING", logger="symbiosis.commands.report"):
        assert _csv(db, out, "--anonymised", "--territory", "mrc:Maria-Chapdelaine") == 0
    assert out.read_text(encoding="utf-8-sig").strip().count("\n") == 0  # headers only, no prose
    assert [r.getMessage() for r in caplog.records] == [f"r.csv: {headers_only_note('withheld', 'fr')}"]
    assert capsys.readouterr().out.strip().endswith("(0 synergie listée)")
    caplog.clear()
    with caplog.at_level("WARNING", logger="symbiosis.commands.report"):
        assert _csv(db, out, "--anonymised", "--territory", "park:nowhere", "--lang", "en") == 0
    assert [r.getMessage() for r in caplog.records] == [f"r.csv: {headers_only_note('none', 'en')}"]


def test_a_csv_that_lists_synergies_warns_of_nothing_and_counts_them(
    db, tmp_path, monkeypatch, caplog, capsys
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with caplog.at_level("WARNING", logger="symbiosis.commands.report"):
        assert _csv(db, tmp_path / "r.csv", "--territory", "mrc:Maria-Chapdelaine", "--lang", "en") == 0
        assert capsys.readouterr().out.strip().endswith("r.csv (1 synergy listed)")
        assert _csv(db, tmp_path / "r.csv", "--anonymised") == 0
        assert capsys.readouterr().out.strip().endswith("r.csv (3 synergies listées)")
    assert not caplog.records
