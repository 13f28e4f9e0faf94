"""Exact side-constrained model of one component, built by ``define_*`` functions, solved by HiGHS.

Variables: flow ``x`` per arc (``Link-flow``), opening ``y`` per arc (``Link-open``), served ``z`` per
demand with a minimum lot (``Demand-served``). The model is plain arrays handed to HiGHS through
OR-Tools MathOpt (:mod:`~symbiosis.engine.allocation._mathopt`), started from a feasible plan when
one is given; nothing solver-side outlives :func:`solve_component`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from symbiosis.engine.allocation._mathopt import solve_milp
from symbiosis.engine.allocation.problem import Indexed

__all__ = ["MipResult", "Sub", "build_model", "solve_component"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sub:
    """One component: its arcs (global indices) and local supply/demand numbering."""

    arcs: np.ndarray
    t: np.ndarray
    h: np.ndarray
    sups: np.ndarray
    dems: np.ndarray

    @classmethod
    def of(cls, ix: Indexed, arcs: np.ndarray) -> Sub:
        """Local numbering of the supplies and demands that ``arcs`` touch."""
        sups, t = np.unique(ix.tail[arcs], return_inverse=True)
        dems, h = np.unique(ix.head[arcs], return_inverse=True)
        return cls(arcs=arcs, t=t, h=h, sups=sups, dems=dems)


@dataclass
class _Model:
    """Growing arrays of a MILP: variables with bounds and costs, rows as COO triplets."""

    cost: list = field(default_factory=list)
    lb: list = field(default_factory=list)
    ub: list = field(default_factory=list)
    integer: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    lo: list = field(default_factory=list)
    hi: list = field(default_factory=list)
    var: dict = field(default_factory=dict)
    n_var: int = 0
    n_row: int = 0

    def add_vars(self, name: str, cost, lb, ub, integer: bool) -> np.ndarray:
        n = len(cost)
        self.cost.append(np.asarray(cost, float))
        self.lb.append(np.broadcast_to(np.asarray(lb, float), (n,)))
        self.ub.append(np.broadcast_to(np.asarray(ub, float), (n,)))
        self.integer.append(np.full(n, int(integer)))
        self.var[name] = np.arange(self.n_var, self.n_var + n)
        self.n_var += n
        return self.var[name]

    def add_rows(self, row, col, val, lo, hi) -> None:
        """Rows ``lo <= Σ val·x[col] <= hi``; ``row`` counts from 0 within this family."""
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        n = max(lo.size, hi.size)
        self.rows.append((np.asarray(row) + self.n_row, np.asarray(col), np.asarray(val, float)))
        self.lo.append(np.broadcast_to(np.asarray(lo, float), (n,)))
        self.hi.append(np.broadcast_to(np.asarray(hi, float), (n,)))
        self.n_row += n


def define_link_flow(m: _Model, ix: Indexed, s: Sub) -> None:
    """Flow per link, 0 <= x <= effective upper; objective −gain (HiGHS minimises)."""
    m.add_vars("Link-flow", -ix.gain[s.arcs], 0.0, ix.cap_arc[s.arcs], integer=False)


def define_link_open(m: _Model, ix: Indexed, s: Sub) -> None:
    """Binary opening per link, costing its fixed cost; x <= upper·y and x >= supplier lot·y."""
    x = m.add_vars("Link-open", ix.fixed[s.arcs], 0.0, 1.0, integer=True)
    f, n = m.var["Link-flow"], len(s.arcs)
    r = np.arange(n)
    m.add_rows(np.r_[r, r], np.r_[f, x], np.r_[np.ones(n), -ix.cap_arc[s.arcs]], np.full(n, -np.inf), 0.0)
    lot = ix.sup_lot[s.sups][s.t]
    has = np.flatnonzero(lot > 0)
    if len(has):
        k = np.arange(len(has))
        m.add_rows(
            np.r_[k, k],
            np.r_[f[has], x[has]],
            np.r_[np.ones(len(has)), -lot[has]],
            0.0,
            np.full(len(has), np.inf),
        )


def define_capacities(m: _Model, ix: Indexed, s: Sub) -> None:
    """Supply capacity Σ x <= s_i and demand capacity Σ yield·x <= c_j."""
    f, n = m.var["Link-flow"], len(s.arcs)
    m.add_rows(s.t, f, np.ones(n), np.full(len(s.sups), -np.inf), ix.sup_cap[s.sups])
    m.add_rows(s.h, f, ix.yld[s.arcs], np.full(len(s.dems), -np.inf), ix.dem_cap[s.dems])


def define_demand_lot(m: _Model, ix: Indexed, s: Sub) -> None:
    """Served demands take at least their lot (pooled): Σ yield·x >= lot·z, y <= z."""
    lot = ix.dem_lot[s.dems]
    has = np.flatnonzero(lot > 0)
    if not len(has):
        return
    z = m.add_vars("Demand-served", np.zeros(len(has)), 0.0, 1.0, integer=True)
    local = np.full(len(s.dems), -1)
    local[has] = np.arange(len(has))
    a = np.flatnonzero(local[s.h] >= 0)
    zr = local[s.h[a]]
    f, y = m.var["Link-flow"], m.var["Link-open"]
    m.add_rows(
        np.r_[zr, np.arange(len(has))],
        np.r_[f[a], z],
        np.r_[ix.yld[s.arcs[a]], -lot[has]],
        np.zeros(len(has)),
        np.inf,
    )
    k = np.arange(len(a))
    m.add_rows(
        np.r_[k, k],
        np.r_[y[a], z[zr]],
        np.r_[np.ones(len(a)), -np.ones(len(a))],
        np.full(len(a), -np.inf),
        0.0,
    )


def define_max_partners(m: _Model, ix: Indexed, s: Sub) -> None:
    """At most k opened links per supply and per demand that has a limit."""
    y = m.var["Link-open"]
    for node, k in ((s.t, ix.sup_k[s.sups]), (s.h, ix.dem_k[s.dems])):
        lim = k[node] > 0
        if lim.any():
            rows, inv = np.unique(node[lim], return_inverse=True)
            m.add_rows(inv, y[lim], np.ones(int(lim.sum())), np.full(len(rows), -np.inf), k[rows])


def build_model(ix: Indexed, s: Sub) -> _Model:
    """Call every ``define_*`` in order and return the model arrays."""
    m = _Model()
    for define in (
        define_link_flow,
        define_link_open,
        define_capacities,
        define_demand_lot,
        define_max_partners,
    ):
        define(m, ix, s)
    return m


@dataclass(frozen=True)
class MipResult:
    """Flows on the component's arcs (None if no incumbent), upper bound, whether proven in time."""

    x: np.ndarray | None
    bound: float
    optimal: bool


