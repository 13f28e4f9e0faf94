"""Grades (issue 9, forbidden pairs): food-, feed-, pharmaceutical-grade and potable demands.

A residue is never proposed to a buyer that requires a grade the supply does not state; one that
states a lower grade ("industrial grade") is refused. What a demand *makes* ("CO2 for liquefaction
to food grade") is not what it requires, and a negation ("non-potable") requires nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.quality import SPEC_LABELS, SPEC_UNKNOWN_TEXT, UNKNOWABLE
from symbiosis.kb.grades import grade_labels, grade_violation, required_grades, stated_grades
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS
from tests._registry_helpers import firm, stream


@pytest.mark.parametrize(
    ("text", "required"),
    [
        ("CO2 food grade (EIGA/ISBT) 99.9% for carbonation", ["food grade"]),
        ("CO2 qualité alimentaire (EIGA/ISBT) 99,9 % pour la gazéification", ["food grade"]),
        ("Carbonate de calcium de qualité alimentaire (E170)", ["food grade"]),
        ("Chaux / complément calcique de qualité alimentaire animale pour pierres à lécher", ["feed grade"]),
        ("Feed water for purified water / WFI plant - potable quality source only", ["potable quality"]),
        ("Eau de procédé de qualité potable (contact produit)", ["food grade", "potable quality"]),
        # Brewing and malting grades are food grades (the grain goes into a drink).
        ("Malt barley, brewing grade", ["food grade"]),
        ("Orge de qualité brassicole", ["food grade"]),
        # What the buyer makes, after its use cue, is not what it buys.
        ("Raw fermentation CO2 (> 98 %) for liquefaction to food grade", []),
        ("CO2 brut (>90 %) à liquéfier et purifier en qualité alimentaire / industrielle", []),
        ("Chlorine product for drinking water disinfection", []),
        # A negation requires nothing; nobody requires a lower grade.
        ("Non-potable water for dust suppression", []),
        ("Eau non potable pour abattage des poussières", []),
        ("Technical grade caustic soda", []),
    ],
)
def test_what_a_demand_requires(text, required):
    assert grade_labels(int(required_grades([text])[0]), "en") == required


def test_what_a_supply_states_and_whether_it_meets_a_requirement():
    stated = stated_grades(
        [
            "DDGS - feed grade",
            "liquid CO2, industrial grade",
            "Fermentation CO2",
            "CO2 de qualité alimentaire",
        ]
    )
    assert [grade_labels(int(b), "fr") for b in stated] == [
        ["qualité alimentaire animale"],
        ["qualité industrielle"],
        [],
        ["qualité alimentaire"],
    ]
    food, feed = (int(required_grades([t])[0]) for t in ("food grade CO2", "feed grade lime"))
    required = np.array([food, food, food, feed], dtype=np.int64)
    # industrial does not meet food (refused); silence is not judged here (an uncertainty);
    # food meets food; food meets feed.
    supply = np.array([stated[1], stated[2], stated[3], stated[3]], dtype=np.int64)
    assert grade_violation(supply, required).tolist() == [True, False, False, False]


def test_grade_is_a_spec_a_supply_can_leave_undeclared():
    assert "grade" in UNKNOWABLE and len(SPEC_UNKNOWN_TEXT) == 1 << len(UNKNOWABLE)
    assert SPEC_UNKNOWN_TEXT[1 << UNKNOWABLE.index("grade")] == "grade"
    assert SPEC_LABELS["grade"].get("fr") and SPEC_LABELS["grade"].get("en")


def _registry(rows: list[dict]) -> Registry:
    ids = sorted({r["firm_id"] for r in rows})
    firms = pd.DataFrame([firm(f, f, "Saguenay", 48.42 + 0.01 * i, -71.06) for i, f in enumerate(ids)])
    return Registry(firms[FIRMS.names], pd.DataFrame(rows)).validate()


def test_industrial_co2_never_reaches_a_food_grade_buyer_and_unstated_co2_waits():
    price = dict(purchase_price_cad_per_unit=150.0)
    rows = [
        stream(
            "IND",
            "GASCO",
            "supply",
            "co2_industrial_use",
            5000,
            description="Liquid CO2, industrial grade, bulk",
        ),
        stream("RAW", "BREW", "supply", "co2_industrial_use", 5000, description="Captured CO2"),
        stream(
            "SODA",
            "BOTTLER",
            "demand",
            "co2_industrial_use",
            3000,
            description="CO2 food grade for carbonation",
            **price,
        ),
        stream("WELD", "SHOP", "demand", "co2_industrial_use", 3000, description="CO2 for welding", **price),
    ]
    result = run(_registry(rows), MatchConfig())
    cands = result.candidates.set_index("candidate_id")
    assert "IND>SODA" not in cands.index  # a lower grade stated: refused
    assert cands.loc["RAW>SODA", "spec_unknown"] == "grade"  # nothing stated: to confirm
    proposed = set(result.exchanges["candidate_id"])
    assert "RAW>SODA" not in proposed and {"IND>WELD", "RAW>WELD"} & proposed
    # Once the supplier states the grade, the pair is proposed like any other.
    certified = [*rows[:1], {**rows[1], "description": "Captured CO2, food grade (ISBT)"}, *rows[2:]]
    assert "RAW>SODA" in set(run(_registry(certified), MatchConfig()).exchanges["candidate_id"])


def test_a_slag_is_never_proposed_as_clean_fill_and_clean_soil_is():
    rows = [
        stream(
            "SLAG",
            "SMELTER",
            "supply",
            "slag_metallurgical",
            50000,
            description="Slag from smelt reduction vessel",
        ),
        stream(
            "SOIL",
            "SITE",
            "supply",
            "cd_soil_clean",
            20000,
            description="Clean excavated soil from site works",
        ),
        stream("DIRT", "SITE2", "supply", "cd_soil_clean", 20000, description="Excavated soil"),
        stream("FILL", "DEVELOPER", "demand", "fill_material", 60000, description="Clean fill sand"),
    ]
    result = run(_registry(rows), MatchConfig())
    cands = result.candidates.set_index("candidate_id")
    proposed = set(result.exchanges["candidate_id"])
    # A residue that says nothing about being clean waits for an advisor; clean soil is proposed.
    assert "SLAG>FILL" not in proposed
    if "SLAG>FILL" in cands.index:
        assert cands.loc["SLAG>FILL", "spec_unknown"] == "grade"
    assert "SOIL>FILL" in proposed
    assert cands.loc["DIRT>FILL", "spec_unknown"] == "grade"
    assert required_grades(["Remblai propre pour aménagement paysager"])[0] != 0
    assert required_grades(["Fill / capping material for rehabilitation"])[0] == 0
