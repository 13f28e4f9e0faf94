"""Mutualisation levers: group purchasing, shared equipment and services, shared treatment units and
shared collection routes — many firms at once.

Data in, data out: :class:`MutualData` (validated tables) and :class:`MutualConfig` go into
:func:`run_mutual`, which returns a :class:`MutualResult`. Each lever is also usable alone: an
instance builder, ``define_*`` model functions, a stateless ``solve_*`` returning a frozen plan, a
solver-free ``check_*`` and the frames and explanations of the results.

==================  ==========================================  ==========================================
lever               plan                                        checker
==================  ==========================================  ==========================================
group purchasing    :func:`solve_purchasing` (CP-SAT packing)   :func:`check_purchasing`
shared equipment    :func:`solve_sharing` (CP-SAT time slots)   :func:`check_sharing`
shared units        :func:`plan_units` (sizing, siting rule)    :func:`check_units`
collection routes   :func:`plan_collection` (OR-Tools routing)  :func:`check_routes` (one day)
==================  ==========================================  ==========================================
"""

from symbiosis.mutual.collection import CollectionPlan, plan_collection
from symbiosis.mutual.config import MutualConfig, PurchaseConfig, RouteConfig, SharingConfig, UnitConfig
from symbiosis.mutual.memberships import LEVER_SYNERGY_TYPE
from symbiosis.mutual.purchase_check import check_purchasing
from symbiosis.mutual.purchase_instance import PurchaseInstance, candidate_groups, purchase_instance
from symbiosis.mutual.purchase_model import PurchasePlan, greedy_groups, solve_purchasing
from symbiosis.mutual.result import LEVER_LABELS, LEVERS, LeverInfo, MutualResult
from symbiosis.mutual.routes import (
    RouteInstance,
    RoutePlan,
    nearest_neighbour_routes,
    route_instance,
    solve_routes,
)
from symbiosis.mutual.routes_check import check_routes
from symbiosis.mutual.run import Reference, run_mutual
from symbiosis.mutual.sharing import (
    SharingInstance,
    SharingPlan,
    greedy_sharing,
    sharing_instance,
    solve_sharing,
)
from symbiosis.mutual.sharing_check import check_sharing
from symbiosis.mutual.tables import MUTUAL_TABLES, MutualData
from symbiosis.mutual.units import SharedUnitPlan, check_units, plan_units

__all__ = [
    "LEVERS",
    "LEVER_LABELS",
    "LEVER_SYNERGY_TYPE",
    "MUTUAL_TABLES",
    "CollectionPlan",
    "LeverInfo",
    "MutualConfig",
    "MutualData",
    "MutualResult",
    "PurchaseConfig",
    "PurchaseInstance",
    "PurchasePlan",
    "Reference",
    "RouteConfig",
    "RouteInstance",
    "RoutePlan",
    "SharedUnitPlan",
    "SharingConfig",
    "SharingInstance",
    "SharingPlan",
    "UnitConfig",
    "candidate_groups",
    "check_purchasing",
    "check_routes",
    "check_sharing",
    "check_units",
    "greedy_groups",
    "greedy_sharing",
    "nearest_neighbour_routes",
    "plan_collection",
    "plan_units",
    "purchase_instance",
    "route_instance",
    "run_mutual",
    "sharing_instance",
    "solve_purchasing",
    "solve_routes",
    "solve_sharing",
]
