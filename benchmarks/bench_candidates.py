"""Candidate generation and scoring benchmarks: 1k, 10k and 100k streams of the canonical sample.

For each size: CPU time of :func:`find_candidates` (what ``run()`` calls: arrays, no frame) and of
:func:`score_set`, with the default scenario (K = 20 nearest feasible partners, text matches on), the
candidate count and funnel, the peak memory (tracemalloc, a second run), the load average, and two
references on the same points and rule blocks:

* a *plain* pass — per rule block, ``cKDTree.query`` of each stream's K nearest partners from both
  sides (K > 0) or ``sparse_distance_matrix`` (K = 0), no checks, no frame;
* a *naive* pass — a Python loop over every supply × demand pair with a rule lookup and
  ``geopy.distance.geodesic``, timed on a sample of supplies and extrapolated.

At 10k the value kept by K-nearest pruning is measured: allocation objective with K = 20 over K = 0.
Timings are CPU seconds, the best of three runs at 1k and 10k (the benchmark machine may be shared);
the target (issue 13) is candidates ≤ 2× the plain pass at every size.
Run with ``python -m benchmarks candidates`` or ``python -m benchmarks.bench_candidates``.
"""

from __future__ import annotations

import json
import logging
import os
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from symbiosis.engine.candidates import find_candidates, generate_candidates
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.distance import SPHERE_MARGIN, km_to_chord, unit_vectors
from symbiosis.engine.factors import load_factors
from symbiosis.engine.scored_set import score_set
from symbiosis.engine.scoring import score_candidates
from symbiosis.registry import Registry

__all__ = ["main"]

log = logging.getLogger(__name__)

RESULTS = Path(__file__).resolve().parent / "results" / "candidates.json"


def _knowledge() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from symbiosis.kb import load_categories
    from symbiosis.kb.rules import load_rules

    return load_rules(), load_categories(), load_factors()


def _blocks(reg: Registry, rules: pd.DataFrame, config: MatchConfig):
    """(supply xyz, demand xyz, radius km) per rule block, as the engine forms them."""
    sup, dem = reg.supplies, reg.demands
    sg = sup.groupby("category_id").indices
    dg = dem.groupby("category_id").indices
    xs, xd = unit_vectors(sup["lat"], sup["lon"]), unit_vectors(dem["lat"], dem["lon"])
    kinds = sup["kind"].to_numpy(object)
    for rule in rules.drop_duplicates(["supply_category_id", "demand_category_id"]).itertuples():
        si, di = sg.get(rule.supply_category_id), dg.get(rule.demand_category_id)
        if si is None or di is None:
            continue
        rule_km = float(rule.max_transport_km) if pd.notna(rule.max_transport_km) else np.inf
        yield xs[si], xd[di], min(rule_km, config.radius_for_kind(str(kinds[si[0]])))


def _plain_pass(reg: Registry, rules: pd.DataFrame, config: MatchConfig) -> tuple[float, int]:
    """CPU seconds and pairs of the bare spatial pass (no checks, no frames)."""
    t, pairs = time.process_time(), 0
    for xs, xd, km in _blocks(reg, rules, config):
        ts, td = cKDTree(xs), cKDTree(xd)
        r = float(km_to_chord(km * (1 + SPHERE_MARGIN)))
        if config.k_nearest > 0:
            k_s, k_d = min(config.k_nearest, len(xd)), min(config.k_nearest, len(xs))
            ds, _ = td.query(xs, k=k_s, distance_upper_bound=r)
            dd, _ = ts.query(xd, k=k_d, distance_upper_bound=r)
            pairs += int(np.isfinite(ds).sum() + np.isfinite(dd).sum())
        else:
            pairs += len(ts.sparse_distance_matrix(td, r, output_type="ndarray"))
    return time.process_time() - t, pairs


def _naive_rate(reg: Registry, rules: pd.DataFrame, *, n_supplies: int = 40) -> float:
    """Pairs per second of a Python loop over supply × demand with geopy geodesic distances."""
    from geopy.distance import geodesic

    allowed = set(zip(rules["supply_category_id"], rules["demand_category_id"], strict=True))
    sup = reg.supplies.head(n_supplies)[["category_id", "lat", "lon"]].to_numpy()
    dem = reg.demands[["category_id", "lat", "lon"]].to_numpy()
    t, n, kept = time.perf_counter(), 0, 0
    for cs, las, los in sup:
        for cd, lad, lod in dem:
            n += 1
            if (cs, cd) in allowed and geodesic((las, los), (lad, lod)).km <= 150.0:
                kept += 1
    return n / (time.perf_counter() - t)


def _run_engine(
    reg: Registry, rules, categories, factors, config: MatchConfig, *, frames: bool = False
) -> dict:
    """CPU seconds of candidate generation and scoring (arrays, as ``run()``; frames when asked)."""
    t = time.process_time()
    if frames:
        cands = generate_candidates(reg, rules, config, categories=categories)
        n, funnel = len(cands), cands.attrs.get("funnel", {})
    else:
        found = find_candidates(reg, rules, config, categories=categories)
        n, funnel = found.n, found.funnel
    t_cand = time.process_time() - t
    t = time.process_time()
    if frames:
        scored = score_candidates(cands, reg, config, factors=factors, rules=rules, categories=categories)
    else:
        scored = score_set(found, reg, config, factors=factors, categories=categories)
    t_score = time.process_time() - t
    return {
        "candidates": n,
        "candidates_s": round(t_cand, 3),
        "scoring_s": round(t_score, 3),
        "funnel": funnel,
        "scored": scored,
    }


