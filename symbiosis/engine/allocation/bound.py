"""A tighter upper bound for side constraints: the LP relaxation that keeps the partner limits.

The flow relaxation charges each link its fixed cost spread over its capacity (``y ≥ x / upper``)
and ignores partner limits. In the linear relaxation of the exact model those limits stay:
``Σ y ≤ k`` with ``y ≥ x / upper`` gives ``Σ x / upper ≤ k`` at every stream with a limit. A
receiver offered many small links can no longer take them all in the bound, which is where the flow
relaxation is loosest (5 % at 10,000 streams with three partners). Minimum lots do not tighten
this relaxation (``x ≥ lot · y`` holds at ``y = x / upper`` whenever a link can carry its lot), so
they are left to the exact model.

One LP (HiGHS) over every component that needs it; its optimum bounds each component's optimum
from above, and its flows are a better start for the repair than the plain flow's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, vstack

from symbiosis.engine.allocation.components import Labels
from symbiosis.engine.allocation.problem import Indexed

__all__ = ["PartnerBound", "partner_relaxation"]

log = logging.getLogger(__name__)

#: Relative slack added to an LP optimum before it is used as a proven bound (solver tolerances).
_SLACK = 1e-9


@dataclass(frozen=True)
class PartnerBound:
    """Upper bound per component (``inf`` where not computed) and the LP's flows on every arc."""

    bound: np.ndarray
    x: np.ndarray


def _limited(node: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Nodes (positions in ``node``'s index space) whose partner limit is below their degree here."""
    degree = np.bincount(node, minlength=len(k))
    return (k > 0) & (degree > k)


def partner_relaxation(ixc: Indexed, arcs: np.ndarray, labels: Labels, comps: np.ndarray) -> PartnerBound:
    """Solve the linear relaxation with partner limits over the components ``comps``.

    Parameters
    ----------
    ixc
        The problem with fixed costs charged into the gains
        (:func:`~symbiosis.engine.allocation.flow.charged`).
    arcs
        Arcs with a positive charged gain.
    labels
        Component labels.
    comps
        Components to bound.

    Returns
    -------
    PartnerBound
        Per component, the LP optimum (plus a relative slack of 1e-9) where some partner limit can
        bind; ``inf`` elsewhere (the flow relaxation's bound is as good there).
    """
    bound = np.full(labels.n, np.inf)
    flow = np.zeros(ixc.n_arcs)
    chosen = np.zeros(labels.n, bool)
    chosen[comps] = True
    arc = arcs[chosen[labels.sup[ixc.tail[arcs]]]]
    if not len(arc):
        return PartnerBound(bound, flow)
    t, arc_head = ixc.tail[arc], ixc.head[arc]
    sups, ti = np.unique(t, return_inverse=True)
    dems, hi = np.unique(arc_head, return_inverse=True)
    lim_s, lim_d = _limited(ti, ixc.sup_k[sups]), _limited(hi, ixc.dem_k[dems])
    comp = labels.sup[t]
    binding = np.zeros(labels.n, bool)
    binding[comp[lim_s[ti] | lim_d[hi]]] = True
    keep = binding[comp]
    if not keep.any():
        return PartnerBound(bound, flow)
    arc, t, arc_head, comp = arc[keep], t[keep], arc_head[keep], comp[keep]
    sups, ti = np.unique(t, return_inverse=True)
    dems, hi = np.unique(arc_head, return_inverse=True)
    n, cap = len(arc), ixc.cap_arc[arc]
    cols = np.arange(n)
    blocks = [
        csr_matrix((np.ones(n), (ti, cols)), shape=(len(sups), n)),
        csr_matrix((ixc.yld[arc], (hi, cols)), shape=(len(dems), n)),
    ]
    rhs = [ixc.sup_cap[sups], ixc.dem_cap[dems]]
    for node, k in ((ti, ixc.sup_k[sups]), (hi, ixc.dem_k[dems])):
        rows = np.flatnonzero(_limited(node, k))
        local = np.full(len(k), -1)
        local[rows] = np.arange(len(rows))
        on = local[node] >= 0
        blocks.append(csr_matrix((1.0 / cap[on], (local[node[on]], cols[on])), shape=(len(rows), n)))
        rhs.append(k[rows].astype(float))
    b_ub = np.concatenate(rhs)
    a_ub = vstack(blocks).tocsr()
    reach = np.asarray(abs(a_ub) @ cap).ravel()
    b_ub = np.where(np.isfinite(b_ub), b_ub, reach)  # an unlimited capacity: what its arcs can bring
    from scipy.optimize import linprog  # side constraints only: the plain run never loads it

    result = linprog(
        -ixc.gain[arc], A_ub=a_ub, b_ub=b_ub, bounds=np.column_stack([np.zeros(n), cap]), method="highs"
    )
    if result.status != 0:
        log.warning("partner relaxation failed (%s); the flow bound stands", result.message)
        return PartnerBound(bound, flow)
    flow[arc] = np.clip(result.x, 0.0, cap)
    value = np.bincount(comp, weights=ixc.gain[arc] * result.x, minlength=labels.n)
    bound[binding] = value[binding] + _SLACK * np.abs(value[binding])
    log.info("partner relaxation: %d components, %d arcs", int(binding.sum()), n)
    return PartnerBound(bound, flow)
