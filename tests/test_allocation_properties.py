"""Seeded random instances: the allocation agrees with an independent monolithic LP/MILP (scipy HiGHS)."""

import numpy as np
import pytest

from symbiosis.engine.allocation import AllocationConfig, check_solution, make_problem, solve
from symbiosis.engine.allocation.reference import reference_lp, reference_milp

SEEDS = range(30)


def _instance(seed: int, *, max_arcs: int, mixed: bool, side: bool):
    """Random bipartite instance: 2-6 supplies, 2-6 demands, up to ``max_arcs`` distinct arcs."""
    rng = np.random.default_rng(seed)
    ns, nd = rng.integers(2, 7, size=2)
    pairs = rng.permutation(ns * nd)[: min(max_arcs, ns * nd)]
    s, d = pairs // nd, pairs % nd
    n = len(pairs)
    supplies = [
        {
            "stream_id": f"s{i}",
            "capacity": float(rng.uniform(1, 20)),
            "min_lot": float(rng.uniform(0, 6) if side and rng.random() < 0.4 else 0),
            "max_partners": int(rng.integers(1, 3) if side and rng.random() < 0.4 else 0),
        }
        for i in range(ns)
    ]
    demands = [
        {
            "stream_id": f"d{j}",
            "capacity": float(rng.uniform(1, 20)),
            "min_lot": float(rng.uniform(0, 15) if side and rng.random() < 0.4 else 0),
            "max_partners": int(rng.integers(1, 3) if side and rng.random() < 0.3 else 0),
        }
        for j in range(nd)
    ]
    yields = rng.choice([0.5, 1.0, 2.0], size=n) if mixed else np.ones(n)
    arcs = [
        {
            "candidate_id": f"c{k}",
            "supply_id": f"s{s[k]}",
            "demand_id": f"d{d[k]}",
            "yield_ratio": float(yields[k]),
            "upper": float(rng.uniform(2, 25)),
            "gain_per_unit": float(np.round(rng.uniform(-3, 10), 2)),
            "fixed_cost": float(rng.uniform(0, 20) if side and rng.random() < 0.5 else 0),
        }
        for k in range(n)
    ]
    return make_problem(supplies, demands, arcs)


def _no_over_allocation(problem, allocation):
    flows = allocation.flows
    out = flows.groupby("supply_id")["flow_per_yr"].sum()
    got = flows.groupby("demand_id")["delivered_per_yr"].sum()
    s_cap = problem.supplies.set_index("stream_id")["capacity"]
    d_cap = problem.demands.set_index("stream_id")["capacity"]
    assert (out <= s_cap.reindex(out.index) * (1 + 1e-9) + 1e-9).all()
    assert (got <= d_cap.reindex(got.index) * (1 + 1e-9) + 1e-9).all()
    assert (flows["flow_per_yr"] > 0).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_pure_allocation_matches_the_lp(seed):
    """Objective equals the monolithic LP within the reported rounding allowance (bound − objective)."""
    problem = _instance(seed, max_arcs=30, mixed=seed % 3 == 0, side=False)
    allocation = solve(problem)
    assert check_solution(problem, allocation) == []
    _no_over_allocation(problem, allocation)
    exact = reference_lp(problem).objective
    tol = 1e-6 * max(1.0, abs(exact))
    assert allocation.objective <= exact + tol
    assert allocation.bound >= exact - tol
    assert allocation.status in ("optimal", "empty")


@pytest.mark.parametrize("seed", SEEDS)
def test_side_constrained_matches_the_milp(seed):
    """On <= 12 arcs: objective <= pure bound, and == the monolithic MILP when reported optimal."""
    problem = _instance(1000 + seed, max_arcs=12, mixed=seed % 4 == 0, side=True)
    config = AllocationConfig(side_constraints=True, mip_gap=1e-7, time_limit_s=20)
    allocation = solve(problem, config)
    assert check_solution(problem, allocation) == []
    _no_over_allocation(problem, allocation)
    pure_bound = solve(problem).bound
    tol = 1e-5 * max(1.0, abs(pure_bound))
    assert allocation.objective <= pure_bound + tol
    ref = reference_milp(problem, config)
    assert ref.optimal
    assert allocation.bound >= ref.objective - tol
    if allocation.status == "optimal":
        assert allocation.objective == pytest.approx(ref.objective, rel=1e-5, abs=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_neighbourhood_search_is_feasible_and_below_the_milp(seed):
    """With the single exact model switched off (mip_max_arcs=0) the repaired plan improved by
    neighbourhood search is still valid, never better than the MILP optimum, and the reported bound
    (the relaxation's, the search proves nothing) still covers that optimum."""
    problem = _instance(2000 + seed, max_arcs=30, mixed=seed % 5 == 0, side=True)
    config = AllocationConfig(side_constraints=True, mip_max_arcs=0, mip_gap=1e-7, time_limit_s=0.5)
    allocation = solve(problem, config)
    assert check_solution(problem, allocation) == []
    assert "milp" not in allocation.method
    ref = reference_milp(problem, config)
    tol = 1e-5 * max(1.0, abs(ref.objective))
    assert allocation.objective <= ref.objective + tol
    assert allocation.bound >= ref.objective - tol


@pytest.mark.parametrize("seed", range(10))
def test_small_neighbourhoods_respect_what_fixed_links_use(seed):
    """Neighbourhoods of 3 streams: the links outside stay fixed, so capacities, partner limits and
    lots seen inside are residual. The plan stays valid and no worse than the repaired one."""
    problem = _instance(3000 + seed, max_arcs=30, mixed=False, side=True)
    base = AllocationConfig(side_constraints=True, mip_max_arcs=0, time_limit_s=0.0)
    repaired = solve(problem, base)
    config = AllocationConfig(
        side_constraints=True, mip_max_arcs=0, time_limit_s=0.3, lns_streams=3, seed=seed
    )
    allocation = solve(problem, config)
    assert check_solution(problem, allocation) == []
    assert allocation.objective >= repaired.objective - 1e-6 * max(1.0, abs(repaired.objective))


def test_zero_time_limit_still_returns_a_checked_plan():
    """No time for any MILP: the repaired plan comes back with status time_limit or better."""
    problem = _instance(7, max_arcs=30, mixed=False, side=True)
    allocation = solve(problem, AllocationConfig(side_constraints=True, time_limit_s=0.0, mip_gap=1e-9))
    assert check_solution(problem, allocation) == []
    assert allocation.status in ("optimal", "time_limit")
    assert "milp" not in allocation.method
