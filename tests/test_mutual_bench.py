"""The mutualisation benchmark keeps working (it runs in full only by hand and in ``make bench``)."""

from __future__ import annotations

from benchmarks.bench_mutual import purchasing_row, routes_rows


def test_small_purchasing_and_routing_rows_are_flat_and_checked():
    row = purchasing_row(40, 4, share=0.8, budget_s=5.0)
    assert row["violations"] == 0 and row["status"] in ("optimal", "feasible") and row["purchases"] > 50
    assert row["objective_cad"] >= row["greedy_cad"] and row["relaxed_bound_cad"] >= row["objective_cad"]
    (route,) = routes_rows(25, 3, searches=(("greedy_descent", 1.0),))
    assert route["violations"] == route["nn_violations"] == 0 and route["served"] == 25
    assert all(not isinstance(v, dict | list) for v in (*row.values(), *route.values()))


def test_the_planner_rows_compare_the_former_planners_on_the_same_result():
    from benchmarks.bench_mutual_pages import planner_rows

    (row,) = planner_rows(
        repeats=1, levers=("routes",)
    )  # every former planner is patched in, whatever the lever
    assert (
        row["lever"] == "routes" and row["same_result"] and row["before_cpu_s"] > 0 and row["after_cpu_s"] > 0
    )
