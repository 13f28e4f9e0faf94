"""A pair found under a runner-up category is scored as that category, not the one it does not use.

A demand read as a fertiliser (chemicals, 300 $/t) but matched to bark as a boiler fuel (its runner-up)
was credited the fertiliser's 300 $/t of avoided purchase. The pair is now valued exactly as if the
advisor had confirmed the runner-up: same price, fate, factors; what the firm declared still wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.candidates import find_candidates
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.scored_set import score_set
from symbiosis.engine.scoring import score_candidates
from symbiosis.kb import load_categories, load_rules
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS
from tests._registry_helpers import firm, stream

PAIR = "BARK>NEED"
COLUMNS = (
    "avoided_purchase_cad_per_unit",
    "avoided_disposal_cad_per_unit",
    "net_value_cad_per_unit",
    "co2e_avoided_t_per_unit",
    "gain_per_unit",
)


def _registry(demand_category: str, *, alternatives: str = "", price: float | None = None) -> Registry:
    firms = pd.DataFrame(
        [firm("MILL", "MILL", "Saguenay", 48.42, -71.06), firm("SERRE", "SERRE", "Saguenay", 48.43, -71.05)]
    )
    extra = {"purchase_price_cad_per_unit": price} if price is not None else {}
    inferred = (
        dict(category_source="inferred", category_score=0.5, category_alternatives=alternatives)
        if alternatives
        else {}
    )
    rows = [
        stream("BARK", "MILL", "supply", "wood_bark", 4000, description="Écorces de résineux"),
        stream(
            "NEED",
            "SERRE",
            "demand",
            demand_category,
            3000,
            description="Engrais et combustible pour la chaudière",
            **inferred,
            **extra,
        ),
    ]
    return Registry(firms[FIRMS.names], pd.DataFrame(rows)).validate()


def _pair(result_candidates: pd.DataFrame) -> pd.Series:
    rows = result_candidates.set_index("candidate_id")
    assert PAIR in rows.index
    return rows.loc[PAIR]


def test_a_runner_up_pair_is_valued_as_if_the_category_were_confirmed():
    read = run(_registry("mineral_fertiliser", alternatives="biomass_fuel_wood"), MatchConfig())
    confirmed = run(_registry("biomass_fuel_wood"), MatchConfig())
    got, want = _pair(read.candidates), _pair(confirmed.candidates)
    assert bool(got["category_alternative"]) and not bool(want["category_alternative"])
    assert got["demand_category_id"] == "biomass_fuel_wood"
    for column in COLUMNS:
        assert got[column] == pytest.approx(want[column]), column
    fertiliser = MatchConfig().default_purchase_price_by_family["chemicals_solvents"]
    assert got["avoided_purchase_cad_per_unit"] < fertiliser / 2


def test_a_declared_price_still_wins_under_a_runner_up():
    read = run(_registry("mineral_fertiliser", alternatives="biomass_fuel_wood", price=12.0), MatchConfig())
    confirmed = run(_registry("biomass_fuel_wood", price=12.0), MatchConfig())
    assert _pair(read.candidates)["avoided_purchase_cad_per_unit"] == pytest.approx(
        _pair(confirmed.candidates)["avoided_purchase_cad_per_unit"]
    )
    assert _pair(confirmed.candidates)["purchase_price_source"] == "declared"


def test_both_scoring_doors_agree_on_a_runner_up_pair():
    reg = _registry("mineral_fertiliser", alternatives="biomass_fuel_wood")
    rules, categories, factors = load_rules(), load_categories(), load_factors()
    config = MatchConfig()
    found = find_candidates(reg, rules, config, categories=categories)
    arrays = score_set(found, reg, config, factors=factors, categories=categories).frame()
    frame = score_candidates(
        arrays.drop(columns=[c for c in arrays.columns if c in COLUMNS]),
        reg,
        config,
        factors=factors,
        categories=categories,
        rules=rules,
    )
    a, f = arrays.set_index("candidate_id"), frame.set_index("candidate_id")
    for column in COLUMNS:
        np.testing.assert_allclose(a.loc[PAIR, column], f.loc[PAIR, column], err_msg=column)
