"""Rule statements with selectors (family, tag, identity, exceptions) expand into concrete rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb.rules import RULE_COLUMNS, parse_rules
from symbiosis.kb.selectors import expand_rules, select, specificity

CATS = pd.DataFrame(
    {
        "category_id": [
            "bark",
            "sawdust",
            "oily_chips",
            "boiler_fuel",
            "boiler_heat",
            "hot_water",
            "warm_water",
            "greenhouse",
            "scrap",
            "yard",
        ],
        "family": ["wood", "wood", "wood", "wood", "energy", "energy", "energy", "energy", "metal", "metal"],
        "kind": [
            "material",
            "material",
            "material",
            "material",
            "energy",
            "energy",
            "energy",
            "energy",
            "material",
            "material",
        ],
        "hazardous": [False, False, True, False, False, False, False, False, False, False],
        "tags": ["fuel", "fuel", "fuel", "", "", "heat_source", "heat_source", "heat_use", "", ""],
        "temperature_low_c": [np.nan] * 5 + [60.0, 30.0, 40.0, np.nan, np.nan],
        "temperature_high_c": [np.nan] * 5 + [90.0, 45.0, 60.0, np.nan, np.nan],
        "lhv_mwh_per_t": [2.5, 4.0, 4.0, 2.5, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
    }
)


def _statements(*rows: dict) -> pd.DataFrame:
    base = {c: "" for c in RULE_COLUMNS}
    base.update(
        yield_ratio="1.0",
        pretreatment="none",
        max_transport_km="100",
        hazardous="false",
        evidence_type="expert",
        evidence_ref="EXPERT:test",
        evidence_note="test",
    )
    return parse_rules(pd.DataFrame([{**base, **r} for r in rows]))


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["supply_category_id"], frame["demand_category_id"], strict=True))


def test_family_tag_identity_and_exceptions_expand():
    rules = expand_rules(
        _statements(
            {
                "rule_id": "F",
                "supply_category_id": "family:wood",
                "demand_category_id": "boiler_fuel",
                "except_categories": "oily_chips|boiler_fuel",
            },
            {"rule_id": "I", "supply_category_id": "family:metal", "demand_category_id": "="},
        ),
        CATS,
    )
    assert _pairs(rules) == {
        ("bark", "boiler_fuel"),
        ("sawdust", "boiler_fuel"),
        ("scrap", "scrap"),
        ("yard", "yard"),
    }
    assert set(rules.loc[rules["rule_id"] == "I", "basis"]) == {"identity"}
    assert set(rules.loc[rules["rule_id"] == "F", "basis"]) == {"family"}


def test_the_most_specific_statement_wins_a_pair():
    assert specificity("bark", "boiler_fuel") > specificity("family:wood", "=")
    assert specificity("family:wood", "=") > specificity("tag:x", "family:y")
    rules = expand_rules(
        _statements(
            {
                "rule_id": "GEN",
                "supply_category_id": "tag:fuel",
                "demand_category_id": "boiler_fuel",
                "yield_ratio": "0.9",
            },
            {
                "rule_id": "ONE",
                "supply_category_id": "bark",
                "demand_category_id": "boiler_fuel",
                "yield_ratio": "0.5",
            },
        ),
        CATS,
    )
    by_pair = rules.set_index(["supply_category_id", "demand_category_id"])["rule_id"]
    assert by_pair[("bark", "boiler_fuel")] == "ONE"  # listed beats general, even with a lower yield
    assert by_pair[("sawdust", "boiler_fuel")] == "GEN"


def test_generated_rules_of_hazardous_supplies_are_flagged():
    rules = expand_rules(
        _statements(
            {"rule_id": "GEN", "supply_category_id": "tag:fuel", "demand_category_id": "boiler_fuel"}
        ),
        CATS,
    )
    flagged = rules.set_index("supply_category_id")["hazardous"]
    assert flagged["oily_chips"] and not flagged["bark"]


def test_lhv_yield_is_energy_per_tonne_or_reference_fuel_equivalent():
    rules = expand_rules(
        _statements(
            {
                "rule_id": "E",
                "supply_category_id": "tag:fuel",
                "demand_category_id": "boiler_heat",
                "yield_ratio": "0.8",
                "yield_basis": "lhv",
                "pretreatment": "grinding",
            },
            {
                "rule_id": "M",
                "supply_category_id": "sawdust",
                "demand_category_id": "boiler_fuel",
                "yield_basis": "lhv",
            },
        ),
        CATS,
    ).set_index(["supply_category_id", "demand_category_id"])["yield_ratio"]
    assert rules[("bark", "boiler_heat")] == pytest.approx(0.8 * 2.5)  # MWh per t burnt at 80 %
    assert rules[("sawdust", "boiler_fuel")] == pytest.approx(4.0 / 2.5)  # t of 2.5 MWh/t fuel replaced


def test_temperature_pairs_that_can_never_meet_are_not_generated():
    rules = expand_rules(
        _statements(
            {
                "rule_id": "T",
                "supply_category_id": "tag:heat_source",
                "demand_category_id": "tag:heat_use",
                "checks": "temperature",
            }
        ),
        CATS,
    )
    # hot water (60–90 °C) can serve a greenhouse needing 40 °C; warm water (30–45 °C) tops out at 45,
    # above 40, so it is kept for the per-pair check with the declared temperatures.
    assert _pairs(rules) == {("hot_water", "greenhouse"), ("warm_water", "greenhouse")}
    is_warm = CATS["category_id"] == "warm_water"
    colder = CATS.assign(temperature_high_c=CATS["temperature_high_c"].where(~is_warm, 38.0))
    assert _pairs(
        expand_rules(
            _statements(
                {
                    "rule_id": "T",
                    "supply_category_id": "tag:heat_source",
                    "demand_category_id": "tag:heat_use",
                    "checks": "temperature",
                }
            ),
            colder,
        )
    ) == {("hot_water", "greenhouse")}


def test_select_names_nothing_for_unknown_selectors():
    assert select("family:none", CATS) == [] and select("tag:none", CATS) == [] and select("=", CATS) == []
