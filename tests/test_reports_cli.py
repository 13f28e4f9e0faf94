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
