"""Exact side-constrained model of one component, built by ``define_*`` functions, solved by HiGHS.

Variable families: the flow per link (``Link-flow``), whether the link is opened (``Link-open``,
binary) and whether a demand with a minimum lot is served (``Demand-served``, binary). Constraint
families (:data:`CONSTRAINT_FAMILIES`, each built by one ``define_*``): ``Link-upper``,
``Link-supply-lot``, ``Supply-capacity``, ``Demand-capacity``, ``Demand-lot``, ``Link-served``,
``Supply-partners``, ``Demand-partners``. The model is plain arrays handed to HiGHS through
OR-Tools MathOpt (:mod:`~symbiosis.engine.allocation._mathopt`), started from a feasible plan when
one is given; nothing solver-side outlives :func:`solve_component`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from symbiosis.engine.allocation.problem import Indexed

__all__ = ["CONSTRAINT_FAMILIES", "Component", "MipResult", "build_model", "solve_component"]

log = logging.getLogger(__name__)

#: Every row family the model may hold, in the order :func:`build_model` adds them.
CONSTRAINT_FAMILIES: tuple[str, ...] = (
    "Link-upper",
    "Link-supply-lot",
    "Supply-capacity",
    "Demand-capacity",
    "Demand-lot",
    "Link-served",
    "Supply-partners",
    "Demand-partners",
)


@dataclass(frozen=True)
class Component:
    """One connected component: its arcs (global positions) and a local numbering of its ends.

    ``supplies`` and ``demands`` are the global positions of the supplies and demands its arcs touch;
    ``arc_supply`` and ``arc_demand`` give, for each of its arcs, the *local* position of the arc's
    supply in ``supplies`` and of its demand in ``demands``.
    """

    arcs: np.ndarray
    arc_supply: np.ndarray
    arc_demand: np.ndarray
    supplies: np.ndarray
    demands: np.ndarray

    @classmethod
    def of(cls, indexed: Indexed, arcs: np.ndarray) -> Component:
        """Local numbering of the supplies and demands that ``arcs`` touch."""
        supplies, arc_supply = np.unique(indexed.tail[arcs], return_inverse=True)
        demands, arc_demand = np.unique(indexed.head[arcs], return_inverse=True)
        return cls(
            arcs=arcs, arc_supply=arc_supply, arc_demand=arc_demand, supplies=supplies, demands=demands
        )


@dataclass
class _Model:
    """Growing arrays of a MILP: named variable families with bounds and costs, named row families.

    ``variables`` maps a family name (``"Link-flow"``) to the positions of its variables;
    ``constraints`` maps a family name (``"Supply-capacity"``) to the positions of its rows.
    Rows are stored as COO triplets ``(row, column, value)`` with bounds ``lower <= row <= upper``.
    """

    cost: list = field(default_factory=list)
    lower_bound: list = field(default_factory=list)
    upper_bound: list = field(default_factory=list)
    integer: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    row_lower: list = field(default_factory=list)
    row_upper: list = field(default_factory=list)
    variables: dict[str, np.ndarray] = field(default_factory=dict)
    constraints: dict[str, np.ndarray] = field(default_factory=dict)
    n_variables: int = 0
    n_rows: int = 0

    def add_variables(self, name: str, cost, lower, upper, integer: bool) -> np.ndarray:
        """Add the variable family ``name`` (one per entry of ``cost``); return their positions."""
        count = len(cost)
        self.cost.append(np.asarray(cost, float))
        self.lower_bound.append(np.broadcast_to(np.asarray(lower, float), (count,)))
        self.upper_bound.append(np.broadcast_to(np.asarray(upper, float), (count,)))
        self.integer.append(np.full(count, int(integer)))
        self.variables[name] = np.arange(self.n_variables, self.n_variables + count)
        self.n_variables += count
        return self.variables[name]

    def add_constraints(self, name: str, row, column, value, lower, upper) -> None:
        """Add the row family ``name``: ``lower <= Σ value·variable[column] <= upper`` per ``row``.

        ``row`` counts from 0 within this family; ``column`` holds variable positions.
        """
        lower, upper = np.asarray(lower, float), np.asarray(upper, float)
        count = max(lower.size, upper.size)
        self.entries.append((np.asarray(row) + self.n_rows, np.asarray(column), np.asarray(value, float)))
        self.row_lower.append(np.broadcast_to(lower, (count,)))
        self.row_upper.append(np.broadcast_to(upper, (count,)))
        self.constraints[name] = np.arange(self.n_rows, self.n_rows + count)
        self.n_rows += count


def define_link_flow(model: _Model, indexed: Indexed, component: Component) -> None:
    """``Link-flow``: flow per link, 0 <= flow <= effective upper; cost −gain (HiGHS minimises)."""
    arcs = component.arcs
    model.add_variables("Link-flow", -indexed.gain[arcs], 0.0, indexed.cap_arc[arcs], integer=False)


def define_link_open(model: _Model, indexed: Indexed, component: Component) -> None:
    """``Link-open`` binaries costing the fixed cost; rows ``Link-upper`` and ``Link-supply-lot``.

    ``Link-upper``: flow <= upper · open (a closed link carries nothing).
    ``Link-supply-lot``: flow >= supplier's lot · open (an opened link ships at least the lot).
    """
    arcs = component.arcs
    is_open = model.add_variables("Link-open", indexed.fixed[arcs], 0.0, 1.0, integer=True)
    flow, n_links = model.variables["Link-flow"], len(arcs)
    link = np.arange(n_links)
    model.add_constraints(
        "Link-upper",
        np.r_[link, link],
        np.r_[flow, is_open],
        np.r_[np.ones(n_links), -indexed.cap_arc[arcs]],
        np.full(n_links, -np.inf),
        0.0,
    )
    supplier_lot = indexed.sup_lot[component.supplies][component.arc_supply]
    with_lot = np.flatnonzero(supplier_lot > 0)
    if len(with_lot):
        row = np.arange(len(with_lot))
        model.add_constraints(
            "Link-supply-lot",
            np.r_[row, row],
            np.r_[flow[with_lot], is_open[with_lot]],
            np.r_[np.ones(len(with_lot)), -supplier_lot[with_lot]],
            0.0,
            np.full(len(with_lot), np.inf),
        )


def define_capacities(model: _Model, indexed: Indexed, component: Component) -> None:
    """``Supply-capacity``: Σ flow <= capacity; ``Demand-capacity``: Σ yield · flow <= capacity."""
    flow, n_links = model.variables["Link-flow"], len(component.arcs)
    n_supplies, n_demands = len(component.supplies), len(component.demands)
    model.add_constraints(
        "Supply-capacity",
        component.arc_supply,
        flow,
        np.ones(n_links),
        np.full(n_supplies, -np.inf),
        indexed.sup_cap[component.supplies],
    )
    model.add_constraints(
        "Demand-capacity",
        component.arc_demand,
        flow,
        indexed.yld[component.arcs],
        np.full(n_demands, -np.inf),
        indexed.dem_cap[component.demands],
    )


def define_demand_lot(model: _Model, indexed: Indexed, component: Component) -> None:
    """``Demand-served`` binaries for demands with a lot; rows ``Demand-lot`` and ``Link-served``.

    ``Demand-lot``: Σ yield · flow >= lot · served (suppliers may pool to reach the lot).
    ``Link-served``: open <= served (a link into a demand opens only if the demand is served).
    """
    lot = indexed.dem_lot[component.demands]
    with_lot = np.flatnonzero(lot > 0)
    if not len(with_lot):
        return
    served = model.add_variables("Demand-served", np.zeros(len(with_lot)), 0.0, 1.0, integer=True)
    lot_row_of_demand = np.full(len(component.demands), -1)
    lot_row_of_demand[with_lot] = np.arange(len(with_lot))
    links_in = np.flatnonzero(lot_row_of_demand[component.arc_demand] >= 0)
    lot_row_of_link = lot_row_of_demand[component.arc_demand[links_in]]
    flow, is_open = model.variables["Link-flow"], model.variables["Link-open"]
    model.add_constraints(
        "Demand-lot",
        np.r_[lot_row_of_link, np.arange(len(with_lot))],
        np.r_[flow[links_in], served],
        np.r_[indexed.yld[component.arcs[links_in]], -lot[with_lot]],
        np.zeros(len(with_lot)),
        np.inf,
    )
    row = np.arange(len(links_in))
    model.add_constraints(
        "Link-served",
        np.r_[row, row],
        np.r_[is_open[links_in], served[lot_row_of_link]],
        np.r_[np.ones(len(links_in)), -np.ones(len(links_in))],
        np.full(len(links_in), -np.inf),
        0.0,
    )


def define_max_partners(model: _Model, indexed: Indexed, component: Component) -> None:
    """``Supply-partners`` and ``Demand-partners``: at most the limit of opened links per end."""
    is_open = model.variables["Link-open"]
    ends = (
        ("Supply-partners", component.arc_supply, indexed.sup_k[component.supplies]),
        ("Demand-partners", component.arc_demand, indexed.dem_k[component.demands]),
    )
    for name, end_of_link, partner_limit in ends:
        limited = partner_limit[end_of_link] > 0
        if limited.any():
            ends_limited, row = np.unique(end_of_link[limited], return_inverse=True)
            model.add_constraints(
                name,
                row,
                is_open[limited],
                np.ones(int(limited.sum())),
                np.full(len(ends_limited), -np.inf),
                partner_limit[ends_limited],
            )


def build_model(indexed: Indexed, component: Component) -> _Model:
    """Call every ``define_*`` in order and return the model arrays."""
    model = _Model()
    for define in (
        define_link_flow,
        define_link_open,
        define_capacities,
        define_demand_lot,
        define_max_partners,
    ):
        define(model, indexed, component)
    return model


@dataclass(frozen=True)
class MipResult:
    """Flows on the component's arcs (None if no incumbent), upper bound, whether proven in time."""

    x: np.ndarray | None
    bound: float
    optimal: bool


