"""Report and agenda benchmark: server time of a grant report (XLSX, PDF) and of the event agendas.

On the bundled sample region, with the engine's proposals recorded as tracked synergies (the
program manager's case once the pipeline is in use) and without (before any is tracked), each row
gives the wall time and CPU time of what a person waits for when nothing is cached yet: reading the
source (registry, synergies, ledger), gathering the report and rendering one file. Target: < 5 s
per file. The load average of the machine is recorded with every row (the machine is shared).

The *baseline* row re-runs the ledger's emission-factor lookup the way it was done before this
benchmark existed (two one-row lookups per synergy and factor) next to the vectorised lookup, in
the same process, and gives the ratio. The planner rows time the event plan on every firm with a
proposal (15 tables, 8 slots) and its agenda PDF.

Run with ``python -m benchmarks reports`` (or ``make bench``); results go to
``benchmarks/results/bench_reports.json``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["TARGET_S", "main"]

log = logging.getLogger(__name__)

TARGET_S = 5.0
ADVISOR_ID = "bench"


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _sample(folder: Path, *, tracked: bool) -> Path:
    from symbiosis.cli import main as cli
    from symbiosis.db import Actor, Repository
    from symbiosis.services.report_source import match_result
    from symbiosis.services.synergy_store import SynergyRepository

    path = folder / f"sample-{'tracked' if tracked else 'proposals'}.db"
    if cli(["init", "--db", str(path), "--sample", "--json"]) != 0:
        raise RuntimeError("symbiosis init --sample failed")
    if tracked:
        with Repository.from_url(f"sqlite:///{path}") as repo:
            advisor = Actor(ADVISOR_ID, "advisor")
            store = SynergyRepository(repo)
            store.record_proposals(advisor, match_result(repo.load_registry(advisor)))
            ids = store.synergies(advisor)["synergy_id"].tolist()
            store.transition(advisor, ids[0], "qualified")
            store.transition(advisor, ids[0], "contacted")
            store.transition(advisor, ids[1], "rejected", reason="cost")
    return path


def _file_rows(db: Path, mode: str) -> list[dict[str, Any]]:
    """One row per (format, anonymised): source + gather + render, from nothing cached."""
    from symbiosis.db import Actor, Repository
    from symbiosis.reports.export import export_report
    from symbiosis.services.report_source import load_source

    rows = []
    for fmt in ("xlsx", "pdf"):
        for anonymised in (False, True):
            with Repository.from_url(f"sqlite:///{db}") as repo:
                load = _load()
                source, read_s, read_cpu = _timed(
                    lambda repo=repo: load_source(repo, Actor(ADVISOR_ID, "program_manager"))
                )
                file, build_s, build_cpu = _timed(
                    lambda s=source, f=fmt, a=anonymised: export_report(s, f, "fr", anonymised=a)
                )
                _, again_s, _ = _timed(
                    lambda s=source, f=fmt, a=anonymised: export_report(s, f, "fr", anonymised=a)
                )
            total = read_s + build_s
            rows.append(
                {
                    "bench": "reports",
                    "case": f"{fmt} {'anonymised' if anonymised else 'named'}",
                    "source": mode,
                    "synergies": len(source.lines),
                    "bytes": len(file.content),
                    "read_s": round(read_s, 3),
                    "build_s": round(build_s, 3),
                    "server_s": round(total, 3),
                    "cpu_s": round(read_cpu + build_cpu, 3),
                    "cached_again_s": round(again_s, 4),
                    "load_avg_1min": load,
                    "target_s": TARGET_S,
                    "ok": total < TARGET_S,
                }
            )
    return rows


def _legacy_factors(table, rows: list[dict], params: list[dict], family) -> None:
    """The ledger's factor lookup before it was vectorised: one-row lookups per synergy and factor."""
    import numpy as np

    from symbiosis.engine.factors import disposal_factor, lookup_factor, virgin_factor

    def one(values) -> dict:
        return {k: np.array([v], dtype=object) for k, v in values.items()}

    for row, p in zip(rows, params, strict=True):
        supply, demand = str(row["supply_category_id"]), str(row["demand_category_id"])
        by_supply = one({"category_id": supply, "family": family.get(supply, ""), "kind": p["kind"]})
        by_demand = one({"category_id": demand, "family": family.get(demand, ""), "kind": p["kind"]})
        if p.get("current_fate"):
            keys = by_supply | one({"material_class": p.get("material_class", ""), "fate": p["current_fate"]})
            disposal_factor(table, **keys), disposal_factor(table, **keys, column="factor_id")
        else:
            lookup_factor(table, "disposal_avoided", **by_supply)
            lookup_factor(table, "disposal_avoided", **by_supply, column="factor_id")
        pair = by_demand | one({"supply_category_id": supply})
        virgin_factor(table, **pair), virgin_factor(table, **pair, column="factor_id")
        (
            lookup_factor(table, "transport", **by_supply),
            lookup_factor(table, "transport", **by_supply, column="factor_id"),
        )


