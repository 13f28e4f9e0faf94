"""The continuous relaxation: one batched min-cost flow for pure components, an LP for generalised ones.

A demand whose arcs all share one yield ``y`` is rescaled to supply units (capacity / y), which is
exact; a component holding a demand with mixed yields is a generalised network and goes to HiGHS
(``scipy.optimize.linprog``). Both return flows in supply units on every arc (0 off the subset).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from symbiosis.engine.allocation.components import Labels
from symbiosis.engine.allocation.problem import AllocationConfig, Indexed

__all__ = ["Relaxed", "charged", "lp_flow", "mcf_flow", "relax"]

log = logging.getLogger(__name__)

# Added before flooring so that 0.29 * 100 = 28.999999999999996 still rounds to 29.
_FLOOR_SLACK = 1e-6


@dataclass(frozen=True)
class Relaxed:
    """Flows of a relaxation and, per component, the objective it may have lost to rounding.

    ``x`` holds supply units per arc (all arcs of the problem); ``delta`` is the per-component
    upper bound of (true optimum − objective of ``x``): 0 for LP components.
    """

    x: np.ndarray
    delta: np.ndarray


def charged(ix: Indexed) -> Indexed:
    """The problem with each fixed cost spread over its arc's capacity: gain − fixed / upper.

    Any side-feasible plan has ``y_a >= x_a / upper_a``, so ``fixed·y >= (fixed / upper)·x``: the
    flow optimum under these gains bounds the side-constrained optimum from above, more tightly
    than ignoring fixed costs (the linear relaxation of the fixed-charge model).
    """
    if not ix.fixed.any():
        return ix
    return replace(ix, gain=ix.gain - ix.fixed / np.maximum(ix.cap_arc, 1e-300))


def _floor(values: np.ndarray, scale: float) -> np.ndarray:
    return np.floor(values * scale + _FLOOR_SLACK).astype(np.int64)


def _network(ix: Indexed, arcs: np.ndarray, dem_cap: np.ndarray, config: AllocationConfig):
    """Integer arrays of the balanced network: arcs, dispose arcs, demand→sink arcs."""
    qs, vs = config.quantity_scale, config.value_scale
    ns, nd = ix.n_sup, ix.n_dem
    t, h = ix.tail[arcs], ix.head[arcs]
    sups, dems = np.unique(t), np.unique(h)
    y_dem = np.ones(nd)
    y_dem[h] = ix.yld[arcs]
    sup_int = _floor(ix.sup_cap[sups], qs)
    # An unlimited demand never takes more than all supply: keeps the integers in range.
    dem_su = np.minimum(dem_cap[dems] / y_dem[dems], ix.sup_cap.sum())
    dem_int = _floor(dem_su, qs)
    arc_int = _floor(ix.cap_arc[arcs], qs)
    sink = ns + nd
    tails = np.concatenate([t, sups, ns + dems]).astype(np.int32)
    heads = np.concatenate([ns + h, np.full(len(sups), sink), np.full(len(dems), sink)]).astype(np.int32)
    caps = np.concatenate([arc_int, sup_int, dem_int])
    costs = np.concatenate([-np.rint(ix.gain[arcs] * vs), np.zeros(len(sups) + len(dems))]).astype(np.int64)
    nodes = np.concatenate([sups, [sink]]).astype(np.int32)
    supply = np.concatenate([sup_int, [-sup_int.sum()]]).astype(np.int64)
    rounding = {"sup": (sups, ix.sup_cap[sups] - sup_int / qs),
                "dem": (dems, dem_su - dem_int / qs),
                "arc": ix.cap_arc[arcs] - arc_int / qs}
    return (tails, heads, caps, costs, nodes, supply), rounding


def mcf_flow(ix: Indexed, arcs: np.ndarray, dem_cap: np.ndarray, config: AllocationConfig):
    """Solve the pure network on ``arcs`` with one OR-Tools ``SimpleMinCostFlow`` call.

    Parameters
    ----------
    ix
        Indexed problem; every demand must see a single yield among ``arcs``.
    arcs
        Arc indices (gain > 0).
    dem_cap
        Demand capacities to use (closed demands at 0).
    config
        ``quantity_scale`` and ``value_scale``.

    Returns
    -------
    x : numpy.ndarray or None
        Flow per arc of ``arcs`` (supply units), None when the solver did not report OPTIMAL.
    rounding : dict
        Capacity lost to rounding per supply, demand (supply units) and arc.
    """
    (tails, heads, caps, costs, nodes, supply), rounding = _network(ix, arcs, dem_cap, config)
    smcf = min_cost_flow.SimpleMinCostFlow()
    ids = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(nodes, supply)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        log.warning("min-cost flow returned status %s on %d arcs; falling back to LP", status, len(arcs))
        return None, rounding
    return smcf.flows(ids[: len(arcs)]) / config.quantity_scale, rounding


def lp_flow(ix: Indexed, arcs: np.ndarray, dem_cap: np.ndarray) -> np.ndarray:
    """Solve the generalised network on ``arcs`` as an LP (HiGHS); return the flow per arc."""
    if len(arcs) == 0:
        return np.zeros(0)
    t, h = ix.tail[arcs], ix.head[arcs]
    sups, ti = np.unique(t, return_inverse=True)
    dems, hi = np.unique(h, return_inverse=True)
    n = len(arcs)
    cols = np.arange(n)
    rows = np.concatenate([ti, len(sups) + hi])
    vals = np.concatenate([np.ones(n), ix.yld[arcs]])
    a_ub = csr_matrix((vals, (rows, np.concatenate([cols, cols]))), shape=(len(sups) + len(dems), n))
    b_ub = np.concatenate([ix.sup_cap[sups], dem_cap[dems]])
    bounds = np.column_stack([np.zeros(n), ix.cap_arc[arcs]])
    res = linprog(-ix.gain[arcs], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP relaxation failed: {res.message}")
    return np.clip(res.x, 0.0, ix.cap_arc[arcs])


def relax(ix: Indexed, arcs: np.ndarray, dem_cap: np.ndarray, lab: Labels, general: np.ndarray,
          config: AllocationConfig) -> Relaxed:
    """Optimal continuous flows on ``arcs`` (gain > 0): min-cost flow where pure, LP where generalised.

    Parameters
    ----------
    ix, arcs, dem_cap, config
        As in :func:`mcf_flow`.
    lab
        Component labels of the usable arcs.
    general
        Boolean per component: holds a demand with mixed yields.

    Returns
    -------
    Relaxed
        Flows on every arc of the problem and the per-component rounding bound.
    """
    x = np.zeros(ix.n_arcs)
    delta = np.zeros(lab.n)
    is_gen = general[lab.sup[ix.tail[arcs]]]
    pure, gen = arcs[~is_gen], arcs[is_gen]
    if len(pure):
        xp, rounding = mcf_flow(ix, pure, dem_cap, config)
        if xp is None:
            gen = np.concatenate([gen, pure])
        else:
            x[pure] = xp
            delta = _delta_pure(ix, lab, pure, xp, rounding, config)
    if len(gen):
        x[gen] = lp_flow(ix, gen, dem_cap)
    return Relaxed(x=x, delta=delta)


def _delta_pure(ix: Indexed, lab: Labels, arcs: np.ndarray, x: np.ndarray, rounding: dict,
                config: AllocationConfig) -> np.ndarray:
    vs = config.value_scale
    comp = lab.sup[ix.tail[arcs]]
    err = np.abs(ix.gain[arcs] - np.rint(ix.gain[arcs] * vs) / vs)
    e_max, g_max = np.zeros(lab.n), np.zeros(lab.n)
    np.maximum.at(e_max, comp, err)
    np.maximum.at(g_max, comp, np.maximum(ix.gain[arcs], 0))
    sups, r_sup = rounding["sup"]
    dems, r_dem = rounding["dem"]
    lost_cap = (np.bincount(comp, weights=np.maximum(rounding["arc"], 0), minlength=lab.n)
                + np.bincount(lab.sup[sups], weights=np.maximum(r_sup, 0), minlength=lab.n)
                + np.bincount(lab.dem[dems], weights=np.maximum(r_dem, 0), minlength=lab.n))
    supply = np.bincount(lab.sup[sups], weights=ix.sup_cap[sups], minlength=lab.n)
    return np.bincount(comp, weights=err * x, minlength=lab.n) + e_max * supply + g_max * lost_cap
