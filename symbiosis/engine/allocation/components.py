"""Usable arcs, connected components and what each component needs (flow, LP, side constraints).

All functions are vectorised over arcs; nothing here loops over components in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from symbiosis.engine.allocation.problem import Indexed

__all__ = ["Labels", "label_components", "mixed_yield_demands", "side_active_arcs", "usable_arcs"]

_EPS = 1e-9


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
        lab = {"arc": self.arc, "sup": self.sup, "dem": self.dem}[on]
        keep = lab >= 0
        w = None if values is None else np.asarray(values, dtype=float)[keep]
        return np.bincount(lab[keep], weights=w, minlength=self.n)


def usable_arcs(ix: Indexed, side: bool) -> np.ndarray:
    """Indices of the arcs that can carry value.

    Parameters
    ----------
    ix
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
    ok = ix.cap_arc > _EPS
    dem_lot = ix.dem_lot[ix.head]
    if side:
        ok &= (ix.gain > 0) | (dem_lot > 0)
        ok &= ix.cap_arc >= ix.sup_lot[ix.tail] * (1 - 1e-12)
        ok &= dem_lot <= ix.dem_cap[ix.head] * (1 + 1e-12)
    else:
        ok &= ix.gain > 0
    return np.flatnonzero(ok)


def label_components(ix: Indexed, arcs: np.ndarray) -> Labels:
    """Connected components of the bipartite supply-demand graph restricted to ``arcs``."""
    ns, nd = ix.n_sup, ix.n_dem
    t, h = ix.tail[arcs], ix.head[arcs] + ns
    graph = coo_matrix((np.ones(len(arcs), np.int8), (t, h)), shape=(ns + nd, ns + nd)).tocsr()
    _, raw = connected_components(graph, directed=False)
    touched = np.zeros(ns + nd, bool)
    touched[t], touched[h] = True, True
    # Relabel so that only components holding an arc get ids 0..n-1.
    uniq, new = np.unique(raw[touched], return_inverse=True)
    node = np.full(ns + nd, -1, np.int64)
    node[touched] = new
    return Labels(arcs=arcs, arc=node[t], sup=node[:ns], dem=node[ns:], n=len(uniq))


def mixed_yield_demands(ix: Indexed, arcs: np.ndarray) -> np.ndarray:
    """Boolean per demand: its arcs among ``arcs`` do not all share one yield (generalised flow)."""
    h, y = ix.head[arcs], ix.yld[arcs]
    lo = np.full(ix.n_dem, np.inf)
    hi = np.full(ix.n_dem, -np.inf)
    np.minimum.at(lo, h, y)
    np.maximum.at(hi, h, y)
    return np.isfinite(lo) & (hi - lo > 1e-12 * np.abs(hi))


def _degree(index: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(index, minlength=n)


def side_active_arcs(ix: Indexed, arcs: np.ndarray) -> np.ndarray:
    """Boolean per arc of ``arcs``: a side constraint touches it and may bind.

    Active: a fixed cost, a supplier lot, a receiver lot, a non-positive gain (kept only for
    pooling), or an end whose partner limit is below its degree.
    """
    t, h = ix.tail[arcs], ix.head[arcs]
    out_deg, in_deg = _degree(t, ix.n_sup), _degree(h, ix.n_dem)
    k_s, k_d = ix.sup_k[t], ix.dem_k[h]
    return (
        (ix.fixed[arcs] > 0) | (ix.sup_lot[t] > 0) | (ix.dem_lot[h] > 0) | (ix.gain[arcs] <= 0)
        | ((k_s > 0) & (out_deg[t] > k_s)) | ((k_d > 0) & (in_deg[h] > k_d))
    )
