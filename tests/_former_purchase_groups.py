"""FORMER candidate groups (before the speed-up), kept verbatim as the reference of
tests/test_mutual_speed_equivalence.py: the fast version must give identical results.

Group purchasing, the data side: the instance, the value of a buying group, and candidate groups.

A *buying group* is a set of purchases of one category, by distinct firms, delivered around one
*hub* (a member's site): every member lies within its own accepted distance and the category's
delivery radius of the hub, and all members buy in at least one common month. The group places its
orders in the common months, so each member brings ``q_i × |M_G| / |M_i|`` of its yearly quantity
``q_i`` (``M_i`` its months, ``M_G`` their intersection); the pooled quantity reaches a price-break
tier of the category, whose discount ``d_G`` applies to each member's current price ``p_i``.

A member's current price already reflects the tier its own yearly quantity reaches alone
(``d_i``), so its gross saving is ``s_i = q_i |M_G|/|M_i| · p_i · max(0, d_G − d_i) / 100``. The
coordination cost ``C`` of the group (joint tender, follow-up) is shared pro rata of the gross
savings: member ``i`` pays ``C · s_i / Σ s``, so every member nets the same share of its saving and
nobody loses when the group's net saving ``Σ s − C`` is positive.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.mutual.config import PurchaseConfig
from symbiosis.mutual.reference import load_purchase_categories, load_purchase_tiers, tier_arrays
from symbiosis.places.distance import haversine_km

__all__ = [
    "Group",
    "PurchaseInstance",
    "candidate_groups",
    "evaluate_group",
    "group_id_of",
    "purchase_instance",
    "relaxed_bound",
]


@dataclass(frozen=True)
class PurchaseInstance:
    """Purchases to group, located, with the tiers of their categories.

    Parameters
    ----------
    purchases
        One row per purchase: ``purchase_id, firm_id, category_id, quantity_per_yr, unit,
        months_mask, price_cad_per_unit, radius_km, lat, lon`` (``radius_km`` already the smaller of
        the firm's accepted distance and the category's delivery radius).
    tiers
        Price-break tiers (:func:`~symbiosis.mutual.reference.load_purchase_tiers`).
    detour_factor
        Road km per great-circle km.
    """

    purchases: pd.DataFrame
    tiers: pd.DataFrame
    detour_factor: float = 1.3

    def road_km(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """Road km between the purchases at positions ``rows_a`` and ``rows_b`` (broadcast)."""
        lat, lon = self.purchases["lat"].to_numpy(float), self.purchases["lon"].to_numpy(float)
        return self.detour_factor * haversine_km(lat[rows_a], lon[rows_a], lat[rows_b], lon[rows_b])


@dataclass(frozen=True)
class Group:
    """A candidate or chosen buying group (positions refer to ``PurchaseInstance.purchases``).

    ``net_saving_cad_per_yr`` is the gross saving minus the coordination cost.
    """

    category_id: str
    hub: int
    members: tuple[int, ...]
    months_mask: int
    pooled_quantity_per_yr: float
    tier: int
    discount_pct: float
    gross_saving_cad_per_yr: float
    net_saving_cad_per_yr: float


def purchase_instance(
    purchases: pd.DataFrame,
    firms: pd.DataFrame,
    *,
    detour_factor: float = 1.3,
    categories: pd.DataFrame | None = None,
    tiers: pd.DataFrame | None = None,
) -> PurchaseInstance:
    """Locate the purchases at their firm's site and resolve each one's delivery radius.

    Purchases of a category without tiers, or of a firm without coordinates, are left out.
    """
    categories = load_purchase_categories() if categories is None else categories
    tiers = load_purchase_tiers() if tiers is None else tiers
    radius = categories.set_index("category_id")["default_radius_km"].astype(float)
    frame = purchases.merge(firms[["firm_id", "lat", "lon"]], on="firm_id", how="inner")
    frame = frame[
        frame["category_id"].isin(set(tiers["category_id"])) & frame[["lat", "lon"]].notna().all(axis=1)
    ]
    default = frame["category_id"].map(radius).fillna(100.0).to_numpy(float)
    declared = pd.to_numeric(frame["max_distance_km"], errors="coerce").to_numpy(float)
    frame = frame.assign(radius_km=np.where(np.isfinite(declared), np.minimum(declared, default), default))
    cols = [
        "purchase_id",
        "firm_id",
        "category_id",
        "quantity_per_yr",
        "unit",
        "months_mask",
        "price_cad_per_unit",
        "radius_km",
        "lat",
        "lon",
    ]
    frame = frame[cols].sort_values(["category_id", "purchase_id"], ignore_index=True)
    return PurchaseInstance(frame, tiers, detour_factor)


def group_id_of(category_id: str, purchase_ids: Iterable[str]) -> str:
    """Stable id of a group: ``GA-`` and 10 hex digits of its category and sorted purchase ids."""
    text = "\x1f".join([category_id, *sorted(map(str, purchase_ids))])
    return "GA-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def _popcount(mask: int) -> int:
    return bin(int(mask)).count("1")


@dataclass(frozen=True)
class _Category:
    """Plain arrays of one category's purchases (local positions), for fast group values."""

    rows: tuple[int, ...]
    q: tuple[float, ...]
    price: tuple[float, ...]
    mask: tuple[int, ...]
    pop: tuple[int, ...]
    alone: tuple[float, ...]
    thresholds: tuple[float, ...]
    discounts: tuple[float, ...]


