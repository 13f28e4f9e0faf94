"""Allocation on tiny instances whose optimum is worked out by hand in each docstring."""

import numpy as np
import pytest

from symbiosis.engine.allocation import AllocationConfig, check_solution, make_problem, solve

SIDE = AllocationConfig(side_constraints=True, mip_gap=1e-6)


PURE = AllocationConfig()


def _solve(problem, config=PURE):
    allocation = solve(problem, config)
    assert check_solution(problem, allocation) == []
    return allocation


def _flow(allocation, candidate):
    rows = allocation.flows.set_index("candidate_id")["flow_per_yr"]
    return float(rows.get(candidate, 0.0))


def _sup(**caps):
    return [{"stream_id": k, "capacity": v} for k, v in caps.items()]


def _arc(cid, s, d, gain, **kw):
    return {"candidate_id": cid, "supply_id": s, "demand_id": d, "gain_per_unit": gain, **kw}


def test_split_one_supply_over_two_demands():
    """s (10) → d1 (cap 6, gain 5) and d2 (cap 8, gain 3): fill d1 first, rest to d2 = 30 + 12 = 42."""
    p = make_problem(_sup(s=10), _sup(d1=6, d2=8), [_arc("a", "s", "d1", 5), _arc("b", "s", "d2", 3)])
    a = _solve(p)
    assert a.status == "optimal" and a.method == "min_cost_flow"
    assert a.objective == pytest.approx(42) and a.bound == pytest.approx(42)
    assert (_flow(a, "a"), _flow(a, "b")) == pytest.approx((6, 4))


def test_pooling_small_suppliers_reaches_the_receivers_lot():
    """d (cap 20, lot 10) gains 2/t; A (6 t) and B (5 t) are each below the lot but pool to 11 >= 10.

    Alternative e gains only 1/t. Optimum: both to d, 11 × 2 = 22.
    """
    p = make_problem(
        _sup(A=6, B=5),
        [{"stream_id": "d", "capacity": 20, "min_lot": 10}, *_sup(e=20)],
        [_arc("Ad", "A", "d", 2), _arc("Bd", "B", "d", 2), _arc("Ae", "A", "e", 1), _arc("Be", "B", "e", 1)],
    )
    a = _solve(p, SIDE)
    assert a.status == "optimal"
    assert a.objective == pytest.approx(22)
    assert (_flow(a, "Ad"), _flow(a, "Bd")) == pytest.approx((6, 5))


def test_unreachable_lot_leaves_the_demand_unserved():
    """Only A (6 t) can reach d (lot 10, gain 2): d stays unserved, A goes to e at 1/t: 6.

    Without side constraints A would serve d: 12, which remains a valid bound.
    """
    p = make_problem(
        _sup(A=6),
        [{"stream_id": "d", "capacity": 20, "min_lot": 10}, *_sup(e=20)],
        [_arc("Ad", "A", "d", 2), _arc("Ae", "A", "e", 1)],
    )
    a = _solve(p, SIDE)
    assert a.objective == pytest.approx(6) and _flow(a, "Ad") == 0
    assert a.status == "optimal"
    assert _solve(p).objective == pytest.approx(12)


def test_single_partner_picks_the_best_total_not_the_best_unit_gain():
    """s (10, max 1 partner): d1 (cap 6, 5/t) gives 30, d2 (cap 10, 4/t) gives 40 → d2 only, 40.

    The pure split would be 6 × 5 + 4 × 4 = 46.
    """
    p = make_problem(
        [{"stream_id": "s", "capacity": 10, "max_partners": 1}],
        _sup(d1=6, d2=10),
        [_arc("a", "s", "d1", 5), _arc("b", "s", "d2", 4)],
    )
    a = _solve(p, SIDE)
    assert a.objective == pytest.approx(40) and _flow(a, "b") == pytest.approx(10)
    assert a.bound >= 40 - 1e-9
    assert _solve(p).objective == pytest.approx(46)


