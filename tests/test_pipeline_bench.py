"""The pipeline benchmark keeps working (it is only run by hand and by ``python -m benchmarks``)."""

from __future__ import annotations

import math

from benchmarks.bench_pipeline import bench_one, growth_exponent
from symbiosis.pipeline import STAGES


def test_bench_one_returns_a_flat_row_per_size():
    row = bench_one(300, seed=3)
    assert row["n_streams"] == 300 and row["status"] == "optimal"
    assert all(f"{s}_s" in row and f"{s}_pct" in row for s in STAGES)
    # Each stage and the total are rounded to the millisecond: their sum may pass the total by half a
    # millisecond a figure.
    assert sum(row[f"{s}_s"] for s in STAGES) <= row["total_s"] + 0.5e-3 * (len(STAGES) + 1) + 1e-9
    assert row["bare_mcf_cpu_s"] > 0 and math.isfinite(row["run_over_bare"])
    assert row["run_cpu_s"] > 0 and row["peak_rss_gib"] > 0 and row["load_avg_1min"] >= 0
    assert all(not isinstance(v, (dict, list)) for v in row.values())  # one table row for the harness


def test_growth_exponent_is_the_log_log_slope():
    rows = [{"n": 10, "t": 1.0}, {"n": 100, "t": 100.0}, {"n": 1000, "t": 10000.0}]
    assert growth_exponent(rows, "n", "t") == __import__("pytest").approx(2.0)
    assert math.isnan(growth_exponent(rows[:1], "n", "t"))