def _category(instance: PurchaseInstance, category: str, rows: np.ndarray) -> _Category:
    p = instance.purchases
    thresholds, discounts = tier_arrays(instance.tiers, category)
    q = p["quantity_per_yr"].to_numpy(float)[rows]
    masks = p["months_mask"].to_numpy(np.int64)[rows]
    alone = discounts[np.searchsorted(thresholds, q, side="right") - 1]
    return _Category(
        tuple(int(r) for r in rows),
        tuple(q.tolist()),
        tuple(p["price_cad_per_unit"].to_numpy(float)[rows].tolist()),
        tuple(int(m) for m in masks),
        tuple(_popcount(m) for m in masks),
        tuple(alone.tolist()),
        tuple(thresholds.tolist()),
        tuple(discounts.tolist()),
    )


def _value(cat: _Category, members: Sequence[int], common: int) -> tuple[float, int, float]:
    """Pooled quantity, tier and gross saving of local ``members`` buying in months ``common``."""
    if not common:
        return 0.0, 0, 0.0
    n_common = _popcount(common)
    bought = [cat.q[m] * n_common / max(cat.pop[m], 1) for m in members]
    pooled = sum(bought)
    tier = bisect.bisect_right(cat.thresholds, pooled) - 1
    d = cat.discounts[tier]
    gross = sum(b * cat.price[m] * max(0.0, d - cat.alone[m]) for b, m in zip(bought, members, strict=True))
    return pooled, tier, gross / 100.0


def _group(cat: _Category, category: str, hub: int, members: Sequence[int], cost: float) -> Group:
    common = 0 if not members else functools.reduce(operator.and_, (cat.mask[m] for m in members))
    pooled, tier, gross = _value(cat, members, common)
    return Group(
        category, hub, tuple(members), common, pooled, tier, cat.discounts[tier], gross, gross - cost
    )


def evaluate_group(
    instance: PurchaseInstance, hub: int, members: Sequence[int], coordination_cost_cad_per_yr: float
) -> Group:
    """Value a group (see the module docstring); a group without a common month saves nothing.

    ``hub`` and ``members`` are positions in ``instance.purchases``.
    """
    rows = np.asarray(list(members), dtype=int)
    category = str(instance.purchases.at[hub, "category_id"])
    cat = _category(instance, category, rows)
    group = _to_global(cat, _group(cat, category, 0, range(len(rows)), coordination_cost_cad_per_yr))
    return dataclasses.replace(group, hub=int(hub))


