"""Outlets the industrial-symbiosis literature documents, sector by sector, stay in the knowledge base.

Each test names a few concrete (supply, demand) pairs added from an audit of the published exchanges
(MAESTRI cases, EU BREFs, reviews); a future edit of ``rules.csv`` that drops one of them fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.kb import load_rules


@pytest.fixture(scope="module")
def rules() -> pd.DataFrame:
    return load_rules().set_index(["supply_category_id", "demand_category_id"])


def _outlet(rules: pd.DataFrame, supply: str, demand: str) -> pd.Series:
    assert (supply, demand) in rules.index, f"{supply} -> {demand} is no longer a rule"
    return rules.loc[(supply, demand)]


def test_power_and_heat_outlets(rules):
    # Coal-combustion products in pavements (FHWA user guidelines) and as lightweight aggregate.
    assert _outlet(rules, "coal_fly_ash", "asphalt_mix_feed")["r_code"] == "R5"
    assert _outlet(rules, "coal_bottom_ash", "asphalt_mix_feed")["max_transport_km"] <= 150
    assert _outlet(rules, "coal_fly_ash", "aggregates_secondary")["yield_ratio"] < 1.0
    # Medium-grade waste heat reaches 90-150 °C process heat only through a heat pump (yield > 1).
    lift = _outlet(rules, "heat_medium_60_90c", "heat_high_90_150c")
    assert lift["yield_ratio"] > 1.0 and "heat pump" in lift["receiving_process"]
    assert lift["max_transport_km"] <= 15
