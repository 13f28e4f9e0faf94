"""Geographic decomposition of one allocation (issue #16 item 6): feasible, bounded, reconciled."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.allocation import AllocationConfig, check_flows, make_problem, solve_indexed
from symbiosis.engine.allocation.parts import part_arcs, solve_parts
from symbiosis.engine.allocation.problem import Indexed, index_problem
from symbiosis.engine.allocation.regions import solve_allocation, solve_by_regions, supply_regions
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


def test_supply_regions_by_weight_hold_about_equal_arcs():
    """Strips weighted by each supply's arcs: a dense west and a sparse east still split the arcs evenly."""
    rng = np.random.default_rng(4)
    lon = np.r_[rng.uniform(-74, -73, 50), rng.uniform(-70, -62, 50)]
    lat = rng.uniform(46, 46.5, 100)
    arcs = np.r_[np.full(50, 40), np.full(50, 2)]  # the west's supplies have 20 times the arcs
    region = supply_regions(lat, lon, 4, weights=arcs)
    per_region = np.bincount(region, weights=arcs, minlength=4)
    assert per_region.max() - per_region.min() <= 2 * arcs.max()
    assert np.bincount(supply_regions(lat, lon, 4), weights=arcs).max() > 1.5 * per_region.max()  # by count
    assert np.all(np.diff(region[np.argsort(lon)]) >= 0)  # strips in longitude order


def _problem_with_places(seed: int):
    ix = index_problem(_random_problem(seed, n=70, density=0.06), PURE)
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(46, 49, ix.n_sup), rng.uniform(-74, -68, ix.n_sup)
    return ix, (lambda: (lat, lon))


@pytest.mark.parametrize("seed", range(6))
def test_solve_allocation_below_the_threshold_is_the_parts_solve_bit_for_bit(seed):
    ix, _ = _problem_with_places(seed)
    parts = solve_parts(ix, PURE, max_part_arcs=20)
    asked = []
    for files in (True, False):
        whole = solve_allocation(
            ix, PURE, points=lambda: asked.append(1), region_arcs=ix.n_arcs, max_part_arcs=20, files=files
        )
        assert np.array_equal(whole.x, parts.x)
        assert (whole.objective, whole.bound, whole.status, whole.method) == (
            parts.objective,
            parts.bound,
            parts.status,
            parts.method,
        )
        pd.testing.assert_frame_equal(
            whole.components.drop(columns="seconds"), parts.components.drop(columns="seconds")
        )
    assert asked == []  # the supplies' places are read only when a part is cut


@pytest.mark.parametrize("seed", range(6))
def test_a_part_above_the_threshold_is_cut_into_regions_feasible_and_bounded(seed):
    ix, points = _problem_with_places(seed)
    joint = solve_indexed(ix, PURE)
    sizes = [len(a) for a in part_arcs(ix, PURE)]
    cut = solve_allocation(ix, PURE, points=points, region_arcs=max(sizes) // 3)
    assert check_flows(ix, cut.x, cut) == []
    assert cut.objective <= joint.bound + 1e-6 and cut.bound >= joint.objective - 1e-6
    assert cut.method.endswith("regions")
    assert cut.status in ("optimal", "feasible")
    assert cut.components["method"].str.endswith("regions").sum() >= 1
    assert len(cut.components) == len(sizes)


def test_tasks_receive_file_paths_one_sub_problem_at_a_time_and_the_folder_is_removed(tmp_path):
    """With files, every task is a path to its sub-problem (written as the map consumes the items),
    the files round-trip bit for bit, and the folder is gone when the solve returns."""
    from symbiosis.distributed.problem_files import read_problem

    ix, points = _problem_with_places(1)
    seen: list[tuple[str, list[str]]] = []

    def recording_map(function, items):
        out = []
        for item in items:
            assert isinstance(item, str)
            sub = read_problem(item, Indexed)
            seen.append((item, sorted(p.name for p in tmp_path.rglob("*.npz"))))
            out.append(function(item))
            assert np.array_equal(out[-1].x, solve_indexed(sub, PURE).x)
        return out

    sizes = [len(a) for a in part_arcs(ix, PURE)]
    cut = solve_allocation(
        ix, PURE, map_function=recording_map, points=points, region_arcs=max(sizes) // 3, folder=str(tmp_path)
    )
    plain = solve_allocation(ix, PURE, points=points, region_arcs=max(sizes) // 3, files=False)
    assert np.array_equal(cut.x, plain.x) and cut.objective == plain.objective
    assert len(seen[0][1]) == 1  # written lazily: one file when the first task runs
    assert len(seen) >= 3  # regions, the other parts, the boundary
    assert list(tmp_path.iterdir()) == []


def test_write_and_read_problem_round_trip_bit_for_bit(tmp_path):
    from dataclasses import fields

    from symbiosis.distributed.problem_files import read_problem, write_problem

    ix = index_problem(_random_problem(2), PURE)
    back = read_problem(write_problem(ix, tmp_path / "p.npz"), Indexed)
    for f in fields(ix):
        a, b = getattr(ix, f.name), getattr(back, f.name)
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), f.name
    assert [p.name for p in tmp_path.iterdir()] == ["p.npz"]  # no partial file left


def test_side_constraints_solve_a_big_part_whole(caplog):
    ix, points = _problem_with_places(0)
    side = AllocationConfig(side_constraints=True, time_limit_s=5.0)
    with caplog.at_level("WARNING"):
        whole = solve_allocation(ix, side, points=points, region_arcs=3)
    assert "solved whole" in caplog.text
    assert "regions" not in whole.method
    assert check_flows(ix, whole.x, whole) == []