def test_exclusive_flag_limits_every_stream_to_one_partner():
    """Same instance, no max_partners column value but exclusive=True: 40 as well."""
    p = make_problem(_sup(s=10), _sup(d1=6, d2=10), [_arc("a", "s", "d1", 5), _arc("b", "s", "d2", 4)])
    a = _solve(p, AllocationConfig(exclusive=True, mip_gap=1e-6))
    assert a.objective == pytest.approx(40) and len(a.flows) == 1


def test_fixed_cost_makes_a_link_not_worth_opening():
    """s (10): d1 at 2/t but a fixed cost of 25 (20 − 25 < 0); d2 at 1/t, free → 10 via d2.

    Pure allocation ignores fixed costs: 20.
    """
    p = make_problem(
        _sup(s=10), _sup(d1=10, d2=10), [_arc("a", "s", "d1", 2, fixed_cost=25), _arc("b", "s", "d2", 1)]
    )
    a = _solve(p, SIDE)
    assert a.objective == pytest.approx(10) and _flow(a, "a") == 0
    assert _solve(p).objective == pytest.approx(20)


def test_supplier_lot_per_link_forbids_splitting():
    """s (8, lot 5 per link): d1 (6, 3/t), d2 (6, 2/t). Pure: 6×3 + 2×2 = 22; two links would need
    10 > 8, so one link: 6 × 3 = 18."""
    p = make_problem(
        [{"stream_id": "s", "capacity": 8, "min_lot": 5}],
        _sup(d1=6, d2=6),
        [_arc("a", "s", "d1", 3), _arc("b", "s", "d2", 2)],
    )
    a = _solve(p, SIDE)
    assert a.objective == pytest.approx(18) and a.status == "optimal"


def test_mixed_yields_on_a_tree_are_a_plain_flow_in_node_units():
    """d (cap 10 demand units) from A (yield 2, 3/t) and B (yield 1, 2/t), each 10 t.

    max 3a + 2b, 2a + b <= 10: vertices (a, b) = (5, 0) → 15, (0, 10) → 20. Optimum 20 via B. A tree
    has no cycle, so A counted in half tonnes makes it a plain network: min-cost flow, no LP.
    """
    p = make_problem(
        _sup(A=10, B=10),
        _sup(d=10),
        [_arc("Ad", "A", "d", 3, yield_ratio=2.0), _arc("Bd", "B", "d", 2, yield_ratio=1.0)],
    )
    a = _solve(p)
    assert a.objective == pytest.approx(20) and a.method == "min_cost_flow"
    assert a.flows.set_index("candidate_id").loc["Bd", "delivered_per_yr"] == pytest.approx(10)


def test_consistent_cycle_of_mixed_yields_stays_a_plain_flow():
    """A→d1 (yield 2), A→d2 (1), B→d1 (4), B→d2 (2): every cycle multiplies to (2/1)·(2/4) = 1, so the
    component is a pure network in node units. d1 (cap 8) and d2 (cap 100), A, B 10 t each; gains
    A→d1 5, A→d2 1, B→d1 1, B→d2 3. Best: A fills d1 (4 t → 8 units, 20), A's 6 t left → d2 (6),
    B → d2 (10 t, 30): 56."""
    p = make_problem(
        _sup(A=10, B=10),
        _sup(d1=8, d2=100),
        [
            _arc("A1", "A", "d1", 5, yield_ratio=2.0),
            _arc("A2", "A", "d2", 1, yield_ratio=1.0),
            _arc("B1", "B", "d1", 1, yield_ratio=4.0),
            _arc("B2", "B", "d2", 3, yield_ratio=2.0),
        ],
    )
    a = _solve(p)
    assert a.objective == pytest.approx(56) and a.method == "min_cost_flow"


