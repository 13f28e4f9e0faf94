"""End-to-end pipeline benchmark: ``symbiosis.run`` against the bare OR-Tools call, per size, fresh process.

For the sample region and 10,000 and 100,000 streams of the canonical generator, each in a **fresh
process** (so that its peak memory is its own): one warm-up run on a small registry (knowledge base,
factors and text model loaded, as in a running app), then one timed ``run()`` (CPU and wall time,
every stage), then the **bare figure**: the same allocation as one OR-Tools ``SimpleMinCostFlow``
call (``add_arcs_with_capacity_and_unit_cost``, ``set_nodes_supplies``, ``solve``) on integer arrays
prepared beforehand from the run's own arcs, nothing else timed. The ratio is CPU time over CPU
time in the same process; the load average is printed with every row (the machine is shared).

Targets (issue 13): ``run()`` ≤ 1.5× the bare call at 10,000 and 100,000 streams, ≤ 5× on the
sample. Run with ``python -m benchmarks pipeline`` or ``python -m benchmarks.bench_pipeline [sizes…]``
(``0`` is the sample region).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SIZES", "TARGET_RATIO", "bare_min_cost_flow", "bench_one", "growth_exponent", "main"]

log = logging.getLogger(__name__)

SIZES: tuple[int, ...] = (0, 10_000, 100_000)
#: ``run()`` CPU over the bare call's, per size (0 = the sample region).
TARGET_RATIO: dict[int, float] = {0: 5.0, 10_000: 1.5, 100_000: 1.5}
RESULTS = Path(__file__).resolve().parent / "results" / "pipeline.json"


def _registry(n_streams: int, seed: int) -> Any:
    """The sample region (``n_streams`` 0, through the importer) or a canonical registry."""
    if n_streams == 0:
        from tests.test_golden import sample_registry

        return sample_registry()
    from symbiosis.sample import generate_streams_canonical

    return generate_streams_canonical(n_streams=n_streams, seed=seed)


def _prepared_network(problem: Any, config: Any) -> tuple:
    """The balanced integer network of the run's arcs (node units from the yields), built untimed."""
    from symbiosis.engine.allocation.components import label_components, usable_arcs, yield_scales
    from symbiosis.engine.allocation.flow import _network

    ix = problem.ix
    arcs = usable_arcs(ix, False)
    scales = yield_scales(ix, arcs, label_components(ix, arcs))
    return _network(ix, arcs, ix.dem_cap, config, scales)[0]


def bare_min_cost_flow(network: tuple) -> float:
    """CPU seconds of one ``SimpleMinCostFlow`` on prepared arrays ``(tails, heads, caps, costs, nodes,
    supplies)``: adding the arcs, setting the supplies and solving, nothing else."""
    from ortools.graph.python import min_cost_flow

    tails, heads, caps, costs, nodes, supply = network
    start = time.process_time()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(nodes, supply)
    status = smcf.solve()
    seconds = time.process_time() - start
    if status != smcf.OPTIMAL:
        log.warning("bare min-cost flow status %s", status)
    return seconds


