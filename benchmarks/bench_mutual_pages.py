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

``planner_rows`` times the two slowest planners (group purchasing, collection routes) on the sample
region's committed tables, against the former code kept in ``tests/_former_*.py`` (patched in for
the baseline), interleaved in this one process: ``before_cpu_s``, ``after_cpu_s`` (medians) and
``speedup``; both must give the same result (``same_result``). ``python -m benchmarks mutual_pages
--planners-only 1`` runs only these rows.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks.bench_app import ROOT, sample_registry_env

__all__ = ["PAGES", "main", "page_row", "planner_rows"]

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


def _sample_tables() -> tuple[Any, Any]:
    """The sample region's firms and mutualisation tables, read from the committed files."""
    import pandas as pd

    from symbiosis.mutual.ingest import mutual_data, validate_mutual_bytes
    from symbiosis.sample.mutual import MUTUAL_FILES

    sample = ROOT / "data" / "sample"
    firms = pd.read_csv(sample / "firms.csv", dtype=str, keep_default_na=False)
    known = set(firms["firm_id"])
    imported = {
        name: validate_mutual_bytes((sample / file).read_bytes(), name, filename=file, known_firm_ids=known)
        for name, file in MUTUAL_FILES.items()
    }
    firms = firms.assign(lat=pd.to_numeric(firms["lat"]), lon=pd.to_numeric(firms["lon"]))
    return firms, mutual_data(imported)


@contextmanager
def _former_planners() -> Iterator[None]:
    """Patch the former candidate groups, tier look-ups, member table, route checker and tours in."""
    from symbiosis.mutual import collection, purchase_model
    from symbiosis.mutual import run as mutual_run
    from symbiosis.mutual.purchase_instance import PurchaseInstance
    from symbiosis.mutual.reference import tier_arrays
    from tests import _former_purchase_explain as explain
    from tests import _former_purchase_groups as groups
    from tests import _former_routes as routes
    from tests import _former_routes_check as check

    def former(instance: PurchaseInstance) -> Any:
        return groups.PurchaseInstance(instance.purchases, instance.tiers, instance.detour_factor)

    def candidates(instance: PurchaseInstance, config: Any = None) -> Any:
        return groups.candidate_groups(former(instance), config)

    def tiers(self: PurchaseInstance, category_id: str) -> Any:
        return tier_arrays(self.tiers, category_id)

    with (
        mock.patch.object(purchase_model, "candidate_groups", candidates),
        mock.patch.object(purchase_model, "relaxed_bound", lambda i: groups.relaxed_bound(former(i))),
        mock.patch.object(PurchaseInstance, "tier_arrays", tiers),
        mock.patch.object(mutual_run, "purchase_members_frame", explain.purchase_members_frame),
        mock.patch.object(collection, "check_routes", check.check_routes),
        mock.patch.object(collection, "_record_route", check._record_route),
        mock.patch.object(collection, "solve_routes", routes.solve_routes),
        mock.patch.object(collection, "nearest_neighbour_routes", routes.nearest_neighbour_routes),
    ):
        yield


def _same_result(old: Any, new: Any) -> bool:
    """Same tables (timing columns left out), same objective and same findings."""
    import pandas as pd

    for name in (f.name for f in dataclasses.fields(new)):
        a, b = getattr(old, name), getattr(new, name)
        if isinstance(b, pd.DataFrame):
            timing = [c for c in b.columns if str(c).endswith("_s")]
            if not a.drop(columns=timing).equals(b.drop(columns=timing)):
                return False
    plain = [(i.objective_cad_per_yr, i.violations) for i in old.info.values()]
    return plain == [(i.objective_cad_per_yr, i.violations) for i in new.info.values()]


def planner_rows(
    repeats: int = 5, levers: tuple[str, ...] = ("purchasing", "routes")
) -> list[dict[str, Any]]:
    """Before/after CPU seconds of the purchasing and routes planners, interleaved in this process."""
    from symbiosis.mutual import MutualConfig, run_mutual

    firms, data = _sample_tables()
    rows = []
    for lever in levers:
        config = MutualConfig(levers=(lever,))
        plan: Callable[[], Any] = lambda config=config: run_mutual(firms, data, config)  # noqa: E731
        plan()  # imports and caches out of the timings
        before, after, loads = [], [], []
        for _ in range(repeats):
            loads.append(os.getloadavg()[0])
            with _former_planners():
                old, cpu, _ = _cpu(plan)
            before.append(cpu)
            new, cpu, _ = _cpu(plan)
            after.append(cpu)
        first, last = statistics.median(before), statistics.median(after)
        rows.append(
            {
                "benchmark": "mutual_planners",
                "lever": lever,
                "before_cpu_s": round(first, 3),
                "after_cpu_s": round(last, 3),
                "speedup": round(first / last, 2) if last > 0 else None,
                "same_result": _same_result(old, new),
                "repeats": repeats,
                "load_1min": round(statistics.mean(loads), 2),
            }
        )
        log.info("%s", rows[-1])
    return rows


def main(repeats: int | str = 2, planners_only: str = "") -> list[dict[str, Any]]:
    """Time every page of :data:`PAGES` on the sample region, then the planners; print and return the rows."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if planners_only:
        return planner_rows(max(3, int(repeats)))
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
    return rows + planner_rows(max(3, int(repeats)))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