def test_inconsistent_cycle_of_yields_goes_through_the_lp():
    """A→d1 (yield 2), A→d2 (1), B→d1 (1), B→d2 (1): the cycle A-d1-B-d2 multiplies to 2 ≠ 1, a true
    generalised network. d1, d2 cap 10 each; A, B 10 t; gains A→d1 3, A→d2 1, B→d1 2, B→d2 2.
    Optimum: A→d1 5 t fills d1 (10 units, 15), B→d2 10 t fills d2 (20): 35 (B→d1 and A→d2 give 30);
    a plain flow ignoring the yield would put 10 t of A into d1 and overfill it."""
    from symbiosis.engine.allocation.reference import reference_lp

    p = make_problem(
        _sup(A=10, B=10),
        _sup(d1=10, d2=10),
        [
            _arc("A1", "A", "d1", 3, yield_ratio=2.0),
            _arc("A2", "A", "d2", 1, yield_ratio=1.0),
            _arc("B1", "B", "d1", 2, yield_ratio=1.0),
            _arc("B2", "B", "d2", 2, yield_ratio=1.0),
        ],
    )
    a = _solve(p)
    assert a.method == "lp" and a.components["method"].tolist() == ["lp"]
    assert a.objective == pytest.approx(reference_lp(p).objective) == pytest.approx(35)


@pytest.mark.parametrize("mixed", [False, True])
def test_unlimited_demand_capacity_is_solved_by_both_paths(mixed):
    """A demand of unlimited capacity (``inf``) takes all it is offered, whether its component is a
    plain flow or, with an inconsistent cycle of yields, an LP (which once crashed on the ``inf``
    right-hand side): A, B 10 t each at 2 $/t to d (unlimited) and 1 $/t to e (cap 4) → 40."""
    y = 2.0 if mixed else 1.0
    p = make_problem(
        _sup(A=10, B=10),
        _sup(d=float("inf"), e=4),
        [
            _arc("Ad", "A", "d", 2, yield_ratio=y),
            _arc("Ae", "A", "e", 1),
            _arc("Bd", "B", "d", 2),
            _arc("Be", "B", "e", 1),
        ],
    )
    a = _solve(p)
    assert a.method == ("lp" if mixed else "min_cost_flow")
    assert a.objective == pytest.approx(40)
    assert a.flows.set_index("candidate_id")["flow_per_yr"].to_dict() == pytest.approx({"Ad": 10, "Bd": 10})


def test_uniform_yield_is_rescaled_exactly():
    """d (cap 10 demand units) fed at yield 0.5 from s (30 t, 4/t): takes 20 t → 80, by min-cost flow."""
    p = make_problem(_sup(s=30), _sup(d=10), [_arc("a", "s", "d", 4, yield_ratio=0.5)])
    a = _solve(p)
    assert a.method == "min_cost_flow" and a.objective == pytest.approx(80)


@pytest.mark.parametrize("config", [AllocationConfig(), SIDE])
def test_negative_gain_arc_stays_unused(config):
    """s (10): d1 at −1/t, d2 (cap 4) at 2/t → 8, nothing on the losing arc (the rest is disposed)."""
    p = make_problem(_sup(s=10), _sup(d1=10, d2=4), [_arc("a", "s", "d1", -1), _arc("b", "s", "d2", 2)])
    a = _solve(p, config)
    assert a.objective == pytest.approx(8) and list(a.flows["candidate_id"]) == ["b"]


def test_negative_gain_arc_may_help_reach_a_pooled_lot():
    """d (lot 10, cap 10): A (8 t) at 3/t, B (2 t) at −1/t. A alone cannot reach the lot; with B:
    24 − 2 = 22 > 0."""
    p = make_problem(
        _sup(A=8, B=2),
        [{"stream_id": "d", "capacity": 10, "min_lot": 10}],
        [_arc("Ad", "A", "d", 3), _arc("Bd", "B", "d", -1)],
    )
    assert _solve(p, SIDE).objective == pytest.approx(22)


