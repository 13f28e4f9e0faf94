"""Large-neighbourhood search for components too large for one exact model.

Pick a neighbourhood of streams (breadth-first around a random stream), keep every flow outside it
fixed, and solve the exact model of :mod:`~symbiosis.engine.allocation.mip` on the links inside it,
with capacities, partner limits and lots reduced by what the fixed links already use. A
neighbourhood plan replaces the current one only when it is better, so the plan stays feasible and
never gets worse. The bound is not touched: a restricted model proves nothing about the whole.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order

from symbiosis.engine.allocation.mip import solve_component
from symbiosis.engine.allocation.problem import Indexed

__all__ = ["improve"]

log = logging.getLogger(__name__)

_EPS = 1e-9


def _neighbourhood(graph, n_sup: int, seed_node: int, size: int) -> np.ndarray:
    """Node ids (supplies 0..S-1, demands S..) reached first by a BFS from ``seed_node``."""
    order = breadth_first_order(graph, seed_node, directed=False, return_predecessors=False)
    return order[:size]


def _residual(
    indexed: Indexed, arcs: np.ndarray, flow: np.ndarray, inside: np.ndarray, free: np.ndarray
) -> Indexed:
    """The problem seen by the free links: what fixed links use is taken off each stream."""
    fixed = arcs[~free]
    xf = flow[fixed]
    used = xf > 0
    out = np.bincount(indexed.tail[fixed], weights=xf, minlength=indexed.n_sup)
    got = np.bincount(indexed.head[fixed], weights=indexed.yld[fixed] * xf, minlength=indexed.n_dem)
    links_s = np.bincount(indexed.tail[fixed[used]], minlength=indexed.n_sup)
    links_d = np.bincount(indexed.head[fixed[used]], minlength=indexed.n_dem)
    sup_cap = np.maximum(indexed.sup_cap - out, 0.0)
    dem_cap = np.maximum(indexed.dem_cap - got, 0.0)
    # A demand already served by a fixed link needs only what is missing, unconditionally; the
    # model's lot is conditional, so such demands keep their lot only when nothing is missing.
    dem_lot = np.where(got > 0, 0.0, indexed.dem_lot)
    sup_k = np.where(indexed.sup_k > 0, np.maximum(indexed.sup_k - links_s, 0), 0)
    dem_k = np.where(indexed.dem_k > 0, np.maximum(indexed.dem_k - links_d, 0), 0)
    cap_arc = np.minimum(
        np.minimum(indexed.cap_arc, sup_cap[indexed.tail]), dem_cap[indexed.head] / indexed.yld
    )
    return replace(
        indexed, sup_cap=sup_cap, dem_cap=dem_cap, dem_lot=dem_lot, sup_k=sup_k, dem_k=dem_k, cap_arc=cap_arc
    )


def _free_arcs(indexed: Indexed, arcs: np.ndarray, nodes: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """Arcs with both ends in ``nodes``, minus those whose ends cannot change safely."""
    n_sup = indexed.n_sup
    in_s = np.zeros(n_sup, bool)
    in_d = np.zeros(indexed.n_dem, bool)
    in_s[nodes[nodes < n_sup]] = True
    in_d[nodes[nodes >= n_sup] - n_sup] = True
    free = in_s[indexed.tail[arcs]] & in_d[indexed.head[arcs]]
    # Partner limits reached by fixed links, or a lot half met by fixed links: freeze that stream.
    outside = ~free & (flow[arcs] > 0)
    links_s = np.bincount(indexed.tail[arcs[outside]], minlength=n_sup)
    links_d = np.bincount(indexed.head[arcs[outside]], minlength=indexed.n_dem)
    got = np.bincount(
        indexed.head[arcs[outside]], weights=(indexed.yld * flow)[arcs[outside]], minlength=indexed.n_dem
    )
    frozen_s = (indexed.sup_k > 0) & (links_s >= indexed.sup_k)
    frozen_d = ((indexed.dem_k > 0) & (links_d >= indexed.dem_k)) | ((got > 0) & (got < indexed.dem_lot))
    return free & ~frozen_s[indexed.tail[arcs]] & ~frozen_d[indexed.head[arcs]]


def improve(
    indexed: Indexed,
    arcs: np.ndarray,
    flow: np.ndarray,
    *,
    deadline: float,
    seed: int,
    size: int = 200,
    step_s: float = 2.0,
    mip_gap: float = 0.001,
) -> tuple[np.ndarray, int]:
    """Improve the plan ``flow`` on one component's ``arcs`` by neighbourhood MIPs until ``deadline``.

    Parameters
    ----------
    indexed
        Indexed problem.
    arcs
        Usable arcs of the component.
    flow
        Feasible flows on every arc (modified copy returned).
    deadline
        ``time.perf_counter()`` value to stop at.
    seed
        Seed of the neighbourhood choice.
    size
        Streams per neighbourhood.
    step_s
        Time limit of each neighbourhood MIP.
    mip_gap
        Gap of each neighbourhood MIP.

    Returns
    -------
    flow : numpy.ndarray
        Flows, feasible, objective not lower than the input's.
    accepted : int
        Neighbourhood plans that improved the objective.
    """
    flow = flow.copy()
    rng = np.random.default_rng(seed)
    n = indexed.n_sup + indexed.n_dem
    graph = coo_matrix(
        (np.ones(len(arcs)), (indexed.tail[arcs], indexed.n_sup + indexed.head[arcs])), shape=(n, n)
    ).tocsr()
    nodes_all = np.unique(np.r_[indexed.tail[arcs], indexed.n_sup + indexed.head[arcs]])
    accepted = 0
    while time.perf_counter() + 0.1 < deadline:
        nodes = _neighbourhood(graph, indexed.n_sup, int(rng.choice(nodes_all)), size)
        free = _free_arcs(indexed, arcs, nodes, flow)
        sub = arcs[free]
        if not len(sub):
            continue
        before = float((indexed.gain[sub] * flow[sub] - indexed.fixed[sub] * (flow[sub] > 0)).sum())
        result = solve_component(
            _residual(indexed, arcs, flow, nodes, free),
            sub,
            mip_gap=mip_gap,
            time_limit_s=min(step_s, deadline - time.perf_counter()),
            start=flow[sub],
            seed=seed,
        )
        if result.x is None:
            continue
        new = np.where(result.x > _EPS, result.x, 0.0)
        after = float((indexed.gain[sub] * new - indexed.fixed[sub] * (new > 0)).sum())
        if after > before + 1e-9 * max(1.0, abs(before)):
            flow[sub] = new
            accepted += 1
        if len(nodes) >= len(nodes_all):  # the neighbourhood was the whole component: done
            break
    log.info("LNS: %d improving neighbourhoods", accepted)
    return flow, accepted
