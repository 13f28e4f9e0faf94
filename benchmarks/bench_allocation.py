"""Allocation benchmarks: pure min-cost flow up to 100,000 streams, side constraints at 1k and 10k.

Synthetic instances as in ../shared/PERFORMANCE.md: firms uniform in a 200 km box, 4 streams per
firm, 50 categories, each output category usable by 3 input categories, candidate links within
50 km (``cKDTree``), or each supply's K nearest compatible demands when ``k_nearest > 0``.
Run with ``python -m benchmarks`` (all modules) or ``python -m benchmarks.bench_allocation``.
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from symbiosis.engine.allocation import AllocationConfig, AllocationProblem, check_solution, solve

__all__ = ["main", "make_instance"]

log = logging.getLogger(__name__)

_OFFSETS = (0, 7, 19)  # demand categories a supply category feeds: (c + offset) mod n_categories


def _points(rng: np.random.Generator, n: int, box_km: float, n_categories: int):
    firms = rng.uniform(0.0, box_km, size=(max(n // 4, 1), 2))
    xy = firms[rng.integers(len(firms), size=n)]
    is_sup = rng.random(n) < 0.5
    cat = rng.integers(n_categories, size=n)
    qty = np.round(rng.lognormal(np.log(500.0), 1.0, size=n), 3)
    unit_value = rng.uniform(20.0, 120.0, size=n)  # $/t: disposal avoided (supply) or purchase (demand)
    return xy, is_sup, cat, qty, unit_value


def _pairs(xy_s, xy_d, radius_km: float, k_nearest: int):
    """(i, j, distance) pairs between two point sets: all within radius, or the k nearest."""
    tree_d = cKDTree(xy_d)
    if k_nearest:
        k = min(k_nearest, len(xy_d))
        dist, j = tree_d.query(xy_s, k=k, distance_upper_bound=radius_km)
        dist, j = dist.reshape(len(xy_s), k), j.reshape(len(xy_s), k)
        i = np.repeat(np.arange(len(xy_s)), k)
        keep = np.isfinite(dist.ravel())
        return i[keep], j.ravel()[keep], dist.ravel()[keep]
    pairs = cKDTree(xy_s).sparse_distance_matrix(tree_d, radius_km, output_type="ndarray")
    return pairs["i"], pairs["j"], pairs["v"]


def _edges(xy, is_sup, cat, n_categories: int, radius_km: float, k_nearest: int):
    sups, dems = np.flatnonzero(is_sup), np.flatnonzero(~is_sup)
    by_cat_s = [sups[cat[sups] == c] for c in range(n_categories)]
    by_cat_d = [dems[cat[dems] == c] for c in range(n_categories)]
    tails, heads, dists = [], [], []
    for c in range(n_categories):
        s = by_cat_s[c]
        for off in _OFFSETS:
            d = by_cat_d[(c + off) % n_categories]
            if len(s) and len(d):
                k = max(k_nearest // len(_OFFSETS), 1) if k_nearest else 0
                i, j, dist = _pairs(xy[s], xy[d], radius_km, k)
                tails.append(s[i])
                heads.append(d[j])
                dists.append(dist)
    return np.concatenate(tails), np.concatenate(heads), np.concatenate(dists)


def _side_columns(rng: np.random.Generator, qty: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    lot = np.where(rng.random(n) < 0.3, np.round(0.3 * qty, 3), 0.0)
    partners = np.where(rng.random(n) < 0.5, 3, 0)
    return lot, partners


def make_instance(
    n_streams: int,
    *,
    seed: int = 0,
    radius_km: float = 50.0,
    k_nearest: int = 0,
    n_categories: int = 50,
    box_km: float = 200.0,
    transport_cad_per_t_km: float = 0.5,
) -> AllocationProblem:
    """Synthetic region of ``n_streams`` streams with side-constraint columns filled.

    Gain per tonne = disposal avoided + purchase avoided − 10 $/t handling − transport·distance,
    rounded to cents. Fixed cost per link 500–3,000 $; 30 % of streams carry a lot (30 % of their
    quantity); half the streams accept at most 3 partners. Pure runs ignore those columns.
    """
    rng = np.random.default_rng(seed)
    xy, is_sup, cat, qty, value = _points(rng, n_streams, box_km, n_categories)
    t, h, dist = _edges(xy, is_sup, cat, n_categories, radius_km, k_nearest)
    gain = np.round(value[t] + value[h] - 10.0 - transport_cad_per_t_km * dist, 2)
    lot, partners = _side_columns(rng, qty, n_streams)
    ids = np.array([f"S{i}" for i in range(n_streams)], dtype=object)
    streams = pd.DataFrame({"stream_id": ids, "capacity": qty, "min_lot": lot, "max_partners": partners})
    arcs = pd.DataFrame(
        {
            "candidate_id": pd.RangeIndex(len(t)).astype(str),
            "supply_id": ids[t],
            "demand_id": ids[h],
            "yield_ratio": 1.0,
            "upper": np.inf,
            "gain_per_unit": gain,
            "fixed_cost": np.round(rng.uniform(500.0, 3000.0, size=len(t)), 2),
        }
    )
    sup, dem = streams[is_sup].reset_index(drop=True), streams[~is_sup].reset_index(drop=True)
    return AllocationProblem(sup, dem, arcs)


def _run(name: str, problem: AllocationProblem, config: AllocationConfig, n: int) -> dict:
    load = os.getloadavg()[0]
    t, cpu = time.perf_counter(), time.process_time()
    a = solve(problem, config)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    errors = check_solution(problem, a)
    comps, big = a.components, int(a.components["n_arcs"].max()) if len(a.components) else 0
    row = {
        "benchmark": "allocation",
        "case": name,
        "streams": n,
        "edges": len(problem.arcs),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "status": a.status,
        "method": a.method,
        "objective": round(a.objective, 2),
        "bound": round(a.bound, 2),
        "gap": float(f"{a.gap:.3g}"),
        "components": len(comps),
        "largest_component_arcs": big,
        "mip_components": int(comps["method"].str.contains("milp").sum()) if len(comps) else 0,
        "check_errors": len(errors),
        "load_avg_1min": round(load, 1),
    }
    log.info("%s", row)
    return row


def _networkx_ratio(problem: AllocationProblem, n: int, ours_s: float) -> dict:
    """Same balanced integer network solved by networkx's network simplex."""
    import networkx as nx

    from symbiosis.engine.allocation.flow import _network
    from symbiosis.engine.allocation.problem import index_problem

    config = AllocationConfig()
    ix = index_problem(problem, config)
    arcs = np.flatnonzero(ix.gain > 0)
    (tails, heads, caps, costs, nodes, supply), _ = _network(ix, arcs, ix.dem_cap, config)
    g = nx.DiGraph()
    g.add_nodes_from((int(v), {"demand": -int(s)}) for v, s in zip(nodes, supply, strict=True))
    g.add_edges_from(
        (int(a), int(b), {"capacity": int(c), "weight": int(w)})
        for a, b, c, w in zip(tails, heads, caps, costs, strict=True)
    )
    t, cpu = time.perf_counter(), time.process_time()
    cost, _ = nx.network_simplex(g)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    objective = -cost / config.value_scale / config.quantity_scale
    return {
        "benchmark": "allocation",
        "case": "pure_networkx",
        "streams": n,
        "edges": len(problem.arcs),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "objective": round(objective, 2),
        "cpu_ratio_vs_solve": round(cpu / ours_s, 1),
        "load_avg_1min": round(os.getloadavg()[0], 1),
    }


