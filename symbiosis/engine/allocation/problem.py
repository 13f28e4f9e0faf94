"""Instance, configuration and solution of the allocation model, and their integer-indexed arrays.

``AllocationProblem`` holds three frames (supplies, demands, arcs); :func:`index_problem` turns it
once into :class:`Indexed` numpy arrays that every solver layer reads (no pandas in hot paths).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "Allocation",
    "AllocationConfig",
    "AllocationProblem",
    "Indexed",
    "index_arrays",
    "index_problem",
    "make_problem",
]

SUPPLY_COLUMNS = ("stream_id", "capacity", "min_lot", "max_partners")
DEMAND_COLUMNS = ("stream_id", "capacity", "min_lot", "max_partners")
ARC_COLUMNS = (
    "candidate_id",
    "supply_id",
    "demand_id",
    "yield_ratio",
    "upper",
    "gain_per_unit",
    "fixed_cost",
)
FLOW_COLUMNS = ("candidate_id", "supply_id", "demand_id", "flow_per_yr", "delivered_per_yr")
COMPONENT_COLUMNS = (
    "component",
    "n_supplies",
    "n_demands",
    "n_arcs",
    "method",
    "status",
    "objective",
    "bound",
    "seconds",
)


@dataclass(frozen=True)
class AllocationProblem:
    """Supplies, demands and candidate links of one allocation.

    Parameters
    ----------
    supplies
        ``stream_id``, ``capacity`` (supply canonical units/yr, > 0), ``min_lot`` (per-link minimum
        shipped when a link of this supplier is used; 0 = none), ``max_partners`` (0 = unlimited).
    demands
        ``stream_id``, ``capacity`` (demand canonical units/yr), ``min_lot`` (if the demand is served
        at all, total delivered >= min_lot; suppliers may pool), ``max_partners`` (0 = unlimited).
    arcs
        ``candidate_id``, ``supply_id``, ``demand_id``, ``yield_ratio`` (demand units per supply
        unit, > 0), ``upper`` (max flow, supply units/yr), ``gain_per_unit`` (objective units per
        supply unit shipped, may be negative), ``fixed_cost`` (objective units per opened link).
    """

    supplies: pd.DataFrame
    demands: pd.DataFrame
    arcs: pd.DataFrame


_DEFAULTS = {"min_lot": 0.0, "max_partners": 0, "yield_ratio": 1.0, "upper": np.inf, "fixed_cost": 0.0}


def _table(rows, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=None if len(rows) else list(columns))
    for col in columns:
        if col not in frame.columns:
            frame[col] = _DEFAULTS[col]
    return frame[list(columns)]


def make_problem(supplies, demands, arcs) -> AllocationProblem:
    """Build a problem from records or frames, filling optional columns with their neutral value.

    Optional: ``min_lot`` (0), ``max_partners`` (0), ``yield_ratio`` (1), ``upper`` (inf),
    ``fixed_cost`` (0).
    """
    return AllocationProblem(
        _table(supplies, SUPPLY_COLUMNS), _table(demands, DEMAND_COLUMNS), _table(arcs, ARC_COLUMNS)
    )


@dataclass(frozen=True)
class AllocationConfig:
    """Options of :func:`~symbiosis.engine.allocation.solve`.

    Parameters
    ----------
    side_constraints
        Enforce minimum lots, partner limits and fixed costs. False: pure allocation (fixed costs
        and lots ignored).
    exclusive
        Every stream has at most one partner (turns partner limits on even without
        ``side_constraints``).
    time_limit_s
        Wall-clock budget of the whole solve; MIP sub-models share what is left after the flows.
    mip_gap
        Relative gap under which a plan counts as optimal.
    value_scale
        Integer scaling of gains for min-cost flow (100 = cents per unit).
    quantity_scale
        Integer scaling of quantities for min-cost flow (1000 = thousandths of a canonical unit,
        kg for t). Capacities are rounded *down*, so plans stay feasible; the objective lost is
        bounded and added to the reported bound (docs/model.md, "Integer scaling").
    seed
        Seed of any randomised solver.
    mip_max_arcs
        Components with more arcs than this get no single exact MIP but a large-neighbourhood
        search (MIPs on ~200-stream neighbourhoods, rest fixed) that only improves the plan.
    repair_max_rounds
        Gentle solve-and-repair rounds (one closure per supplier) before closing every violator at
        once.
    repair_pool
        Alternative arcs per stream (best gains) the repair may move flow to, besides the
        relaxation's support.
    lns_streams
        Streams per neighbourhood of the large-neighbourhood search.
    """

    side_constraints: bool = False
    exclusive: bool = False
    time_limit_s: float = 10.0
    mip_gap: float = 0.01
    value_scale: float = 100.0
    quantity_scale: float = 1000.0
    seed: int = 0
    mip_max_arcs: int = 20_000
    repair_max_rounds: int = 10
    repair_pool: int = 3
    lns_streams: int = 200

    @property
    def partner_limits(self) -> bool:
        """Whether max-partner limits (or exclusivity) apply."""
        return self.side_constraints or self.exclusive


@dataclass(frozen=True)
class Allocation:
    """The chosen flows, with their objective, a proven bound and how they were found.

    Attributes
    ----------
    status
        ``"optimal"`` (gap <= ``mip_gap``), ``"feasible"`` (a valid plan, gap above tolerance),
        ``"time_limit"`` (valid plan, budget exhausted before the gap closed), ``"infeasible"`` or
        ``"empty"`` (no usable arc).
    objective
        Σ gain·flow − Σ fixed·open, objective units.
    bound
        Proven upper bound on the objective.
    gap
        ``(bound − objective) / max(|bound|, eps)``.
    flows
        One row per used link: candidate_id, supply_id, demand_id, flow_per_yr, delivered_per_yr.
    method
        Methods used, joined by ``+`` (``min_cost_flow``, ``lp``, ``repair``, ``milp``).
    solve_seconds
        Wall-clock time of :func:`solve`.
    components
        One row per connected component holding at least one usable arc.
    config
        The configuration solved under (the checker reads which constraints applied).
    """

    status: str
    objective: float
    bound: float
    gap: float
    flows: pd.DataFrame
    method: str
    solve_seconds: float
    components: pd.DataFrame
    config: AllocationConfig = field(default_factory=AllocationConfig)


@dataclass(frozen=True)
class Indexed:
    """Integer-indexed arrays of a problem (supplies 0..S-1, demands 0..D-1, arcs 0..A-1).

    ``cap_arc`` is the effective upper bound of each arc: min(upper, supply capacity, demand
    capacity / yield). ``sup_k``/``dem_k`` are partner limits (0 = unlimited) after ``exclusive``.
    """

    sup_cap: np.ndarray
    sup_lot: np.ndarray
    sup_k: np.ndarray
    dem_cap: np.ndarray
    dem_lot: np.ndarray
    dem_k: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    yld: np.ndarray
    cap_arc: np.ndarray
    gain: np.ndarray
    fixed: np.ndarray

    @property
    def n_sup(self) -> int:
        """Number of supplies."""
        return len(self.sup_cap)

    @property
    def n_dem(self) -> int:
        """Number of demands."""
        return len(self.dem_cap)

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return len(self.tail)


def _col(frame: pd.DataFrame, name: str, default: float = 0.0) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[name]).fillna(default).to_numpy(dtype=float)


def _ids(frame: pd.DataFrame, ids: pd.Series, what: str) -> np.ndarray:
    index = pd.Index(frame["stream_id"].astype(str))
    if not index.is_unique:
        raise ValueError(f"duplicate stream_id among {what}")
    pos = index.get_indexer(pd.Index(ids.astype(str)))
    if (pos < 0).any():
        raise ValueError(f"{int((pos < 0).sum())} arc(s) name an unknown {what[:-1]}")
    return pos.astype(np.int64)


def _limits(k: np.ndarray, config: AllocationConfig) -> np.ndarray:
    k = np.where(k > 0, k, 0).astype(np.int64) if config.partner_limits else np.zeros(len(k), np.int64)
    if config.exclusive:
        k = np.ones(len(k), np.int64)
    return k


def index_problem(problem: AllocationProblem, config: AllocationConfig) -> Indexed:
    """Validate a problem and turn it into integer-indexed arrays.

    Parameters
    ----------
    problem
        The instance.
    config
        Decides whether lots, fixed costs and partner limits are kept (zeroed otherwise).

    Returns
    -------
    Indexed
        The arrays every solver layer reads.

    Raises
    ------
    ValueError
        Unknown stream ids, non-positive yields, negative capacities or fixed costs.
    """
    sup, dem, arcs = problem.supplies, problem.demands, problem.arcs
    return index_arrays(
        tail=_ids(sup, arcs["supply_id"], "supplies"),
        head=_ids(dem, arcs["demand_id"], "demands"),
        sup_cap=_col(sup, "capacity"),
        sup_lot=_col(sup, "min_lot"),
        sup_k=_col(sup, "max_partners"),
        dem_cap=_col(dem, "capacity"),
        dem_lot=_col(dem, "min_lot"),
        dem_k=_col(dem, "max_partners"),
        yld=_col(arcs, "yield_ratio", 1.0),
        upper=_col(arcs, "upper", math.inf),
        gain=_col(arcs, "gain_per_unit"),
        fixed=_col(arcs, "fixed_cost"),
        config=config,
    )


def index_arrays(
    *,
    tail: np.ndarray,
    head: np.ndarray,
    sup_cap: np.ndarray,
    sup_lot: np.ndarray,
    sup_k: np.ndarray,
    dem_cap: np.ndarray,
    dem_lot: np.ndarray,
    dem_k: np.ndarray,
    yld: np.ndarray,
    upper: np.ndarray,
    gain: np.ndarray,
    fixed: np.ndarray,
    config: AllocationConfig,
) -> Indexed:
    """:class:`Indexed` arrays of a problem given by integer positions (``tail``, ``head``) and floats.

    Validates as :func:`index_problem` does and applies ``config`` (lots, fixed costs and partner
    limits zeroed unless ``side_constraints``; ``exclusive``).
    """
    if (yld <= 0).any() or (sup_cap < 0).any() or (dem_cap < 0).any() or (upper < 0).any():
        raise ValueError("yields must be > 0 and capacities, uppers >= 0")
    if (fixed < 0).any():
        raise ValueError("fixed costs must be >= 0")
    side = config.side_constraints
    tail, head = np.asarray(tail, np.int64), np.asarray(head, np.int64)
    cap_arc = np.minimum(np.minimum(upper, sup_cap[tail]), dem_cap[head] / yld)
    return Indexed(
        sup_cap=sup_cap,
        sup_lot=sup_lot * side,
        sup_k=_limits(sup_k, config),
        dem_cap=dem_cap,
        dem_lot=dem_lot * side,
        dem_k=_limits(dem_k, config),
        tail=tail,
        head=head,
        yld=yld,
        cap_arc=cap_arc,
        gain=gain,
        fixed=fixed * side,
    )
