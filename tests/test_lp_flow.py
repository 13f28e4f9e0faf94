"""The generalised LP (``flow.lp_flow``, HiGHS through OR-Tools' model builder) against scipy's HiGHS.

``lp_flow`` once called ``scipy.optimize.linprog``; it now hands the same sparse matrix to the HiGHS
that OR-Tools bundles (no ``scipy.optimize`` import, no ``linprog`` wrapper). These tests hold it to
an independent LP written here with ``linprog`` (optimal value, feasibility) and to the monolithic
reference of :mod:`~symbiosis.engine.allocation.reference` through ``solve()``, and check that the
solver stays silent on stdout (``symbiosis match --json`` prints JSON only).
"""

import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from symbiosis.engine.allocation import check_solution, make_problem, solve
from symbiosis.engine.allocation.flow import lp_flow
from symbiosis.engine.allocation.problem import AllocationConfig, index_problem
from symbiosis.engine.allocation.reference import reference_lp

SEEDS = range(25)


def _generalised(seed: int, *, unlimited: bool = False):
    """Dense random bipartite instance with yields 0.5–3: cycles whose yields do not multiply to 1."""
    rng = np.random.default_rng(seed)
    ns, nd = rng.integers(3, 9, size=2)
    pairs = rng.permutation(ns * nd)[: int(rng.integers(ns + nd, ns * nd + 1))]
    s, d = pairs // nd, pairs % nd
    caps = rng.uniform(1, 30, size=ns + nd)
    if unlimited:
        caps[ns + rng.integers(nd)] = np.inf  # an unlimited demand (the crash of issue 13)
    supplies = [{"stream_id": f"s{i}", "capacity": float(caps[i])} for i in range(ns)]
    demands = [{"stream_id": f"d{j}", "capacity": float(caps[ns + j])} for j in range(nd)]
    arcs = [
        {
            "candidate_id": f"c{k}",
            "supply_id": f"s{s[k]}",
            "demand_id": f"d{d[k]}",
            "gain_per_unit": float(np.round(rng.uniform(0.1, 10), 2)),
            "yield_ratio": float(rng.choice([0.5, 0.8, 1.0, 1.5, 2.0, 3.0])),
            "upper": float(rng.uniform(2, 40)),
        }
        for k in range(len(pairs))
    ]
    return make_problem(supplies, demands, arcs)


def _linprog_value(ix, arcs) -> float:
    """The same LP written independently: max Σ gain·x, Σ_out x ≤ supply, Σ_in yield·x ≤ demand."""
    n = len(arcs)
    rows = np.r_[ix.tail[arcs], ix.n_sup + ix.head[arcs]]
    shape = (ix.n_sup + ix.n_dem, n)
    a = coo_matrix((np.r_[np.ones(n), ix.yld[arcs]], (rows, np.r_[np.arange(n), np.arange(n)])), shape=shape)
    b = np.r_[ix.sup_cap, ix.dem_cap]
    keep = np.isfinite(b)  # an unlimited row is no constraint
    a, b = a.tocsr()[keep], b[keep]
    r = linprog(-ix.gain[arcs], A_ub=a, b_ub=b, bounds=np.c_[np.zeros(n), ix.cap_arc[arcs]], method="highs")
    assert r.status == 0, r.message
    return -r.fun


@pytest.mark.parametrize("seed", SEEDS)
def test_lp_flow_reaches_the_independent_lp_optimum_and_is_feasible(seed):
    ix = index_problem(_generalised(seed, unlimited=seed % 4 == 0), AllocationConfig())
    arcs = np.flatnonzero(ix.gain > 0)
    x = lp_flow(ix, arcs, ix.dem_cap)
    value = float(ix.gain[arcs] @ x)
    expected = _linprog_value(ix, arcs)
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-7)
    assert (x >= 0).all() and (x <= ix.cap_arc[arcs] * (1 + 1e-9) + 1e-9).all()
    out = np.bincount(ix.tail[arcs], weights=x, minlength=ix.n_sup)
    got = np.bincount(ix.head[arcs], weights=x * ix.yld[arcs], minlength=ix.n_dem)
    assert (out <= ix.sup_cap * (1 + 1e-9) + 1e-7).all()
    assert (got <= ix.dem_cap * (1 + 1e-9) + 1e-7).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_solve_through_the_lp_matches_the_reference(seed):
    """Whole ``solve()`` on instances whose components need the LP: the reference LP's optimum."""
    problem = _generalised(seed)
    allocation = solve(problem)
    assert check_solution(problem, allocation) == []
    assert allocation.objective == pytest.approx(reference_lp(problem).objective, rel=1e-7, abs=1e-6)
    if "lp" not in allocation.method:  # a draw whose cycles all multiply to 1 is a plain flow
        assert allocation.method == "min_cost_flow"


def test_most_random_draws_do_take_the_lp():
    """The instances above exercise the LP path, not only the min-cost flow."""
    methods = [solve(_generalised(seed)).method for seed in SEEDS]
    assert sum("lp" in m for m in methods) >= len(methods) * 0.8


def test_unbounded_lp_raises():
    """An arc, its supply and its demand all unlimited: no finite optimum, a clear error."""

    def arc(s: str, d: str, yield_ratio: float = 1.0) -> dict:
        return {
            "candidate_id": s + d,
            "supply_id": s,
            "demand_id": d,
            "gain_per_unit": 1.0,
            "yield_ratio": yield_ratio,
        }

    problem = make_problem(
        [{"stream_id": "A", "capacity": np.inf}, {"stream_id": "B", "capacity": 5.0}],
        [{"stream_id": "d", "capacity": np.inf}, {"stream_id": "e", "capacity": 5.0}],
        [arc("A", "d", 2.0), arc("A", "e"), arc("B", "d"), arc("B", "e")],
    )
    ix = index_problem(problem, AllocationConfig())
    with pytest.raises(RuntimeError, match="LP relaxation failed"):
        lp_flow(ix, np.arange(ix.n_arcs), ix.dem_cap)


def test_the_lp_prints_nothing_on_stdout():
    """HiGHS prints a banner to stdout on its first solve in a process unless told not to; a fresh
    process, so that no earlier solve has printed it already."""
    code = (
        "import numpy as np; from tests.test_lp_flow import _generalised; "
        "from symbiosis.engine.allocation.flow import lp_flow; "
        "from symbiosis.engine.allocation.problem import AllocationConfig, index_problem; "
        "ix = index_problem(_generalised(1), AllocationConfig()); "
        "lp_flow(ix, np.flatnonzero(ix.gain > 0), ix.dem_cap)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == ""
