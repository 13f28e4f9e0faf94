"""Several processes at once, on SQLite and PostgreSQL: guessing, mixed writes, kill -9 (issue #12).

On SQLite and PostgreSQL for the mixed operations; on SQLite (one writer at a time: where a guesser
or a kill would hurt most) for the other two.

* Six processes guess passwords (fresh "browser" and address every 50 guesses) while a normal user
  writes: no write fails with "database is locked", and each account gets at most its 5 free
  guesses plus one per back-off window (10 s, then 20 s…).
* Eight processes run 1,000 mixed operations each (stream updates with a counter, notes appended to
  one shared synergy, app events, reads): no update is lost, no operation fails, the chain holds.
* An import is killed (SIGKILL) while it stores its rows: the database is consistent (integrity
  check, rows and their batch together or neither, chain whole) and a re-run completes.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SYSTEM = Actor.system("pytest")
GUESSERS, GUESS_SECONDS = 6, 12.0
#: ``make test`` runs 8 processes x 300 mixed operations (2,400 contended writes, a minute on the shared
#: 2-core machine for both databases); the issue's full 8 x 1,000 with SYMBIOSIS_STRESS_OPERATIONS=1000.
WORKERS, STREAMS_PER_WORKER = 8, 5
OPERATIONS = int(os.environ.get("SYMBIOSIS_STRESS_OPERATIONS", "300"))


def _start(name: str, payload: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests._workers", name, json.dumps(payload)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _together(procs: list[subprocess.Popen]) -> None:
    """Wait until every worker has loaded what it needs, then let them all start at once."""
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-2000:]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()


def _result(proc: subprocess.Popen, timeout: float) -> dict:
    out, err = proc.communicate(timeout=timeout)  # closes stdin too
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """SQLite only: where one writer at a time is the rule, so where guessing and kills hurt most."""
    return f"sqlite:///{tmp_path / 'registry.db'}"


# -- sign-in guessing while a normal user writes --------------------------------------------------


def test_guessing_from_six_processes_is_slowed_and_never_locks_a_writer(
    sqlite_url, make_firms, firm_row, make_streams, stream_row
):
    url = sqlite_url
    with Repository.from_url(url) as repo:
        repo.upsert_firms(SYSTEM, make_firms(firm_row("A", "Alu")))
        repo.upsert_streams(SYSTEM, make_streams(stream_row("A-1", "A")))
        for user_id in ("alice", "bruno"):
            AccountRepository(repo).create_account(SYSTEM, user_id, "a long right password", "firm", "A")
    targets = ["alice", "bruno", "nobody"]
    guessers = [
        _start(
            "guess",
            {"url": url, "worker": w, "accounts": targets, "seconds": GUESS_SECONDS, "together": True},
        )
        for w in range(GUESSERS)
    ]
    writer = _start("writer", {"url": url, "stream_id": "A-1", "seconds": GUESS_SECONDS, "together": True})
    _together([*guessers, writer])
    results = [_result(p, GUESS_SECONDS + 120) for p in guessers]
    written = _result(writer, GUESS_SECONDS + 120)
    # Never locked: no error and every write answered within the busy timeout. How many writes fit in
    # the window depends on the machine's load (19 at load 13 on 2 cores), so only progress is asked.
    assert written["errors"] == [] and written["writes"] >= 5
    assert written["max_latency_s"] < 5.0, written
    assert all(r["errors"] == [] for r in results), [r["errors"][:3] for r in results]
    allowed = 5 + math.floor(math.log2(GUESS_SECONDS / 10.0 + 1)) + 1  # 5 free, then at 10 s, 30 s…
    for user_id in targets:
        checked = sum(r["outcomes"].get(user_id, {}).get("failed", 0) for r in results)
        refused = sum(r["outcomes"].get(user_id, {}).get("throttled", 0) for r in results)
        assert 5 <= checked <= allowed, (user_id, checked, refused)
        assert refused > 10 * checked  # the guessers kept trying: the throttle answered
    with Repository.from_url(url) as repo:
        assert repo.verify_audit(SYSTEM).ok


# -- eight processes, hundreds of operations each ---------------------------------------------------


def test_eight_processes_lose_no_update(url, make_firms, firm_row, make_streams, stream_row):
    from symbiosis.services.synergy_store import SynergyRepository
    from tests._synergy_helpers import FakeResult, exchange, exchanges

    with Repository.from_url(url) as repo:
        repo.upsert_firms(SYSTEM, make_firms(*(firm_row(f"F{w}", f"Firme {w}") for w in range(WORKERS))))
        repo.upsert_streams(
            SYSTEM,
            make_streams(
                *(stream_row(f"S{w}-{k}", f"F{w}") for w in range(WORKERS) for k in range(STREAMS_PER_WORKER))
            ),
        )
        store = SynergyRepository(repo)
        store.record_proposals(SYSTEM, FakeResult(exchanges(exchange("S0-0", "S1-0", "F0", "F1"))))
        [synergy_id] = store.synergies(SYSTEM)["synergy_id"]
        audit_before = len(repo.audit(SYSTEM, limit=None))
    procs = [
        _start(
            "mixed",
            {
                "url": url,
                "worker": w,
                "operations": OPERATIONS,
                "synergy_id": synergy_id,
                "streams": STREAMS_PER_WORKER,
                "together": True,
            },
        )
        for w in range(WORKERS)
    ]
    _together(procs)
    results = [_result(p, 900) for p in procs]
    assert [r["errors"] for r in results] == [[]] * WORKERS
    total = {k: sum(r["counts"][k] for r in results) for k in ("update", "note", "event", "read")}
    assert sum(total.values()) == WORKERS * OPERATIONS
    with Repository.from_url(url) as repo:
        stored = repo.streams(SYSTEM).set_index("stream_id")["quantity_per_yr"]
        for r in results:
            for stream, value in r["last"].items():
                assert stored[stream] == value  # the last write of each stream is there
        notes = SynergyRepository(repo).synergies(SYSTEM)["notes"].iloc[0].splitlines()
        assert len(notes) == total["note"]  # every process appended to the same row: none lost
        assert len({line.rsplit("] ", 1)[-1] for line in notes}) == total["note"]
        audit = repo.audit(SYSTEM, limit=None)
        assert (audit["action"] == "export").sum() == total["event"]
        assert ((audit["action"] == "update") & (audit["table_name"] == "streams")).sum() == total["update"]
        assert ((audit["action"] == "update") & (audit["table_name"] == "synergies")).sum() == total["note"]
        assert len(audit) == audit_before + total["update"] + total["event"] + total["note"]
        assert repo.verify_audit(SYSTEM).ok


# -- kill -9 during an import ------------------------------------------------------------------------


def _streams_file(path: Path, n: int) -> Path:
    from tests._hostile import template_header, valid_stream_row

    header = template_header()
    rows = [header] + [valid_stream_row(header, i, firm_id="F-KILL") for i in range(1, n + 1)]
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _consistent(url: str, n: int, committed: int) -> int:
    """Check the registry after a kill; return how many imports are now committed (``committed`` or +1).

    Rows and their batch are all there or none: the streams are 0 or ``n``, the batches and the audited
    inserts match the imports committed, the SQLite file passes its integrity check, the chain holds.
    """
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        engine.dispose()
    with Repository.from_url(url) as repo:
        stored = len(repo.streams(SYSTEM))
        batches = repo.import_batches(SYSTEM)
        audit = repo.audit(SYSTEM, limit=None)
        assert repo.verify_audit(SYSTEM).ok
    assert stored in (0, n), f"half an import: {stored} of {n} rows"
    now_committed = committed + (stored == n)
    assert (batches["source_filename"] == "kill.csv").sum() == now_committed
    inserts = ((audit["action"] == "insert") & (audit["table_name"] == "streams")).sum()
    assert inserts == now_committed * n  # every stored row audited, no entry for a row that is not there
    return now_committed


def test_kill_9_during_an_import_leaves_a_consistent_registry(sqlite_url, tmp_path, make_firms, firm_row):
    url, n = sqlite_url, 5000
    path = _streams_file(tmp_path / "kill.csv", n)
    with Repository.from_url(url) as repo:
        repo.upsert_firms(SYSTEM, make_firms(firm_row("F-KILL", "Scierie Tuée")))
    rng = random.Random(12)
    committed = killed_while_storing = 0
    for fraction in (0.15, 0.5, 0.9):
        proc = _start("import", {"url": url, "path": str(path)})
        for line in proc.stdout:
            if line.strip() == "storing":
                break
        time.sleep(fraction * rng.uniform(0.5, 1.5))
        still_running = proc.poll() is None
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # it finished first
            still_running = False
        proc.wait(timeout=30)
        before = committed
        committed = _consistent(url, n, committed)
        killed_while_storing += still_running and committed == before
        if committed > before:  # it had finished before the kill: empty the registry for the next round
            with Repository.from_url(url) as repo:
                for stream_id in repo.streams(SYSTEM)["stream_id"]:
                    repo.delete_stream(SYSTEM, stream_id)
    assert killed_while_storing >= 1
    result = _result(_start("import", {"url": url, "path": str(path)}), 600)  # a re-run completes
    assert result["valid"] == n and _consistent(url, n, committed) == committed + 1
    with Repository.from_url(url) as repo:
        assert repo.streams(SYSTEM)["firm_id"].eq("F-KILL").all()
