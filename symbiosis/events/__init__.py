"""Matchmaking-event planner: bilateral meetings at tables and time slots (CP-SAT, greedy baseline).

``instance_from_proposals`` builds an :class:`Instance` from a matching run's proposals between the
attending firms; ``solve`` plans it with CP-SAT (hinted by ``greedy_schedule``); ``check_schedule``
verifies any schedule without a solver; :mod:`symbiosis.events.agenda` writes the agendas.
"""

from symbiosis.events.check import check_schedule, schedule_weight
from symbiosis.events.greedy import greedy_schedule
from symbiosis.events.instance import (
    Instance,
    Meeting,
    Pair,
    PlannerConfig,
    Schedule,
    instance_from_proposals,
    random_instance,
)
from symbiosis.events.model import build_model, solve

__all__ = [
    "Instance",
    "Meeting",
    "Pair",
    "PlannerConfig",
    "Schedule",
    "build_model",
    "check_schedule",
    "greedy_schedule",
    "instance_from_proposals",
    "random_instance",
    "schedule_weight",
    "solve",
]
