"""Shared equipment: a press split by weekly slots, seasonal users, the cost sharing, and the checker."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from symbiosis.mutual import SharingConfig, check_sharing, greedy_sharing, sharing_instance, solve_sharing
from symbiosis.mutual.sharing import Use
from symbiosis.mutual.sharing_check import explain_use, sharing_timetable, sharing_uses_frame

CONFIG = SharingConfig(workers=1, travel_cost_cad_per_km=0.0)
WEEKDAYS, AFTERNOON = 0b11111, 0b10
FIRMS = pd.DataFrame(
    {
        "firm_id": ["H", "A", "B", "C", "D", "E"],
        "lat": [48.40, 48.41, 48.42, 48.43, 48.44, 48.45],
        "lon": [-71.0] * 6,
    }
)


def _offers(**kw):
    row = {
        "offer_id": "O1",
        "firm_id": "H",
        "asset_type": "press",
        "description": "",
        "hours_per_week": 20.0,
        "days_mask": WEEKDAYS,
        "periods_mask": AFTERNOON,
        "months_mask": 4095,
        "cost_cad_per_h": 40.0,
        "fixed_cost_cad_per_yr": 10000.0,
        "host_hours_per_yr": 1000.0,
        "max_distance_km": np.nan,
    }
    return pd.DataFrame([row | kw])


def _needs(rows):
    base = {
        "asset_type": "press",
        "description": "",
        "days_mask": WEEKDAYS,
        "periods_mask": AFTERNOON,
        "months_mask": 4095,
        "max_distance_km": np.nan,
    }
    return pd.DataFrame([base | r for r in rows])


def _press():
    needs = _needs(
        [
            {"need_id": "NA", "firm_id": "A", "hours_per_week": 12.0, "alternative_cost_cad_per_h": 120.0},
            {"need_id": "NB", "firm_id": "B", "hours_per_week": 8.0, "alternative_cost_cad_per_h": 150.0},
            {"need_id": "NC", "firm_id": "C", "hours_per_week": 12.0, "alternative_cost_cad_per_h": 60.0},
        ]
    )
    return sharing_instance(_offers(), needs, FIRMS, config=CONFIG)


def test_a_shared_press_is_split_by_afternoon_slots_among_the_users_who_save_most():
    instance = _press()
    plan = solve_sharing(instance, CONFIG)
    assert plan.status == "optimal" and check_sharing(instance, plan) == []
    table = sharing_timetable(instance, plan)
    # five afternoons: A takes 3 (12 h), B takes 2 (8 h); C (12 h, saves least) does not fit
    assert sorted(table["user_firm_id"]) == ["A", "A", "A", "B", "B"]
    assert table["slot"].is_unique and set(table["period"]) == {1}
    weeks = 52.0  # all year: 12 months × 52/12 weeks
    expected = 12 * weeks * (120 - 40) + 8 * weeks * (150 - 40)
    assert plan.objective_cad_per_yr == pytest.approx(expected)


def test_users_share_the_fixed_cost_pro_rata_of_the_hours_with_the_host():
    instance = _press()
    uses = sharing_uses_frame(instance, solve_sharing(instance, CONFIG)).set_index("need_id")
    hours_a, hours_b = 12 * 52.0, 8 * 52.0
    total = 1000.0 + hours_a + hours_b  # the host's own 1 000 h count too
    assert uses.at["NA", "fixed_share_cad_per_yr"] == pytest.approx(10000 * hours_a / total)
    assert uses.at["NB", "fixed_share_cad_per_yr"] == pytest.approx(10000 * hours_b / total)
    assert uses.at["NA", "user_net_saving_cad_per_yr"] == pytest.approx(
        hours_a * 120 - hours_a * 40 - 10000 * hours_a / total
    )
    text = explain_use(uses.reset_index().iloc[0], "fr", names={"A": "Atelier A", "H": "Hôte"})
    assert "Atelier A" in text and "Hôte" in text and "prorata" in text and "lun." in text


def test_seasonal_users_take_the_same_slots_in_different_months():
    needs = _needs(
        [
            {
                "need_id": "ND",
                "firm_id": "D",
                "hours_per_week": 20.0,
                "alternative_cost_cad_per_h": 90.0,
                "months_mask": 0b000000111111,
            },
            {
                "need_id": "NE",
                "firm_id": "E",
                "hours_per_week": 20.0,
                "alternative_cost_cad_per_h": 90.0,
                "months_mask": 0b111111000000,
            },
        ]
    )
    instance = sharing_instance(_offers(), needs, FIRMS, config=CONFIG)
    plan = solve_sharing(instance, CONFIG)
    assert check_sharing(instance, plan) == [] and len(plan.uses) == 2
    assert set(plan.uses[0].slots) == set(plan.uses[1].slots) == {1, 3, 5, 7, 9}


def test_a_need_whose_days_do_not_match_the_offer_is_not_served():
    needs = _needs(
        [
            {
                "need_id": "NW",
                "firm_id": "A",
                "hours_per_week": 4.0,
                "alternative_cost_cad_per_h": 200.0,
                "days_mask": 0b1100000,
            }
        ]
    )  # weekend only; the press is free on weekdays
    instance = sharing_instance(_offers(), needs, FIRMS, config=CONFIG)
    assert instance.pairs == () and solve_sharing(instance, CONFIG).status == "empty"


def test_a_host_far_beyond_the_accepted_distance_is_not_proposed():
    far = FIRMS.assign(lat=[48.40, 49.40, 48.42, 48.43, 48.44, 48.45])
    needs = _needs(
        [{"need_id": "NA", "firm_id": "A", "hours_per_week": 4.0, "alternative_cost_cad_per_h": 200.0}]
    )
    assert sharing_instance(_offers(), needs, far, config=CONFIG).pairs == ()


def test_the_checker_catches_a_double_booked_slot_and_a_short_allocation():
    instance = _press()
    plan = solve_sharing(instance, CONFIG)
    a, b = plan.uses
    clash = dataclasses.replace(plan, uses=(a, Use(b.pair, a.slots[:2])))
    assert any("has 2 users" in p.message("en") for p in check_sharing(instance, clash))
    short = dataclasses.replace(plan, uses=(Use(a.pair, a.slots[:1]), b))
    assert any("1 slots for a need of 3" in p.message("en") for p in check_sharing(instance, short))


def test_greedy_plan_is_valid_and_never_beats_cp_sat():
    instance = _press()
    greedy = greedy_sharing(instance)
    assert check_sharing(instance, greedy) == []
    assert solve_sharing(instance, CONFIG).objective_cad_per_yr >= greedy.objective_cad_per_yr - 1e-6


def test_an_explanation_keeps_an_acronym_in_the_equipments_name():
    """« centre d'usinage CNC », not « centre d'usinage cnc »: the label is written inside a sentence."""
    from symbiosis.mutual import MutualConfig, MutualData, run_mutual
    from symbiosis.mutual.explain import explanations

    firms = FIRMS.assign(name=FIRMS["firm_id"], municipality="Alma", confidentiality="public")
    needs = _needs(
        [{"need_id": "NA", "firm_id": "A", "hours_per_week": 6.0, "alternative_cost_cad_per_h": 150.0}]
    )
    data = MutualData(
        capacity_offers=_offers(asset_type="cnc_machining"),
        capacity_needs=needs.assign(asset_type="cnc_machining"),
    )
    result = run_mutual(firms, data, MutualConfig(levers=("sharing",)))
    text = explanations(result, "fr").set_index("lever").loc["sharing", "explanation"]
    assert "centre d'usinage CNC" in text
