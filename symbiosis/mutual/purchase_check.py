"""Solver-free checker of a group-purchasing plan: every rule recomputed from the instance and the tiers."""

from __future__ import annotations

from collections import Counter

import numpy as np

from symbiosis.findings import Finding
from symbiosis.i18n import TextTable
from symbiosis.mutual.config import PurchaseConfig
from symbiosis.mutual.purchase_instance import PurchaseInstance
from symbiosis.mutual.purchase_model import PurchasePlan
from symbiosis.places.distance import haversine_km

__all__ = ["CHECK_TEXTS", "check_purchasing"]

#: What each finding code says, from the message catalogue (``mutual.check.purchasing.<code>``).
CHECK_TEXTS = TextTable("mutual.check.purchasing")

_TOL = 0.01  # CAD


def _broken(code: str, location: str = "", **values: object) -> Finding:
    return Finding(code=code, location=location, detail=CHECK_TEXTS[code].format(**values))


def _check_group(instance: PurchaseInstance, group, config: PurchaseConfig) -> list[Finding]:
    p = instance.purchases
    members = list(group.members)
    name = f"group at hub {group.hub}"
    if not all(0 <= m < len(p) for m in members) or not 0 <= group.hub < len(p):
        return [_broken("unknown_position", name, group=name)]
    problems: list[Finding] = []
    if group.hub not in members:
        problems.append(_broken("hub_not_member", name, group=name))
    if not config.min_group_size <= len(members) <= config.max_group_size:
        low, high = config.min_group_size, config.max_group_size
        problems.append(_broken("group_size", name, group=name, n=len(members), low=low, high=high))
    if set(p["category_id"].to_numpy()[members]) != {group.category_id}:
        problems.append(_broken("other_category", name, group=name, category=group.category_id))
    firms = p["firm_id"].to_numpy()[members]
    if len(set(firms)) != len(firms):
        problems.append(_broken("firm_repeated", name, group=name))
    lat, lon = p["lat"].to_numpy(float), p["lon"].to_numpy(float)
    road = instance.detour_factor * haversine_km(lat[members], lon[members], lat[group.hub], lon[group.hub])
    radius = p["radius_km"].to_numpy(float)
    allowed = np.minimum(radius[members], radius[group.hub])
    for m, d, r in zip(members, road, allowed, strict=True):
        if d > r + 1e-6:
            purchase = p.at[m, "purchase_id"]
            problems.append(
                _broken(
                    "member_too_far", name, group=name, purchase=purchase, km=f"{d:.1f}", limit=f"{r:.1f}"
                )
            )
    common = int(np.bitwise_and.reduce(p["months_mask"].to_numpy()[members]))
    if common == 0:
        problems.append(_broken("no_common_month", name, group=name))
    if common != group.months_mask:
        problems.append(
            _broken("months_mismatch", name, group=name, claimed=group.months_mask, months=common)
        )
    problems += _check_value(instance, group, members, common, config)
    return problems


def _check_value(
    instance: PurchaseInstance, group, members: list[int], common: int, config: PurchaseConfig
) -> list[Finding]:
    p = instance.purchases
    name = f"group at hub {group.hub}"
    thresholds, discounts = instance.tier_arrays(group.category_id)
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
    problems: list[Finding] = []
    if abs(pooled - group.pooled_quantity_per_yr) > 1e-6 * max(1.0, pooled):
        claimed = group.pooled_quantity_per_yr
        problems.append(_broken("pooled_mismatch", name, group=name, claimed=claimed, pooled=pooled))
    if tier != group.tier or abs(discounts[tier] - group.discount_pct) > 1e-9:
        problems.append(
            _broken(
                "tier_mismatch", name, group=name, claimed=group.tier, discount=group.discount_pct, tier=tier
            )
        )
    if abs(gross - group.gross_saving_cad_per_yr) > _TOL or abs(net - group.net_saving_cad_per_yr) > _TOL:
        claimed = f"{group.net_saving_cad_per_yr:.2f}"
        problems.append(_broken("savings_mismatch", name, group=name, claimed=claimed, net=f"{net:.2f}"))
    if net <= 0:
        problems.append(_broken("saving_not_positive", name, group=name, net=f"{net:.2f}"))
    return problems


def check_purchasing(
    instance: PurchaseInstance, plan: PurchasePlan, config: PurchaseConfig | None = None
) -> list[Finding]:
    """Return every rule the plan breaks (empty when it is valid), one finding each.

    Rules: each purchase in one group at most; per group, the hub is a member, the size is within
    the limits, one category, distinct firms, every member within its accepted distance and the
    delivery radius of the hub (road km), a common month, and the pooled quantity, tier, discount
    and savings equal to their recomputation from the tiers; the plan's objective is the sum of the
    groups' net savings and does not exceed the bound.
    """
    config = config or PurchaseConfig()
    problems: list[Finding] = []
    uses = Counter(m for g in plan.groups for m in g.members)
    problems += [
        _broken("purchase_repeated", f"purchase {m}", purchase=m, n=n) for m, n in uses.items() if n > 1
    ]
    for group in plan.groups:
        problems += _check_group(instance, group, config)
    total = sum(g.net_saving_cad_per_yr for g in plan.groups)
    if abs(total - plan.objective_cad_per_yr) > _TOL * max(1, len(plan.groups)):
        claimed = f"{plan.objective_cad_per_yr:.2f}"
        problems.append(_broken("objective_mismatch", claimed=claimed, total=f"{total:.2f}"))
    if (
        plan.bound_cad_per_yr == plan.bound_cad_per_yr
        and plan.objective_cad_per_yr > plan.bound_cad_per_yr + 1
    ):
        claimed, bound = f"{plan.objective_cad_per_yr:.2f}", f"{plan.bound_cad_per_yr:.2f}"
        problems.append(_broken("objective_above_bound", claimed=claimed, bound=bound))
    gross = sum(g.gross_saving_cad_per_yr for g in plan.groups)
    if gross > plan.relaxed_bound_cad_per_yr + 1:
        bound = f"{plan.relaxed_bound_cad_per_yr:.2f}"
        problems.append(_broken("gross_above_bound", gross=f"{gross:.2f}", bound=bound))
    return problems