def _eligible(instance: PurchaseInstance, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Road km between ``rows`` and whether ``j`` may join a group hubbed at ``i``."""
    p = instance.purchases
    dist = instance.road_km(rows[:, None], rows[None, :])
    radius = p["radius_km"].to_numpy(float)[rows]
    masks = p["months_mask"].to_numpy(np.int64)[rows]
    firms = p["firm_id"].to_numpy(object)[rows]
    ok = dist <= np.minimum(radius[:, None], radius[None, :]) + 1e-9
    ok &= (masks[:, None] & masks[None, :]) != 0
    ok &= firms[:, None] != firms[None, :]
    return dist, ok


def _grow(
    cat: _Category, category: str, hub: int, order: Sequence[int], cost: float, max_size: int
) -> list[Group]:
    """Add local purchases in ``order`` to ``{hub}``; keep the first group of each tier and the best net."""
    kept: list[Group] = []
    members = [hub]
    best: Group | None = None
    best_tier = 0
    mask = cat.mask[hub]
    pooled, tier, gross = 0.0, 0, 0.0
    for j in order:
        if len(members) >= max_size:
            break
        new_mask = mask & cat.mask[j]
        if not new_mask:
            continue
        members.append(j)
        if new_mask != mask or len(members) == 2:  # the common months changed: value the group anew
            mask = new_mask
            pooled, tier, gross = _value(cat, members, mask)
        else:  # same months: add the newcomer, revalue only when the tier moves
            bought = cat.q[j] * _popcount(mask) / max(cat.pop[j], 1)
            pooled += bought
            new_tier = bisect.bisect_right(cat.thresholds, pooled) - 1
            if new_tier != tier:
                tier = new_tier
                _, _, gross = _value(cat, members, mask)
            else:
                gross += bought * cat.price[j] * max(0.0, cat.discounts[tier] - cat.alone[j]) / 100.0
        if gross - cost <= 0:
            continue
        group = Group(
            category, hub, tuple(members), mask, pooled, tier, cat.discounts[tier], gross, gross - cost
        )
        if tier > best_tier:
            best_tier = tier
            kept.append(group)
        if best is None or group.net_saving_cad_per_yr > best.net_saving_cad_per_yr + 1e-9:
            best = group
    if best is not None and (not kept or best is not kept[-1]):
        kept.append(best)
    return kept


def _minimal(cat: _Category, group: Group, cost: float, min_size: int) -> Group:
    """Drop members (smallest quantity first, never the hub) while the net saving does not fall."""
    best = list(group.members)
    best_net = group.net_saving_cad_per_yr
    for j in sorted(group.members, key=lambda m: (cat.q[m], m)):
        if j == group.hub or len(best) <= min_size:
            continue
        trial = [m for m in best if m != j]
        common = functools.reduce(operator.and_, (cat.mask[m] for m in trial))
        _pooled, _tier, gross = _value(cat, trial, common)
        if gross - cost >= best_net - 1e-9:
            best, best_net = trial, gross - cost
    return _group(cat, group.category_id, group.hub, best, cost)


def _to_global(cat: _Category, group: Group) -> Group:
    return dataclasses.replace(
        group, hub=cat.rows[group.hub], members=tuple(cat.rows[m] for m in group.members)
    )


def candidate_groups(instance: PurchaseInstance, config: PurchaseConfig | None = None) -> list[Group]:
    """Generate buying groups worth choosing among (each with a positive net saving).

    For every purchase as a hub, the eligible purchases are added one by one in three orders
    (nearest first, largest quantity first, most common months first); every group that reaches a
    higher tier, and the best one, are kept, each with its *minimal* version (members whose removal
    does not lower the net saving dropped). Duplicates are removed.
    """
    config = config or PurchaseConfig()
    cost = config.coordination_cost_cad_per_group_yr
    seen: dict[tuple[int, ...], Group] = {}
    for category, rows in instance.purchases.groupby("category_id", sort=True).indices.items():
        rows = np.asarray(rows)
        if len(rows) < config.min_group_size:
            continue
        cat = _category(instance, str(category), rows)
        dist, ok = _eligible(instance, rows)
        q = np.asarray(cat.q)
        masks = np.asarray(cat.mask, dtype=np.int64)
        for hub in range(len(rows)):
            mates = np.flatnonzero(ok[hub])
            if len(mates) + 1 < config.min_group_size:
                continue
            overlap = np.array([_popcount(int(m)) for m in masks[mates] & masks[hub]])
            by_size = mates[np.lexsort((mates, -q[mates]))]
            orders = [mates[np.lexsort((mates, dist[hub, mates]))], by_size]
            if len(set(overlap.tolist())) > 1:  # months differ: also try the most common months first
                orders.append(mates[np.lexsort((mates, -q[mates], -overlap))])
            for order in orders:
                for group in _grow(cat, str(category), hub, order.tolist(), cost, config.max_group_size):
                    for g in (group, _minimal(cat, group, cost, config.min_group_size)):
                        key = tuple(sorted(cat.rows[m] for m in g.members))
                        if (
                            len(key) >= config.min_group_size
                            and g.net_saving_cad_per_yr > 0
                            and key not in seen
                        ):
                            seen[key] = _to_global(cat, g)
    return sorted(seen.values(), key=lambda g: (-g.net_saving_cad_per_yr, sorted(g.members)))


def relaxed_bound(instance: PurchaseInstance) -> float:
    """An upper bound on the gross saving of *any* grouping of the purchases (not only the candidates).

    Every member of a group lies within its own radius of the hub, so members ``i`` and ``j`` are at
    most ``r_i + r_j`` apart; the group's pooled quantity is thus at most the purchase's own quantity
    plus those of the compatible purchases within that distance, and its saving at most
    ``q_i p_i (d(pooled max) − d_i) / 100``. Summed over purchases (coordination costs ignored).
    """
    p = instance.purchases
    total = 0.0
    for category, rows in p.groupby("category_id", sort=True).indices.items():
        rows = np.asarray(rows)
        thresholds, discounts = tier_arrays(instance.tiers, str(category))
        q = p["quantity_per_yr"].to_numpy(float)[rows]
        price = p["price_cad_per_unit"].to_numpy(float)[rows]
        radius = p["radius_km"].to_numpy(float)[rows]
        masks = p["months_mask"].to_numpy(np.int64)[rows]
        firms = p["firm_id"].to_numpy(object)[rows]
        dist = instance.road_km(rows[:, None], rows[None, :])
        near = (dist <= radius[:, None] + radius[None, :] + 1e-9) & ((masks[:, None] & masks[None, :]) != 0)
        near &= firms[:, None] != firms[None, :]
        pooled = q + near.astype(float) @ q
        best = discounts[np.searchsorted(thresholds, pooled, side="right") - 1]
        alone = discounts[np.searchsorted(thresholds, q, side="right") - 1]
        total += float(np.sum(q * price * np.maximum(0.0, best - alone) / 100.0))
    return total
