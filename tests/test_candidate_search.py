"""How candidate blocks are searched: each pair checked once per side, refused blocks enumerated instead.

The search strategy changes how many pairs are examined, never which candidates come out: each test
compares with the K-nearest search forced everywhere (``ENUMERATE_FACTOR = 0``) and with brute force.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine import _candidate_pairs as cp
from symbiosis.engine.candidates import find_candidates, generate_candidates, sides_and_rules
from symbiosis.engine.config import MatchConfig
from symbiosis.registry import Registry
from tests.test_candidates_fixtures import tiny_rules

_FIRM_EXTRA = {"park_id": "", "municipality": "Saguenay", "scian_code": "321111"}
_CONFIG = MatchConfig(text_similarity_threshold=1.01, k_nearest=3)


def _bark_registry(strict_share: float, *, n: int = 800, seed: int = 7) -> Registry:
    """Bark supplies (purity 60–90 %) and wood-fuel demands in a 220 km box; ``strict_share`` of the
    demands ask for 95 % purity, which no supply meets."""
    rng = np.random.default_rng(seed)
    firms = pd.DataFrame(
        {
            "firm_id": [f"F{i}" for i in range(n)],
            "lat": 48.0 + rng.uniform(0, 2, n),
            "lon": -72.0 + rng.uniform(0, 3, n),
            "accepts_hazardous": False,
            **_FIRM_EXTRA,
        }
    )
    supply = np.arange(n) % 2 == 0
    streams = pd.DataFrame(
        {
            "stream_id": [f"X{i}" for i in range(n)],
            "firm_id": firms["firm_id"],
            "direction": np.where(supply, "supply", "demand"),
            "kind": "material",
            "category_id": np.where(supply, "wood_bark", "biomass_fuel_wood"),
            "quantity_per_yr": 10.0,
            "hazardous": False,
            "description": "",
            "months_mask": rng.choice([4095, 7, 448], n, p=[0.6, 0.2, 0.2]),
            "purity_pct": np.where(supply, rng.uniform(60, 90, n), np.nan),
            "min_purity_pct": np.where(~supply & (rng.random(n) < strict_share), 95.0, np.nan),
        }
    )
    return Registry(firms, streams)


def _bark_block(registry: Registry) -> cp._Block:
    sup, dem, rules = sides_and_rules(registry, tiny_rules(), _CONFIG, None)
    rule = list(rules.rule_id).index("R_BARK")
    sidx = np.flatnonzero(sup.category == "wood_bark")
    didx = np.flatnonzero(dem.category == "biomass_fuel_wood")
    return cp._Block(sup, dem, rules, _CONFIG, sidx, didx, rule, 100.0)


def _brute_force(registry: Registry, k: int) -> set[str]:
    every = generate_candidates(registry, tiny_rules(), _CONFIG.replace(k_nearest=0))
    rank_s = every.groupby("supply_id")["great_circle_km"].rank(method="first")
    rank_d = every.groupby("demand_id")["great_circle_km"].rank(method="first")
    return set(every.loc[(rank_s <= k) | (rank_d <= k), "candidate_id"])


def test_search_asks_again_only_where_needed_and_checks_only_the_new_neighbours(monkeypatch):
    """A stream asking for more neighbours has only those not closer than its previous farthest checked:
    within one side's search, the only pair checked twice is each re-asking stream's previous farthest
    (checked again in case more partners lie at exactly that distance)."""
    monkeypatch.setattr(cp, "ENUMERATE_FACTOR", 0)
    calls: list[dict] = []
    knn, check, advance = cp._knn_side, cp._Checker.check, cp._Search.advance

    def recording_knn(*args, **kwargs):
        calls.append({"keys": [], "asked_again": 0})
        return knn(*args, **kwargs)

    def recording_check(self, p, counts):
        if calls:
            calls[-1]["keys"].append((p.s.astype(np.int64) << 32) | p.d)
        return check(self, p, counts)

    def recording_advance(self, rows, *args):
        done = advance(self, rows, *args)
        calls[-1]["asked_again"] += int((~done).sum())
        return done

    monkeypatch.setattr(cp, "_knn_side", recording_knn)
    monkeypatch.setattr(cp._Checker, "check", recording_check)
    monkeypatch.setattr(cp._Search, "advance", recording_advance)
    registry = _bark_registry(0.5)  # no two streams at the same place: no tie at any distance
    got = generate_candidates(registry, tiny_rules(), _CONFIG)
    assert calls and all(call["asked_again"] > 0 for call in calls)
    for call in calls:
        examined = np.concatenate(call["keys"])
        assert len(examined) - len(np.unique(examined)) == call["asked_again"]
    assert set(got["candidate_id"]) == _brute_force(registry, _CONFIG.k_nearest)


@pytest.mark.parametrize("strict_share, enumerated", [(0.97, True), (0.0, False)])
def test_a_block_the_checks_refuse_is_enumerated_with_the_same_candidates(
    strict_share, enumerated, monkeypatch
):
    registry = _bark_registry(strict_share)
    block = _bark_block(registry)
    assert len(block.sidx) * len(block.didx) > cp.ENUMERATE_FACTOR * 3 * (len(block.sidx) + len(block.didx))
    assert cp._enumeration_is_cheaper(block) is enumerated
    chosen = find_candidates(registry, tiny_rules(), _CONFIG)
    monkeypatch.setattr(cp, "ENUMERATE_FACTOR", 0)
    searched = find_candidates(registry, tiny_rules(), _CONFIG)
    assert chosen.n > 0
    pd.testing.assert_frame_equal(chosen.frame(), searched.frame())
    assert chosen.diagnosis is not None and searched.diagnosis is not None
    np.testing.assert_array_equal(chosen.diagnosis.sup, searched.diagnosis.sup)
    np.testing.assert_array_equal(chosen.diagnosis.dem, searched.diagnosis.dem)
    if enumerated:  # each pair within reach examined once, not once from each side
        assert chosen.funnel["rule_pairs_examined"] < searched.funnel["rule_pairs_examined"]
    assert set(chosen.frame()["candidate_id"]) == _brute_force(registry, _CONFIG.k_nearest)


@pytest.mark.parametrize("k_nearest", [3, 0])
def test_a_large_enumerated_block_is_enumerated_by_slices_with_the_same_candidates(k_nearest, monkeypatch):
    """Slices of the supplies bound the pairs held at once; candidates and diagnosis do not change."""
    registry = _bark_registry(0.97)
    config = _CONFIG.replace(k_nearest=k_nearest)
    whole = find_candidates(registry, tiny_rules(), config)
    held: list[int] = []
    block_pairs = cp._block

    def recording_block(sup, dem, sidx, didx, *args, **kwargs):
        held.append(len(sidx) * len(didx))
        return block_pairs(sup, dem, sidx, didx, *args, **kwargs)

    monkeypatch.setattr(cp, "ENUMERATION_SLICE_PAIRS", 5_000)
    monkeypatch.setattr(cp, "_block", recording_block)
    sliced = find_candidates(registry, tiny_rules(), config)
    assert len(held) > 10 and max(held) <= 5_000  # the 400 × 400 block came in slices
    assert whole.n > 0
    pd.testing.assert_frame_equal(whole.frame(), sliced.frame())
    np.testing.assert_array_equal(whole.diagnosis.sup, sliced.diagnosis.sup)
    np.testing.assert_array_equal(whole.diagnosis.dem, sliced.diagnosis.dem)
    assert whole.funnel == sliced.funnel