def _pipeline_problem(n_streams: int, *, fixed: float = 0.0, partners: int = 0, limit: float = 10.0):
    """The pipeline's own allocation arrays for the sample region (0) or a canonical registry."""
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.engine.config import MatchConfig
    from symbiosis.engine.factors import load_factors
    from symbiosis.engine.problem_builder import problem_arrays
    from symbiosis.engine.scored_set import score_set
    from symbiosis.kb import load_categories, load_rules

    if n_streams == 0:
        from tests.test_golden import sample_registry

        registry = sample_registry()
    else:
        from symbiosis.sample import generate_streams_canonical

        registry = generate_streams_canonical(n_streams=n_streams, seed=0)
    config = MatchConfig().replace(
        **{
            "side.enabled": fixed > 0 or partners > 0,
            "side.fixed_cost_cad_per_link_yr": fixed,
            "side.max_partners_per_stream": partners,
            "side.time_limit_s": limit,
        }
    )
    found = find_candidates(registry, load_rules(), config, categories=load_categories())
    scored = score_set(found, registry, config, factors=load_factors(), categories=load_categories())
    return problem_arrays(scored, np.flatnonzero(~found.internal), registry, config).ix, config


def _networkx_on_pipeline(n_streams: int = 10_000, repeats: int = 3) -> dict:
    """networkx ``network_simplex`` against our ``solve`` on the pipeline's own graph (CPU, one process).

    Also times the **bare** OR-Tools ``SimpleMinCostFlow`` on exactly the integer arrays networkx
    gets (:func:`benchmarks.bench_pipeline.bare_min_cost_flow`): ``nx_over_bare`` is the most any
    solve built on that call can reach against networkx here. Both references see the generalised
    component in the units of a spanning forest (a plain network, not the generalised LP that
    ``solve`` answers exactly); ``solve`` is timed as ``run()`` calls it. Fastest of ``repeats`` for
    ``solve`` and the bare call, interleaved; networkx once.
    """
    import networkx as nx

    from benchmarks.bench_pipeline import bare_min_cost_flow
    from symbiosis.engine.allocation import solve_indexed
    from symbiosis.engine.allocation.components import label_components, usable_arcs, yield_scales
    from symbiosis.engine.allocation.flow import _network

    ix, config = _pipeline_problem(n_streams)
    alloc = config.allocation_config()
    arcs = usable_arcs(ix, False)
    scales = yield_scales(ix, arcs, label_components(ix, arcs))
    network, _ = _network(ix, arcs, ix.dem_cap, alloc, scales)
    tails, heads, caps, costs, nodes, supply = network
    solve_indexed(ix, alloc)  # warm-up: first-call costs (imports, solver start) are not the solve's
    load = os.getloadavg()[0]
    ours_times, bare_times = [], []
    for _ in range(repeats):
        cpu = time.process_time()
        ours = solve_indexed(ix, alloc)
        ours_times.append(time.process_time() - cpu)
        bare_times.append(bare_min_cost_flow(network))
    ours_cpu, bare_cpu = min(ours_times), min(bare_times)
    g = nx.DiGraph()
    g.add_nodes_from((int(v), {"demand": -int(s)}) for v, s in zip(nodes, supply, strict=True))
    g.add_edges_from(
        (int(a), int(b), {"capacity": int(c), "weight": int(w)})
        for a, b, c, w in zip(tails, heads, caps, costs, strict=True)
    )
    cpu = time.process_time()
    nx.network_simplex(g)
    nx_cpu = time.process_time() - cpu
    return {
        "benchmark": "allocation",
        "case": "networkx_on_pipeline_10k",
        "streams": n_streams,
        "edges": ix.n_arcs,
        "cpu_seconds": round(nx_cpu, 3),
        "ours_cpu_seconds": round(ours_cpu, 3),
        "bare_cpu_seconds": round(bare_cpu, 4),
        "method": ours.method,
        "cpu_ratio_vs_solve": round(nx_cpu / ours_cpu, 1),
        "nx_over_bare": round(nx_cpu / bare_cpu, 1),
        "target_ratio": 100.0,
        "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
    }