@pytest.mark.parametrize("config", [AllocationConfig(), SIDE])
def test_empty_problem(config):
    """No arcs: nothing to allocate, status 'empty', objective and bound 0."""
    a = _solve(make_problem(_sup(s=1), _sup(d=1), []), config)
    assert (a.status, a.objective, a.bound, len(a.flows)) == ("empty", 0.0, 0.0, 0)


def test_only_losing_arcs_is_empty():
    """One arc at −3/t: never used, status 'empty'."""
    a = _solve(make_problem(_sup(s=1), _sup(d=1), [_arc("a", "s", "d", -3)]))
    assert a.status == "empty" and a.objective == 0


def test_components_are_reported_and_sum_to_the_total():
    """Two disjoint pairs (3 × 2 = 6 and 4 × 1 = 4): two components, total 10."""
    p = make_problem(_sup(s1=3, s2=4), _sup(d1=5, d2=5), [_arc("a", "s1", "d1", 2), _arc("b", "s2", "d2", 1)])
    a = _solve(p)
    assert len(a.components) == 2 and a.components["objective"].sum() == pytest.approx(10)
    assert a.components["n_arcs"].tolist() == [1, 1]


def test_unknown_stream_is_rejected():
    """An arc naming a supply that does not exist is a programming error."""
    with pytest.raises(ValueError, match="unknown"):
        solve(make_problem(_sup(s=1), _sup(d=1), [_arc("a", "zz", "d", 1)]))


def test_checker_names_each_violation():
    """Tampered flows: over the supply, a wrong delivered figure, a wrong objective."""
    p = make_problem(_sup(s=10), _sup(d1=6, d2=8), [_arc("a", "s", "d1", 5), _arc("b", "s", "d2", 3)])
    a = solve(p)
    flows = a.flows.copy()
    flows.loc[:, "flow_per_yr"] = flows["flow_per_yr"] * 2
    bad = type(a)(**{**a.__dict__, "flows": flows})
    found = check_solution(p, bad)
    codes = {f.code for f in found}
    assert codes >= {"supply_over_capacity", "delivered_not_flow_times_yield", "objective_mismatch"}
    assert all(f.is_error and f.detail is not None and f.detail.fr != f.detail.en for f in found)
    assert any("over capacity" in f.message("en") and "capacité" in f.message("fr") for f in found)


@pytest.mark.parametrize(
    ("negated", "fr", "en"),
    [(1, "1 flux négatif", "1 negative flow"), (2, "2 flux négatifs", "2 negative flows")],
)
def test_checker_counts_in_each_languages_plural(negated, fr, en):
    p = make_problem(_sup(s=10), _sup(d1=6, d2=8), [_arc("a", "s", "d1", 5), _arc("b", "s", "d2", 3)])
    a = solve(p)
    flows = a.flows.copy()
    flows.loc[flows.index[:negated], "flow_per_yr"] *= -1
    found = {f.code: f.detail for f in check_solution(p, type(a)(**{**a.__dict__, "flows": flows}))}
    assert (found["flow_negative"].fr, found["flow_negative"].en) == (fr, en)


def test_checker_sees_side_constraint_violations():
    """The pure plan of the single-partner case breaks the partner limit when audited as side-constrained."""
    p = make_problem(
        [{"stream_id": "s", "capacity": 10, "max_partners": 1}],
        _sup(d1=6, d2=10),
        [_arc("a", "s", "d1", 5), _arc("b", "s", "d2", 4)],
    )
    found = check_solution(p, solve(p), config=SIDE)
    assert "supply_too_many_partners" in {f.code for f in found}


