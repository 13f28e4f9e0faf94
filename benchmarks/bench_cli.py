"""Command-line benchmark: ``symbiosis --help``, ``symbiosis match`` on the sample, and with ``--out x.xlsx``.

Each command runs in its own process (as a user runs it), three times; the row keeps the fastest wall
time and that run's CPU time (user + system of the child), with the load average. The sample registry
is built once beforehand (``symbiosis init --sample`` into a temporary SQLite file).

Targets (issue 13): ``--help`` ≤ 0.3 s, ``match`` ≤ 1 s, ``match --out x.xlsx`` ≤ 2 s.

The knowledge base's disk cache (:mod:`symbiosis.kb._cache`) lives in a temporary folder of the run;
the target rows run with it warm, as every run after the first on a machine. Two rows without target
say what it is worth: ``match_no_cache`` (``SYMBIOSIS_NO_CACHE=1``: categories, rules and the
classifier's index rebuilt in the process, as before the cache) and ``match_first_run`` (the cache
emptied before each run: built and written).

Two more rows, no target, say where ``match``'s time goes: ``imports`` is a process that only imports
what ``match`` imports before it reads anything (pandas, scipy, OR-Tools, the SQLite registry reader,
the pipeline, the classifier; not SQLAlchemy, which ``match`` no longer loads); ``imports_and_knowledge``
also loads the knowledge base's categories, rules and the classifier's text index (from the cache).
Run with ``python -m benchmarks cli`` or ``python -m benchmarks.bench_cli``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["TARGETS_S", "main", "time_command"]

#: Wall-clock target of each command, seconds.
TARGETS_S: dict[str, float | None] = {
    "help": 0.3,
    "match": 1.0,
    "match_xlsx": 2.0,
    "match_no_cache": None,
    "match_first_run": None,
    "imports": None,
    "imports_and_knowledge": None,
}
_IMPORTS = (
    "import symbiosis.cli, symbiosis.commands.match, symbiosis.db.sqlite_read, symbiosis.pipeline, "
    "symbiosis.kb.classify"
)
_KNOWLEDGE = (
    "; import symbiosis.kb as kb; kb.load_categories(); kb.load_rules(); "
    "symbiosis.kb.classify.text_vectors(['x'])"
)
RESULTS = Path(__file__).resolve().parent / "results" / "cli.json"


def time_command(
    argv: list[str],
    *,
    repeats: int = 3,
    env: dict[str, str] | None = None,
    before_each: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Fastest wall time of ``python *argv`` (``-m symbiosis …`` or ``-c …``) and that run's CPU seconds.

    ``env`` replaces the child's environment; ``before_each`` runs before each run (outside the timing).
    """
    best = (float("inf"), float("nan"))
    for _ in range(repeats):
        if before_each is not None:
            before_each()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *argv],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def main() -> list[dict[str, Any]]:
    """Time the three commands and the two import rows; print, save and return one row each."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "sample.db")
        cache = Path(tmp) / "cache"
        env = {k: v for k, v in os.environ.items() if k != "SYMBIOSIS_NO_CACHE"}
        env["SYMBIOSIS_CACHE_DIR"] = str(cache)
        subprocess.run(
            [sys.executable, "-m", "symbiosis", "init", "--db", db, "--sample"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        cli = ["-m", "symbiosis"]
        commands = {
            "help": [*cli, "--help"],
            "match": [*cli, "match", "--db", db],
            "match_xlsx": [*cli, "match", "--db", db, "--out", str(Path(tmp) / "x.xlsx")],
            "match_no_cache": [*cli, "match", "--db", db],
            "match_first_run": [*cli, "match", "--db", db],
            "imports": ["-c", _IMPORTS],
            "imports_and_knowledge": ["-c", _IMPORTS + _KNOWLEDGE],
        }
        subprocess.run([sys.executable, *commands["match"]], check=True, stdout=subprocess.DEVNULL, env=env)
        for name, argv in commands.items():
            load = os.getloadavg()[0]
            run_env = {**env, "SYMBIOSIS_NO_CACHE": "1"} if name == "match_no_cache" else env
            empty = (lambda: shutil.rmtree(cache, ignore_errors=True)) if name == "match_first_run" else None
            wall, cpu = time_command(argv, env=run_env, before_each=empty)
            rows.append(
                {
                    "benchmark": "cli",
                    "case": name,
                    "seconds": round(wall, 2),
                    "cpu_seconds": round(cpu, 2),
                    "target_s": TARGETS_S[name],
                    "meets_target": None if TARGETS_S[name] is None else wall <= TARGETS_S[name],
                    "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
                }
            )
            print(rows[-1], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return rows


if __name__ == "__main__":  # pragma: no cover
    main()