def _baseline_row(db: Path) -> dict[str, Any]:
    from symbiosis.db import Actor, Repository
    from symbiosis.kb import load_categories
    from symbiosis.services.synergy_store import SynergyRepository
    from symbiosis.synergy.ledger import _factors_of, _params, ledger_factors

    with Repository.from_url(f"sqlite:///{db}") as repo:
        synergies = SynergyRepository(repo).synergies(Actor(ADVISOR_ID, "advisor"))
    table = ledger_factors()
    family = load_categories().drop_duplicates("category_id").set_index("category_id")["family"].astype(str)
    rows = synergies.to_dict("records")
    params = [_params(row) for row in rows]
    load = _load()
    _, legacy_s, legacy_cpu = _timed(lambda: _legacy_factors(table, rows, params, family))
    _, new_s, new_cpu = _timed(lambda: _factors_of(table, synergies.reset_index(drop=True), family, params))
    return {
        "bench": "reports",
        "case": "baseline: ledger factor lookup",
        "source": "synergies",
        "synergies": len(synergies),
        "legacy_s": round(legacy_s, 3),
        "legacy_cpu_s": round(legacy_cpu, 3),
        "vectorised_s": round(new_s, 4),
        "vectorised_cpu_s": round(new_cpu, 4),
        "speedup_cpu": round(legacy_cpu / max(new_cpu, 1e-6), 1),
        "load_avg_1min": load,
    }


def _planner_rows(db: Path) -> list[dict[str, Any]]:
    from symbiosis.db import Actor, Repository
    from symbiosis.events import PlannerConfig
    from symbiosis.events.agenda import Timing, agenda_pdf_bytes, firms_without_meeting, plan_event
    from symbiosis.services.report_source import match_result

    with Repository.from_url(f"sqlite:///{db}") as repo:
        registry = repo.load_registry(Actor(ADVISOR_ID, "advisor"))
    result = match_result(registry)
    load = _load()
    (instance, schedule, greedy), plan_s, plan_cpu = _timed(
        lambda: plan_event(
            result.exchanges, registry.firms, None, tables=15, slots=8, config=PlannerConfig(time_limit_s=10)
        )
    )
    pdf, pdf_s, pdf_cpu = _timed(lambda: agenda_pdf_bytes(instance, schedule, "fr", Timing(), greedy))
    without = len(firms_without_meeting(instance, schedule))
    return [
        {
            "bench": "reports",
            "case": "event plan (15 tables, 8 slots)",
            "source": "proposals",
            "firms": len(instance.firms),
            "meetings": len(schedule.meetings),
            "server_s": round(plan_s, 3),
            "cpu_s": round(plan_cpu, 3),
            "load_avg_1min": load,
            "target_s": TARGET_S,
            "ok": plan_s < TARGET_S,
        },
        {
            "bench": "reports",
            "case": "agenda PDF",
            "source": "proposals",
            "firms": len(instance.firms),
            "agenda_pages": len(instance.firms) - without,
            "firms_without_meeting": without,
            "bytes": len(pdf),
            "server_s": round(pdf_s, 3),
            "cpu_s": round(pdf_cpu, 3),
            "load_avg_1min": _load(),
            "target_s": TARGET_S,
            "ok": pdf_s < TARGET_S,
        },
    ]


def main() -> list[dict[str, Any]]:
    """Time the report files and the agendas on the sample region; return one row each."""
    logging.getLogger("symbiosis").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        tracked = _sample(folder, tracked=True)
        proposals = _sample(folder, tracked=False)
        rows = _file_rows(tracked, "synergies") + _file_rows(proposals, "proposals")
        rows.append(_baseline_row(tracked))
        rows += _planner_rows(proposals)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for row in rows:
        log.info("%s", row)
    return rows


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