def test_rounding_error_is_bounded_by_the_reported_bound():
    """Awkward floats (gains not in cents, capacities not in kg): the min-cost-flow plan is within
    the reported rounding allowance of the exact LP, and the bound is above the LP optimum."""
    from symbiosis.engine.allocation.reference import reference_lp

    rng = np.random.default_rng(7)
    sup = [{"stream_id": f"s{i}", "capacity": c} for i, c in enumerate(rng.uniform(0.1, 3, 6))]
    dem = [{"stream_id": f"d{j}", "capacity": c} for j, c in enumerate(rng.uniform(0.1, 3, 5))]
    arcs = [
        _arc(f"a{i}{j}", f"s{i}", f"d{j}", g)
        for i in range(6)
        for j in range(5)
        for g in [rng.uniform(0.001, 0.05)]
    ]
    p = make_problem(sup, dem, arcs)
    config = AllocationConfig(value_scale=100.0, quantity_scale=10.0)
    a = _solve(p, config)
    exact = reference_lp(p).objective
    assert a.objective <= exact + 1e-9 <= a.bound + 2e-9
    assert exact - a.objective <= a.bound - a.objective + 1e-9
    assert a.bound - a.objective > 0  # coarse scales leave a visible, honest allowance


def test_the_exact_model_names_every_constraint_family():
    """2 supplies × 2 demands, every side constraint on: each family has the rows counted by hand."""
    from symbiosis.engine.allocation.mip import CONSTRAINT_FAMILIES, Component, build_model
    from symbiosis.engine.allocation.problem import index_problem

    p = make_problem(
        [
            {"stream_id": "s1", "capacity": 10, "min_lot": 2, "max_partners": 1},
            {"stream_id": "s2", "capacity": 10},
        ],
        [
            {"stream_id": "d1", "capacity": 8, "min_lot": 5},
            {"stream_id": "d2", "capacity": 8, "max_partners": 1},
        ],
        [
            _arc("a", "s1", "d1", 5),
            _arc("b", "s1", "d2", 4),
            _arc("c", "s2", "d1", 3),
            _arc("d", "s2", "d2", 2),
        ],
    )
    indexed = index_problem(p, SIDE)
    model = build_model(indexed, Component.of(indexed, np.arange(4)))
    rows = {name: len(positions) for name, positions in model.constraints.items()}
    # 4 links; s1's 2 links carry its lot; 2 supplies, 2 demands; d1 has a lot and 2 links in;
    # s1 and d2 have a partner limit.
    assert rows == {
        "Link-upper": 4,
        "Link-supply-lot": 2,
        "Supply-capacity": 2,
        "Demand-capacity": 2,
        "Demand-lot": 1,
        "Link-served": 2,
        "Supply-partners": 1,
        "Demand-partners": 1,
    }
    assert tuple(rows) == CONSTRAINT_FAMILIES and sum(rows.values()) == model.n_rows
    assert {name: len(v) for name, v in model.variables.items()} == {
        "Link-flow": 4,
        "Link-open": 4,
        "Demand-served": 1,
    }


def test_round_off_of_a_solver_is_no_flow():
    """A simplex basis leaves values like 1.8e-15 on arcs it does not use: they are set to 0 (each
    became an exchange of nothing). The threshold is 1e-9 of the arc's capacity (of 1 unit at
    least): 0.01 t of a 10 t arc is kept, 0.005 t of a 10-million-tonne one is round-off."""
    from symbiosis.engine.allocation.problem import index_problem
    from symbiosis.engine.allocation.solve import without_noise

    p = make_problem(
        _sup(A=10, B=1e7),
        _sup(d=float("inf")),
        [_arc("Ad", "A", "d", 1.0), _arc("Bd", "B", "d", 1.0)],
    )
    indexed = index_problem(p, PURE)
    kept = without_noise(indexed, np.array([1.8e-15, 2.6e-13]))
    assert kept.tolist() == [0.0, 0.0]
    assert without_noise(indexed, np.array([0.01, 5.0])).tolist() == [0.01, 5.0]
    assert without_noise(indexed, np.array([1e-7, 0.5])).tolist() == [1e-7, 0.5]
    assert without_noise(indexed, np.array([1e-8, 0.005])).tolist() == [0.0, 0.0]
