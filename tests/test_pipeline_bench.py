"""The pipeline benchmark keeps working (it is only run by hand and by ``python -m benchmarks``)."""

from __future__ import annotations

import math

from benchmarks.bench_pipeline import bench_one
from symbiosis.pipeline import STAGES


def test_bench_one_returns_a_flat_row_per_size():
    row = bench_one(300, seed=3)
    assert row["n_streams"] == 300 and row["status"] == "optimal"
    assert all(f"{s}_s" in row and f"{s}_pct" in row for s in STAGES)
    assert sum(row[f"{s}_s"] for s in STAGES) <= row["total_s"] + 1e-3
    assert row["bare_mcf_s"] > 0 and math.isfinite(row["alloc_path_over_bare"])
    assert all(not isinstance(v, (dict, list)) for v in row.values())  # one table row for the harness