def _start(model: _Model, indexed: Indexed, component: Component, flow: np.ndarray) -> np.ndarray:
    """Every variable of the model at the flows ``flow`` of the component's arcs (a feasible plan)."""
    values = np.zeros(model.n_variables)
    values[model.variables["Link-flow"]] = flow
    values[model.variables["Link-open"]] = flow > 0
    if "Demand-served" in model.variables:
        received = np.bincount(
            component.arc_demand, weights=indexed.yld[component.arcs] * flow, minlength=len(component.demands)
        )
        values[model.variables["Demand-served"]] = received[indexed.dem_lot[component.demands] > 0] > 0
    return values


def solve_component(
    indexed: Indexed,
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
    indexed, arcs
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
        Cleaned flows (open rounded, flow zero on closed links, clipped to bounds), the proven upper
        bound on the component's objective (+inf if none) and whether HiGHS proved the gap.
    """
    from symbiosis.engine.allocation._mathopt import solve_milp  # MathOpt loads only for a MILP

    component = Component.of(indexed, arcs)
    model = build_model(indexed, component)
    rows, columns, values = (np.concatenate(part) for part in zip(*model.entries, strict=True))
    result = solve_milp(
        np.concatenate(model.cost),
        np.concatenate(model.integer),
        np.concatenate(model.lower_bound),
        np.concatenate(model.upper_bound),
        rows=rows,
        cols=columns,
        vals=values,
        lo=np.concatenate(model.row_lower),
        hi=np.concatenate(model.row_upper),
        hint=None if start is None else _start(model, indexed, component, start),
        time_limit_s=time_limit_s,
        rel_gap=mip_gap,
        seed=seed,
    )
    bound = -float(result.bound) if np.isfinite(result.bound) else np.inf
    if result.x is None:
        log.info("MIP on %d arcs: no incumbent", len(arcs))
        return MipResult(x=None, bound=bound, optimal=False)
    is_open = np.rint(result.x[model.variables["Link-open"]])
    flow = np.clip(result.x[model.variables["Link-flow"]], 0.0, indexed.cap_arc[arcs]) * is_open
    return MipResult(x=flow, bound=bound, optimal=result.optimal)
