"""Solver-free checker of a group-purchasing plan: every rule recomputed from the instance and the tiers."""

from __future__ import annotations

from collections import Counter

import numpy as np

from symbiosis.mutual.config import PurchaseConfig
from symbiosis.mutual.purchase_instance import PurchaseInstance
from symbiosis.mutual.purchase_model import PurchasePlan
from symbiosis.mutual.reference import tier_arrays
from symbiosis.places.distance import haversine_km

__all__ = ["check_purchasing"]

_TOL = 0.01  # CAD


def _check_group(instance: PurchaseInstance, group, config: PurchaseConfig) -> list[str]:
    p = instance.purchases
    members = list(group.members)
    name = f"group at hub {group.hub}"
    if not all(0 <= m < len(p) for m in members) or not 0 <= group.hub < len(p):
        return [f"{name}: unknown purchase position"]
    problems = []
    if group.hub not in members:
        problems.append(f"{name}: the hub is not a member")
    if not config.min_group_size <= len(members) <= config.max_group_size:
        problems.append(
            f"{name}: {len(members)} members outside {config.min_group_size}..{config.max_group_size}"
        )
    if set(p["category_id"].to_numpy()[members]) != {group.category_id}:
        problems.append(f"{name}: members of another category than {group.category_id}")
    firms = p["firm_id"].to_numpy()[members]
    if len(set(firms)) != len(firms):
        problems.append(f"{name}: a firm appears twice")
    lat, lon = p["lat"].to_numpy(float), p["lon"].to_numpy(float)
    road = instance.detour_factor * haversine_km(lat[members], lon[members], lat[group.hub], lon[group.hub])
    radius = p["radius_km"].to_numpy(float)
    allowed = np.minimum(radius[members], radius[group.hub])
    for m, d, r in zip(members, road, allowed, strict=True):
        if d > r + 1e-6:
            problems.append(
                f"{name}: purchase {p.at[m, 'purchase_id']} is {d:.1f} km from the hub (> {r:.1f})"
            )
    common = int(np.bitwise_and.reduce(p["months_mask"].to_numpy()[members]))
    if common == 0:
        problems.append(f"{name}: no common month")
    if common != group.months_mask:
        problems.append(f"{name}: common months {group.months_mask} != recomputed {common}")
    problems += _check_value(instance, group, members, common, config)
    return problems


def _check_value(
    instance: PurchaseInstance, group, members: list[int], common: int, config: PurchaseConfig
) -> list[str]:
    p = instance.purchases
    name = f"group at hub {group.hub}"
    thresholds, discounts = tier_arrays(instance.tiers, group.category_id)
    q = p["quantity_per_yr"].to_numpy(float)[members]
    price = p["price_cad_per_unit"].to_numpy(float)[members]
    share = np.array(
        [
            bin(common).count("1") / max(bin(int(m)).count("1"), 1)
            for m in p["months_mask"].to_numpy()[members]
        ]
    )
    pooled = float((q * share).sum())
    tier = int(np.searchsorted(thresholds, pooled, side="right") - 1)
    alone = discounts[np.searchsorted(thresholds, q, side="right") - 1]
    gross = float(np.sum(q * share * price * np.maximum(0.0, discounts[tier] - alone) / 100.0))
    net = gross - config.coordination_cost_cad_per_group_yr
    problems = []
    if abs(pooled - group.pooled_quantity_per_yr) > 1e-6 * max(1.0, pooled):
        problems.append(f"{name}: pooled quantity {group.pooled_quantity_per_yr} != {pooled}")
    if tier != group.tier or abs(discounts[tier] - group.discount_pct) > 1e-9:
        problems.append(f"{name}: tier {group.tier} ({group.discount_pct} %) != recomputed {tier}")
    if abs(gross - group.gross_saving_cad_per_yr) > _TOL or abs(net - group.net_saving_cad_per_yr) > _TOL:
        problems.append(f"{name}: savings {group.net_saving_cad_per_yr:.2f} != recomputed {net:.2f}")
    if net <= 0:
        problems.append(f"{name}: net saving {net:.2f} is not positive")
    return problems


def check_purchasing(
    instance: PurchaseInstance, plan: PurchasePlan, config: PurchaseConfig | None = None
) -> list[str]:
    """Return every rule the plan breaks (empty when it is valid).

    Rules: each purchase in one group at most; per group, the hub is a member, the size is within
    the limits, one category, distinct firms, every member within its accepted distance and the
    delivery radius of the hub (road km), a common month, and the pooled quantity, tier, discount
    and savings equal to their recomputation from the tiers; the plan's objective is the sum of the
    groups' net savings and does not exceed the bound.
    """
    config = config or PurchaseConfig()
    problems: list[str] = []
    uses = Counter(m for g in plan.groups for m in g.members)
    problems += [f"purchase {m} is in {n} groups" for m, n in uses.items() if n > 1]
    for group in plan.groups:
        problems += _check_group(instance, group, config)
    total = sum(g.net_saving_cad_per_yr for g in plan.groups)
    if abs(total - plan.objective_cad_per_yr) > _TOL * max(1, len(plan.groups)):
        problems.append(f"objective {plan.objective_cad_per_yr:.2f} != sum of groups {total:.2f}")
    if (
        plan.bound_cad_per_yr == plan.bound_cad_per_yr
        and plan.objective_cad_per_yr > plan.bound_cad_per_yr + 1
    ):
        problems.append(
            f"objective {plan.objective_cad_per_yr:.2f} above the bound {plan.bound_cad_per_yr:.2f}"
        )
    gross = sum(g.gross_saving_cad_per_yr for g in plan.groups)
    if gross > plan.relaxed_bound_cad_per_yr + 1:
        problems.append(
            f"gross saving {gross:.2f} above the relaxed bound {plan.relaxed_bound_cad_per_yr:.2f}"
        )
    return problems
