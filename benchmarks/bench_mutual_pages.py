"""Mutualisation pages benchmark: the first visit of each page in a new session, on the sample region.

Each lever's page plans only its own lever (``app_pages.mutual_state.plan``); before, the first
mutualisation page of a session planned all four levers, whatever it showed. For each page, in one
process on the sample registry (``symbiosis init --sample``: 1,186 purchases, 263 pickups…):

* ``first_cpu_s`` — CPU seconds of the page's first run in a new AppTest session (its planning
  included), the median of ``repeats`` sessions; ``rerun_cpu_s`` — a rerun of the same page (no
  planning: the wait when a filter moves);
* ``levers_cpu_s`` — :func:`symbiosis.mutual.run_mutual` of the page's levers alone, and
  ``all_levers_cpu_s`` — of the four, timed in the same process on the same tables;
* ``before_cpu_s`` = ``rerun_cpu_s + all_levers_cpu_s``: what the first visit cost when it planned the
  four levers (the page's own work plus the four planners), and ``speedup`` = before / first.

The data page plans the four levers on a button: its first visit plans nothing, and the click's
CPU time is reported as the data page's ``plan_click_cpu_s``. CPU time is the whole process's
(``time.process_time``: the script thread included); the 1-minute load average is in every row,
the machine being shared. Run with ``python -m benchmarks mutual_pages``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_app import ROOT, sample_registry_env

__all__ = ["PAGES", "main", "page_row"]

log = logging.getLogger(__name__)

#: (page file, the levers it shows).
PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("app_pages/mutual_data.py", ()),
    ("app_pages/mutual_purchasing.py", ("purchasing",)),
    ("app_pages/mutual_assets.py", ("sharing", "units")),
    ("app_pages/mutual_routes.py", ("routes",)),
)


def _cpu(action) -> tuple[Any, float, float]:
    """Run ``action()``; return its value, CPU seconds and wall seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, time.process_time() - cpu, time.perf_counter() - wall


def _session():
    from streamlit.testing.v1 import AppTest

    from symbiosis.db import Actor

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["actor"] = Actor(user_id="bench", role="advisor", firm_id=None)
    return at.run()


def _planning_cpu(levers: tuple[str, ...]) -> float:
    """CPU seconds of ``run_mutual`` on the sample registry's tables, for ``levers`` only."""
    from symbiosis.db import Actor, Repository
    from symbiosis.mutual import MutualConfig, Reference, run_mutual
    from symbiosis.mutual.reference import load_treatment_units
    from symbiosis.places.parks import load_parks
    from symbiosis.services.mutual_inputs import load_mutual_inputs
    from symbiosis.settings import database_url

    if not levers:
        return 0.0
    with Repository.from_url(database_url()) as repo:
        actor = Actor(user_id="bench", role="advisor", firm_id=None)
        firms = repo.load_registry(actor).firms
        data = load_mutual_inputs(repo, actor).data
    specs = data.unit_specs if data.unit_specs is not None else load_treatment_units()
    data = dataclasses.replace(data, unit_specs=specs)
    reference = Reference(parks=load_parks())
    _, cpu, _ = _cpu(lambda: run_mutual(firms, data, MutualConfig(levers=levers), reference=reference))
    return cpu


def page_row(page: str, levers: tuple[str, ...], *, repeats: int = 2) -> dict[str, Any]:
    """Time the first visit and a rerun of ``page`` in ``repeats`` new sessions; compare with planning all."""
    firsts, walls, reruns, clicks = [], [], [], []
    load = os.getloadavg()[0]
    for _ in range(repeats):
        at = _session()
        at, cpu, wall = _cpu(lambda at=at: at.switch_page(page).run())
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].message}")
        firsts.append(cpu)
        walls.append(wall)
        _, cpu, _ = _cpu(at.run)
        reruns.append(cpu)
        if not levers:
            _, cpu, _ = _cpu(lambda at=at: at.button(key="mutual_plan").click().run())
            clicks.append(cpu)
    all_levers = _planning_cpu(("purchasing", "sharing", "units", "routes"))
    first, rerun = statistics.median(firsts), statistics.median(reruns)
    before = rerun + all_levers
    row = {
        "benchmark": "mutual_pages",
        "page": Path(page).stem,
        "first_cpu_s": round(first, 2),
        "first_wall_s": round(statistics.median(walls), 2),
        "rerun_cpu_s": round(rerun, 2),
        "levers_cpu_s": round(_planning_cpu(levers), 2),
        "all_levers_cpu_s": round(all_levers, 2),
        "before_cpu_s": round(before, 2),
        "speedup": round(before / first, 2) if first > 0 else None,
        "load_1min": round(load, 2),
    }
    if clicks:
        row["plan_click_cpu_s"] = round(statistics.median(clicks), 2)
    return row


def main(repeats: int | str = 2) -> list[dict[str, Any]]:
    """Time every page of :data:`PAGES` on the sample region; print and return the rows."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    with sample_registry_env():
        _session().switch_page(PAGES[0][0]).run()  # imports and shared resources, out of the timings
        rows = [page_row(page, levers, repeats=int(repeats)) for page, levers in PAGES]
    for row in rows:
        log.info(
            "%-18s first %.2f s CPU (%.2f s wall), rerun %.2f s, its levers %.2f s, all four %.2f s, "
            "before ≈ %.2f s (×%s), load %.2f",
            row["page"],
            row["first_cpu_s"],
            row["first_wall_s"],
            row["rerun_cpu_s"],
            row["levers_cpu_s"],
            row["all_levers_cpu_s"],
            row["before_cpu_s"],
            row["speedup"],
            row["load_1min"],
        )
    return rows


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
