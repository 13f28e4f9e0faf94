"""End-to-end pipeline benchmark: ``symbiosis.run`` at 1k, 10k and 100k streams, stage by stage.

For each size: wall time of every stage (validate, candidates, scoring, problem, solve, check,
results), peak resident memory, and the ratio of the allocation path (problem + solve + check +
results, i.e. everything after scoring) to a bare OR-Tools ``SimpleMinCostFlow`` solve of the same
candidate graph built straight from numpy arrays. Targets: 1k < 1 s, 10k < 3 s, 100k < 60 s and
< 8 GiB, allocation path ≤ 1.5 × the bare solve.

Run with ``python -m benchmarks pipeline`` or ``python -m benchmarks.bench_pipeline [sizes…]``;
results are printed and written to ``benchmarks/results/pipeline.json``. Timings follow one warm-up
run (knowledge base, factors and text model loaded, as in a running app); peak memory is the
process-wide maximum resident set, so sizes run smallest first.
"""

from __future__ import annotations

import json
import logging
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SIZES", "TARGETS_S", "bare_min_cost_flow", "bench_one", "main"]

log = logging.getLogger(__name__)

SIZES: tuple[int, ...] = (1_000, 10_000, 100_000)
TARGETS_S: dict[int, float] = {1_000: 1.0, 10_000: 3.0, 100_000: 60.0}
MEMORY_TARGET_GIB = 8.0
BARE_RATIO_TARGET = 1.5
RESULTS = Path(__file__).resolve().parent / "results" / "pipeline.json"
_AFTER_SCORING = ("problem", "solve", "check", "results")


def _registry(n_streams: int, seed: int) -> Any:
    """A canonical registry of about ``n_streams`` streams from the sample generator."""
    from symbiosis.registry import Registry
    from symbiosis.sample import generate_streams_canonical

    out = generate_streams_canonical(n_streams=n_streams, seed=seed)
    return out if isinstance(out, Registry) else Registry(*out)


def bare_min_cost_flow(problem: Any, *, value_scale: float = 100.0, quantity_scale: float = 1000.0) -> float:
    """Seconds to build and solve the candidate graph as one balanced ``SimpleMinCostFlow``.

    Source → supply (capacity), supply → demand (arc capacity, cost −gain in cents), demand → sink
    (capacity in supply units at the arc's yield, approximated by yield 1), supply → sink (dispose,
    cost 0). No side constraints, no components, no checks: the floor any allocation path pays.
    """
    from ortools.graph.python import min_cost_flow

    start = time.perf_counter()
    sup, dem, arcs = problem.supplies, problem.demands, problem.arcs
    s_pos = {s: i for i, s in enumerate(sup["stream_id"])}
    d_pos = {d: i for i, d in enumerate(dem["stream_id"])}
    n_s, n_d = len(sup), len(dem)
    sink = n_s + n_d
    s_cap = np.rint(sup["capacity"].to_numpy(float) * quantity_scale).astype(np.int64)
    d_cap = np.rint(dem["capacity"].to_numpy(float) * quantity_scale).astype(np.int64)
    tail = arcs["supply_id"].map(s_pos).to_numpy(np.int64)
    head = arcs["demand_id"].map(d_pos).to_numpy(np.int64) + n_s
    upper = np.minimum(arcs["upper"].to_numpy(float) * quantity_scale, s_cap[tail])
    cost = -np.rint(arcs["gain_per_unit"].to_numpy(float) * value_scale).astype(np.int64)
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([tail, np.arange(n_s, n_s + n_d), np.arange(n_s)]),
        np.concatenate([head, np.full(n_d, sink), np.full(n_s, sink)]),
        np.concatenate([np.floor(upper).astype(np.int64), d_cap, s_cap]),
        np.concatenate([cost, np.zeros(n_d + n_s, np.int64)]))
    mcf.set_nodes_supplies(np.append(np.arange(n_s), sink), np.append(s_cap, -int(s_cap.sum())))
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        log.warning("bare min-cost flow status %s", status)
    return time.perf_counter() - start


