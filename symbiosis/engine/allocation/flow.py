"""The continuous relaxation: one batched min-cost flow for pure components, an LP for generalised ones.

Each node is measured in its own unit (:func:`~symbiosis.engine.allocation.components.yield_scales`):
a demand whose arcs all share one yield ``y`` counts in supply units (capacity / y), and a component
whose yields differ but multiply to 1 around every cycle (a tree, say) gets node units from a
spanning forest. Both are exact pure networks for min-cost flow. Only a component with a cycle of
yields whose product differs from 1 is a generalised network and goes to HiGHS (dual simplex, no
presolve), called through OR-Tools' ``model_builder_helper`` on the sparse matrix: the HiGHS 1.12 that
the OR-Tools wheel bundles, the same version as scipy's, without ``scipy.optimize`` (its import and
``linprog``'s Python wrapper cost more than the solve on the sample). Both return flows in supply
units on every arc (0 off the subset).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
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
    quantity_scale, value_scale = config.quantity_scale, config.value_scale
    n_supplies, n_demands = indexed.n_sup, indexed.n_dem
    arc_tail, arc_head = indexed.tail[arcs], indexed.head[arcs]
    supplies, demands = np.unique(arc_tail), np.unique(arc_head)
    if scales is None:
        u_sup = np.ones(n_supplies)
        v_dem = np.ones(n_demands)
        v_dem[arc_head] = indexed.yld[arcs]
    else:
        u_sup, v_dem = scales.sup, scales.dem
    sup_f = indexed.sup_cap[supplies] / u_sup[supplies]
    sup_int = _floor(sup_f, quantity_scale)
    # An unlimited demand never takes more than all supply: keeps the integers in range.
    dem_f = np.minimum(dem_cap[demands] / v_dem[demands], (indexed.sup_cap / u_sup).sum())
    dem_int = _floor(dem_f, quantity_scale)
    arc_f = indexed.cap_arc[arcs] / u_sup[arc_tail]
    arc_int = _floor(arc_f, quantity_scale)
    gain_f = indexed.gain[arcs] * u_sup[arc_tail]
    sink = n_supplies + n_demands
    tails = np.concatenate([arc_tail, supplies, n_supplies + demands]).astype(np.int32)
    heads = np.concatenate(
        [n_supplies + arc_head, np.full(len(supplies), sink), np.full(len(demands), sink)]
    ).astype(np.int32)
    caps = np.concatenate([arc_int, sup_int, dem_int])
    costs = np.concatenate([-np.rint(gain_f * value_scale), np.zeros(len(supplies) + len(demands))]).astype(
        np.int64
    )
    nodes = np.concatenate([supplies, [sink]]).astype(np.int32)
    supply = np.concatenate([sup_int, [-sup_int.sum()]]).astype(np.int64)
    rounding = {
        "sup": (supplies, sup_f - sup_int / quantity_scale, sup_f),
        "dem": (demands, dem_f - dem_int / quantity_scale),
        "arc": arc_f - arc_int / quantity_scale,
        "gain": gain_f,
        "unit": u_sup[arc_tail],
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
    flow : numpy.ndarray or None
        Flow per arc of ``arcs`` (supply units), None when the solver did not report OPTIMAL.
    rounding : dict
        Capacity lost to rounding per supply, demand and arc, and the gain per flow unit.
    """
    (tails, heads, caps, costs, nodes, supply), rounding = _network(indexed, arcs, dem_cap, config, scales)
    solver = min_cost_flow.SimpleMinCostFlow()
    ids = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    solver.set_nodes_supplies(nodes, supply)
    status = solver.solve()
    if status != solver.OPTIMAL:
        log.warning("min-cost flow returned status %s on %d arcs; falling back to LP", status, len(arcs))
        return None, rounding
    return solver.flows(ids[: len(arcs)]) / config.quantity_scale * rounding["unit"], rounding


