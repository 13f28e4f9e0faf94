"""The continuous relaxation: one batched min-cost flow for pure components, an LP for generalised ones.

Each node is measured in its own unit (:func:`~symbiosis.engine.allocation.components.yield_scales`):
a demand whose arcs all share one yield ``y`` counts in supply units (capacity / y), and a component
whose yields differ but multiply to 1 around every cycle (a tree, say) gets node units from a
spanning forest. Both are exact pure networks for min-cost flow. Only a component with a cycle of
yields whose product differs from 1 is a generalised network and goes to HiGHS
(``scipy.optimize.linprog``, dual simplex). Both return flows in supply units on every arc (0 off
the subset).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from symbiosis.engine.allocation.components import Labels, Scales
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


def charged(indexed: Indexed) -> Indexed:
    """The problem with each fixed cost spread over its arc's capacity: gain − fixed / upper.

    Any side-feasible plan has ``y_a >= x_a / upper_a``, so ``fixed·y >= (fixed / upper)·x``: the
    flow optimum under these gains bounds the side-constrained optimum from above, more tightly
    than ignoring fixed costs (the linear relaxation of the fixed-charge model).
    """
    if not indexed.fixed.any():
        return indexed
    return replace(indexed, gain=indexed.gain - indexed.fixed / np.maximum(indexed.cap_arc, 1e-300))


def _floor(values: np.ndarray, scale: float) -> np.ndarray:
    return np.floor(values * scale + _FLOOR_SLACK).astype(np.int64)


def _network(
    indexed: Indexed,
    arcs: np.ndarray,
    dem_cap: np.ndarray,
    config: AllocationConfig,
    scales: Scales | None = None,
):
    """Integer arrays of the balanced network in flow units: arcs, dispose arcs, demand→sink arcs.

    A flow unit on an arc out of supply ``s`` is ``u_s`` supply units and ``v_d`` demand units at its
    demand (``scales``; by default ``u = 1`` and ``v`` = the yield of the demand's arcs, which must
    then be one per demand).
    """
    qs, vs = config.quantity_scale, config.value_scale
    ns, nd = indexed.n_sup, indexed.n_dem
    t, h = indexed.tail[arcs], indexed.head[arcs]
    sups, dems = np.unique(t), np.unique(h)
    if scales is None:
        u_sup = np.ones(ns)
        v_dem = np.ones(nd)
        v_dem[h] = indexed.yld[arcs]
    else:
        u_sup, v_dem = scales.sup, scales.dem
    sup_f = indexed.sup_cap[sups] / u_sup[sups]
    sup_int = _floor(sup_f, qs)
    # An unlimited demand never takes more than all supply: keeps the integers in range.
    dem_f = np.minimum(dem_cap[dems] / v_dem[dems], (indexed.sup_cap / u_sup).sum())
    dem_int = _floor(dem_f, qs)
    arc_f = indexed.cap_arc[arcs] / u_sup[t]
    arc_int = _floor(arc_f, qs)
    gain_f = indexed.gain[arcs] * u_sup[t]
    sink = ns + nd
    tails = np.concatenate([t, sups, ns + dems]).astype(np.int32)
    heads = np.concatenate([ns + h, np.full(len(sups), sink), np.full(len(dems), sink)]).astype(np.int32)
    caps = np.concatenate([arc_int, sup_int, dem_int])
    costs = np.concatenate([-np.rint(gain_f * vs), np.zeros(len(sups) + len(dems))]).astype(np.int64)
    nodes = np.concatenate([sups, [sink]]).astype(np.int32)
    supply = np.concatenate([sup_int, [-sup_int.sum()]]).astype(np.int64)
    rounding = {
        "sup": (sups, sup_f - sup_int / qs, sup_f),
        "dem": (dems, dem_f - dem_int / qs),
        "arc": arc_f - arc_int / qs,
        "gain": gain_f,
        "unit": u_sup[t],
    }
    return (tails, heads, caps, costs, nodes, supply), rounding


def mcf_flow(
    indexed: Indexed,
    arcs: np.ndarray,
    dem_cap: np.ndarray,
    config: AllocationConfig,
    scales: Scales | None = None,
):
    """Solve the pure network on ``arcs`` with one OR-Tools ``SimpleMinCostFlow`` call.

    Parameters
    ----------
    indexed
        Indexed problem.
    arcs
        Arc indices (gain > 0), all in components that ``scales`` makes pure.
    dem_cap
        Demand capacities to use (closed demands at 0).
    config
        ``quantity_scale`` and ``value_scale``.
    scales
        Node units (:func:`~symbiosis.engine.allocation.components.yield_scales`); by default each
        demand must see a single yield.

    Returns
    -------
    x : numpy.ndarray or None
        Flow per arc of ``arcs`` (supply units), None when the solver did not report OPTIMAL.
    rounding : dict
        Capacity lost to rounding per supply, demand and arc, and the gain per flow unit.
    """
    (tails, heads, caps, costs, nodes, supply), rounding = _network(indexed, arcs, dem_cap, config, scales)
    smcf = min_cost_flow.SimpleMinCostFlow()
    ids = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(nodes, supply)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        log.warning("min-cost flow returned status %s on %d arcs; falling back to LP", status, len(arcs))
        return None, rounding
    return smcf.flows(ids[: len(arcs)]) / config.quantity_scale * rounding["unit"], rounding


def _finite_rows(b_ub: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Capacities with an unlimited one replaced by the most its arcs can bring (their bounds' sum)."""
    return np.where(np.isfinite(b_ub), b_ub, reach)


