"""Scale-out benchmark (issue #16): a 2-worker ``LocalCluster`` against the single process, and sweeps.

Rows:

- ``match``: for 10,000 and 100,000 streams of the canonical generator, ``run()`` in one piece
  (the single process), ``run()`` with an executor here
  (:class:`~symbiosis.distributed.LocalExecutor`: candidates and scores by tile, the allocation by
  parts, in this process) and on the cluster; wall time, this process's CPU time, the workers' CPU
  time, objectives (the cluster must equal the in-process parts exactly), the candidates (with
  scoring on an executor) and solve stages, and the load average. The ratio is wall over wall in the
  same process.
- ``candidates``: the candidate frame in one piece, then by rule block × 300 km tile here and on the
  cluster (the frames must be equal).
- ``regions``: the allocation in one piece, then geographically decomposed into 2 and 4 regions
  solved on the cluster: the gap to the one-piece optimum, the proven gap, the boundary's size.
- ``threshold`` (``--threshold [sizes…]``, alone): ``run()``'s allocation on the cluster with
  ``region_arcs`` forced below the largest part (cut into regions, reconciled): gap to the
  single-machine optimum, proven gap, solver-free check; and with the threshold not reached.
- ``task_memory`` (``--task-memory N FIRST LAST``, alone): the peak memory of each candidate task of
  ``run()`` on a cluster, run one by one here (which task stops a large run).
- ``large`` (``--large N``, alone): ``run()`` of N streams on a fresh cluster of 2 workers capped at
  6 GiB, with the peak memory of every process and the stage shares (the 1,000,000-stream attempt).
- ``sweep``: 200 scenarios (landfill fee from 80 to 200 $/t) on the sample region with 1 and with 2
  workers, and here without a cluster; the scaling is the 1-worker time over the 2-worker time.

The machine is shared: every row carries the 1-minute load average at its start and end. Run with
``python -m benchmarks scaleout`` or ``python -m benchmarks.bench_scaleout [sizes…] [--sweep N]
[--candidates] [--regions]`` (the candidate rows, or the region rows, alone); ``--help`` lists every option.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import time
from typing import Any

__all__ = [
    "SIZES",
    "SWEEP_SCENARIOS",
    "bench_candidates",
    "bench_match",
    "bench_regions",
    "bench_sweep",
    "bench_task_memory",
    "bench_threshold",
    "main",
]

log = logging.getLogger(__name__)

SIZES: tuple[int, ...] = (10_000, 100_000)
SWEEP_SCENARIOS = 200


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _worker_cpu(executor: Any) -> float:
    def cpu() -> float:
        import resource as res

        r = res.getrusage(res.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    return float(sum(executor.client.run(cpu).values()))


def _timed(fn, executor: Any = None) -> tuple[Any, dict[str, float]]:
    load = os.getloadavg()[0]
    w0 = _worker_cpu(executor) if executor is not None and hasattr(executor, "client") else 0.0
    c0, t0 = _cpu(), time.perf_counter()
    out = fn()
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    w1 = _worker_cpu(executor) if executor is not None and hasattr(executor, "client") else 0.0
    return out, {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "worker_cpu_s": round(w1 - w0, 2),
        "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
    }


def bench_match(n_streams: int, cluster: Any, *, seed: int = 0) -> list[dict[str, Any]]:
    """Rows for one size: one piece, parts here, parts on the cluster."""
    from symbiosis.distributed import LocalExecutor
    from symbiosis.pipeline import run
    from symbiosis.sample import generate_streams_canonical

    registry = generate_streams_canonical(n_streams=n_streams, seed=seed)
    run(generate_streams_canonical(n_streams=500, seed=1))  # warm-up: knowledge base, factors, text model
    rows = []
    objectives = {}
    for name, executor in (
        ("single_process", None),
        ("parts_here", LocalExecutor()),
        ("cluster_2_workers", cluster),
    ):
        result, timing = _timed(lambda ex=executor: run(registry, executor=ex), executor)
        info = result.allocation
        objectives[name] = info.objective
        rows.append(
            {
                "bench": "scaleout_match",
                "case": name,
                "n_streams": n_streams,
                **timing,
                "candidates_s": round(info.timings_s["candidates"], 2),  # with scoring on a cluster
                "scoring_s": round(info.timings_s["scoring"], 2),
                "solve_s": round(info.timings_s["solve"], 2),
                "objective": info.objective,
                "status": info.status,
            }
        )
        log.info("%s", rows[-1])
    base = rows[0]["wall_s"]
    for row in rows:
        row["wall_ratio_vs_single"] = round(row["wall_s"] / base, 2) if base else None
        row["identical_to_parts_here"] = objectives.get("parts_here") == row["objective"]
    return rows


def bench_candidates(
    n_streams: int, cluster: Any, *, seed: int = 0, tile_km: float = 300.0
) -> list[dict[str, Any]]:
    """Rows for one size: candidates in one piece, tile by tile here, tile by tile on the cluster."""
    from symbiosis import kb
    from symbiosis.engine.candidate_tiles import partitioned_candidates, plan_tasks
    from symbiosis.engine.candidates import generate_candidates
    from symbiosis.engine.config import MatchConfig
    from symbiosis.sample import generate_streams_canonical

    registry = generate_streams_canonical(n_streams=n_streams, seed=seed)
    rules, categories, config = kb.load_rules(), kb.load_categories(), MatchConfig()
    registry.validate()
    n_tasks = len(plan_tasks(registry, rules, config, tile_km=tile_km))
    cases = {
        "single_process": lambda: generate_candidates(registry, rules, config, categories=categories),
        "tiles_here": lambda: partitioned_candidates(
            registry, rules, config, categories=categories, tile_km=tile_km
        ).drop(columns=["block", "tile"]),
        "tiles_cluster_2_workers": lambda: partitioned_candidates(
            registry, rules, config, categories=categories, tile_km=tile_km, map_function=cluster.map
        ).drop(columns=["block", "tile"]),
    }
    rows, reference = [], None
    for name, fn in cases.items():
        frame, timing = _timed(fn, cluster if "cluster" in name else None)
        reference = frame if reference is None else reference
        rows.append(
            {
                "bench": "scaleout_candidates",
                "case": name,
                "n_streams": n_streams,
                "n_candidates": len(frame),
                "rule_tasks": n_tasks,
                **timing,
                "identical_to_single": bool(frame.equals(reference)),
            }
        )
        log.info("%s", rows[-1])
    return rows


def _allocation_problem(n_streams: int, seed: int) -> tuple[Any, Any, tuple[Any, Any]]:
    """The canonical region's allocation problem (single process) and its supplies' (lat, lon)."""
    import numpy as np

    from symbiosis import kb
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.engine.config import MatchConfig
    from symbiosis.engine.factors import load_factors
    from symbiosis.engine.problem_builder import problem_arrays, supply_places
    from symbiosis.engine.scored_set import score_set
    from symbiosis.sample import generate_streams_canonical

    registry = generate_streams_canonical(n_streams=n_streams, seed=seed)
    config, categories = MatchConfig(), kb.load_categories()
    found = find_candidates(registry, kb.load_rules(), config, categories=categories)
    scored = score_set(found, registry, config, factors=load_factors(), categories=categories)
    problem = problem_arrays(scored, np.flatnonzero(~found.internal), registry, config)
    return config, problem, supply_places(problem, registry)


def bench_regions(n_streams: int, cluster: Any, *, seed: int = 0, counts=(2, 4)) -> list[dict[str, Any]]:
    """Rows for one size: the allocation in one piece, then decomposed into regions on the cluster."""
    from types import SimpleNamespace

    from symbiosis.engine.allocation import check_flows, solve_indexed
    from symbiosis.engine.allocation.regions import solve_by_regions, supply_regions

    config, problem, (lat, lon) = _allocation_problem(n_streams, seed)
    ix, alloc = problem.ix, config.allocation_config()
    single, timing = _timed(lambda: solve_indexed(ix, alloc))
    rows = [
        {
            "bench": "scaleout_regions",
            "case": "one_piece",
            "n_streams": n_streams,
            "n_arcs": ix.n_arcs,
            **timing,
            "objective": single.objective,
        }
    ]
    for n in counts:
        regions = supply_regions(lat, lon, n)
        sol, timing = _timed(
            lambda r=regions: solve_by_regions(ix, alloc, r, map_function=cluster.map), cluster
        )
        claim = SimpleNamespace(
            objective=sol.objective, bound=sol.bound, gap=sol.gap, status="feasible", config=alloc
        )
        rows.append(
            {
                "bench": "scaleout_regions",
                "case": f"{n}_regions_2_workers",
                "n_streams": n_streams,
                "n_arcs": ix.n_arcs,
                **timing,
                "objective": sol.objective,
                "gap_to_single_pct": round(
                    100 * (single.objective - sol.objective) / abs(single.objective), 4
                ),
                "proven_gap_pct": round(100 * sol.gap, 2),
                "boundary_demands": sol.n_boundary_demands,
                "boundary_arcs": sol.n_boundary_arcs,
                "regions_s": round(sol.seconds["regions"], 2),
                "boundary_s": round(sol.seconds["boundary"], 2),
                "violations": len(check_flows(ix, sol.x, claim)),
            }
        )
        log.info("%s", rows[-1])
    return rows


def bench_threshold(
    n_streams: int, cluster: Any, *, seed: int = 0, fractions=(0.5, 0.25)
) -> list[dict[str, Any]]:
    """Rows for one size: ``run()``'s allocation on the cluster with ``region_arcs`` forced low.

    The solve stage of ``run(registry, executor=cluster)``
    (:func:`~symbiosis.engine.allocation.regions.solve_allocation`: parts, a part above
    ``region_arcs`` cut into strips of about equal arcs, every task's sub-problem sent as a file)
    against the one-piece solve of the single process; ``region_arcs`` is each fraction of the
    largest part's arcs (0.5: it is cut into 3 regions). Reports the gap to the single-machine
    optimum, the proven gap and the solver-free check.
    """

    from symbiosis.engine.allocation import check_flows, solve_indexed
    from symbiosis.engine.allocation.parts import part_arcs
    from symbiosis.engine.allocation.regions import solve_allocation

    config, problem, points = _allocation_problem(n_streams, seed)
    ix, alloc = problem.ix, config.allocation_config()
    largest = max(len(a) for a in part_arcs(ix, alloc))
    single, timing = _timed(lambda: solve_indexed(ix, alloc))
    rows = [
        {
            "bench": "scaleout_threshold",
            "case": "single_process_one_piece",
            "n_streams": n_streams,
            "n_arcs": ix.n_arcs,
            "largest_part_arcs": largest,
            **timing,
            "objective": single.objective,
        }
    ]
    exact, timing = _timed(
        lambda: solve_allocation(ix, alloc, map_function=cluster.map, points=lambda: points)
    )
    rows.append(
        {
            "bench": "scaleout_threshold",
            "case": "cluster_threshold_not_reached",
            "n_streams": n_streams,
            **timing,
            "objective": exact.objective,
            "method": exact.method,
        }
    )
    for fraction in fractions:
        limit = int(largest * fraction)
        sol, timing = _timed(
            lambda r=limit: solve_allocation(
                ix, alloc, map_function=cluster.map, points=lambda: points, region_arcs=r
            ),
            cluster,
        )
        cut = sol.components[sol.components["method"].str.endswith("regions")]
        rows.append(
            {
                "bench": "scaleout_threshold",
                "case": f"cluster_region_arcs_{limit}",
                "n_streams": n_streams,
                "region_arcs": limit,
                "parts_cut": len(cut),
                **timing,
                "objective": sol.objective,
                "status": sol.status,
                "method": sol.method,
                "gap_to_single_pct": round(
                    100 * (single.objective - sol.objective) / abs(single.objective), 4
                ),
                "proven_gap_pct": round(100 * sol.gap, 2),
                "violations": len(check_flows(ix, sol.x, sol)),
            }
        )
        log.info("%s", rows[-1])
    return rows


def bench_sweep(clusters: dict[str, Any], n: int = SWEEP_SCENARIOS) -> list[dict[str, Any]]:
    """Rows for a sweep of ``n`` landfill-fee scenarios on the sample region, per executor."""
    from symbiosis.engine.config import MatchConfig
    from symbiosis.sweep import grid_scenarios, parse_range, run_sweep
    from tests.test_golden import sample_registry

    registry = sample_registry()
    scenarios = grid_scenarios(MatchConfig(), [parse_range("landfill_fee=80..200")], n)
    rows, reference = [], None
    for name, executor in clusters.items():
        result, timing = _timed(lambda ex=executor: run_sweep(registry, scenarios, executor=ex), executor)
        if reference is None:
            reference = result
        same = result.scenarios.equals(reference.scenarios) and result.robustness.equals(reference.robustness)
        rows.append({"bench": "scaleout_sweep", "case": name, "n_scenarios": n, **timing, "identical": same})
        log.info("%s", rows[-1])
    by_case = {r["case"]: r["wall_s"] for r in rows}
    if "cluster_1_worker" in by_case and "cluster_2_workers" in by_case:
        for row in rows:
            row["scaling_1_to_2_workers"] = round(
                by_case["cluster_1_worker"] / by_case["cluster_2_workers"], 2
            )
    return rows


class _MemoryWatch:
    """Samples the resident memory of this process and of every process it started (the cluster's).

    Every ``period_s``: the peak per process, the total, a timeline; past ``budget_gib`` in total it
    logs the figures and kills this process tree (the machine is shared: a run that would not fit
    must not push the others' work out of memory).
    """

    def __init__(self, budget_gib: float, period_s: float = 1.0) -> None:
        import threading

        import psutil

        self.me, self.budget = psutil.Process(), budget_gib * 2**30
        self.period_s, self.peak, self.peak_total, self.timeline = period_s, {}, 0, []
        self.t0, self.stop = time.perf_counter(), threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> _MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _rss(self) -> dict[int, int]:
        import psutil

        out = {}
        for proc in [self.me, *self.me.children(recursive=True)]:
            try:
                out[proc.pid] = proc.memory_info().rss
            except psutil.Error:
                continue
        return out

    def _loop(self) -> None:
        while not self.stop.wait(self.period_s):
            rss = self._rss()
            total = sum(rss.values())
            self.peak_total = max(self.peak_total, total)
            for pid, value in rss.items():
                self.peak[pid] = max(self.peak.get(pid, 0), value)
            self.timeline.append((round(time.perf_counter() - self.t0, 1), round(total / 2**30, 2)))
            if total > self.budget:
                log.error(
                    "memory budget exceeded at %.0f s: %.2f GiB in total (%s); stopping the run",
                    time.perf_counter() - self.t0,
                    total / 2**30,
                    {pid: round(v / 2**30, 2) for pid, v in rss.items()},
                )
                import signal

                for pid in rss:
                    if pid != self.me.pid:
                        os.kill(pid, signal.SIGKILL)
                os.kill(self.me.pid, signal.SIGKILL)

    def elapsed(self) -> float:
        """Seconds since the watch started."""
        return time.perf_counter() - self.t0

    def gib(self, pid: int) -> float:
        """Peak resident GiB of one process."""
        return round(self.peak.get(pid, 0) / 2**30, 2)


def bench_large(
    n_streams: int, *, memory_limit: str = "6GiB", budget_gib: float = 13.5, region_arcs: int | None = None
) -> list[dict[str, Any]]:
    """``run()`` of ``n_streams`` generated streams on a fresh 2-worker cluster, each worker capped.

    Candidates and scoring by tile, allocation by parts, all on the workers. Reports the time of
    each stage, the peak resident memory of the client and of each worker process (sampled every
    second from this process, so it survives a worker's restart) and the total, under a budget for
    the whole tree (:class:`_MemoryWatch`). ``region_arcs``: the executor's threshold above which a
    component is cut into regions (the engine's default when None).
    """
    import shutil
    import tempfile
    from pathlib import Path

    from symbiosis.distributed import open_executor, parse_scheduler
    from symbiosis.pipeline import run
    from symbiosis.sample import generate_streams_canonical

    parent = tempfile.mkdtemp(prefix="bench-scaleout-")
    with _MemoryWatch(budget_gib) as watch:
        registry, gen = _timed(lambda: generate_streams_canonical(n_streams=n_streams, seed=0))
        log.info("generated %d streams: %s, client %.2f GiB", n_streams, gen, watch.gib(os.getpid()))
        spec = parse_scheduler("local:2", memory_limit=memory_limit)

        def progress(done: int, total: int) -> None:
            if done == total or done % max(total // 20, 1) == 0:
                rss = {pid: watch.gib(pid) for pid in sorted(watch.peak)}
                log.info("%d/%d tasks at %.0f s; peak GiB so far %s", done, total, watch.elapsed(), rss)

        with open_executor(spec, run_folder=parent, progress=progress, region_arcs=region_arcs) as cluster:
            logging.getLogger("distributed").setLevel(logging.WARNING)
            workers = cluster.client.run(os.getpid)
            result, timing = _timed(lambda: run(registry, executor=cluster), cluster)
            info = result.allocation
            log.info("run done: %s %s", timing, info.timings_s)
            stored = _stored_pairs(Path(parent))
            t0 = time.perf_counter()
            n_exchanges = len(result.exchanges)  # its rows read back from the Parquet partitions
            read_back_s = time.perf_counter() - t0
            n_candidates = len(result.candidates) if n_streams <= 200_000 else None
            del result
    shutil.rmtree(parent, ignore_errors=True)  # the run folder inside is gone with the result
    stages = {k: round(v, 1) for k, v in info.timings_s.items()}
    total = sum(stages.values())
    row = {
        "bench": "scaleout_large",
        "n_streams": n_streams,
        "memory_limit": memory_limit,
        "region_arcs": region_arcs,
        "method": info.method,
        "generate_s": gen["wall_s"],
        **timing,
        "stages_s": stages,
        "stage_share_pct": {k: round(100 * v / total, 1) for k, v in stages.items()} if total else {},
        "objective": info.objective,
        "status": info.status,
        "n_candidates": n_candidates,
        "n_exchanges": n_exchanges,
        "exchanges_read_back_s": round(read_back_s, 2),
        **stored,
        "peak_client_gib": watch.gib(os.getpid()),
        "peak_worker_gib": {str(addr): watch.gib(pid) for addr, pid in workers.items()},
        "peak_total_gib": round(watch.peak_total / 2**30, 2),
        "peak_all_processes_gib": {str(pid): watch.gib(pid) for pid in sorted(watch.peak)},
    }
    log.info("%s", row)
    return [row]


def bench_task_memory(n_streams: int, first: int, last: int) -> list[dict[str, Any]]:
    """Peak resident memory of each candidate-and-scoring task ``first..last-1`` of ``run()`` on a cluster.

    The tasks of :func:`~symbiosis.engine.candidate_tiles.partitioned_scored_set` (same plan, same
    worker function) run one by one in this process; each row gives the task's block, tile, rules,
    streams read and home supplies, its pairs, seconds, and its peak above the resident memory
    before it (sampled every 0.2 s). Finds the task that stops a large run: at 1,000,000 streams
    task 9 (25 km block, Montréal tile, 45,896 streams read) peaked +5.59 GiB for 389,450 pairs
    (docs/scale-out.md). A task above +6.5 GiB, or the machine below 4 GiB available, stops the run.
    """
    import gc
    import tempfile
    import threading

    import psutil

    from symbiosis import kb
    from symbiosis.engine import candidate_tiles as ct
    from symbiosis.engine._tile_tasks import SharedSetup
    from symbiosis.engine.config import MatchConfig
    from symbiosis.engine.factors import load_factors
    from symbiosis.sample import generate_streams_canonical

    me = psutil.Process()
    registry = generate_streams_canonical(n_streams=n_streams, seed=0)
    registry.validate()
    config, categories = MatchConfig(), kb.load_categories()
    rules = ct.concrete_rules(kb.load_rules())
    tasks = ct.plan_tasks(
        registry, rules, config, tile_km=ct.SCORED_TILE_KM, rules_per_task=ct.SCORED_RULES_PER_TASK
    )
    folder = tempfile.mkdtemp(prefix="bench-task-memory-")
    factors = load_factors()
    shared = SharedSetup.build(registry, rules, config, categories, factors=factors)
    worker = ct._ScoringTileWorker(shared, config, factors, folder, ct.SCORE_SLICE_PAIRS)
    rows = []
    for i in range(first, min(last, len(tasks))):
        task = tasks[i]
        gc.collect()
        base = me.memory_info().rss
        peak, stop = [base], threading.Event()

        def watch(base: int = base, peak: list[int] = peak, stop: threading.Event = stop, i: int = i) -> None:
            while not stop.wait(0.2):
                rss = me.memory_info().rss
                peak[0] = max(peak[0], rss)
                if rss - base > 6.5 * 2**30 or psutil.virtual_memory().available < 4 * 2**30:
                    log.error("task %d above +6.5 GiB or the machine below 4 GiB: stopping", i)
                    os._exit(3)

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        load, t0 = os.getloadavg()[0], time.perf_counter()
        out = worker((ct._task_file(i, task), task))
        stop.set()
        thread.join()
        rows.append(
            {
                "bench": "scaleout_task_memory",
                "n_streams": n_streams,
                "task": i,
                "block": task.block,
                "tile": task.tile,
                "rules": len(task.rules),
                "streams_read": len(task.streams),
                "home_supplies": len(task.home),
                "pairs": len(out.sup_stream),
                "wall_s": round(time.perf_counter() - t0, 1),
                "peak_above_gib": round((peak[0] - base) / 2**30, 2),
                "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
            }
        )
        log.info("%s", rows[-1])
        del out
    return rows


def _stored_pairs(parent: Any) -> dict[str, Any]:
    """Files, rows and bytes of the scored pairs' Parquet partitions under ``parent``."""
    import pyarrow.parquet as pq

    files = list(parent.rglob("*.parquet"))
    return {
        "parquet_files": len(files),
        "parquet_rows": sum(pq.ParquetFile(f).metadata.num_rows for f in files),
        "parquet_gib": round(sum(f.stat().st_size for f in files) / 2**30, 2),
    }


def _parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.bench_scaleout`` (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_scaleout",
        description="Scale-out benchmark: a 2-worker LocalCluster against the single process, and sweeps.",
    )
    parser.add_argument("sizes", nargs="*", type=int, metavar="STREAMS", help=f"sizes (default {SIZES})")
    parser.add_argument("--sweep", type=int, default=SWEEP_SCENARIOS, metavar="N", help="sweep scenarios")
    parser.add_argument("--candidates", action="store_true", help="the candidate rows alone")
    parser.add_argument("--regions", action="store_true", help="the region rows alone")
    parser.add_argument("--threshold", action="store_true", help="the threshold rows alone, for the sizes")
    parser.add_argument(
        "--task-memory",
        nargs=3,
        type=int,
        metavar=("STREAMS", "FIRST", "LAST"),
        help="task peaks, one by one",
    )
    parser.add_argument("--large", type=int, metavar="STREAMS", help="one run() on a fresh 2-worker cluster")
    parser.add_argument("--memory-limit", default="6GiB", help="per worker, with --large (default 6GiB)")
    parser.add_argument("--region-arcs", type=int, metavar="ARCS", help="region threshold, with --large")
    parser.add_argument(
        "--budget-gib", type=float, default=13.5, help="whole process tree's watchdog, with --large (GiB)"
    )
    return parser


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run the rows ``argv`` selects (the match, candidate and region rows and the sweep by default).

    ``python -m benchmarks`` calls it without arguments: its own command line (module filters) is
    not read here.
    """
    from symbiosis.distributed import LocalExecutor, open_executor, parse_scheduler

    options = _parser().parse_args([] if argv is None else argv)
    if options.large is not None:
        return bench_large(
            options.large,
            memory_limit=options.memory_limit,
            region_arcs=options.region_arcs,
            budget_gib=options.budget_gib,
        )
    if options.task_memory is not None:
        return bench_task_memory(*options.task_memory)
    sizes = tuple(options.sizes) or SIZES
    if options.threshold:
        with open_executor(parse_scheduler("local:2", memory_limit="6GiB")) as two:
            logging.getLogger("distributed").setLevel(logging.WARNING)
            return [row for n in sizes for row in bench_threshold(n, two)]
    rows: list[dict[str, Any]] = []
    with open_executor(parse_scheduler("local:2", memory_limit="6GiB")) as two:
        logging.getLogger("distributed").setLevel(logging.WARNING)  # Dask resets it on import
        for n in sizes:
            if not options.regions:
                rows.extend(bench_candidates(n, two))
            if not (options.candidates or options.regions):
                rows.extend(bench_match(n, two))
            if not options.candidates:
                rows.extend(bench_regions(n, two))
        if options.sweep and not (options.candidates or options.regions):
            with open_executor(parse_scheduler("local:1", memory_limit="6GiB")) as one:
                clusters = {
                    "here_no_cluster": LocalExecutor(),
                    "cluster_1_worker": one,
                    "cluster_2_workers": two,
                }
                rows.extend(bench_sweep(clusters, options.sweep))
    return rows


if __name__ == "__main__":
    import json

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(json.dumps(main(sys.argv[1:]), indent=2))
