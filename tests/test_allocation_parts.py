"""Allocation by parts (issue #16 item 2): independent components solved apart, merged in part order."""

from __future__ import annotations

import numpy as np
import pytest

from symbiosis.engine.allocation import AllocationConfig, check_flows, make_problem, solve_indexed
from symbiosis.engine.allocation.components import label_components, usable_arcs
from symbiosis.engine.allocation.parts import merge_parts, solve_parts, split_parts
from symbiosis.engine.allocation.problem import index_problem
from symbiosis.engine.allocation.solve import relative_gap

PURE = AllocationConfig()
SIDE = AllocationConfig(side_constraints=True, time_limit_s=5.0)


def _two_islands():
    """Island A: S1 (10) → D1 (6, gain 5) or D2 (10, gain 2): optimum 6·5 + 4·2 = 38.
    Island B: S2 (3) → D3 (5, gain 4): 12. A dead arc (gain −1) joins nothing."""
    sup = [{"stream_id": "S1", "capacity": 10}, {"stream_id": "S2", "capacity": 3}]
    dem = [
        {"stream_id": "D1", "capacity": 6},
        {"stream_id": "D2", "capacity": 10},
        {"stream_id": "D3", "capacity": 5},
    ]
    arcs = [
        {"candidate_id": "a", "supply_id": "S1", "demand_id": "D1", "gain_per_unit": 5.0},
        {"candidate_id": "b", "supply_id": "S1", "demand_id": "D2", "gain_per_unit": 2.0},
        {"candidate_id": "c", "supply_id": "S2", "demand_id": "D3", "gain_per_unit": 4.0},
        {"candidate_id": "d", "supply_id": "S2", "demand_id": "D1", "gain_per_unit": -1.0},
    ]
    return make_problem(sup, dem, arcs)


def test_two_islands_solved_apart_reach_the_hand_optimum():
    ix = index_problem(_two_islands(), PURE)
    parts = split_parts(ix, PURE, max_part_arcs=1)
    assert [p.arcs.tolist() for p in parts] == [[0, 1], [2]]  # the larger island first; the dead arc nowhere
    solved = solve_parts(ix, PURE, max_part_arcs=1)
    assert solved.objective == pytest.approx(50.0)
    assert solved.x.tolist() == pytest.approx([6.0, 4.0, 3.0, 0.0])
    assert check_flows(ix, solved.x, solved) == []
    assert solved.status == "optimal" and len(solved.components) == 2


def test_empty_problem_gives_an_empty_status():
    ix = index_problem(
        make_problem([{"stream_id": "S", "capacity": 1}], [{"stream_id": "D", "capacity": 1}], []), PURE
    )
    solved = solve_parts(ix, PURE)
    assert solved.status == "empty" and solved.objective == 0.0 and merge_parts(ix, [], [], PURE).x.size == 0


def _random_problem(seed: int, n: int = 60, density: float = 0.04):
    rng = np.random.default_rng(seed)
    sup = [
        {
            "stream_id": f"S{i}",
            "capacity": float(rng.integers(1, 50)),
            "min_lot": float(rng.integers(0, 5)),
            "max_partners": int(rng.integers(0, 3)),
        }
        for i in range(n)
    ]
    dem = [
        {
            "stream_id": f"D{j}",
            "capacity": float(rng.integers(1, 50)),
            "max_partners": int(rng.integers(0, 3)),
        }
        for j in range(n)
    ]
    pairs = np.argwhere(rng.random((n, n)) < density)
    arcs = [
        {
            "candidate_id": f"{i}>{j}",
            "supply_id": f"S{i}",
            "demand_id": f"D{j}",
            "gain_per_unit": float(rng.normal(3, 2)),
            "yield_ratio": float(rng.choice([1.0, 0.8])),
            "fixed_cost": float(rng.integers(0, 20)),
        }
        for i, j in pairs
    ]
    return make_problem(sup, dem, arcs)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("config", [PURE, SIDE], ids=["pure", "side"])
def test_parts_cover_each_usable_arc_once_and_share_no_stream(seed, config):
    ix = index_problem(_random_problem(seed), config)
    parts = split_parts(ix, config, max_part_arcs=7)
    arcs = np.concatenate([p.arcs for p in parts]) if parts else np.zeros(0, int)
    assert np.array_equal(np.sort(arcs), usable_arcs(ix, config.side_constraints))
    sups = [set(ix.tail[p.arcs].tolist()) for p in parts]
    dems = [set(ix.head[p.arcs].tolist()) for p in parts]
    for i in range(len(parts)):
        for j in range(i + 1, len(parts)):
            assert not sups[i] & sups[j] and not dems[i] & dems[j]
    sizes = [p.n_arcs for p in parts]
    lab = label_components(ix, usable_arcs(ix, config.side_constraints))
    if len(parts) and lab.count().max() > 7:
        assert sizes[0] == lab.count().max()  # the giant component is part 0, alone


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("config", [PURE, SIDE], ids=["pure", "side"])
def test_parts_are_feasible_and_as_good_as_the_joint_solve(seed, config):
    """Checked without the solver; objective equal to the joint one within both bounds' gaps."""
    ix = index_problem(_random_problem(seed), config)
    joint = solve_indexed(ix, config)
    for size in (1, 7, 10_000):
        parts = solve_parts(ix, config, max_part_arcs=size)
        assert check_flows(ix, parts.x, parts) == []
        assert parts.objective <= parts.bound * (1 + 1e-9) + 1e-9
        # Each plan is under the other's proven bound, and within the optimality tolerance of it.
        assert parts.objective <= joint.bound + 1e-6 and joint.objective <= parts.bound + 1e-6
        if parts.status == joint.status == "optimal":
            assert relative_gap(parts.objective, joint.bound) <= config.mip_gap + 1e-9


def test_same_parts_same_flows_whatever_the_map():
    """Any ``map`` that returns results in order gives the same flows bit for bit (the cluster's contract)."""
    ix = index_problem(_random_problem(11, n=80, density=0.05), PURE)
    here = solve_parts(ix, PURE, max_part_arcs=20)

    def reversed_map(function, items):
        items = list(items)
        return list(reversed([function(i) for i in reversed(items)]))

    there = solve_parts(ix, PURE, max_part_arcs=20, map_function=reversed_map)
    assert np.array_equal(here.x, there.x) and here.objective == there.objective