def lp_flow(indexed: Indexed, arcs: np.ndarray, dem_cap: np.ndarray) -> np.ndarray:
    """Solve the generalised network on ``arcs`` as an LP (HiGHS dual simplex); return the flow per arc.

    An unlimited supply or demand capacity is replaced by what its arcs can carry at most (the LP
    solver takes no infinite right-hand side); an arc left unlimited as well makes the LP unbounded,
    which raises.
    """
    if len(arcs) == 0:
        return np.zeros(0)
    t, h = indexed.tail[arcs], indexed.head[arcs]
    sups, ti = np.unique(t, return_inverse=True)
    dems, hi = np.unique(h, return_inverse=True)
    n = len(arcs)
    cols = np.arange(n)
    rows = np.concatenate([ti, len(sups) + hi])
    vals = np.concatenate([np.ones(n), indexed.yld[arcs]])
    a_ub = csr_matrix((vals, (rows, np.concatenate([cols, cols]))), shape=(len(sups) + len(dems), n))
    cap = indexed.cap_arc[arcs]
    reach = np.concatenate(
        [
            np.bincount(ti, weights=cap, minlength=len(sups)),
            np.bincount(hi, weights=cap * indexed.yld[arcs], minlength=len(dems)),
        ]
    )
    b_ub = _finite_rows(np.concatenate([indexed.sup_cap[sups], dem_cap[dems]]), reach)
    bounded = np.isfinite(b_ub)
    bounds = np.column_stack([np.zeros(n), cap])
    res = linprog(
        -indexed.gain[arcs],
        A_ub=a_ub[bounded],
        b_ub=b_ub[bounded],
        bounds=bounds,
        method="highs-ds",
        options={"presolve": False},
    )
    if res.status != 0:
        raise RuntimeError(f"LP relaxation failed: {res.message}")
    return np.clip(res.x, 0.0, cap)


def relax(
    indexed: Indexed,
    arcs: np.ndarray,
    dem_cap: np.ndarray,
    lab: Labels,
    scales: Scales,
    config: AllocationConfig,
) -> Relaxed:
    """Optimal continuous flows on ``arcs`` (gain > 0): min-cost flow where pure, LP where generalised.

    Parameters
    ----------
    indexed, arcs, dem_cap, config
        As in :func:`mcf_flow`.
    lab
        Component labels of the usable arcs.
    scales
        Node units and the generalised components
        (:func:`~symbiosis.engine.allocation.components.yield_scales`).

    Returns
    -------
    Relaxed
        Flows on every arc of the problem and the per-component rounding bound.
    """
    x = np.zeros(indexed.n_arcs)
    delta = np.zeros(lab.n)
    is_gen = scales.general[lab.sup[indexed.tail[arcs]]]
    pure, gen = arcs[~is_gen], arcs[is_gen]
    if len(pure):
        xp, rounding = mcf_flow(indexed, pure, dem_cap, config, scales)
        if xp is None:
            gen = np.concatenate([gen, pure])
        else:
            x[pure] = xp
            delta = _delta_pure(indexed, lab, pure, xp / rounding["unit"], rounding, config)
    if len(gen):
        x[gen] = lp_flow(indexed, gen, dem_cap)
    return Relaxed(x=x, delta=delta)


def _delta_pure(
    indexed: Indexed, lab: Labels, arcs: np.ndarray, f: np.ndarray, rounding: dict, config: AllocationConfig
) -> np.ndarray:
    """Per component, the most objective the integer network may have lost: rounded gains on the flow
    ``f`` and on all supply, and the capacity floored away at the largest gain (all in flow units)."""
    vs = config.value_scale
    comp = lab.sup[indexed.tail[arcs]]
    gain = rounding["gain"]
    err = np.abs(gain - np.rint(gain * vs) / vs)
    e_max, g_max = np.zeros(lab.n), np.zeros(lab.n)
    np.maximum.at(e_max, comp, err)
    np.maximum.at(g_max, comp, np.maximum(gain, 0))
    sups, r_sup, sup_f = rounding["sup"]
    dems, r_dem = rounding["dem"]
    lost_cap = (
        np.bincount(comp, weights=np.maximum(rounding["arc"], 0), minlength=lab.n)
        + np.bincount(lab.sup[sups], weights=np.maximum(r_sup, 0), minlength=lab.n)
        + np.bincount(lab.dem[dems], weights=np.maximum(r_dem, 0), minlength=lab.n)
    )
    supply = np.bincount(lab.sup[sups], weights=sup_f, minlength=lab.n)
    return np.bincount(comp, weights=err * f, minlength=lab.n) + e_max * supply + g_max * lost_cap
