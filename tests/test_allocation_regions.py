"""Geographic decomposition of one allocation (issue #16 item 6): feasible, bounded, reconciled."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from symbiosis.engine.allocation import AllocationConfig, check_flows, make_problem, solve_indexed
from symbiosis.engine.allocation.problem import index_problem
from symbiosis.engine.allocation.regions import solve_by_regions, supply_regions
from tests.test_allocation_parts import _random_problem

PURE = AllocationConfig()


def _claimed(solution, config=PURE):
    return SimpleNamespace(
        objective=solution.objective, bound=solution.bound, gap=solution.gap, status="feasible", config=config
    )


def test_shared_demand_over_served_by_two_regions_is_reconciled():
    """West S1 (10) and east S2 (10) both prefer D (capacity 10, gains 5 and 4); each also has a local
    outlet (gain 1). Each region alone sends 10 to D (20 > 10): the boundary solve gives D to S1 and
    sends S2 to its outlet — the optimum 10·5 + 10·1 = 60."""
    sup = [{"stream_id": "S1", "capacity": 10}, {"stream_id": "S2", "capacity": 10}]
    dem = [
        {"stream_id": "D", "capacity": 10},
        {"stream_id": "W", "capacity": 10},
        {"stream_id": "E", "capacity": 10},
    ]
    arcs = [
        {"candidate_id": "1", "supply_id": "S1", "demand_id": "D", "gain_per_unit": 5.0},
        {"candidate_id": "2", "supply_id": "S2", "demand_id": "D", "gain_per_unit": 4.0},
        {"candidate_id": "3", "supply_id": "S1", "demand_id": "W", "gain_per_unit": 1.0},
        {"candidate_id": "4", "supply_id": "S2", "demand_id": "E", "gain_per_unit": 1.0},
    ]
    ix = index_problem(make_problem(sup, dem, arcs), PURE)
    solution = solve_by_regions(ix, PURE, np.array([0, 1]))
    assert solution.x.tolist() == pytest.approx([10.0, 0.0, 0.0, 10.0])
    assert solution.objective == pytest.approx(60.0)
    assert solution.bound == pytest.approx(50.0 + 40.0)  # each region alone, D counted twice
    assert solution.n_boundary_demands == 1
    assert check_flows(ix, solution.x, _claimed(solution)) == []


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("n_regions", [1, 2, 3, 5])
def test_decomposed_plans_are_feasible_and_bounded(seed, n_regions):
    ix = index_problem(_random_problem(seed, n=70, density=0.06), PURE)
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(46, 49, ix.n_sup), rng.uniform(-74, -68, ix.n_sup)
    solution = solve_by_regions(ix, PURE, supply_regions(lat, lon, n_regions))
    joint = solve_indexed(ix, PURE)
    assert check_flows(ix, solution.x, _claimed(solution)) == []
    assert solution.objective <= joint.bound + 1e-6
    assert solution.bound >= joint.objective - 1e-6
    if n_regions == 1:
        assert solution.objective == pytest.approx(joint.objective, rel=1e-9)
        assert solution.n_boundary_demands == 0


def test_supply_regions_are_equal_strips_along_the_longer_axis():
    lat = np.array([46.0, 46.1, 46.2, 46.3, 46.0, 46.1])
    lon = np.array([-79.0, -70.0, -75.0, -62.0, -66.0, -72.0])  # wide east-west
    region = supply_regions(lat, lon, 3)
    assert np.bincount(region).tolist() == [2, 2, 2]
    assert region[np.argmin(lon)] == 0 and region[np.argmax(lon)] == 2
    assert supply_regions(lat, lon, 1).tolist() == [0] * 6


def test_side_constraints_are_refused():
    ix = index_problem(_random_problem(0), PURE)
    with pytest.raises(ValueError, match="pure allocation"):
        solve_by_regions(ix, AllocationConfig(side_constraints=True), np.zeros(ix.n_sup, int))