def _peak_rss_gib() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib / 2**20


def _warm_up() -> None:
    """Load the knowledge base, factors and text model once, as a running app has them cached."""
    from symbiosis.pipeline import run

    run(_registry(200, 1))


def bench_one(n_streams: int, *, seed: int = 0) -> dict[str, Any]:
    """Run the pipeline once on ``n_streams`` streams; return timings, sizes, memory and ratios.

    Stage times are flattened as ``<stage>_s`` and their shares of the total as ``<stage>_pct``.
    """
    from symbiosis.engine.config import MatchConfig
    from symbiosis.engine.problem_builder import build_allocation_problem
    from symbiosis.pipeline import STAGES, run

    registry = _registry(n_streams, seed)
    config = MatchConfig()
    start = time.perf_counter()
    result = run(registry, config)
    total = time.perf_counter() - start
    stages = dict(result.allocation.timings_s)
    problem = build_allocation_problem(result.candidates, registry, config)
    bare = bare_min_cost_flow(problem)
    after = sum(stages.get(s, 0.0) for s in _AFTER_SCORING)
    target = TARGETS_S.get(n_streams)
    row: dict[str, Any] = {
        "bench": "pipeline", "n_streams": len(registry.streams), "n_firms": len(registry.firms),
        "n_candidates": len(result.candidates), "n_arcs": len(problem.arcs),
        "n_exchanges": result.kpis.n_exchanges, "status": result.status, "total_s": round(total, 3),
        "target_s": target, "meets_target": bool(target is None or total < target),
    }
    for stage in STAGES:
        row[f"{stage}_s"] = round(stages.get(stage, 0.0), 3)
        row[f"{stage}_pct"] = round(100 * stages.get(stage, 0.0) / total, 1) if total > 0 else None
    row.update({
        "bare_mcf_s": round(bare, 3), "alloc_path_s": round(after, 3),
        "alloc_path_over_bare": round(after / bare, 2) if bare > 0 else None,
        "solve_over_bare": round(stages.get("solve", 0.0) / bare, 2) if bare > 0 else None,
        "total_over_bare": round(total / bare, 2) if bare > 0 else None,
        "peak_rss_gib": round(_peak_rss_gib(), 3),
        "meets_memory_target": _peak_rss_gib() < MEMORY_TARGET_GIB,
    })
    return row


def _line(row: dict[str, Any]) -> str:
    from symbiosis.pipeline import STAGES

    shares = " ".join(f"{s}={row[f'{s}_pct']:.0f}%" for s in STAGES if row.get(f"{s}_pct") is not None)
    ratio = row["alloc_path_over_bare"]
    return (f"{row['n_streams']:>7} streams  {row['n_arcs']:>8} arcs  total {row['total_s']:7.2f} s "
            f"(target {row['target_s']} s)  [{shares}]  alloc/bare "
            f"{'n/a' if ratio is None else f'{ratio:.2f}'}×  peak {row['peak_rss_gib']:.2f} GiB")


def main(sizes: list[int] | None = None) -> list[dict[str, Any]]:
    """Benchmark ``sizes`` (default :data:`SIZES`), smallest first; print, save and return the rows.

    Returns one dict per size, the shape ``python -m benchmarks`` tabulates.
    """
    sizes = sorted(sizes) if sizes else list(SIZES)
    print("pipeline benchmark (symbiosis.run, default MatchConfig, after one warm-up run)", flush=True)
    _warm_up()
    rows = []
    for n in sizes:  # ascending, so the process-wide peak RSS is this size's peak
        rows.append(bench_one(n))
        print(_line(rows[-1]), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "memory_target_gib": MEMORY_TARGET_GIB, "bare_ratio_target": BARE_RATIO_TARGET}
    RESULTS.write_text(json.dumps({"meta": meta, "runs": rows}, indent=2, default=str), encoding="utf-8")
    print(f"written {RESULTS}")
    return rows


if __name__ == "__main__":  # pragma: no cover
    main([int(a) for a in sys.argv[1:]])
