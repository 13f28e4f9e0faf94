"""Usable arcs, connected components and what each component needs (flow, LP, side constraints).

All functions are vectorised over arcs; nothing here loops over components in Python.

**Yields and node units.** An arc's flow ``x`` leaves its supply in supply units and arrives as
``yield · x`` demand units. If every node can be given a unit (``u_s`` supply units or ``v_d``
demand units per flow unit) such that ``yield = v_d / u_s`` on every arc, measuring each arc's flow
in flow units ``f = x / u_s`` turns the component into a pure network (:func:`yield_scales`). This
holds exactly when every cycle of the component multiplies to 1: always in a tree, and whenever each
demand sees one yield. Only components with a cycle of other product are generalised networks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from symbiosis.engine.allocation.problem import Indexed

__all__ = [
    "Labels",
    "Scales",
    "label_components",
    "mixed_yield_demands",
    "side_active_arcs",
    "usable_arcs",
    "yield_scales",
]

_EPS = 1e-9
#: Largest |log(yield) − (log v_d − log u_s)| still taken as a consistent cycle.
_LOG_TOL = 1e-9


@dataclass(frozen=True)
class Labels:
    """Component label of every usable arc and of the nodes they touch.

    ``arcs`` lists the usable arc indices; ``arc`` their component (0..n-1); ``sup``/``dem`` the
    component of every supply/demand, -1 when the node touches no usable arc.
    """

    arcs: np.ndarray
    arc: np.ndarray
    sup: np.ndarray
    dem: np.ndarray
    n: int

    def count(self, values: np.ndarray | None = None, *, on: str = "arc") -> np.ndarray:
        """Sum ``values`` (or count) per component over arcs, supplies or demands."""
        labels = {"arc": self.arc, "sup": self.sup, "dem": self.dem}[on]
        keep = labels >= 0
        w = None if values is None else np.asarray(values, dtype=float)[keep]
        return np.bincount(labels[keep], weights=w, minlength=self.n)


def usable_arcs(indexed: Indexed, side: bool) -> np.ndarray:
    """Indices of the arcs that can carry value.

    Parameters
    ----------
    indexed
        Indexed problem.
    side
        Side constraints on: an arc with gain <= 0 stays usable when its demand has a minimum lot
        (it may help the receiver reach it); arcs that cannot meet their supplier's per-link lot
        and demands whose lot exceeds their capacity are dropped.

    Returns
    -------
    numpy.ndarray
        Sorted arc indices.
    """
    ok = indexed.cap_arc > _EPS
    dem_lot = indexed.dem_lot[indexed.head]
    if side:
        ok &= (indexed.gain > 0) | (dem_lot > 0)
        ok &= indexed.cap_arc >= indexed.sup_lot[indexed.tail] * (1 - 1e-12)
        ok &= dem_lot <= indexed.dem_cap[indexed.head] * (1 + 1e-12)
    else:
        ok &= indexed.gain > 0
    return np.flatnonzero(ok)


def label_components(indexed: Indexed, arcs: np.ndarray) -> Labels:
    """Connected components of the bipartite supply-demand graph restricted to ``arcs``."""
    n_supplies, n_demands = indexed.n_sup, indexed.n_dem
    t, arc_head = indexed.tail[arcs], indexed.head[arcs] + n_supplies
    graph = coo_matrix(
        (np.ones(len(arcs), np.int8), (t, arc_head)), shape=(n_supplies + n_demands, n_supplies + n_demands)
    ).tocsr()
    _, raw = connected_components(graph, directed=False)
    touched = np.zeros(n_supplies + n_demands, bool)
    touched[t], touched[arc_head] = True, True
    # Relabel so that only components holding an arc get ids 0..n-1.
    uniq, new = np.unique(raw[touched], return_inverse=True)
    node = np.full(n_supplies + n_demands, -1, np.int64)
    node[touched] = new
    return Labels(arcs=arcs, arc=node[t], sup=node[:n_supplies], dem=node[n_supplies:], n=len(uniq))


def mixed_yield_demands(indexed: Indexed, arcs: np.ndarray) -> np.ndarray:
    """Boolean per demand: its arcs among ``arcs`` do not all share one yield (generalised flow)."""
    arc_head, y = indexed.head[arcs], indexed.yld[arcs]
    lo = np.full(indexed.n_dem, np.inf)
    hi = np.full(indexed.n_dem, -np.inf)
    np.minimum.at(lo, arc_head, y)
    np.maximum.at(hi, arc_head, y)
    return np.isfinite(lo) & (hi - lo > 1e-12 * np.abs(hi))


def _degree(index: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(index, minlength=n)


def side_active_arcs(indexed: Indexed, arcs: np.ndarray) -> np.ndarray:
    """Boolean per arc of ``arcs``: a side constraint touches it and may bind.

    Active: a fixed cost, a supplier lot, a receiver lot, a non-positive gain (kept only for
    pooling), or an end whose partner limit is below its degree.
    """
    t, arc_head = indexed.tail[arcs], indexed.head[arcs]
    out_deg, in_deg = _degree(t, indexed.n_sup), _degree(arc_head, indexed.n_dem)
    k_s, k_d = indexed.sup_k[t], indexed.dem_k[arc_head]
    return (
        (indexed.fixed[arcs] > 0)
        | (indexed.sup_lot[t] > 0)
        | (indexed.dem_lot[arc_head] > 0)
        | (indexed.gain[arcs] <= 0)
        | ((k_s > 0) & (out_deg[t] > k_s))
        | ((k_d > 0) & (in_deg[arc_head] > k_d))
    )


@dataclass(frozen=True)
class Scales:
    """Node units in which each pure component is a plain network (see the module docstring).

    ``sup`` (``u_s``, supply units per flow unit) and ``dem`` (``v_d``, demand units per flow unit)
    cover every node; ``general`` flags the components (of the :class:`Labels`) holding a cycle whose
    yields do not multiply to 1: those need the LP, and their node units are meaningless.
    """

    sup: np.ndarray
    dem: np.ndarray
    general: np.ndarray


def _tree_log_potentials(indexed: Indexed, arcs: np.ndarray) -> np.ndarray:
    """``log u`` of every supply then ``log v`` of every demand along a BFS forest of ``arcs``.

    One root supply per connected piece gets 0; a node's potential is its tree parent's plus (demand)
    or minus (supply) the log-yield of the tree arc, summed by pointer jumping (no loop over nodes).
    """
    n_supplies, n_demands = indexed.n_sup, indexed.n_dem
    n = n_supplies + n_demands
    # One arc per (supply, demand) pair: parallel arcs would add up in the sparse matrix.
    arcs = arcs[
        np.unique(indexed.tail[arcs].astype(np.int64) * n_demands + indexed.head[arcs], return_index=True)[1]
    ]
    t, arc_head = indexed.tail[arcs], indexed.head[arcs] + n_supplies
    graph = coo_matrix((np.ones(len(arcs), np.int8), (t, arc_head)), shape=(n, n)).tocsr()
    _, piece = connected_components(graph, directed=False)
    roots = t[np.unique(piece[t], return_index=True)[1]]  # one supply per piece holding an arc
    root = n  # a virtual node joined to every root
    rows = np.r_[t, arc_head, np.full(len(roots), root), roots]
    cols = np.r_[arc_head, t, roots, np.full(len(roots), root)]
    ids = np.arange(1, len(arcs) + 1)
    edge = np.r_[ids, ids, np.full(2 * len(roots), len(arcs) + 1)]
    tree = csr_matrix((edge.astype(np.float64), (rows, cols)), shape=(n + 1, n + 1))
    order, pred = breadth_first_order(tree, root, directed=False, return_predecessors=True)
    nodes = order[1:]
    parent = pred[nodes]
    step = np.zeros(n + 1)
    inner = parent != root
    k = np.asarray(tree[parent[inner], nodes[inner]]).ravel().astype(np.int64) - 1
    log_y = np.log(indexed.yld[arcs[k]])
    step[nodes[inner]] = np.where(nodes[inner] >= n_supplies, log_y, -log_y)
    up = np.full(n + 1, root)
    up[nodes] = parent
    while True:
        move = up != root
        if not move.any():
            return step[:n]
        step[move] += step[up[move]]
        up[move] = up[up[move]]


def yield_scales(indexed: Indexed, arcs: np.ndarray, labels: Labels) -> Scales:
    """Node units making each component a pure network, and which components cannot be made one.

    Parameters
    ----------
    indexed
        Indexed problem.
    arcs
        Arcs that will carry flow (a subset of ``lab.arcs``).
    labels
        Component labels.

    Returns
    -------
    Scales
        A component whose demands each see one yield keeps ``u_s = 1`` and ``v_d`` = that yield,
        exactly (so its numbers are those of a single-yield rescaling); a component with mixed
        yields but consistent cycles gets the units of a spanning forest (``u = exp(potential)``); a
        component with an inconsistent cycle is ``general``.
    """
    n_supplies = indexed.n_sup
    sup, dem = np.ones(n_supplies), np.ones(indexed.n_dem)
    general = np.zeros(labels.n, bool)
    if not len(arcs):
        return Scales(sup, dem, general)
    dem[indexed.head[arcs]] = indexed.yld[arcs]
    mixed = labels.count(mixed_yield_demands(indexed, arcs).astype(float), on="dem") > 0
    if not mixed.any():
        return Scales(sup, dem, general)
    sub = arcs[mixed[labels.sup[indexed.tail[arcs]]]]
    pot = _tree_log_potentials(indexed, sub)
    t, arc_head = indexed.tail[sub], indexed.head[sub]
    off = np.abs(pot[n_supplies + arc_head] - pot[t] - np.log(indexed.yld[sub])) > _LOG_TOL
    general[labels.sup[t[off]]] = True
    ok = ~general[labels.sup[t]]
    sup[t[ok]] = np.exp(pot[t[ok]])
    dem[arc_head[ok]] = np.exp(pot[n_supplies + arc_head[ok]])
    return Scales(sup, dem, general)
