"""Group purchasing, the results: one row per group, one per member, and a paragraph per group.

The member table states the cost-sharing rule by its columns: what each member buys in the common
months, its discount alone and in the group, its gross saving, its share of the coordination cost
(pro rata of the gross savings) and its net saving.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from symbiosis.i18n import t
from symbiosis.mutual.config import PurchaseConfig
from symbiosis.mutual.purchase_instance import Group, PurchaseInstance, group_id_of
from symbiosis.mutual.purchase_model import PurchasePlan
from symbiosis.mutual.reference import load_purchase_categories
from symbiosis.mutual.text import money, months_text, number
from symbiosis.units.words import unit_label

__all__ = [
    "GROUP_COLUMNS",
    "MEMBER_COLUMNS",
    "explain_group",
    "purchase_groups_frame",
    "purchase_members_frame",
]

GROUP_COLUMNS: tuple[str, ...] = (
    "group_id",
    "category_id",
    "hub_purchase_id",
    "hub_firm_id",
    "n_members",
    "firm_ids",
    "months_mask",
    "pooled_quantity_per_yr",
    "unit",
    "tier",
    "threshold_per_yr",
    "discount_pct",
    "gross_saving_cad_per_yr",
    "coordination_cost_cad_per_yr",
    "net_saving_cad_per_yr",
    "lat",
    "lon",
)
MEMBER_COLUMNS: tuple[str, ...] = (
    "group_id",
    "category_id",
    "purchase_id",
    "firm_id",
    "is_hub",
    "distance_to_hub_km",
    "quantity_per_yr",
    "bought_per_yr",
    "unit",
    "price_cad_per_unit",
    "purchase_value_cad_per_yr",
    "alone_discount_pct",
    "group_discount_pct",
    "gross_saving_cad_per_yr",
    "coordination_share_cad_per_yr",
    "net_saving_cad_per_yr",
)


def _member_columns(instance: PurchaseInstance, group: Group, cost: float) -> dict[str, np.ndarray]:
    """The member rows of one group, column by column (:data:`MEMBER_COLUMNS`)."""
    p = instance.purchases
    rows = np.asarray(group.members)
    n = len(rows)
    thresholds, discounts = instance.tier_arrays(group.category_id)
    q = p["quantity_per_yr"].to_numpy(float)[rows]
    price = p["price_cad_per_unit"].to_numpy(float)[rows]
    n_common = bin(group.months_mask).count("1")
    share = np.array([n_common / max(bin(int(m)).count("1"), 1) for m in p["months_mask"].to_numpy()[rows]])
    alone = discounts[np.searchsorted(thresholds, q, side="right") - 1]
    gross = q * share * price * np.maximum(0.0, group.discount_pct - alone) / 100.0
    total = gross.sum()
    coordination = cost * gross / total if total > 0 else np.full(n, cost / n)
    ids = p["purchase_id"].to_numpy()[rows]
    return {
        "group_id": np.full(n, group_id_of(group.category_id, ids), dtype=object),
        "category_id": np.full(n, group.category_id, dtype=object),
        "purchase_id": ids,
        "firm_id": p["firm_id"].to_numpy()[rows],
        "is_hub": rows == group.hub,
        "distance_to_hub_km": instance.road_km(rows, np.full(n, group.hub)),
        "quantity_per_yr": q,
        "bought_per_yr": q * share,
        "unit": p["unit"].to_numpy()[rows],
        "price_cad_per_unit": price,
        "purchase_value_cad_per_yr": q * share * price,
        "alone_discount_pct": alone,
        "group_discount_pct": np.full(n, group.discount_pct, dtype=float),
        "gross_saving_cad_per_yr": gross,
        "coordination_share_cad_per_yr": coordination,
        "net_saving_cad_per_yr": gross - coordination,
    }


def purchase_members_frame(
    instance: PurchaseInstance, plan: PurchasePlan, config: PurchaseConfig | None = None
) -> pd.DataFrame:
    """One row per member of every chosen group (:data:`MEMBER_COLUMNS`).

    The groups' columns are joined and the frame built once (a frame per group, then concatenated,
    cost more than the arithmetic).
    """
    cost = (config or PurchaseConfig()).coordination_cost_cad_per_group_yr
    if not plan.groups:
        return pd.DataFrame(columns=list(MEMBER_COLUMNS))
    parts = [_member_columns(instance, g, cost) for g in plan.groups]
    return pd.DataFrame({c: np.concatenate([part[c] for part in parts]) for c in MEMBER_COLUMNS})


def purchase_groups_frame(
    instance: PurchaseInstance, plan: PurchasePlan, config: PurchaseConfig | None = None
) -> pd.DataFrame:
    """One row per chosen group (:data:`GROUP_COLUMNS`), largest net saving first."""
    cost = (config or PurchaseConfig()).coordination_cost_cad_per_group_yr
    p = instance.purchases
    rows = []
    for g in plan.groups:
        thresholds, _ = instance.tier_arrays(g.category_id)
        ids = p["purchase_id"].to_numpy()[list(g.members)]
        rows.append(
            {
                "group_id": group_id_of(g.category_id, ids),
                "category_id": g.category_id,
                "hub_purchase_id": p.at[g.hub, "purchase_id"],
                "hub_firm_id": p.at[g.hub, "firm_id"],
                "n_members": len(g.members),
                "firm_ids": "|".join(sorted(p["firm_id"].to_numpy()[list(g.members)])),
                "months_mask": g.months_mask,
                "pooled_quantity_per_yr": g.pooled_quantity_per_yr,
                "unit": p.at[g.hub, "unit"],
                "tier": g.tier,
                "threshold_per_yr": float(thresholds[g.tier]),
                "discount_pct": g.discount_pct,
                "gross_saving_cad_per_yr": g.gross_saving_cad_per_yr,
                "coordination_cost_cad_per_yr": cost,
                "net_saving_cad_per_yr": g.net_saving_cad_per_yr,
                "lat": float(p.at[g.hub, "lat"]),
                "lon": float(p.at[g.hub, "lon"]),
            }
        )
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


def explain_group(
    group: Mapping,
    members: pd.DataFrame,
    lang: str = "fr",
    *,
    names: Mapping[str, str] | None = None,
    categories: pd.DataFrame | None = None,
) -> str:
    """A paragraph on one group: who, the tier reached and why it needs the group, savings, the rule.

    Parameters
    ----------
    group
        A row of :func:`purchase_groups_frame`.
    members
        Its rows of :func:`purchase_members_frame`.
    lang
        ``fr`` or ``en``.
    names
        Display name of each firm (the firm id when absent; pass anonymous labels for firms).
    categories
        Purchase categories (for the label); the bundled table when None.
    """
    categories = load_purchase_categories() if categories is None else categories
    labels = categories.set_index("category_id")[f"label_{lang}"]
    names = names or {}
    who = ", ".join(names.get(f, f) for f in members["firm_id"])
    alone_best = float(members["quantity_per_yr"].max()) if len(members) else 0.0
    unit = unit_label(group["unit"], lang)
    shares = "; ".join(
        f"{names.get(r.firm_id, r.firm_id)} {money(r.net_saving_cad_per_yr, lang)}"
        for r in members.itertuples()
    )
    return t(
        "mutual.purchase.explain",
        lang,
        category=labels.get(group["category_id"], group["category_id"]),
        n=int(group["n_members"]),
        who=who,
        pooled=number(group["pooled_quantity_per_yr"], lang),
        unit=unit,
        months=months_text(int(group["months_mask"]), lang),
        tier=int(group["tier"]),
        threshold=number(group["threshold_per_yr"], lang),
        discount=number(group["discount_pct"], lang),
        alone=number(alone_best, lang),
        gross=money(group["gross_saving_cad_per_yr"], lang),
        cost=money(group["coordination_cost_cad_per_yr"], lang),
        net=money(group["net_saving_cad_per_yr"], lang),
        shares=shares,
    )
