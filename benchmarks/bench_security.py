"""Security figures of issue #12: hostile uploads, sign-in guessing, the audit chain, anonymity.

Each row is a measurement with its wall time, CPU time and the load average when it ran; speeds are
also given as a ratio to a baseline measured in the same process (a normal two-row file of the same
shape, one sign-in). The figures of ``docs/security.md`` come from here:

* ``upload/*``: the issue's hostile files read and validated in this process and in the app's
  time-bounded worker; the three patterns of before on the same cells (measured at 10k and 20k
  characters and extrapolated quadratically to a million, the size that took minutes);
* ``signin/*``: one scrypt hash at OWASP's cost; six guessing processes and a writer for
  ``GUESS_S`` seconds on SQLite (passwords actually checked per account, refusals, the writer's
  slowest write, "database is locked" errors);
* ``audit/*``: sealing and verifying the chain of the sample registry;
* ``anonymity/*``: the inference of the issue on the sample region's 1,606 proposals.

Run with ``python -m benchmarks security`` (about three minutes).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
GUESS_S = 40.0
SYSTEM = Actor.system("bench")
_OLD_PATTERNS = {  # before issue #12, as they were in numbers.py, ingest/columns.py and ingest/fields.py
    "numbers._LEADING_NUMBER": (r"^[+\-\u2212]?\d[\d\s.,\u00a0\u202f]*\s*[^\d\s.,]", "1{}1", "\t"),
    "columns brackets": (r"\(.*?\)|\[.*?\]", "{}", "("),
    "fields._EMAIL": (r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "a@b{} ", "."),
}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _timed(fn, *args, **kwargs) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _row(name: str, wall: float, cpu: float, **extra) -> dict:
    return {
        "benchmark": name,
        "wall_s": round(wall, 4),
        "cpu_s": round(cpu, 4),
        "load_avg_1m": _load(),
        **extra,
    }


def _uploads() -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from symbiosis.services.importing import default_context, validate_files
    from tests import _hostile

    default_context()
    header = _hostile.template_header()
    normal = (
        "\n".join(
            ";".join(r)
            for r in [header, _hostile.valid_stream_row(header, 1), _hostile.valid_stream_row(header, 2)]
        )
        + "\n"
    ).encode()
    validate_files(None, normal, existing_firm_ids={"F-001"})  # warm caches: the baseline is a steady call
    _, base_wall, base_cpu = _timed(validate_files, None, normal, existing_firm_ids={"F-001"})
    rows = [_row("upload/normal 2-row csv (baseline)", base_wall, base_cpu, bytes=len(normal))]
    for name, make in _hostile.ALL.items():
        data = make()
        batch, wall, cpu = _timed(
            validate_files, None, data, existing_firm_ids={"F-001"}, streams_filename=name
        )
        report = batch.streams.report
        rows.append(
            _row(
                f"upload/{name}",
                wall,
                cpu,
                bytes=len(data),
                ratio_to_baseline=round(wall / base_wall, 1),
                rows_valid=report.n_valid,
                rows_rejected=report.n_rejected,
            )
        )
    from symbiosis.sandbox import prewarm, run_bounded

    prewarm()
    time.sleep(5)
    data = _hostile.quantity_tabs_xlsx()
    _, wall, cpu = _timed(
        run_bounded,
        validate_files,
        None,
        data,
        existing_firm_ids={"F-001"},
        streams_filename="q.xlsx",
        timeout_s=120,
    )
    rows.append(_row("upload/quantity_tabs.xlsx in the app's worker", wall, cpu, bytes=len(data)))
    for label, (pattern, template, char) in _OLD_PATTERNS.items():
        compiled, times = re.compile(pattern), []
        for n in (10_000, 20_000):
            text = template.format(char * n)
            start = time.perf_counter()
            compiled.search(text)
            times.append(time.perf_counter() - start)
        exponent = float(np.log2(times[1] / times[0]))
        at_million = times[1] * (1_000_000 / 20_000) ** exponent
        rows.append(
            _row(
                f"upload/old pattern {label} on 20k chars",
                times[1],
                times[1],
                growth_exponent=round(exponent, 2),
                extrapolated_s_at_1M=round(at_million),
            )
        )
    return rows


def _signin() -> list[dict]:
    from symbiosis.db.passwords import OWASP_PARAMS, hash_password

    _, wall, cpu = _timed(hash_password, "a right password", OWASP_PARAMS)
    rows = [_row("signin/one scrypt hash (N=2^17, r=8, p=1)", wall, cpu)]
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'guess.db'}"
    os.environ.setdefault("SYMBIOSIS_SECRET_FILE", str(folder / "secret"))
    import pandas as pd

    from symbiosis.schemas import FIRMS, STREAMS
    from tests.conftest import _firm_row, _stream_row

    with Repository.from_url(url) as repo:
        repo.upsert_firms(SYSTEM, pd.DataFrame([_firm_row("A", "Alu")], columns=FIRMS.names))
        repo.upsert_streams(SYSTEM, pd.DataFrame([_stream_row("A-1", "A")], columns=STREAMS.names))
        for user_id in ("alice", "bruno"):
            AccountRepository(repo).create_account(SYSTEM, user_id, "a long right password", "firm", "A")
    from tests.test_reliability_concurrency import _result, _start, _together

    targets = ["alice", "bruno", "nobody"]
    guessers = [
        _start("guess", {"url": url, "worker": w, "accounts": targets, "seconds": GUESS_S, "together": True})
        for w in range(6)
    ]
    writer = _start("writer", {"url": url, "stream_id": "A-1", "seconds": GUESS_S, "together": True})
    _together([*guessers, writer])
    results = [_result(p, 600) for p in guessers]
    written = _result(writer, 600)
    errors = [e for r in results for e in r["errors"]] + written["errors"]
    locked = sum("locked" in e for e in errors)
    for user_id in targets:
        checked = sum(r["outcomes"].get(user_id, {}).get("failed", 0) for r in results)
        refused = sum(r["outcomes"].get(user_id, {}).get("throttled", 0) for r in results)
        rows.append(
            _row(
                f"signin/6 guessers {GUESS_S:.0f} s, account {user_id}",
                GUESS_S,
                0.0,
                passwords_checked=checked,
                attempts_refused=refused,
                checked_per_10s_after_5=round((checked - 5) / (GUESS_S / 10), 2),
            )
        )
    rows.append(
        _row(
            "signin/writer beside the guessers",
            GUESS_S,
            0.0,
            writes=written["writes"],
            max_latency_s=round(written["max_latency_s"], 3),
            mean_latency_s=round(written["mean_latency_s"], 4),
            database_locked=locked,
            errors=len(written["errors"]),
        )
    )
    return rows


def _sample() -> tuple[Repository, object]:
    from symbiosis.cli import main as cli

    folder = Path(tempfile.mkdtemp())
    os.environ.setdefault("SYMBIOSIS_SECRET_FILE", str(folder / "secret"))
    path = folder / "sample.db"
    cli(["init", "--db", str(path), "--sample", "--json"])
    repo = Repository.from_url(f"sqlite:///{path}")
    return repo, repo.load_registry(SYSTEM)


def _audit_and_anonymity() -> list[dict]:
    from sqlalchemy import text

    from symbiosis.db.audit_chain import link
    from symbiosis.services.report_source import match_result
    from symbiosis.services.synergy_store import SynergyRepository

    repo, registry = _sample()
    report, wall, cpu = _timed(repo.verify_audit, SYSTEM)
    rows = [_row("audit/verify the sample registry's chain", wall, cpu, entries=report.entries, ok=report.ok)]
    entry = repo.audit(SYSTEM, limit=1).iloc[0].to_dict()
    start, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(10_000):
        link(b"k" * 32, "0" * 64, entry)
    rows.append(_row("audit/seal 10,000 entries", time.perf_counter() - start, time.process_time() - cpu0))
    store = SynergyRepository(repo)
    store.record_proposals(SYSTEM, match_result(registry))
    with repo.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE synergies SET status = 'qualified', stage_reached = 'qualified', "
                "qualified_at = created_at"
            )
        )
    synergies = store.synergies(SYSTEM)
    readers = sorted(set(synergies["supply_firm_id"]) | set(synergies["demand_firm_id"]))
    start, cpu0 = time.perf_counter(), time.process_time()
    views = [store.firm_proposals(Actor(f"u-{f}", "firm", f)) for f in readers]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    from tests.test_reliability_anonymity import _attacker_directory, _candidates, _implied

    directory, implied = _attacker_directory(registry.firms), _implied(registry.firms)
    counts, levels = [], {"category": 0, "family": 0, "withheld": 0}
    for firm_id, view in zip(readers, views, strict=True):
        for _, row in view[view["my_side"] != "both"].iterrows():
            counts.append(_candidates(firm_id, row, directory, implied))
            levels[row["counterpart_category_level"]] += 1
    rows.append(
        _row(
            "anonymity/every firm reads its proposals (k=5)",
            wall,
            cpu,
            firms=len(readers),
            proposals=len(counts),
            fewest_candidates=min(counts),
            median_candidates=float(np.median(counts)),
            **{f"category_{k}": n for k, n in levels.items()},
        )
    )
    repo.close()
    return rows


def main() -> list[dict]:
    """Run every measurement; return the rows."""
    return [*_uploads(), *_audit_and_anonymity(), *_signin()]


if __name__ == "__main__":
    for row in main():
        print(row)
