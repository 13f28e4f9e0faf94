"""The levers in the synergy pipeline: typed synergy rows, their ledger lines, consents per shared item."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from symbiosis.db import Actor, PermissionDenied
from symbiosis.mutual import MutualConfig, MutualData, run_mutual
from symbiosis.mutual.records import mutual_proposals, record_mutual_proposals
from symbiosis.reports.lines import lines_from_ledger
from symbiosis.services.mutual_consent import firm_items, item_consents, item_partners
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.synergy.ledger import ledger_lines, summarise_ledger

ADVISOR = Actor("adele", "advisor")


def _firms(firm_row):
    rows = [
        firm_row("A", "Atelier A", lat=48.40, lon=-71.00),
        firm_row("B", "Atelier B", lat=48.41, lon=-71.01),
        firm_row("C", "Atelier C", lat=48.42, lon=-71.02),
        firm_row("H", "Hôte H", lat=48.40, lon=-71.02),
    ]
    return pd.DataFrame(rows)


def _result(firms: pd.DataFrame):
    purchases = pd.DataFrame(
        {
            "purchase_id": ["P-A", "P-B", "P-C"],
            "firm_id": ["A", "B", "C"],
            "category_id": "nitrile_gloves",
            "description": "",
            "quantity_per_yr": [500.0, 500.0, 500.0],
            "unit": "boîte",
            "months_mask": 4095,
            "price_cad_per_unit": 12.0,
            "max_distance_km": float("nan"),
        }
    )  # 1 500 boxes: tier 2 only together
    offers = pd.DataFrame(
        [
            {
                "offer_id": "O-H",
                "firm_id": "H",
                "asset_type": "press",
                "description": "",
                "hours_per_week": 8.0,
                "days_mask": 31,
                "periods_mask": 3,
                "months_mask": 4095,
                "cost_cad_per_h": 50.0,
                "fixed_cost_cad_per_yr": 5000.0,
                "host_hours_per_yr": 500.0,
                "max_distance_km": float("nan"),
            }
        ]
    )
    needs = pd.DataFrame(
        [
            {
                "need_id": "N-A",
                "firm_id": "A",
                "asset_type": "press",
                "description": "",
                "hours_per_week": 4.0,
                "days_mask": 31,
                "periods_mask": 3,
                "months_mask": 4095,
                "alternative_cost_cad_per_h": 140.0,
                "max_distance_km": float("nan"),
            }
        ]
    )
    data = MutualData(purchases=purchases, capacity_offers=offers, capacity_needs=needs)
    return run_mutual(firms, data, MutualConfig(levers=("purchasing", "sharing")))


@pytest.fixture
def recorded(repo, system, firm_row):
    firms = _firms(firm_row)
    repo.upsert_firms(system, firms)
    result = _result(firms)
    store = SynergyRepository(repo)
    assert record_mutual_proposals(store, ADVISOR, result) == 4  # 3 group members + 1 shared press
    return store, result


def test_each_part_is_a_synergy_of_its_type(recorded):
    store, result = recorded
    syn = store.synergies(ADVISOR).set_index("demand_id")
    group = result.purchase_groups.iloc[0]["group_id"]
    assert set(syn["synergy_type"]) == {"group_purchase", "shared_service"}
    members = syn.loc[[group]] if isinstance(syn.loc[group], pd.Series) else syn.loc[group]
    assert (members["supply_firm_id"] == members["demand_firm_id"]).all() and len(members) == 3
    press = syn.loc["N-A"]
    assert (press["supply_firm_id"], press["demand_firm_id"], press["synergy_type"]) == (
        "H",
        "A",
        "shared_service",
    )


def test_the_ledger_reports_the_levers_with_their_own_methods(recorded):
    store, result = recorded
    synergies = store.synergies(ADVISOR)
    lines = ledger_lines(synergies)
    mutual = lines[lines["method"].str.startswith("M")]
    assert len(mutual) == 4 * 3 and not lines["method"].str.startswith("L").any()
    saving = mutual.loc[mutual["indicator"] == "net_savings_cad", "value"].sum()
    expected = result.memberships()["saving_cad_per_yr"].sum()  # users' and hosts' parts
    assert saving == pytest.approx(expected)
    summary = summarise_ledger(lines).set_index("indicator")
    assert summary.at["net_savings_cad", "n_synergies"] == 4
    report = lines_from_ledger(synergies, lines)
    assert report["net_value_cad_per_yr"].sum() == pytest.approx(expected)
    assert report["tonnes_t_per_yr"].sum() == 0.0  # nothing is exchanged: nothing counted as tonnes


def test_members_are_revealed_only_once_every_member_accepted(recorded):
    store, result = recorded
    group = result.purchase_groups.iloc[0]["group_id"]
    syn = store.synergies(ADVISOR)
    for sid in syn.loc[syn["demand_id"] == group, "synergy_id"]:
        store.transition(ADVISOR, sid, "qualified")
    a, b, c = (Actor(f"user-{f}", "firm", f) for f in "ABC")
    before = item_consents(store._repo, a).set_index("item_id")
    assert before.at[group, "n_members"] == 3 and not before.at[group, "all_accepted"]
    for actor in (a, b):
        mine = item_consents(store._repo, actor).set_index("item_id").at[group, "my_synergy_id"]
        store.consent(actor, mine, "accept")
    assert item_consents(store._repo, a).set_index("item_id").at[group, "n_accepted"] == 2
    store.consent(c, item_consents(store._repo, c).set_index("item_id").at[group, "my_synergy_id"], "accept")
    after = item_consents(store._repo, a).set_index("item_id")
    assert after.at[group, "all_accepted"] and after.at[group, "my_decision"] == "accept"
    assert item_consents(store._repo, Actor("user-H", "firm", "H")).empty  # the host is not in the group


def test_the_database_refuses_an_unknown_synergy_type(recorded, repo):
    store, _ = recorded
    sid = store.synergies(ADVISOR)["synergy_id"].iloc[0]
    with pytest.raises(IntegrityError), repo.engine.begin() as conn:
        conn.execute(text("UPDATE synergies SET synergy_type = 'barter' WHERE synergy_id = :s"), {"s": sid})


def test_proposal_rows_carry_the_per_unit_parameters(firm_row):
    rows = mutual_proposals(_result(_firms(firm_row)))
    member = rows[rows["synergy_type"] == "group_purchase"].iloc[0]
    params = member["mutual_parameters"]
    assert params["lever"] == "purchasing" and params["saving_cad_per_unit"] * member[
        "flow_per_yr"
    ] == pytest.approx(member["net_value_cad_per_yr"])


def test_a_firm_sees_its_parts_and_its_partners_as_bands_until_all_accepted(recorded):
    store, result = recorded
    group = result.purchase_groups.iloc[0]["group_id"]
    syn = store.synergies(ADVISOR)
    for sid in syn.loc[syn["demand_id"] == group, "synergy_id"]:
        store.transition(ADVISOR, sid, "qualified")
    a, b, c = (Actor(f"user-{f}", "firm", f) for f in "ABC")
    items = firm_items(store._repo, a)
    assert items["item_id"].tolist() == [group] and items.at[0, "net_value_cad_per_yr"] > 0
    partners = item_partners(store._repo, a, group)
    assert len(partners) == 2 and not partners["revealed"].any() and (partners["name"] == "").all()
    assert set(partners["distance_band"]) == {"lt10"}
    for actor in (a, b, c):
        store.consent(actor, firm_items(store._repo, actor).at[0, "my_synergy_id"], "accept")
    revealed = item_partners(store._repo, a, group)
    assert revealed["revealed"].all() and set(revealed["name"]) == {"Atelier B", "Atelier C"}
    assert "reveal" in set(store._repo.audit(ADVISOR)["action"])
    with pytest.raises(PermissionDenied):
        item_partners(store._repo, Actor("user-H", "firm", "H"), group)


def test_group_parts_stay_off_the_bilateral_proposals_list(recorded):
    store, _ = recorded
    for sid in store.synergies(ADVISOR)["synergy_id"]:
        store.transition(ADVISOR, sid, "qualified")
    listed = store.firm_proposals(Actor("user-A", "firm", "A"))
    assert len(listed) == 1 and listed.iloc[0]["my_side"] == "demand"  # the shared press only
    assert len(firm_items(store._repo, Actor("user-A", "firm", "A"))) == 1  # its part in the group
