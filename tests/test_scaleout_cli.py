"""``symbiosis match --scheduler``: one switch; without it nothing of Dask is imported (issue #16 item 1)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from symbiosis.commands._scheduler import TextProgress, parse_memory_limit
from symbiosis.distributed.scheduler import SchedulerError, parse_scheduler, scheduler_from_env

pytestmark = pytest.mark.slow

_PROBE = """
import sys
from symbiosis.cli import main
code = main({argv!r})
print("DASK=" + ",".join(sorted(m for m in ("dask", "distributed") if m in sys.modules)))
print("CODE=" + str(code))
"""


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    """The bundled sample region in an SQLite registry (built once for the module)."""
    path = tmp_path_factory.mktemp("scaleout") / "sample.db"
    subprocess.run(
        [sys.executable, "-m", "symbiosis", "init", "--db", str(path), "--sample"],
        check=True,
        capture_output=True,
    )
    return str(path)


def _probe(argv: list[str], env_extra: dict[str, str] | None = None) -> tuple[list[str], int, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    env.update(env_extra or {})
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True, env=env, check=False
    )
    lines = out.stdout.splitlines()
    dask = next(r for r in lines if r.startswith("DASK=")).removeprefix("DASK=")
    code = int(next(r for r in lines if r.startswith("CODE=")).removeprefix("CODE="))
    payload = "\n".join(r for r in lines if not r.startswith(("DASK=", "CODE=")))
    return [m for m in dask.split(",") if m], code, payload


def test_match_without_scheduler_imports_no_dask(sample_db):
    loaded, code, _ = _probe(["match", "--db", sample_db])
    assert code == 0
    assert loaded == []


def test_match_on_a_local_cluster_equals_the_single_process(sample_db):
    """The same ``run()`` with the allocation solved part by part on 2 workers: same KPIs and flows."""
    _, code_a, here = _probe(["match", "--db", sample_db, "--json"])
    loaded, code_b, there = _probe(["match", "--db", sample_db, "--json", "--scheduler", "local:2"])
    assert (code_a, code_b) == (0, 0)
    assert "distributed" in loaded
    a, b = json.loads(here), json.loads(there)
    assert a["kpis"] == b["kpis"]
    assert a["allocation"]["objective"] == b["allocation"]["objective"]
    flows = {(e["candidate_id"], e["flow_per_yr"]) for e in a["exchanges"]}
    assert flows == {(e["candidate_id"], e["flow_per_yr"]) for e in b["exchanges"]}


def test_bad_scheduler_is_a_bilingual_error_not_a_crash(sample_db):
    proc = subprocess.run(
        [sys.executable, "-m", "symbiosis", "match", "--db", sample_db, "--scheduler", "udp://nowhere"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Ordonnanceur non reconnu" in proc.stderr and "Unrecognised scheduler" in proc.stderr


def test_environment_variable_names_the_scheduler(sample_db):
    """``DASK_SCHEDULER_ADDRESS`` is read when ``--scheduler`` is absent (a wrong one fails cleanly)."""
    loaded, code, _ = _probe(["match", "--db", sample_db], {"DASK_SCHEDULER_ADDRESS": "udp://nowhere"})
    assert code == 2 and loaded == []
    loaded, code, _ = _probe(["match", "--db", sample_db, "--memory-limit", "lots", "--scheduler", "local:1"])
    assert code == 2 and loaded == []


@pytest.mark.parametrize(
    ("text", "address", "workers"),
    [("local:3", None, 3), ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786", 2), ("tls://h:1", "tls://h:1", 2)],
)
def test_parse_scheduler(text, address, workers):
    spec = parse_scheduler(text, memory_limit="6GiB")
    assert (spec.address, spec.memory_limit) == (address, "6GiB")
    if address is None:
        assert spec.n_workers == workers and spec.local


@pytest.mark.parametrize("text", ["local:0", "local:x", "10.0.0.5:8786", "http://h:1", ""])
def test_parse_scheduler_refuses(text):
    with pytest.raises(SchedulerError) as err:
        parse_scheduler(text)
    assert err.value.key == "scaleout.bad_scheduler"


def test_option_wins_over_environment_and_neither_means_here():
    env = {"DASK_SCHEDULER_ADDRESS": "tcp://a:1"}
    assert scheduler_from_env(None, {}) is None
    assert scheduler_from_env(None, env).address == "tcp://a:1"
    assert scheduler_from_env("local:1", env).local


def test_memory_limit_and_progress_bar():
    import io

    assert parse_memory_limit("6GiB") == "6GiB" and parse_memory_limit("auto") == "auto"
    assert parse_memory_limit("6 bananas") is None
    out = io.StringIO()
    bar = TextProgress(out, width=10)
    for done in range(1, 5):
        bar(done, 4)
    text = out.getvalue()
    assert "[##########] 4/4" in text and "Tâches / Tasks" in text


def test_missing_dask_is_a_clear_error(monkeypatch):
    from symbiosis.distributed import scheduler

    monkeypatch.setattr(scheduler, "dask_available", lambda: False)
    with pytest.raises(SchedulerError) as err, scheduler.open_executor(parse_scheduler("local:1")):
        pass
    assert err.value.key == "scaleout.no_dask"


def test_sweep_command_writes_scenarios_and_robustness(sample_db, tmp_path):
    out = tmp_path / "sweep.json"
    loaded, code, text = _probe(
        ["sweep", "--db", sample_db, "--vary", "landfill_fee=80..200", "--samples", "3", "--out", str(out)]
    )
    assert code == 0 and loaded == []
    payload = json.loads(out.read_text("utf-8"))
    assert payload["n_scenarios"] == 3
    assert [s["default_tipping_fee_cad_per_t"] for s in payload["scenarios"]] == [80.0, 140.0, 200.0]
    shares = [r["share"] for r in payload["robustness"]]
    assert shares == sorted(shares, reverse=True) and shares[0] == 1.0
    assert "3 scénarios calculés" in text and "3 scenarios run" in text


def test_sweep_command_refuses_a_bad_law_in_both_languages(sample_db):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "symbiosis",
            "sweep",
            "--db",
            sample_db,
            "--monte-carlo",
            "carbon_price=gamma:1,2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Lois reconnues" in proc.stderr and "Known laws" in proc.stderr


def test_match_writes_candidate_partitions_on_request(sample_db, tmp_path):
    import pandas as pd

    out = tmp_path / "candidates"
    _, code, text = _probe(
        ["match", "--db", sample_db, "--json", "--all-candidates", "--candidates-parquet", str(out)]
    )
    assert code == 0
    back = pd.read_parquet(out)
    assert {p.name.split("=")[0] for p in out.iterdir()} == {"block"}
    assert not back["candidate_id"].duplicated().any()
    offered = {c["candidate_id"] for c in json.loads(text)["candidates"]}
    assert offered <= set(back["candidate_id"])  # run()'s candidates are among those written


def _cli(argv: list[str]) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DASK_SCHEDULER_ADDRESS"}
    return subprocess.run(
        [sys.executable, "-m", "symbiosis", *argv], capture_output=True, text=True, env=env, check=False
    )


def test_run_folder_option_keeps_the_scored_pairs_where_asked(sample_db, tmp_path):
    """``--run-folder DIR --keep-run-folder``: the run's Parquet partitions stay in one
    ``symbiosis-run-*`` folder of DIR, named on standard error; ``--region-arcs`` forced low cuts the
    sample region's largest component into regions and the run's own check still passes."""
    folder = tmp_path / "runs" / "made-if-missing"
    proc = _cli(
        [
            "match",
            "--db",
            sample_db,
            "--json",
            "--scheduler",
            "local:2",
            "--run-folder",
            str(folder),
            "--keep-run-folder",
            "--region-arcs",
            "40",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    kept = list(folder.iterdir())
    assert len(kept) == 1 and kept[0].name.startswith("symbiosis-run-")
    assert list(kept[0].rglob("*.parquet"))  # the scored pairs; the allocation's files are gone
    assert not list(kept[0].rglob("*.npz")) and not list(folder.glob("*/*.npz"))
    assert (
        f"Dossier d'exécution gardé : {kept[0]}" in proc.stderr
        and f"Run folder kept: {kept[0]}" in proc.stderr
    )
    allocation = json.loads(proc.stdout)["allocation"]
    assert allocation["method"].endswith("regions")
    assert allocation["violations"] in ([], ())


def test_run_folder_options_refuse_bad_values_in_both_languages(sample_db, tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    bad = _cli(
        ["match", "--db", sample_db, "--scheduler", "local:1", "--run-folder", str(not_a_folder / "sub")]
    )
    assert bad.returncode == 2
    assert "Dossier d'exécution inutilisable" in bad.stderr and "Unusable run folder" in bad.stderr
    bad = _cli(["match", "--db", sample_db, "--scheduler", "local:1", "--region-arcs", "beaucoup"])
    assert bad.returncode == 2
    assert "« beaucoup »" in bad.stderr and "positive whole number" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_run_folder_without_a_scheduler_is_said_to_be_unused(sample_db, tmp_path):
    loaded, code, _ = _probe(["match", "--db", sample_db, "--run-folder", str(tmp_path / "r")])
    assert code == 0 and loaded == []  # still nothing of Dask
    proc = _cli(["match", "--db", sample_db, "--run-folder", str(tmp_path / "r")])
    assert proc.returncode == 0
    assert "ne servent qu'avec --scheduler" in proc.stderr and "only apply with --scheduler" in proc.stderr
    assert not (tmp_path / "r").exists()