def _peak_rss_kib() -> float:
    """Peak resident memory of this process, KiB: ``VmHWM`` (reset by exec, unlike ``ru_maxrss``, which
    a child started by a large parent inherits), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _warm_up() -> None:
    """Load the knowledge base, factors and text model once, as a running app has them cached."""
    from symbiosis.pipeline import run

    run(_registry(300, 1)).kpis  # noqa: B018 (the KPIs build the exchanges and explanations too)


def bench_one(n_streams: int, *, seed: int = 0) -> dict[str, Any]:
    """Run the pipeline once on ``n_streams`` streams (0: the sample) in this process; one flat row.

    Stage wall times are ``<stage>_s`` and their shares ``<stage>_pct``; ``run_cpu_s`` and
    ``bare_mcf_cpu_s`` are CPU times, ``run_over_bare`` their ratio; ``results_cpu_s`` is the CPU
    time of building the exchanges and KPIs afterwards (on demand, outside ``run``).
    """
    from symbiosis.engine.allocation import AllocationConfig
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.engine.config import MatchConfig
    from symbiosis.engine.problem_builder import problem_arrays
    from symbiosis.engine.scored_set import score_set
    from symbiosis.kb import load_categories, load_rules
    from symbiosis.pipeline import STAGES, run

    registry = _registry(n_streams, seed)
    config = MatchConfig()
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    result = run(registry, config)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = time.process_time()
    kpis = result.kpis
    results_cpu = time.process_time() - after
    # The run's own problem, rebuilt untimed, then the bare call on it.
    found = find_candidates(registry, load_rules(), config, categories=load_categories())
    from symbiosis.engine.factors import load_factors

    scored = score_set(found, registry, config, factors=load_factors(), categories=load_categories())
    problem = problem_arrays(scored, np.flatnonzero(~found.internal), registry, config)
    bare = min(bare_min_cost_flow(_prepared_network(problem, AllocationConfig())) for _ in range(3))
    stages = dict(result.allocation.timings_s)
    row: dict[str, Any] = {
        "bench": "pipeline",
        "case": "sample" if n_streams == 0 else f"{n_streams // 1000}k",
        "n_streams": len(registry.streams),
        "n_firms": len(registry.firms),
        "n_candidates": found.n,
        "n_arcs": problem.ix.n_arcs,
        "n_exchanges": kpis.n_exchanges,
        "status": result.status,
        "total_s": round(wall, 3),
        "run_cpu_s": round(cpu, 3),
        "results_cpu_s": round(results_cpu, 3),
        "bare_mcf_cpu_s": round(bare, 4),
        "run_over_bare": round(cpu / bare, 2) if bare > 0 else None,
        "target_ratio": TARGET_RATIO.get(n_streams),
    }
    for stage in STAGES:
        row[f"{stage}_s"] = round(stages.get(stage, 0.0), 3)
        row[f"{stage}_pct"] = round(100 * stages.get(stage, 0.0) / wall, 1) if wall > 0 else None
    row.update(
        {
            "meets_target": bool(
                row["run_over_bare"] is not None
                and row["target_ratio"] is not None
                and row["run_over_bare"] <= row["target_ratio"]
            ),
            "peak_rss_gib": round(_peak_rss_kib() / 2**20, 3),
            "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
        }
    )
    return row


def _fresh(n_streams: int) -> dict[str, Any]:
    """:func:`bench_one` in a new Python process: its peak memory is this size's alone."""
    code = (
        "import json, logging; logging.disable(logging.WARNING); from benchmarks.bench_pipeline import "
        f"_warm_up, bench_one; _warm_up(); print('ROW=' + json.dumps(bench_one({n_streams})))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    ).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("ROW="))[4:])


def growth_exponent(rows: list[dict[str, Any]], x: str, y: str) -> float:
    """Least-squares slope of log ``y`` on log ``x`` over the rows (NaN with fewer than two)."""
    pts = [(r[x], r[y]) for r in rows if r.get(x) and r.get(y)]
    if len(pts) < 2:
        return float("nan")
    a = np.log([p[0] for p in pts])
    b = np.log([max(p[1], 1e-6) for p in pts])
    return float(np.polyfit(a, b, 1)[0])


def _line(row: dict[str, Any]) -> str:
    r = row
    return (
        f"{r['case']:>7} {r['n_streams']:>7} streams {r['n_arcs']:>9} arcs  run {r['run_cpu_s']:7.2f} "
        f"CPU s (wall {r['total_s']:.2f})  bare {r['bare_mcf_cpu_s']:.3f} s  ratio {r['run_over_bare']}× "
        f"(target {r['target_ratio']}×)  peak {r['peak_rss_gib']:.2f} GiB  load {r['load_avg_1min']}"
    )


def main(sizes: list[int] | None = None) -> list[dict[str, Any]]:
    """Benchmark ``sizes`` (default :data:`SIZES`), each in a fresh process; print, save and return rows."""
    sizes = sorted(sizes) if sizes else list(SIZES)
    rows = []
    for n in sizes:
        rows.append(_fresh(n))
        print(_line(rows[-1]), flush=True)
    scaled = [r for r in rows if r["case"] != "sample"]
    rows.append(
        {
            "bench": "pipeline",
            "case": "growth",
            "run_cpu_vs_streams": round(growth_exponent(scaled, "n_streams", "run_cpu_s"), 2),
            "bare_cpu_vs_arcs": round(growth_exponent(scaled, "n_arcs", "bare_mcf_cpu_s"), 2),
            "run_cpu_vs_arcs": round(growth_exponent(scaled, "n_arcs", "run_cpu_s"), 2),
        }
    )
    print(rows[-1], flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"runs": rows}, indent=2, default=str), encoding="utf-8")
    return rows


if __name__ == "__main__":  # pragma: no cover
    main([int(a) for a in sys.argv[1:]])
