"""The integer permit check of candidate generation gives exactly the string check's answer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from symbiosis.engine import _candidate_pairs as _pairs
from symbiosis.engine.candidates import _permit_index
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.permits import PermitIndex, PermitTokens, required_pathways
from symbiosis.kb import load_categories, load_rules
from tests.test_golden import sample_registry


@pytest.fixture(scope="module")
def sides():
    registry, categories, config = sample_registry(), load_categories(), MatchConfig()
    sup = _pairs.Side.build(registry.supplies, config, categories, direction="supply")
    dem = _pairs.Side.build(registry.demands, config, categories, permits=_permit_index(registry, categories))
    rules = _pairs.RuleArrays.build(load_rules())
    return sup, dem, rules, config


def test_first_failures_agree_on_every_rule_pair_of_the_sample(sides):
    sup, dem, rules, config = sides
    raw = _pairs.rule_pairs(sup, dem, rules, config)
    plain = _pairs.first_failure(raw, sup, dem, rules, config)
    tokens = PermitTokens.build(dem.permits, sup.category, sup.waste_code, rules.authorisation_code)
    fast = _pairs.first_failure(raw, replace(sup, permit_tokens=tokens), dem, rules, config)
    np.testing.assert_array_equal(fast, plain)
    assert (plain == _pairs.CHECKS.index("permit_missing")).sum() > 0  # the check does refuse pairs here


@pytest.mark.parametrize("declared", [False, True])
def test_missing_matches_covered_on_codes_categories_and_wildcards(declared):
    import pandas as pd

    permits = pd.DataFrame(
        {
            "permit_id": ["p1", "p2", "p3"],
            "firm_id": ["A", "B", "C"],
            "permit_type": ["hazardous_materials", "mrf_guide", "reafie_ministerial_authorisation"],
            "categories": ["*", "wood_ash", ""],
            "waste_codes": ["", "", "10 01"],
            "reference": ["R1", "R2", "R3"],
            "valid_until": [None, None, None],
        }
    )
    index = PermitIndex.build(permits if declared else permits.iloc[0:0], None)
    index = replace(index, declared=declared)
    category = np.array(["wood_ash", "paper_sludge", "fly_ash", "wood_ash"], dtype=object)
    code = np.array(["", "030305", "100101", "10"], dtype=object)
    rule_codes = np.array(["", "mrf_authorisation", "ministerial_authorisation"], dtype=object)
    tokens = PermitTokens.build(index, category, code, rule_codes)
    rng = np.random.default_rng(3)
    n = 400
    s, firm = rng.integers(0, 4, n), rng.choice(np.array(["A", "B", "C", "D"], dtype=object), n)
    rule, hazardous = rng.integers(-1, 3, n), rng.random(n) < 0.3
    firm_hash = pd.util.hash_array(firm).astype(np.uint64)
    first, second = tokens.required(rule, hazardous)
    codes = np.where(rule >= 0, rule_codes[np.maximum(rule, 0)], "")
    text_first, text_second = required_pathways(codes.astype(object), hazardous)
    np.testing.assert_array_equal(tokens.names[first], text_first)
    np.testing.assert_array_equal(tokens.names[second], text_second)
    for ids, text in ((first, text_first), (second, text_second)):
        needed = np.where(index.enforces(text), text, "")
        covered, _ = index.covered(firm_hash, needed, category[s], code[s])
        np.testing.assert_array_equal(tokens.missing(firm_hash, ids, s), ~covered)


def test_no_supply_gives_an_empty_table_and_no_missing_pair():
    """The hashes are built in one batch; a side with no supply has no (category, code) combination."""
    import pandas as pd

    permits = pd.DataFrame(
        {"permit_id": ["p1"], "firm_id": ["A"], "permit_type": ["hazardous_materials"], "categories": ["*"]}
    )
    index = PermitIndex.build(permits, None)
    none = np.zeros(0, dtype=object)
    tokens = PermitTokens.build(index, none, none, np.array(["", "mrf_authorisation"], dtype=object))
    assert tokens.mixed.shape == (len(tokens.names), 0, 5)
    empty = np.zeros(0, np.int64)
    assert tokens.missing(np.zeros(0, np.uint64), empty, empty).shape == (0,)