def _finite_rows(b_ub: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Capacities with an unlimited one replaced by the most its arcs can bring (their bounds' sum)."""
    return np.where(np.isfinite(b_ub), b_ub, reach)


#: HiGHS options of the generalised LP, as ``linprog(method="highs-ds")`` set them before: dual simplex,
#: no presolve (40 % faster on the 10,000-stream case), silent (HiGHS prints a banner to stdout
#: otherwise). Same HiGHS version, same options: the same flows, bit for bit, on the sample, 10,000 and
#: 100,000 streams (docs/benchmarks.md, fifth pass).
_LP_OPTIONS = "solver=simplex\nsimplex_strategy=1\npresolve=off\noutput_flag=false"


def lp_flow(indexed: Indexed, arcs: np.ndarray, dem_cap: np.ndarray) -> np.ndarray:
    """Solve the generalised network on ``arcs`` as an LP (HiGHS dual simplex); return the flow per arc.

    An unlimited supply or demand capacity is replaced by what its arcs can carry at most (the LP
    solver takes no infinite right-hand side); an arc left unlimited as well makes the LP unbounded,
    which raises.

    Raises
    ------
    RuntimeError
        When HiGHS does not report an optimal solution (unbounded or infeasible model).
    """
    if len(arcs) == 0:
        return np.zeros(0)
    from ortools.linear_solver.python import model_builder_helper  # only when an LP remains

    arc_tail, arc_head = indexed.tail[arcs], indexed.head[arcs]
    supplies, supply_row = np.unique(arc_tail, return_inverse=True)
    demands, demand_row = np.unique(arc_head, return_inverse=True)
    n_arcs = len(arcs)
    cols = np.arange(n_arcs)
    rows = np.concatenate([supply_row, len(supplies) + demand_row])
    vals = np.concatenate([np.ones(n_arcs), indexed.yld[arcs]])
    a_ub = csr_matrix(
        (vals, (rows, np.concatenate([cols, cols]))), shape=(len(supplies) + len(demands), n_arcs)
    )
    cap = indexed.cap_arc[arcs]
    reach = np.concatenate(
        [
            np.bincount(supply_row, weights=cap, minlength=len(supplies)),
            np.bincount(demand_row, weights=cap * indexed.yld[arcs], minlength=len(demands)),
        ]
    )
    b_ub = _finite_rows(np.concatenate([indexed.sup_cap[supplies], dem_cap[demands]]), reach)
    bounded = np.isfinite(b_ub)
    # Column bounds, objective (minimised, as linprog did: the same HiGHS path), row bounds, matrix;
    # typed Any because OR-Tools' stub spells its ndarray type in a way numpy arrays never match.
    sparse_data: list[Any] = [
        np.zeros(n_arcs),
        cap.astype(np.float64),
        -indexed.gain[arcs].astype(np.float64),
        np.full(int(bounded.sum()), -np.inf),
        b_ub[bounded].astype(np.float64),
        a_ub[bounded],
    ]
    model = model_builder_helper.ModelBuilderHelper()
    model.fill_model_from_sparse_data(*sparse_data)
    solver = model_builder_helper.ModelSolverHelper("highs")
    solver.enable_output(False)
    solver.set_solver_specific_parameters(_LP_OPTIONS)
    solver.solve(model)
    status = solver.status()
    if status != model_builder_helper.SolveStatus.OPTIMAL or not solver.has_solution():
        raise RuntimeError(f"LP relaxation failed: {status.name} {solver.status_string()}".strip())
    return np.clip(solver.variable_values(), 0.0, cap)


def relax(
    indexed: Indexed,
    arcs: np.ndarray,
    dem_cap: np.ndarray,
    labels: Labels,
    scales: Scales,
    config: AllocationConfig,
) -> Relaxed:
    """Optimal continuous flows on ``arcs`` (gain > 0): min-cost flow where pure, LP where generalised.

    Parameters
    ----------
    indexed, arcs, dem_cap, config
        As in :func:`mcf_flow`.
    labels
        Component labels of the usable arcs.
    scales
        Node units and the generalised components
        (:func:`~symbiosis.engine.allocation.components.yield_scales`).

    Returns
    -------
    Relaxed
        Flows on every arc of the problem and the per-component rounding bound.
    """
    flow = np.zeros(indexed.n_arcs)
    delta = np.zeros(labels.n)
    in_generalised = scales.general[labels.sup[indexed.tail[arcs]]]
    pure, generalised = arcs[~in_generalised], arcs[in_generalised]
    if len(pure):
        pure_flow, rounding = mcf_flow(indexed, pure, dem_cap, config, scales)
        if pure_flow is None:
            generalised = np.concatenate([generalised, pure])
        else:
            flow[pure] = pure_flow
            delta = _delta_pure(indexed, labels, pure, pure_flow / rounding["unit"], rounding, config)
    if len(generalised):
        flow[generalised] = lp_flow(indexed, generalised, dem_cap)
    return Relaxed(x=flow, delta=delta)


def _delta_pure(
    indexed: Indexed,
    labels: Labels,
    arcs: np.ndarray,
    flow: np.ndarray,
    rounding: dict,
    config: AllocationConfig,
) -> np.ndarray:
    """Per component, the most objective the integer network may have lost: rounded gains on the flow
    ``f`` and on all supply, and the capacity floored away at the largest gain (all in flow units)."""
    value_scale = config.value_scale
    component = labels.sup[indexed.tail[arcs]]
    gain = rounding["gain"]
    err = np.abs(gain - np.rint(gain * value_scale) / value_scale)
    e_max, g_max = np.zeros(labels.n), np.zeros(labels.n)
    np.maximum.at(e_max, component, err)
    np.maximum.at(g_max, component, np.maximum(gain, 0))
    supplies, r_sup, sup_f = rounding["sup"]
    demands, r_dem = rounding["dem"]
    lost_cap = (
        np.bincount(component, weights=np.maximum(rounding["arc"], 0), minlength=labels.n)
        + np.bincount(labels.sup[supplies], weights=np.maximum(r_sup, 0), minlength=labels.n)
        + np.bincount(labels.dem[demands], weights=np.maximum(r_dem, 0), minlength=labels.n)
    )
    supply = np.bincount(labels.sup[supplies], weights=sup_f, minlength=labels.n)
    return np.bincount(component, weights=err * flow, minlength=labels.n) + e_max * supply + g_max * lost_cap