def _start(m: _Model, ix: Indexed, s: Sub, x: np.ndarray) -> np.ndarray:
    """Every variable of the model at the flows ``x`` of the component's arcs (a feasible plan)."""
    values = np.zeros(m.n_var)
    values[m.var["Link-flow"]] = x
    values[m.var["Link-open"]] = x > 0
    if "Demand-served" in m.var:
        got = np.bincount(s.h, weights=ix.yld[s.arcs] * x, minlength=len(s.dems))
        values[m.var["Demand-served"]] = got[ix.dem_lot[s.dems] > 0] > 0
    return values


def solve_component(
    ix: Indexed,
    arcs: np.ndarray,
    *,
    time_limit_s: float,
    mip_gap: float,
    start: np.ndarray | None = None,
    seed: int = 0,
) -> MipResult:
    """Solve one component's exact model with HiGHS under a time limit.

    Parameters
    ----------
    ix, arcs
        The problem and the component's arcs.
    time_limit_s, mip_gap
        Stop at this wall-clock time or relative gap.
    start
        A feasible plan (flow per arc of ``arcs``) to start from, or None.
    seed
        HiGHS random seed.

    Returns
    -------
    MipResult
        Cleaned flows (y rounded, x zero on closed links, clipped to bounds), the proven upper
        bound on the component's objective (+inf if none) and whether HiGHS proved the gap.
    """
    s = Sub.of(ix, arcs)
    m = build_model(ix, s)
    r, c, v = (np.concatenate(p) for p in zip(*m.rows, strict=True))
    res = solve_milp(
        np.concatenate(m.cost),
        np.concatenate(m.integer),
        np.concatenate(m.lb),
        np.concatenate(m.ub),
        rows=r,
        cols=c,
        vals=v,
        lo=np.concatenate(m.lo),
        hi=np.concatenate(m.hi),
        hint=None if start is None else _start(m, ix, s, start),
        time_limit_s=time_limit_s,
        rel_gap=mip_gap,
        seed=seed,
    )
    bound = -float(res.bound) if np.isfinite(res.bound) else np.inf
    if res.x is None:
        log.info("MIP on %d arcs: no incumbent", len(arcs))
        return MipResult(x=None, bound=bound, optimal=False)
    y = np.rint(res.x[m.var["Link-open"]])
    x = np.clip(res.x[m.var["Link-flow"]], 0.0, ix.cap_arc[arcs]) * y
    return MipResult(x=x, bound=bound, optimal=res.optimal)