#: Side-constraint configurations of the pipeline benchmark: fixed cost per link ($/yr), partner limit.
SIDE_SAMPLE = tuple((fixed, 3) for fixed in (500.0, 1000.0, 1500.0, 2000.0, 3000.0))


def _side_on_pipeline(n_streams: int, fixed: float, partners: int, limit: float, target_gap: float) -> dict:
    """Side constraints on the pipeline's own problem (minimum lots from the registry)."""
    from symbiosis.engine.allocation import check_flows, solve_indexed

    ix, config = _pipeline_problem(n_streams, fixed=fixed, partners=partners, limit=limit)
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    solved = solve_indexed(ix, config.allocation_config())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    errors = check_flows(ix, solved.x, solved)
    case = "sample" if n_streams == 0 else f"{n_streams // 1000}k"
    return {
        "benchmark": "allocation",
        "case": f"side_pipeline_{case}_fixed{int(fixed)}_k{partners}",
        "streams": n_streams,
        "edges": ix.n_arcs,
        "limit_s": limit,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "status": solved.status,
        "method": solved.method,
        "objective": round(solved.objective, 2),
        "bound": round(solved.bound, 2),
        "gap": float(f"{solved.gap:.3g}"),
        "target_gap": target_gap,
        "meets_target": bool(solved.gap <= target_gap),
        "check_errors": len(errors),
        "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
    }


def _growth(rows: list[dict]) -> dict:
    pure = [r for r in rows if r["case"].startswith("pure_") and "networkx" not in r["case"]]
    e = np.log([r["edges"] for r in pure])
    s = np.log([max(r["cpu_seconds"], 1e-4) for r in pure])
    slope = float(np.polyfit(e, s, 1)[0]) if len(pure) >= 2 else float("nan")
    return {
        "benchmark": "allocation",
        "case": "growth_exponent_pure",
        "exponent_cpu_time_vs_edges": round(slope, 2),
        "points": len(pure),
    }


def main(*, large: bool = True, networkx: bool = True) -> list[dict]:
    """Run every allocation benchmark and return one row per measurement.

    ``seconds`` is wall-clock; ``cpu_seconds`` is this process's CPU time, the steadier figure on a
    shared machine (min-cost flow and networkx are single-threaded); ``load_avg_1min`` tells how
    shared the machine was.
    """
    pure, rows = AllocationConfig(), []
    inst = {n: make_instance(n, seed=1) for n in (1_000, 10_000)}
    for n, p in inst.items():
        rows.append(_run(f"pure_radius50_{n // 1000}k", p, pure, n))
    if large:
        p30 = make_instance(30_000, seed=1)
        rows.append(_run("pure_radius50_30k", p30, pure, 30_000))
        del p30
        p100 = make_instance(100_000, seed=1, k_nearest=21)
        rows.append(_run("pure_knn21_100k", p100, pure, 100_000))
        del p100
    if networkx:
        ours = next(r["cpu_seconds"] for r in rows if r["case"] == "pure_radius50_10k")
        rows.append(_networkx_ratio(inst[10_000], 10_000, ours))
        rows.append(_networkx_on_pipeline())
    rows.append(_growth(rows))
    for n, limit in ((1_000, 10.0), (10_000, 60.0)):
        side = AllocationConfig(side_constraints=True, time_limit_s=limit)
        rows.append(_run(f"side_{n // 1000}k", inst[n], side, n))
    for fixed, partners in SIDE_SAMPLE:
        rows.append(_side_on_pipeline(0, fixed, partners, 10.0, 0.01))
    if large:
        rows.append(_side_on_pipeline(10_000, 1500.0, 3, 60.0, 0.035))
    return rows


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for r in main():
        log.info("%s", r)
