"""Mutualisation benchmarks: group purchasing at 300 firms × 20 categories, collection tours at 200 stops.

* **Group purchasing** (target: optimal, or a proven gap, in under 10 s): seeded firms in the region's
  towns buying in each of the 20 categories with probability ``share`` (0.5 and 1.0: 3,000 and
  6,000 purchases), quantities log-normal around a fifth of the first tier. Candidate generation
  and the per-category CP-SAT packing are timed together; the greedy baseline and the bound valid
  for any grouping (``relaxed_bound``) are in the same row, and the solver-free checker's verdict.
* **Collection tours** (target: a plan within 30 s, compared with nearest-neighbour tours in the
  same run): one day of 200 stops around Saguenay and 10 trucks of 8 t (loads 50–600 kg, 10 min on
  site, 30 % of the stops in the morning only), solved with greedy descent and with guided local
  search (25 s); the km saved against the nearest-neighbour tours are reported with the stops
  each serves.

Each row gives wall and CPU seconds and the 1-minute load average (the machine is shared). Run with
``python -m benchmarks mutual`` or ``python -m benchmarks.bench_mutual``.
"""

from __future__ import annotations

import logging
import math
import os
import time

from symbiosis.mutual import (
    PurchaseConfig,
    RouteConfig,
    candidate_groups,
    check_purchasing,
    check_routes,
    nearest_neighbour_routes,
    purchase_instance,
    route_instance,
    solve_purchasing,
    solve_routes,
)
from symbiosis.sample.mutual import benchmark_purchases, benchmark_stops

__all__ = ["main", "purchasing_row", "routes_rows"]

log = logging.getLogger(__name__)


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _round(value: float) -> float | None:
    return round(value) if math.isfinite(value) else None


def purchasing_row(
    n_firms: int = 300,
    n_categories: int = 20,
    *,
    share: float = 0.5,
    seed: int = 1,
    budget_s: float = 9.5,
    workers: int = 1,
) -> dict:
    """One group-purchasing case: candidates, then CP-SAT within what is left of ``budget_s``; greedy,
    bounds and the checker's verdict."""
    firms, purchases = benchmark_purchases(n_firms, n_categories, seed=seed, share=share)
    load = os.getloadavg()[0]
    wall, cpu = _clock()
    instance = purchase_instance(purchases, firms)
    candidates = candidate_groups(instance, PurchaseConfig())
    generated = time.perf_counter() - wall
    config = PurchaseConfig(time_limit_s=max(0.5, budget_s - generated - 0.3), workers=workers, seed=seed)
    plan = solve_purchasing(instance, config, candidates=candidates)
    seconds, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "bench": "mutual_purchasing",
        "firms": n_firms,
        "categories": n_categories,
        "purchases": len(purchases),
        "candidates": plan.n_candidates,
        "status": plan.status,
        "method": plan.method,
        "objective_cad": round(plan.objective_cad_per_yr),
        "bound_cad": _round(plan.bound_cad_per_yr),
        "gap_pct": round(100 * plan.gap, 3) if math.isfinite(plan.gap) else None,
        "greedy_cad": round(plan.greedy_cad_per_yr),
        "gain_over_greedy_pct": round(
            100 * (plan.objective_cad_per_yr / max(plan.greedy_cad_per_yr, 1) - 1), 2
        ),
        "relaxed_bound_cad": round(plan.relaxed_bound_cad_per_yr),
        "groups": len(plan.groups),
        "candidates_s": round(generated, 2),
        "total_s": round(seconds, 2),
        "cpu_s": round(cpu_s, 2),
        "under_10_s": seconds < 10.0,
        "load_avg_1min": round(load, 2),
        "violations": len(check_purchasing(instance, plan, config)),
    }


def routes_rows(
    n_stops: int = 200,
    trucks: int = 10,
    *,
    seed: int = 1,
    searches: tuple[tuple[str, float], ...] = (("greedy_descent", 30.0), ("guided_local_search", 25.0)),
) -> list[dict]:
    """One day of ``n_stops`` and ``trucks``: OR-Tools with each search, and the nearest-neighbour tours."""
    depot, stops = benchmark_stops(n_stops, seed=seed)
    rows = []
    wall, cpu = _clock()
    base = route_instance(depot, stops, vehicles=trucks, config=RouteConfig())
    nearest = nearest_neighbour_routes(base)
    nn_s = time.perf_counter() - wall
    for search, limit in searches:
        config = RouteConfig(metaheuristic=search, time_limit_s=limit)
        instance = route_instance(depot, stops, vehicles=trucks, config=config)
        load = os.getloadavg()[0]
        wall, cpu = _clock()
        plan = solve_routes(instance)
        seconds, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
        rows.append(
            {
                "bench": "mutual_routes",
                "stops": n_stops,
                "trucks": trucks,
                "search": search,
                "time_limit_s": limit,
                "served": n_stops - len(plan.dropped),
                "km": round(plan.km, 1),
                "tours": len(plan.routes),
                "nn_served": n_stops - len(nearest.dropped),
                "nn_km": round(nearest.km, 1),
                "nn_s": round(nn_s, 3),
                "km_saving_vs_nn_pct": round(100 * (nearest.km - plan.km) / nearest.km, 1),
                "km_per_stop": round(plan.km / max(1, n_stops - len(plan.dropped)), 2),
                "nn_km_per_stop": round(nearest.km / max(1, n_stops - len(nearest.dropped)), 2),
                "total_s": round(seconds, 2),
                "cpu_s": round(cpu_s, 2),
                "within_30_s": seconds < 30.0,
                "load_avg_1min": round(load, 2),
                "violations": len(check_routes(instance, plan)),
                "nn_violations": len(check_routes(base, nearest)),
            }
        )
    return rows


def main(seed: int = 1) -> list[dict]:
    """Run the purchasing cases (3,000 and 6,000 purchases) and the 200-stop day; return one row each."""
    rows = [purchasing_row(share=share, seed=seed) for share in (0.5, 1.0)]
    rows += routes_rows(seed=seed)
    for row in rows:
        log.info("%s", row)
    return rows


if __name__ == "__main__":  # pragma: no cover
    import pandas as pd

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with pd.option_context("display.max_columns", None, "display.width", 250):
        print(pd.DataFrame(main()).to_string(index=False))