def _peak_mb(reg: Registry, rules, categories, factors, config: MatchConfig) -> float:
    tracemalloc.start()
    _run_engine(reg, rules, categories, factors, config)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def _size(n: int, knowledge, *, memory: bool = True) -> dict:
    from symbiosis.sample import generate_streams_canonical

    rules, categories, factors = knowledge
    reg = generate_streams_canonical(n_streams=n)
    config = MatchConfig()
    repeats = 3 if n <= 10_000 else 1  # best of several: the machine is shared
    load = os.getloadavg()[0]
    res = min(
        (_run_engine(reg, rules, categories, factors, config) for _ in range(repeats)),
        key=lambda r: r["candidates_s"] + r["scoring_s"],
    )
    plain_s, plain_pairs = min(_plain_pass(reg, rules, config) for _ in range(repeats))
    n_pairs = len(reg.supplies) * len(reg.demands)
    rate = _naive_rate(reg, rules)
    engine_s = res["candidates_s"] + res["scoring_s"]
    row = {
        "case": f"candidates_k20_{n // 1000}k",
        "streams": n,
        "candidates": res["candidates"],
        "candidates_cpu_s": res["candidates_s"],
        "scoring_cpu_s": res["scoring_s"],
        "plain_kdtree_cpu_s": round(plain_s, 3),
        "plain_kdtree_pairs": plain_pairs,
        "candidates_over_plain": round(res["candidates_s"] / plain_s, 2),
        "target_ratio": 2.0,
        "with_scoring_over_plain": round(engine_s / plain_s, 2),
        "load_avg_1min": round(max(load, os.getloadavg()[0]), 1),
        "naive_pairs_per_s": round(rate),
        "naive_extrapolated_s": round(n_pairs / rate, 1),
        "speedup_vs_naive": round(n_pairs / rate / engine_s, 1),
        "funnel": res["funnel"],
    }
    if memory:
        row["peak_mb"] = _peak_mb(reg, rules, categories, factors, config)
    log.info("%s", {k: v for k, v in row.items() if k != "funnel"})
    return row


def _all_pairs(n: int, knowledge) -> dict:
    """K = 0 (every feasible pair) against the plain enumeration, and the value K = 20 keeps."""
    from symbiosis.engine.allocation import solve
    from symbiosis.engine.problem_builder import build_allocation_problem
    from symbiosis.sample import generate_streams_canonical

    rules, categories, factors = knowledge
    reg = generate_streams_canonical(n_streams=n)
    full_cfg = MatchConfig(k_nearest=0)
    full = _run_engine(reg, rules, categories, factors, full_cfg, frames=True)
    plain_s, plain_pairs = _plain_pass(reg, rules, full_cfg)
    objective = {}
    for k, res in ((0, full), (20, _run_engine(reg, rules, categories, factors, MatchConfig(), frames=True))):
        cfg = MatchConfig(k_nearest=k)
        problem = build_allocation_problem(res["scored"], reg, cfg)
        objective[k] = solve(problem, cfg.allocation_config()).objective
    row = {
        "case": f"candidates_all_{n // 1000}k",
        "streams": n,
        "candidates": full["candidates"],
        "candidates_cpu_s": full["candidates_s"],
        "scoring_cpu_s": full["scoring_s"],
        "plain_kdtree_cpu_s": round(plain_s, 3),
        "plain_kdtree_pairs": plain_pairs,
        "frames_over_plain": round((full["candidates_s"] + full["scoring_s"]) / plain_s, 2),
        "objective_k0": round(objective[0]),
        "objective_k20": round(objective[20]),
        "value_kept_k20_pct": round(100 * objective[20] / objective[0], 2),
        "funnel": full["funnel"],
    }
    log.info("%s", {k: v for k, v in row.items() if k != "funnel"})
    return row


def _plain_only(n: int, knowledge) -> dict:
    """At 100k, K = 0 is only enumerated (the full frame would hold tens of millions of rows)."""
    from symbiosis.sample import generate_streams_canonical

    reg = generate_streams_canonical(n_streams=n)
    plain_s, plain_pairs = _plain_pass(reg, knowledge[0], MatchConfig(k_nearest=0))
    return {
        "case": f"plain_enumeration_{n // 1000}k",
        "streams": n,
        "plain_kdtree_cpu_s": round(plain_s, 3),
        "plain_kdtree_pairs": plain_pairs,
    }


def main(*, large: bool = True) -> list[dict]:
    """Run the candidate benchmarks, write ``results/candidates.json`` and return one row per case."""
    knowledge = _knowledge()
    rows = [_size(1_000, knowledge), _size(10_000, knowledge), _all_pairs(10_000, knowledge)]
    if large:
        rows.append(_size(100_000, knowledge))
        rows.append(_plain_only(100_000, knowledge))
    sized = [r for r in rows if r["case"].startswith("candidates_k20")]
    if len(sized) >= 2:
        slope = np.polyfit(
            np.log([r["streams"] for r in sized]),
            np.log([max(r["candidates_cpu_s"], 1e-6) for r in sized]),
            1,
        )[0]
        rows.append({"case": "growth_candidates_cpu_vs_streams", "exponent": round(float(slope), 2)})
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2, default=str))
    return rows


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for r in main():
        print(json.dumps(r, default=str))
