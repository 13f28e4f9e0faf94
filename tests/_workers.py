"""Workloads the reliability tests run in separate processes: ``python -m tests._workers NAME JSON``.

Each prints one JSON line with what it did and every error it met (the tests assert on them):

``guess``
    Guess passwords for some accounts, as fast as allowed, each attempt from a fresh "browser";
    counts the passwords actually checked (``failed``) and the refusals.
``writer``
    A normal user's writes (stream updates) during the guessing, with the slowest one's latency.
``mixed``
    The concurrency test: updates of the process's own streams with a counter, app events, reads.
``import``
    Import a streams file (the kill -9 test kills it while it stores).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from symbiosis.db import Actor, Repository


def _repo(args: dict[str, Any]) -> Repository:
    return Repository.from_url(args["url"], migrate=False)


def _wait_for_start(args: dict[str, Any]) -> None:
    """All processes start together: each says it is ready, then waits for the test's "go"."""
    if args.get("together"):
        print("ready", flush=True)
        sys.stdin.readline()


def guess(args: dict[str, Any]) -> dict[str, Any]:
    from symbiosis.db.accounts import AccountRepository

    repo = _repo(args)
    _wait_for_start(args)
    accounts = AccountRepository(repo)
    outcomes: dict[str, dict[str, int]] = {}
    errors: list[str] = []
    deadline = time.monotonic() + args["seconds"]
    n = 0
    while time.monotonic() < deadline:
        for user_id in args["accounts"]:
            n += 1
            try:  # a new source every 50 attempts: fresh sessions from several addresses
                result = accounts.sign_in(
                    user_id, f"guess-{args['worker']}-{n}", source=f"10.0.{args['worker']}.{n // 50 % 250}"
                )
                counts = outcomes.setdefault(user_id, {})
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
            except Exception as exc:  # recorded: the test asserts there are none
                errors.append(f"{type(exc).__name__}: {exc}"[:300])
    repo.close()
    return {"outcomes": outcomes, "errors": errors, "attempts": n}


def writer(args: dict[str, Any]) -> dict[str, Any]:
    repo = _repo(args)
    actor = Actor.system("writer")
    _wait_for_start(args)
    latencies, errors = [], []
    deadline = time.monotonic() + args["seconds"]
    i = 0
    while time.monotonic() < deadline:
        i += 1
        start = time.monotonic()
        try:
            repo.update_stream(actor, args["stream_id"], description=f"écrit {i}")
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
        latencies.append(time.monotonic() - start)
        time.sleep(0.05)
    repo.close()
    return {
        "writes": i,
        "errors": errors,
        "max_latency_s": max(latencies or [0.0]),
        "mean_latency_s": sum(latencies) / max(len(latencies), 1),
    }


def mixed(args: dict[str, Any]) -> dict[str, Any]:
    """One in twenty operations updates one of the process's own streams with a counter; the others, in
    equal parts, append a note to a synergy every process shares (a read-modify-write of one row: the
    lost update it would suffer is the one to catch), log an app event, read the process's streams."""
    from symbiosis.services.synergy_store import SynergyRepository

    repo = _repo(args)
    store = SynergyRepository(repo)
    me = args["worker"]
    firm, advisor = Actor(f"user{me}", "firm", f"F{me}"), Actor(f"adviser{me}", "advisor")
    streams = [f"S{me}-{k}" for k in range(args["streams"])]
    last: dict[str, int] = {}
    counts = {"update": 0, "note": 0, "event": 0, "read": 0}
    errors: list[str] = []
    _wait_for_start(args)
    for op in range(args["operations"]):
        try:
            kind = "update" if op % 20 == 0 else ("note", "event", "read")[op % 3]
            if kind == "update":
                stream = streams[(op // 20) % len(streams)]
                repo.update_stream(firm, stream, quantity_per_yr=float(op + 1))
                last[stream] = op + 1
            elif kind == "note":
                store.follow_up(advisor, args["synergy_id"], note=f"w{me}-op{op}")
            elif kind == "event":
                repo.log_event(firm, "export", details={"worker": me, "op": op})
            else:
                repo.streams(firm)
            counts[kind] += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
    repo.close()
    return {"last": last, "counts": counts, "errors": errors}


def import_file(args: dict[str, Any]) -> dict[str, Any]:
    from pathlib import Path

    from symbiosis.services.importing import import_files

    repo = _repo(args)
    store = repo.import_rows

    def announced(*a: Any, **k: Any) -> Any:  # tells the test that the rows are being written now
        print("storing", flush=True)
        return store(*a, **k)

    repo.import_rows = announced  # type: ignore[method-assign]
    batch = import_files(repo, Actor.system("killme"), streams_path=Path(args["path"]))
    repo.close()
    return {"valid": int(batch.streams.report.n_valid)}


WORKLOADS = {"guess": guess, "writer": writer, "mixed": mixed, "import": import_file}

if __name__ == "__main__":
    name, payload = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(WORKLOADS[name](payload)), flush=True)
