"""Group purchasing, the optimisation: choose disjoint buying groups that maximise the total net saving.

Set packing over the candidate groups ``G`` (:func:`~symbiosis.mutual.purchase_instance.candidate_groups`),
one CP-SAT model per category (categories share no purchase), hinted by the greedy::

    y[g] ∈ {0,1}                       group g is formed                 (Group-y[g])
    Σ_{g ∋ i} y[g] ≤ 1                 each purchase in one group at most (Purchase-once[i])
    max Σ_g round(100 · net_g) · y[g]  net saving in cents

``solve_purchasing`` is stateless and returns a :class:`PurchasePlan`; the CP-SAT bound is proven
over the candidate groups, :func:`~symbiosis.mutual.purchase_instance.relaxed_bound` bounds any
grouping at all.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from symbiosis.mutual.config import PurchaseConfig
from symbiosis.mutual.purchase_instance import Group, PurchaseInstance, candidate_groups, relaxed_bound

__all__ = [
    "PurchaseModel",
    "PurchasePlan",
    "build_purchase_model",
    "define_group_variables",
    "define_objective",
    "define_purchase_once",
    "greedy_groups",
    "solve_purchasing",
    "split_bound",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurchasePlan:
    """The chosen buying groups.

    Parameters
    ----------
    status
        ``optimal`` (proven over the candidates), ``feasible``, ``empty`` (no candidate group) or
        ``unknown``.
    groups
        The chosen groups, largest net saving first.
    objective_cad_per_yr
        Total net saving of the chosen groups.
    bound_cad_per_yr
        Proven upper bound over the candidate groups (CP-SAT's bound; the objective for ``empty``).
    relaxed_bound_cad_per_yr
        Upper bound on the gross saving of any grouping (not only the candidates).
    greedy_cad_per_yr
        Net saving of the greedy baseline.
    n_candidates
        Candidate groups generated.
    method
        ``cp-sat``, ``greedy`` or ``greedy-fallback``.
    wall_time_s
        Candidate generation and solve time.
    """

    status: str
    groups: tuple[Group, ...] = ()
    objective_cad_per_yr: float = 0.0
    bound_cad_per_yr: float = math.nan
    relaxed_bound_cad_per_yr: float = math.nan
    greedy_cad_per_yr: float = 0.0
    n_candidates: int = 0
    method: str = ""
    wall_time_s: float = 0.0

    @property
    def gap(self) -> float:
        """Relative gap to the bound over the candidates (0 when proven optimal; nan without a bound)."""
        if math.isnan(self.bound_cad_per_yr):
            return math.nan
        if self.bound_cad_per_yr <= 0:
            return 0.0
        return max(0.0, (self.bound_cad_per_yr - self.objective_cad_per_yr) / self.bound_cad_per_yr)


@dataclass(frozen=True)
class PurchaseModel:
    """The CP-SAT model and its variables ``y[g]`` (g: index in the candidate list)."""

    model: cp_model.CpModel
    y: dict[int, cp_model.IntVar]


def _cents(value: float) -> int:
    return round(100.0 * value)


def define_group_variables(model: cp_model.CpModel, candidates: list[Group]) -> dict[int, cp_model.IntVar]:
    """One boolean per candidate group with a positive net saving."""
    return {
        g: model.new_bool_var(f"Group-y[{g}]")
        for g, group in enumerate(candidates)
        if _cents(group.net_saving_cad_per_yr) > 0
    }


def define_purchase_once(model: cp_model.CpModel, candidates: list[Group], y: dict) -> None:
    """Each purchase joins at most one group."""
    by_purchase: dict[int, list] = defaultdict(list)
    for g, var in y.items():
        for member in candidates[g].members:
            by_purchase[member].append(var)
    for member, terms in by_purchase.items():
        if len(terms) > 1:
            model.add_at_most_one(terms).with_name(f"Purchase-once[{member}]")


def define_objective(model: cp_model.CpModel, candidates: list[Group], y: dict) -> None:
    """Maximise the total net saving, in cents."""
    model.maximize(sum(_cents(candidates[g].net_saving_cad_per_yr) * var for g, var in y.items()))


def build_purchase_model(candidates: list[Group]) -> PurchaseModel:
    """Call the ``define_*`` functions in order; return the model and its variables."""
    model = cp_model.CpModel()
    y = define_group_variables(model, candidates)
    define_purchase_once(model, candidates, y)
    define_objective(model, candidates, y)
    return PurchaseModel(model, y)


def greedy_groups(candidates: list[Group]) -> tuple[Group, ...]:
    """Largest net saving first, each group kept when none of its purchases is taken yet."""
    taken: set[int] = set()
    chosen = []
    for group in sorted(candidates, key=lambda g: (-g.net_saving_cad_per_yr, sorted(g.members))):
        if group.net_saving_cad_per_yr <= 0 or taken.intersection(group.members):
            continue
        chosen.append(group)
        taken.update(group.members)
    return tuple(chosen)


def _net(groups: tuple[Group, ...]) -> float:
    return float(sum(g.net_saving_cad_per_yr for g in groups))


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "error",
    cp_model.UNKNOWN: "unknown",
}


def split_bound(candidates: list[Group]) -> float:
    """An upper bound on any packing of ``candidates``, without a solver.

    Split each group's net saving equally among its members; a packing's value is then a sum of
    shares, at most one per purchase, so it cannot exceed the sum over purchases of their largest
    share.
    """
    best: dict[int, float] = {}
    for group in candidates:
        share = max(0.0, group.net_saving_cad_per_yr) / len(group.members)
        for member in group.members:
            best[member] = max(best.get(member, 0.0), share)
    return float(sum(best.values()))


def _solve_block(
    candidates: list[Group], greedy: tuple[Group, ...], config: PurchaseConfig, time_limit_s: float
) -> tuple[str, tuple[Group, ...], float]:
    """Solve the set packing of one category's candidates; return status, chosen groups, bound (CAD)."""
    built = build_purchase_model(candidates)
    chosen_greedy = {id(g) for g in greedy}
    for g, var in built.y.items():
        built.model.add_hint(var, 1 if id(candidates[g]) in chosen_greedy else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, float(time_limit_s))
    solver.parameters.num_search_workers = int(config.workers)
    solver.parameters.random_seed = int(config.seed)
    status = _STATUS.get(solver.solve(built.model), "unknown")
    if status not in ("optimal", "feasible"):  # no solution in time: the greedy, the split bound
        return "unknown", greedy, split_bound(candidates)
    chosen = tuple(candidates[g] for g, var in built.y.items() if solver.boolean_value(var))
    if _net(chosen) < _net(greedy) - 1e-6:
        chosen = greedy
    bound = min(float(solver.best_objective_bound) / 100.0, split_bound(candidates))
    return status, chosen, bound


def solve_purchasing(
    instance: PurchaseInstance, config: PurchaseConfig | None = None, *, candidates: list[Group] | None = None
) -> PurchasePlan:
    """Generate candidate groups, solve the set packing with CP-SAT (greedy hint); return the plan.

    Categories are independent, so each is one CP-SAT model, solved in turn within its share of
    the remaining time, pro rata of what it could save at most (:func:`split_bound`), the most
    valuable first, so that the time goes where the gap would be; the bound is the sum of the
    categories' bounds. A category whose solve finds nothing in its time keeps its greedy groups
    (``greedy-fallback``) and :func:`split_bound` as its bound, so the plan always has a proven
    gap. No solver object survives the call.
    """
    config = config or PurchaseConfig()
    start = time.perf_counter()
    candidates = candidate_groups(instance, config) if candidates is None else candidates
    relaxed = relaxed_bound(instance)
    greedy = greedy_groups(candidates)
    if not candidates:
        return PurchasePlan("empty", (), 0.0, 0.0, relaxed, 0.0, 0, "greedy", time.perf_counter() - start)
    blocks: dict[str, list[Group]] = defaultdict(list)
    for group in candidates:
        blocks[group.category_id].append(group)
    deadline = start + float(config.time_limit_s)
    chosen: list[Group] = []
    statuses, bound = [], 0.0
    weight = {category: 1.0 + split_bound(block) for category, block in blocks.items()}
    left = sum(weight.values())
    for category, block in sorted(blocks.items(), key=lambda kv: (-weight[kv[0]], kv[0])):
        share = (deadline - time.perf_counter()) * weight[category] / left
        left -= weight[category]
        status, groups, block_bound = _solve_block(
            block, tuple(g for g in greedy if g.category_id == category), config, share
        )
        statuses.append(status)
        chosen.extend(groups)
        bound += block_bound
    chosen_t = tuple(sorted(chosen, key=lambda g: (-g.net_saving_cad_per_yr, sorted(g.members))))
    status = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
    method = "cp-sat" if "unknown" not in statuses else "greedy-fallback"
    elapsed = time.perf_counter() - start
    logger.info(
        "group purchasing: %s, %d groups, %.0f $/yr (bound %.0f, greedy %.0f), %d candidates, %.2f s",
        status,
        len(chosen_t),
        _net(chosen_t),
        bound,
        _net(greedy),
        len(candidates),
        elapsed,
    )
    return PurchasePlan(
        status, chosen_t, _net(chosen_t), bound, relaxed, _net(greedy), len(candidates), method, elapsed
    )
