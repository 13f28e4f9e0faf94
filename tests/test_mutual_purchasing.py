"""Group purchasing: tiny instances whose best groups are known by hand, the checker, seeded properties."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from symbiosis.mutual import (
    PurchaseConfig,
    candidate_groups,
    check_purchasing,
    greedy_groups,
    purchase_instance,
    solve_purchasing,
)
from symbiosis.mutual.purchase_explain import explain_group, purchase_groups_frame, purchase_members_frame
from symbiosis.mutual.purchase_instance import Group, evaluate_group, relaxed_bound
from symbiosis.mutual.purchase_model import split_bound

CONFIG = PurchaseConfig(coordination_cost_cad_per_group_yr=20.0, workers=1, time_limit_s=5.0)
TIERS = pd.DataFrame(
    {
        "category_id": ["gloves", "gloves"],
        "tier": [1, 2],
        "min_quantity_per_yr": [100.0, 1000.0],
        "discount_pct": [10.0, 20.0],
        "evidence_type": "expert_note",
        "evidence_note": "",
    }
)
CATEGORIES = pd.DataFrame(
    {"category_id": ["gloves"], "default_radius_km": [50.0], "label_fr": ["Gants"], "label_en": ["Gloves"]}
)


def _instance(quantities, *, months=None, prices=None, lats=None):
    n = len(quantities)
    firms = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(n)],
            "lat": lats if lats is not None else [48.40 + 0.01 * i for i in range(n)],
            "lon": [-71.0] * n,
        }
    )
    purchases = pd.DataFrame(
        {
            "purchase_id": [f"P{i}" for i in range(n)],
            "firm_id": firms["firm_id"],
            "category_id": "gloves",
            "quantity_per_yr": [float(q) for q in quantities],
            "unit": "boîte",
            "months_mask": months if months is not None else [4095] * n,
            "price_cad_per_unit": prices if prices is not None else [10.0] * n,
            "max_distance_km": np.nan,
        }
    )
    return purchase_instance(purchases, firms, categories=CATEGORIES, tiers=TIERS)


def test_a_tier_reached_only_with_three_members_forms_the_group_of_three():
    instance = _instance([40, 40, 40])
    for pair in ((0, 1), (0, 2), (1, 2)):  # any two buy 80 < 100: no tier, no saving
        assert evaluate_group(instance, pair[0], pair, 20.0).gross_saving_cad_per_yr == 0.0
    plan = solve_purchasing(instance, CONFIG)
    assert plan.status == "optimal" and check_purchasing(instance, plan, CONFIG) == []
    (group,) = plan.groups
    assert sorted(group.members) == [0, 1, 2] and group.tier == 1 and group.discount_pct == 10.0
    assert group.pooled_quantity_per_yr == 120.0
    assert group.gross_saving_cad_per_yr == pytest.approx(120.0)  # 120 boxes × 10 $ × 10 %
    assert plan.objective_cad_per_yr == pytest.approx(100.0)  # minus the 20 $ coordination cost


def test_members_share_the_coordination_cost_pro_rata_of_their_savings():
    instance = _instance([40, 40, 40], prices=[10.0, 10.0, 20.0])
    plan = solve_purchasing(instance, CONFIG)
    members = purchase_members_frame(instance, plan, CONFIG).set_index("purchase_id")
    # gross savings 40, 40, 80 (the third pays twice the price); 20 $ shared as 5, 5, 10
    assert members["gross_saving_cad_per_yr"].tolist() == pytest.approx([40.0, 40.0, 80.0])
    assert members["coordination_share_cad_per_yr"].tolist() == pytest.approx([5.0, 5.0, 10.0])
    assert members["net_saving_cad_per_yr"].sum() == pytest.approx(plan.objective_cad_per_yr)


def test_a_firm_that_reaches_the_tier_alone_gains_nothing_from_it():
    instance = _instance([150, 40])  # the first already gets 10 % alone; together: 190, still tier 1
    group = evaluate_group(instance, 0, (0, 1), 0.0)
    assert group.tier == 1 and group.gross_saving_cad_per_yr == pytest.approx(40 * 10 * 0.10)


def test_only_the_common_months_count():
    # 60 all year + 60 over 6 months: together they buy 30 + 60 = 90 in the common months (< 100)
    instance = _instance([60, 60], months=[0b111111, 4095])
    assert evaluate_group(instance, 0, (0, 1), 0.0).pooled_quantity_per_yr == pytest.approx(90.0)
    assert candidate_groups(instance, CONFIG) == []
    assert solve_purchasing(instance, CONFIG).status == "empty"


def test_a_firm_outside_the_delivery_radius_does_not_join():
    instance = _instance([40, 40, 40], lats=[48.40, 48.41, 49.40])  # the third is ~140 road km away
    assert solve_purchasing(instance, CONFIG).groups == ()


def test_cp_sat_beats_the_greedy_when_the_best_group_blocks_two_others():
    instance = _instance([40] * 5)
    groups = [
        Group("gloves", 0, (0, 1, 2), 4095, 120, 1, 10, 120, 100),
        Group("gloves", 0, (0, 3), 4095, 100, 1, 10, 80, 60),
        Group("gloves", 1, (1, 4), 4095, 100, 1, 10, 80, 60),
    ]
    assert sum(g.net_saving_cad_per_yr for g in greedy_groups(groups)) == 100
    plan = solve_purchasing(instance, CONFIG, candidates=groups)
    assert plan.objective_cad_per_yr == 120 and plan.greedy_cad_per_yr == 100 and plan.status == "optimal"


def test_the_checker_catches_a_purchase_in_two_groups_and_a_wrong_saving():
    instance = _instance([40, 40, 40, 40])
    plan = solve_purchasing(instance, CONFIG)
    group = plan.groups[0]
    doubled = dataclasses.replace(
        plan, groups=(group, group), objective_cad_per_yr=2 * plan.objective_cad_per_yr
    )
    assert any("in 2 groups" in p.message("en") for p in check_purchasing(instance, doubled, CONFIG))
    inflated = dataclasses.replace(
        plan, groups=(dataclasses.replace(group, net_saving_cad_per_yr=999.0),), objective_cad_per_yr=999.0
    )
    assert "savings_mismatch" in {p.code for p in check_purchasing(instance, inflated, CONFIG)}


def test_the_explanation_names_the_tier_the_rule_and_each_members_saving():
    instance = _instance([40, 40, 40])
    plan = solve_purchasing(instance, CONFIG)
    group = purchase_groups_frame(instance, plan, CONFIG).iloc[0]
    members = purchase_members_frame(instance, plan, CONFIG)
    text_fr = explain_group(group, members, "fr", names={"F0": "Alpha"}, categories=CATEGORIES)
    text_en = explain_group(group, members, "en", categories=CATEGORIES)
    assert "Gants" in text_fr and "Alpha" in text_fr and "palier 1" in text_fr and "10 %" in text_fr
    assert "prorata" in text_fr and "tier 1" in text_en and "pro rata" in text_en and "F1" in text_en


@pytest.mark.parametrize("seed", range(4))
def test_random_plans_pass_the_checker_and_lie_between_greedy_and_bounds(seed):
    rng = np.random.default_rng(seed)
    n = 30
    instance = _instance(
        rng.lognormal(3.5, 0.8, n).round(1),
        months=rng.integers(1, 4096, n).tolist(),
        prices=rng.uniform(5, 20, n).round(2).tolist(),
        lats=48.3 + rng.uniform(0, 0.5, n),
    )
    plan = solve_purchasing(instance, CONFIG)
    assert check_purchasing(instance, plan, CONFIG) == []
    assert plan.objective_cad_per_yr >= plan.greedy_cad_per_yr - 1e-6
    if not math.isnan(plan.bound_cad_per_yr):
        assert plan.objective_cad_per_yr <= plan.bound_cad_per_yr + 0.01
    assert sum(g.gross_saving_cad_per_yr for g in plan.groups) <= relaxed_bound(instance) + 1e-6
    assert plan.objective_cad_per_yr <= split_bound(candidate_groups(instance, CONFIG)) + 1e-6
    used = [m for g in plan.groups for m in g.members]
    assert len(used) == len(set(used))
