"""CP-SAT model of the event planner, built by ``define_*`` functions, and the stateless :func:`solve`.

Model (``P`` candidate pairs, ``S`` slots, ``T`` tables, ``w_p`` weights, ``A_s`` available firms)::

    x[p,s] ∈ {0,1}                 pair p meets in slot s     (only if both firms are in A_s)
    Σ_s x[p,s] ≤ 1                 each pair at most once     (= 1 for must-meet pairs)
    Σ_{p ∋ f} x[p,s] ≤ 1           no firm in two meetings of one slot
    Σ_p x[p,s] ≤ T                 at most T meetings per slot
    max Σ_{p,s} w_p x[p,s]

Tables are interchangeable, so they are numbered after the solve. When every firm attends every
slot, slots are interchangeable too; ``define_symmetry_breaking`` then orders them by decreasing
number of meetings, which removes equivalent permutations without cutting an optimum.
Variables and constraints carry hierarchical names (``Meeting-x[3,1]``, ``Firm-slot[E001,1]``).
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from symbiosis.events.greedy import assign_tables, greedy_schedule
from symbiosis.events.instance import Instance, PlannerConfig, Schedule

__all__ = [
    "EventModel",
    "build_model",
    "define_firm_slot",
    "define_meeting_variables",
    "define_objective",
    "define_pair_once",
    "define_symmetry_breaking",
    "define_tables",
    "solve",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventModel:
    """The CP-SAT model and its variables ``x[(pair, slot)]``."""

    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]


def define_meeting_variables(
    model: cp_model.CpModel, instance: Instance
) -> dict[tuple[int, int], cp_model.IntVar]:
    """One boolean per (pair, slot) where both firms are available."""
    x = {}
    for p, pair in enumerate(instance.pairs):
        for s in range(instance.slots):
            if instance.available(pair.a, s) and instance.available(pair.b, s):
                x[(p, s)] = model.new_bool_var(f"Meeting-x[{p},{s}]")
    return x


def define_pair_once(model: cp_model.CpModel, instance: Instance, x: dict) -> None:
    """Each pair meets at most once; exactly once when it is a must-meet pair."""
    by_pair: dict[int, list] = defaultdict(list)
    for (p, _s), var in x.items():
        by_pair[p].append(var)
    for p, pair in enumerate(instance.pairs):
        terms = by_pair.get(p, [])
        if pair.must_meet:
            model.add(sum(terms) == 1).with_name(f"Pair-must-meet[{p}]")
        elif len(terms) > 1:
            model.add_at_most_one(terms).with_name(f"Pair-once[{p}]")


def define_firm_slot(model: cp_model.CpModel, instance: Instance, x: dict) -> None:
    """No firm is in two meetings of the same slot."""
    by_firm_slot: dict[tuple[str, int], list] = defaultdict(list)
    for (p, s), var in x.items():
        pair = instance.pairs[p]
        by_firm_slot[(pair.a, s)].append(var)
        by_firm_slot[(pair.b, s)].append(var)
    for (firm, s), terms in by_firm_slot.items():
        if len(terms) > 1:
            model.add_at_most_one(terms).with_name(f"Firm-slot[{firm},{s}]")


def define_tables(model: cp_model.CpModel, instance: Instance, x: dict) -> dict[int, list]:
    """At most ``tables`` meetings per slot; return the meeting variables of each slot."""
    by_slot: dict[int, list] = defaultdict(list)
    for (_p, s), var in x.items():
        by_slot[s].append(var)
    for s, terms in by_slot.items():
        if len(terms) > instance.tables:
            model.add(sum(terms) <= instance.tables).with_name(f"Slot-tables[{s}]")
    return by_slot


def define_symmetry_breaking(model: cp_model.CpModel, instance: Instance, by_slot: dict[int, list]) -> None:
    """When every firm attends every slot, order slots by non-increasing number of meetings."""
    if instance.unavailable:
        return
    for s in range(instance.slots - 1):
        model.add(sum(by_slot.get(s, [])) >= sum(by_slot.get(s + 1, []))).with_name(f"Slot-order[{s}]")


def define_objective(model: cp_model.CpModel, instance: Instance, x: dict) -> None:
    """Maximise the total weight of the meetings."""
    model.maximize(sum(instance.pairs[p].weight * var for (p, _s), var in x.items()))


def build_model(instance: Instance) -> EventModel:
    """Call the ``define_*`` functions in order and return the model with its variables."""
    model = cp_model.CpModel()
    x = define_meeting_variables(model, instance)
    define_pair_once(model, instance, x)
    define_firm_slot(model, instance, x)
    by_slot = define_tables(model, instance, x)
    define_symmetry_breaking(model, instance, by_slot)
    define_objective(model, instance, x)
    return EventModel(model, x)


def _hint(event: EventModel, instance: Instance, greedy: Schedule) -> None:
    placed = {m.pair: m.slot for m in greedy.meetings}
    if not instance.unavailable:  # match the slot order the symmetry breaking imposes
        counts = defaultdict(int)
        for slot in placed.values():
            counts[slot] += 1
        rank = {s: r for r, s in enumerate(sorted(range(instance.slots), key=lambda s: (-counts[s], s)))}
        placed = {p: rank[s] for p, s in placed.items()}
    for (p, s), var in event.x.items():
        event.model.add_hint(var, 1 if placed.get(p) == s else 0)


def _fallback(greedy: Schedule, bound: float, start: float) -> Schedule:
    """The greedy schedule, when CP-SAT found nothing better within the time limit."""
    logger.info("event planner: CP-SAT did not beat the greedy within the limit; keeping the greedy")
    return Schedule(
        "feasible", greedy.meetings, greedy.objective, bound, "greedy-fallback", time.perf_counter() - start
    )


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "error",
    cp_model.UNKNOWN: "unknown",
}


def solve(instance: Instance, config: PlannerConfig | None = None) -> Schedule:
    """Plan the event with CP-SAT (hinted by the greedy); return a :class:`Schedule`.

    Infeasible (must-meet pairs that cannot all fit) and no-solution-in-time are statuses, not
    exceptions. No solver object survives the call.
    """
    config = config or PlannerConfig()
    start = time.perf_counter()
    event = build_model(instance)
    greedy = greedy_schedule(instance)
    if config.hint:
        _hint(event, instance, greedy)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(config.time_limit_s)
    solver.parameters.num_search_workers = int(config.workers)
    solver.parameters.random_seed = int(config.seed)
    code = solver.solve(event.model)
    status = _STATUS.get(code, "unknown")
    if status not in ("optimal", "feasible"):
        logger.info("event planner: %s after %.2f s", status, time.perf_counter() - start)
        if status == "unknown" and not any(p.must_meet for p in instance.pairs):
            return _fallback(greedy, math.nan, start)
        return Schedule(status, (), 0, math.nan, "cp-sat", time.perf_counter() - start)
    slot_of = {p: s for (p, s), var in event.x.items() if solver.boolean_value(var)}
    meetings = assign_tables(slot_of)
    objective = sum(instance.pairs[p].weight for p in slot_of)
    bound = float(solver.best_objective_bound)
    if objective < greedy.objective and all(p.must_meet is False for p in instance.pairs):
        return _fallback(greedy, bound, start)
    logger.info(
        "event planner: %s, objective %d, bound %.0f, %.2f s",
        status,
        objective,
        bound,
        time.perf_counter() - start,
    )
    return Schedule(status, meetings, objective, bound, "cp-sat", time.perf_counter() - start)
