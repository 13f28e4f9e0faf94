"""Event-planner benchmarks: CP-SAT against the greedy at 60 firms/15 tables/8 slots and 200/40/10.

Seeded random events (:func:`symbiosis.events.random_instance`: 8 candidate pairs per firm on
average, log-normal weights like proposal values, every firm present in every slot, plus a variant
where each firm misses 15 % of the slots, and two "firm-bound" events with tables to spare and 12
pairs per firm). Each row gives the greedy's objective and time, CP-SAT's
objective, proven bound, gap and time under a time limit, and the checker's verdict. Run with
``python -m benchmarks events`` or ``python -m benchmarks.bench_events``.
"""

from __future__ import annotations

import logging
import os
import time

from symbiosis.events import PlannerConfig, check_schedule, greedy_schedule, random_instance, solve

__all__ = ["CASES", "main"]

log = logging.getLogger(__name__)

#: (firms, tables, slots, share of slots each firm misses, candidate pairs per firm, time limit in s).
#: The last two are "firm-bound": tables to spare, so each firm's slots are the scarce resource.
CASES: tuple[tuple[int, int, int, float, float, float], ...] = (
    (60, 15, 8, 0.0, 8.0, 20.0),
    (60, 15, 8, 0.15, 8.0, 20.0),
    (200, 40, 10, 0.0, 8.0, 30.0),
    (200, 40, 10, 0.15, 8.0, 30.0),
    (60, 40, 8, 0.0, 12.0, 20.0),
    (200, 100, 10, 0.0, 12.0, 20.0),
)


def _row(n: int, tables: int, slots: int, p_off: float, per_firm: float, limit: float, seed: int) -> dict:
    inst = random_instance(
        n, tables=tables, slots=slots, seed=seed, p_unavailable=p_off, pairs_per_firm=per_firm
    )
    t = time.perf_counter()
    greedy = greedy_schedule(inst)
    greedy_s = time.perf_counter() - t
    workers = min(8, os.cpu_count() or 1)
    plan = solve(inst, PlannerConfig(time_limit_s=limit, workers=workers, seed=seed))
    return {
        "bench": "events",
        "firms": n,
        "tables": tables,
        "slots": slots,
        "p_unavailable": p_off,
        "pairs": len(inst.pairs),
        "variables": sum(
            inst.available(p.a, s) and inst.available(p.b, s) for p in inst.pairs for s in range(slots)
        ),
        "greedy_objective": greedy.objective,
        "greedy_s": round(greedy_s, 4),
        "cpsat_status": plan.status,
        "cpsat_method": plan.method,
        "cpsat_objective": plan.objective,
        "cpsat_bound": round(plan.bound, 1),
        "gap_pct": round(100 * plan.gap, 2),
        "gain_over_greedy_pct": round(
            100 * (plan.objective - greedy.objective) / max(greedy.objective, 1), 2
        ),
        "cpsat_s": round(plan.wall_time_s, 2),
        "time_limit_s": limit,
        "workers": workers,
        "violations": len(check_schedule(inst, plan)),
    }


def main(seed: int = 1) -> list[dict]:
    """Run every case of :data:`CASES`; return one row each."""
    rows = []
    for case in CASES:
        row = _row(*case, seed=seed)
        log.info("%s", row)
        rows.append(row)
    return rows


if __name__ == "__main__":  # pragma: no cover
    import pandas as pd

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(pd.DataFrame(main()).to_string(index=False))
