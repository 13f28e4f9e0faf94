"""App benchmark: server time of each advisor and program-manager page on the sample region.

For each page, an AppTest session signs in with the page's role (the actor set in the session, as
the AppTests do), opens the page once (the first load runs the matching pipeline and fills the
session's cache), then reruns it ``REPEATS`` times; the page time is the median of those reruns:
the wait a person has when coming back to a page or moving a filter. Target: < 2 s per page. The
first load is reported too (it pays for ``symbiosis.run`` on the whole sample).

Run with ``python -m benchmarks app`` or ``python -m benchmarks.bench_app``; results are printed
and written to ``benchmarks/results/app.json``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["PAGES", "REPEATS", "TARGET_S", "bench_page", "main"]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "app.json"
TARGET_S = 2.0
REPEATS = 3
#: (page file, role) of every page measured.
PAGES: tuple[tuple[str, str], ...] = (
    ("app_pages/registry.py", "advisor"),
    ("app_pages/advisor_map.py", "advisor"),
    ("app_pages/advisor_exchanges.py", "advisor"),
    ("app_pages/advisor_scenario.py", "advisor"),
    ("app_pages/advisor_network.py", "advisor"),
    ("app_pages/manager_dashboard.py", "program_manager"),
)


def _sample_db(folder: Path) -> Path:
    """Write the bundled sample region into a fresh SQLite registry."""
    from symbiosis.cli import main as cli

    path = folder / "sample.db"
    if cli(["init", "--db", str(path), "--sample", "--json"]) != 0:
        raise RuntimeError("symbiosis init --sample failed")
    return path


@contextlib.contextmanager
def sample_registry_env() -> Iterator[Path]:
    """Point the app at a fresh sample registry (``SYMBIOSIS_DB``) for the block, then restore the env."""
    with tempfile.TemporaryDirectory() as folder:
        db = _sample_db(Path(folder))
        saved = {k: os.environ.get(k) for k in ("SYMBIOSIS_DB", "DATABASE_URL")}
        os.environ["SYMBIOSIS_DB"] = str(db)
        os.environ.pop("DATABASE_URL", None)
        try:
            yield db
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def bench_page(page: str, role: str, *, repeats: int = REPEATS) -> dict[str, Any]:
    """Time one page: first load, then the median of ``repeats`` reruns, in seconds."""
    from streamlit.testing.v1 import AppTest

    from symbiosis.db import Actor

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["actor"] = Actor(user_id="bench", role=role, firm_id=None)
    at.run()
    start = time.perf_counter()
    at.switch_page(page).run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {
        "benchmark": "app",
        "page": Path(page).stem,
        "role": role,
        "first_load_s": round(first, 3),
        "page_s": round(median, 3),
        "max_rerun_s": round(max(times), 3),
        "target_s": TARGET_S,
        "ok": median < TARGET_S,
    }


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Time every page of :data:`PAGES` on the sample region; print, save and return the rows."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    with sample_registry_env():
        rows = [bench_page(page, role) for page, role in PAGES]
    for row in rows:
        log.info(
            "%-20s %-16s first %.2f s, page %.2f s (target < %.0f s) %s",
            row["page"],
            row["role"],
            row["first_load_s"],
            row["page_s"],
            TARGET_S,
            "ok" if row["ok"] else "SLOW",
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2), encoding="utf-8")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
