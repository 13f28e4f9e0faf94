"""``symbiosis match``: registry from the database, KPI summary, JSON output, exports, exit codes."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

import symbiosis.kb
from symbiosis.cli import main
from symbiosis.db import Actor, Repository
from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.registry import Registry

from .test_pipeline import RULES, _stream, tiny_registry


@pytest.fixture
def db(tmp_path, monkeypatch):
    """An SQLite registry holding the tiny region; the bundled rules replaced by the test rule."""
    monkeypatch.setattr(symbiosis.kb, "load_rules", lambda *a, **k: RULES, raising=False)
    path = tmp_path / "reg.db"
    reg = tiny_registry()
    with Repository.from_url(f"sqlite:///{path}") as repo:
        actor = Actor.system("test")
        repo.upsert_firms(actor, reg.firms)
        repo.upsert_streams(actor, reg.streams)
    return path


def test_json_output_keyed_by_imported_stream_ids(db, capsys):
    assert main(["match", "--db", str(db), "--json", "--all-candidates"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "optimal"
    flows = {(e["supply_id"], e["demand_id"]): e["flow_per_yr"] for e in out["exchanges"]}
    assert flows == pytest.approx({("s-bark", "d-boiler-B"): 600.0, ("s-bark", "d-boiler-C"): 400.0})
    assert out["kpis"]["n_exchanges"] == 2
    assert all("Estimated net value" in e["explanation_en"] for e in out["exchanges"])
    assert {c["demand_id"] for c in out["candidates"]} == {"d-boiler-B", "d-boiler-C"}
    assert all("score" in c for c in out["candidates"])


def test_json_lists_the_firms_own_reuse_apart_from_the_exchanges(db, capsys):
    # the sawmill also declares a boiler of its own: its own reuse of the bark is listed apart (not
    # imposed: nothing is swapped), and the bark still goes to B and C
    firms = tiny_registry().firms
    own = Registry(
        firms, pd.DataFrame([_stream("d-boiler-A", "A", "demand", "biomass_fuel_wood", 300.0)])
    ).streams
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        repo.upsert_streams(Actor.system("test"), own)
    assert main(["match", "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [reuse] = out["internal_opportunities"]
    assert (reuse["candidate_id"], reuse["max_flow_per_yr"], reuse["allocated_per_yr"]) == (
        "s-bark>d-boiler-A",
        pytest.approx(300.0),
        0.0,
    )
    flows = {e["demand_id"]: e["flow_per_yr"] for e in out["exchanges"]}
    assert flows == pytest.approx({"d-boiler-B": 600.0, "d-boiler-C": 400.0})
    assert main(["match", "--db", str(db)]) == 0
    assert (
        "(not in the KPIs): 1 (retenus par l'allocation / chosen by the allocation: 0)"
        in capsys.readouterr().out
    )


def test_candidates_only_on_request(db, capsys):
    assert main(["match", "--db", str(db), "--json"]) == 0
    assert "candidates" not in json.loads(capsys.readouterr().out)


def test_summary_is_bilingual_and_out_is_written_and_audited(db, tmp_path, capsys):
    out = tmp_path / "results.xlsx"
    assert main(["match", "--db", str(db), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Tonnes échangées" in text and "Tonnes exchanged" in text
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "KPIs"
    header = [c.value for c in book["exchanges"][1]]
    assert "explanation_fr" in header and "explanation_en" in header
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        audit = repo.audit(Actor.system("test"))
    assert "export" in set(audit["action"])


def test_config_file_and_side_constraints(db, tmp_path, capsys):
    cfg = tmp_path / "scenario.json"
    cfg.write_text(json.dumps({"excluded_firm_ids": ["B"]}), encoding="utf-8")
    assert main(["match", "--db", str(db), "--config", str(cfg), "--side-constraints", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["demand_id"] for e in out["exchanges"]] == ["d-boiler-C"]


def test_unreadable_db_exits_2(tmp_path, capsys):
    assert main(["match", "--db", str(tmp_path / "missing.db")]) == 2
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database")
    assert main(["match", "--db", str(bad)]) == 2
    assert "unreadable registry" in capsys.readouterr().err


def test_bad_config_exits_2(db, tmp_path):
    cfg = tmp_path / "scenario.json"
    cfg.write_text(json.dumps({"no_such_parameter": 1}), encoding="utf-8")
    assert main(["match", "--db", str(db), "--config", str(cfg)]) == 2


def test_unknown_out_format_exits_2_before_running(db, tmp_path, capsys):
    assert main(["match", "--db", str(db), "--out", str(tmp_path / "r.pdf")]) == 2
    assert "unknown output format" in capsys.readouterr().err
    assert not (tmp_path / "r.pdf").exists()


def test_solver_failure_exits_1(db, monkeypatch, capsys):
    import symbiosis.pipeline as pipeline

    over = Finding(code="demand_over_capacity", detail=Text("demande au-delà", "demand over"))
    monkeypatch.setattr(pipeline, "check_flows", lambda ix, x, allocation: [over])
    assert main(["match", "--db", str(db), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "check_failed"


@pytest.mark.parametrize("reader", ["sqlite", "repository"])
def test_a_bug_while_reading_the_registry_is_not_called_unreadable(db, monkeypatch, reader):
    """Only database errors (READ_ERRORS, DATABASE_ERRORS) become "unreadable registry"; a bug keeps its
    traceback, whether the SQLite file is read directly or (another database) through the repository."""
    from symbiosis.db import DATABASE_ERRORS, Repository, sqlite_read

    def buggy(*_args):
        raise TypeError("a programming error")

    monkeypatch.setattr(sqlite_read, "load_registry", buggy)
    monkeypatch.setattr(Repository, "load_registry", buggy)
    if reader == "repository":
        monkeypatch.setattr(sqlite_read, "sqlite_file", lambda url: None)
    with pytest.raises(TypeError, match="programming error"):
        main(["match", "--db", str(db)])
    assert not issubclass(TypeError, DATABASE_ERRORS + sqlite_read.READ_ERRORS)
