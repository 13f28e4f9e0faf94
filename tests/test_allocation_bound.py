"""The partner-limit LP bound and the warm-started MILP of the side-constrained allocation."""

from __future__ import annotations

import numpy as np
import pytest

from symbiosis.engine.allocation import AllocationConfig, check_solution, make_problem, solve
from symbiosis.engine.allocation.bound import partner_relaxation
from symbiosis.engine.allocation.components import label_components, usable_arcs
from symbiosis.engine.allocation.flow import charged
from symbiosis.engine.allocation.mip import solve_component
from symbiosis.engine.allocation.problem import index_problem
from symbiosis.engine.allocation.reference import reference_milp

SIDE = AllocationConfig(side_constraints=True, mip_gap=1e-6)


def _fan(k: int):
    """One supply (100 t) and five demands of 10 t, each worth 5 $/t; fixed cost 0, at most ``k`` partners.

    Flow relaxation: 5 × 10 × 5 = 250. With the limit, at most ``k`` links of 10 t: 50·k.
    """
    demands = [{"stream_id": f"d{j}", "capacity": 10.0} for j in range(5)]
    arcs = [
        {
            "candidate_id": f"a{j}",
            "supply_id": "s",
            "demand_id": f"d{j}",
            "gain_per_unit": 5.0,
            "yield_ratio": 1.0,
            "upper": np.inf,
            "fixed_cost": 0.0,
        }
        for j in range(5)
    ]
    return make_problem([{"stream_id": "s", "capacity": 100.0, "max_partners": k}], demands, arcs)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_partner_limit_tightens_the_bound_to_the_optimum(k):
    problem = _fan(k)
    ix = index_problem(problem, SIDE)
    arcs = usable_arcs(ix, True)
    lab = label_components(ix, arcs)
    tight = partner_relaxation(charged(ix), arcs, lab, np.arange(lab.n))
    assert tight.bound[0] == pytest.approx(50.0 * k)
    allocation = solve(problem, SIDE)
    assert check_solution(problem, allocation) == []
    assert allocation.objective == pytest.approx(50.0 * k)
    assert allocation.bound == pytest.approx(50.0 * k, rel=1e-6) and allocation.status == "optimal"


def test_no_binding_limit_leaves_the_flow_bound():
    ix = index_problem(_fan(5), SIDE)
    arcs = usable_arcs(ix, True)
    lab = label_components(ix, arcs)
    assert np.isinf(partner_relaxation(charged(ix), arcs, lab, np.arange(lab.n)).bound).all()


@pytest.mark.parametrize("seed", range(12))
def test_partner_bound_never_cuts_the_milp_optimum(seed):
    """Random instances with limits, lots and fixed costs: the LP bound stays above the exact optimum."""
    rng = np.random.default_rng(seed)
    ns, nd = 4, 6
    supplies = [
        {
            "stream_id": f"s{i}",
            "capacity": float(rng.uniform(5, 30)),
            "min_lot": float(rng.uniform(0, 4) * (rng.random() < 0.3)),
            "max_partners": int(rng.integers(1, 3)),
        }
        for i in range(ns)
    ]
    demands = [
        {
            "stream_id": f"d{j}",
            "capacity": float(rng.uniform(2, 12)),
            "min_lot": float(rng.uniform(0, 6) * (rng.random() < 0.3)),
            "max_partners": int(rng.integers(0, 3)),
        }
        for j in range(nd)
    ]
    arcs = [
        {
            "candidate_id": f"a{i}{j}",
            "supply_id": f"s{i}",
            "demand_id": f"d{j}",
            "gain_per_unit": float(rng.uniform(-1, 9)),
            "yield_ratio": float(rng.choice([0.5, 1.0, 2.0])),
            "upper": float(rng.uniform(3, 20)),
            "fixed_cost": float(rng.uniform(0, 15)),
        }
        for i in range(ns)
        for j in range(nd)
        if rng.random() < 0.7
    ]
    problem = make_problem(supplies, demands, arcs)
    ix = index_problem(problem, SIDE)
    arcs_ = usable_arcs(ix, True)
    lab = label_components(ix, arcs_)
    ixc = charged(ix)
    tight = partner_relaxation(ixc, arcs_[ixc.gain[arcs_] > 0], lab, np.arange(lab.n))
    exact = reference_milp(problem, SIDE)
    assert exact.optimal
    total = np.where(np.isfinite(tight.bound), tight.bound, 0.0).sum()
    finite = np.isfinite(tight.bound)
    if finite.all():
        assert total >= exact.objective - 1e-6 * max(1.0, abs(exact.objective))
    allocation = solve(problem, SIDE)
    assert check_solution(problem, allocation) == []
    assert allocation.bound >= exact.objective - 1e-5 * max(1.0, abs(exact.objective))


def test_warm_started_milp_returns_at_least_its_start():
    """With no time to search, HiGHS still hands back the (feasible) start it was given."""
    problem = _fan(2)
    ix = index_problem(problem, SIDE)
    arcs = np.arange(ix.n_arcs)
    start = np.array([10.0, 10.0, 0.0, 0.0, 0.0])
    res = solve_component(ix, arcs, time_limit_s=0.0, mip_gap=1e-9, start=start)
    assert res.x is not None
    assert float(ix.gain @ res.x) >= float(ix.gain @ start) - 1e-9
