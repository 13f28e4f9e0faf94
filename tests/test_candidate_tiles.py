"""Candidates partitioned by rule block × tile (issue #16 item 5): the exact single-process set."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis import kb
from symbiosis.engine.candidate_tiles import partitioned_candidates, plan_tasks, rule_blocks, write_partitions
from symbiosis.engine.candidates import generate_candidates
from symbiosis.engine.config import MatchConfig

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def knowledge():
    return kb.load_rules(), kb.load_categories()


@pytest.fixture(scope="module")
def registry_10k():
    from symbiosis.sample import generate_streams_canonical

    return generate_streams_canonical(n_streams=10_000, seed=3)


def _same(tiled: pd.DataFrame, single: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        tiled.drop(columns=["block", "tile"]).reset_index(drop=True),
        single.reset_index(drop=True),
        check_exact=True,
    )


def test_10000_streams_tile_by_tile_equal_the_single_process(registry_10k, knowledge):
    rules, categories = knowledge
    config = MatchConfig()
    single = generate_candidates(registry_10k, rules, config, categories=categories)
    tiled = partitioned_candidates(registry_10k, rules, config, categories=categories, tile_km=300.0)
    assert tiled["tile"].nunique() > 4 and tiled["block"].nunique() > 2  # really partitioned
    _same(tiled, single)


def test_sample_region_with_text_matches_with_and_without_pruning(knowledge):
    """The sample region with a quarter of the rules, so that many supplies fall back on text matches."""
    from tests.test_golden import sample_registry

    rules, categories = knowledge
    registry = sample_registry()
    for k in (0, 3):
        config = MatchConfig(k_nearest=k, text_similarity_threshold=0.3)
        single = generate_candidates(registry, rules.iloc[::4], config, categories=categories)
        tiled = partitioned_candidates(registry, rules.iloc[::4], config, categories=categories, tile_km=40.0)
        assert (tiled["match_basis"] == "text").sum() > 100 and tiled.groupby(["block", "tile"]).ngroups > 4
        _same(tiled, single)


def test_every_pair_has_one_home_and_halos_cover_the_reach(registry_10k, knowledge):
    rules, _ = knowledge
    tasks = plan_tasks(registry_10k, rules, MatchConfig(), tile_km=300.0, rules_per_task=40)
    chunks = {(t.block, t.rules.tobytes()) for t in tasks}
    assert len(chunks) > len({t.block for t in tasks})  # blocks cut into rule chunks
    for block, chunk in chunks:
        homes = np.concatenate([t.home for t in tasks if (t.block, t.rules.tobytes()) == (block, chunk)])
        assert len(homes) == len(np.unique(homes))  # a supply is home in one tile per block and chunk
    for t in tasks:
        assert len(t.rules) <= 40 and np.isin(t.home, t.streams).all()
        categories = set(rules["supply_category_id"].iloc[t.rules]) | set(
            rules["demand_category_id"].iloc[t.rules]
        )
        assert (
            registry_10k.streams["category_id"].iloc[t.streams].isin(categories).all()
        )  # no runner-ups here


def test_rule_blocks_split_by_reach(knowledge):
    rules, _ = knowledge
    blocks = rule_blocks(rules, MatchConfig())
    reach = [b.reach_km for b in blocks]
    assert reach == sorted(reach) and len(blocks) >= 3
    assert sorted(np.concatenate([b.rules for b in blocks]).tolist()) == list(range(len(rules)))
    capped = rule_blocks(rules, MatchConfig(radius_km=50.0))
    assert max(b.reach_km for b in capped) <= 50.0


def test_parquet_partitions_hold_every_candidate_once(tmp_path, knowledge):
    from tests.test_golden import sample_registry

    rules, categories = knowledge
    tiled = partitioned_candidates(
        sample_registry(), rules, MatchConfig(), categories=categories, tile_km=80.0
    )
    files = write_partitions(tiled, tmp_path)
    assert len(files) == tiled.groupby(["block", "tile"]).ngroups
    back = pd.read_parquet(tmp_path)
    assert len(back) == len(tiled)
    assert set(back["candidate_id"]) == set(tiled["candidate_id"])
    assert not back["candidate_id"].duplicated().any()


_FRAME_DIGEST = """
import hashlib, sys
import pandas as pd
from symbiosis import kb
from symbiosis.engine.candidates import generate_candidates
from symbiosis.engine.config import MatchConfig
from tests.test_golden import sample_registry

config = MatchConfig(text_similarity_threshold=0.3)
rules, categories = kb.load_rules().iloc[::4], kb.load_categories()
frame = generate_candidates(sample_registry(), rules, config, categories=categories)
assert (frame["match_basis"] == "text").sum() > 100
digest = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
print(hashlib.sha256(digest).hexdigest())
"""


def test_candidates_are_bit_identical_whatever_the_process_hash_seed():
    """Dask workers are other processes with other string-hash salts (``PYTHONHASHSEED``).

    The text similarities once summed their n-grams in the order of a set of strings, which changed
    them by 10⁻¹⁶ from one process to another: the tiles gathered from a cluster then differed from
    the single process at 100,000 streams. Two processes with two seeds must give the same bits.
    """
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _FRAME_DIGEST],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def _scored_same(tiled, single) -> None:
    """Scored frames equal bit for bit, and so do the diagnoses the unmatched reasons read."""
    pd.testing.assert_frame_equal(tiled.frame(), single.frame(), check_exact=True)
    assert np.array_equal(tiled.found.diagnosis.sup, single.found.diagnosis.sup)
    assert np.array_equal(tiled.found.diagnosis.dem, single.found.diagnosis.dem)
    assert np.array_equal(tiled.found.sup_stream, single.found.sup_stream)


def _scored_single(registry, rules, config, categories):
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.engine.factors import load_factors
    from symbiosis.engine.scored_set import score_set

    found = find_candidates(registry, rules, config, categories=categories)
    return score_set(found, registry, config, factors=load_factors(), categories=categories)


def test_10000_streams_found_and_scored_tile_by_tile_equal_the_single_process(registry_10k, knowledge):
    from symbiosis.engine.candidate_tiles import partitioned_scored_set
    from symbiosis.engine.factors import load_factors

    rules, categories = knowledge
    config = MatchConfig()
    tiled = partitioned_scored_set(registry_10k, rules, config, factors=load_factors(), categories=categories)
    assert tiled.found.funnel["tasks"] > 10  # really partitioned
    _scored_same(tiled, _scored_single(registry_10k, rules, config, categories))


def test_scored_tiles_with_text_matches_same_firm_pairs_listed_apart_and_no_pruning(knowledge):
    """The sample region with a quarter of the rules (text matches), internal pairs apart, K = 0 and 3."""
    from symbiosis.engine.candidate_tiles import partitioned_scored_set
    from symbiosis.engine.factors import load_factors
    from tests.test_golden import sample_registry

    rules, categories = knowledge
    registry = sample_registry()
    for k, internal in ((0, "exclude"), (3, "separate")):
        config = MatchConfig(k_nearest=k, text_similarity_threshold=0.3, internal_policy=internal)
        tiled = partitioned_scored_set(
            registry, rules.iloc[::4], config, factors=load_factors(), categories=categories, tile_km=40.0
        )
        assert (tiled.frame()["match_basis"] == "text").sum() > 100
        _scored_same(tiled, _scored_single(registry, rules.iloc[::4], config, categories))


def test_a_duplicated_rule_of_another_reach_does_not_add_pairs_in_its_own_block(knowledge):
    """The single process keeps one rule per category pair (the highest yield); so must the blocks."""
    from symbiosis.engine.candidate_tiles import concrete_rules, partitioned_scored_set
    from symbiosis.engine.factors import load_factors
    from symbiosis.sample import generate_streams_canonical

    registry = generate_streams_canonical(n_streams=3_000, seed=3)

    rules, categories = knowledge
    busiest = rules[rules["rule_id"] == "KB0002"]  # 500 km, the rule with the most short pairs
    weaker = busiest.assign(
        rule_id="DUP", yield_ratio=float(busiest["yield_ratio"].iloc[0]) / 2, max_transport_km=20.0
    )
    same_supply = rules[rules["supply_category_id"] == busiest["supply_category_id"].iloc[0]]
    doubled = pd.concat([same_supply, weaker], ignore_index=True)  # a few tasks: a fast test
    assert len(concrete_rules(doubled)) == len(same_supply)
    config = MatchConfig()
    tiled = partitioned_scored_set(registry, doubled, config, factors=load_factors(), categories=categories)
    _scored_same(tiled, _scored_single(registry, doubled, config, categories))


def test_k_nearest_queries_in_slices_give_the_same_candidates(knowledge, monkeypatch):
    """Queries fetching at most 50 partners a call (many slices, widened rounds) change no pair."""
    from symbiosis.engine import _candidate_pairs
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.sample import generate_streams_canonical

    rules, categories = knowledge
    registry = generate_streams_canonical(n_streams=3_000, seed=5)
    config = MatchConfig(k_nearest=5)
    whole = find_candidates(registry, rules, config, categories=categories)
    calls = []
    advance = _candidate_pairs._Search.advance

    def counted(search, rows, dist, okm, own_chord):  # called once per K-nearest query call
        calls.append(dist.shape)
        return advance(search, rows, dist, okm, own_chord)

    monkeypatch.setattr(_candidate_pairs, "QUERY_ENTRIES", 50)
    monkeypatch.setattr(_candidate_pairs._Search, "advance", counted)
    sliced = find_candidates(registry, rules, config, categories=categories)
    # At most 50 partners fetched per call, or one point per call once a widened K exceeds 50.
    assert len(calls) > 50 and all(rows * k <= 50 or rows == 1 for rows, k in calls)
    assert any(k > 6 for _, k in calls)  # widened rounds (beyond the first K + 1) were sliced too
    pd.testing.assert_frame_equal(sliced.frame(), whole.frame(), check_exact=True)
    assert np.array_equal(sliced.diagnosis.sup, whole.diagnosis.sup)
    assert np.array_equal(sliced.diagnosis.dem, whole.diagnosis.dem)


def _with_runner_ups(registry):
    """The registry with every third stream's category marked inferred, two same-kind runner-ups each."""
    from symbiosis.registry import Registry

    streams = registry.streams.copy()
    kind = streams["kind"].astype(str)
    category = streams["category_id"].astype(str)
    alternatives = pd.Series("", index=streams.index, dtype=object)
    for _, rows in streams.groupby(kind).groups.items():
        cats = category[rows].to_numpy(object)
        alternatives[rows] = [f"{a}|{b}" for a, b in zip(np.roll(cats, 7), np.roll(cats, 19), strict=True)]
    inferred = np.arange(len(streams)) % 3 == 0
    streams["category_source"] = np.where(inferred, "inferred", streams["category_source"].astype(str))
    streams["category_alternatives"] = np.where(inferred, alternatives, "")
    return Registry(registry.firms, streams, registry.permits)


def _same_arrays(taken, built, name):
    if isinstance(built, np.ndarray):
        assert taken.dtype == built.dtype and taken.shape == built.shape, name
        if built.dtype.kind == "f":
            assert np.array_equal(taken, built, equal_nan=True), name
        else:
            assert (taken == built).all(), name
    elif isinstance(built, tuple):
        for i, (a, b) in enumerate(zip(taken, built, strict=True)):
            _same_arrays(a, b, f"{name}[{i}]")
    elif built is None:
        assert taken is None, name


def test_each_task_searches_and_scores_the_rows_its_own_sub_registry_would_build(knowledge):
    """The set-up shared by the tasks, taken at a task's rows, is what the task's sub-registry builds.

    Sides (with runner-up rows of inferred categories, permits, quality specs), rules, then the task's
    home pairs and their scores: a shared set-up sliced at the wrong rows, or not the one of this
    registry and scenario, gives other arrays or other pairs.
    """
    from dataclasses import fields

    from symbiosis.engine._tile_tasks import SharedSetup, task_pairs
    from symbiosis.engine.candidate_tiles import concrete_rules
    from symbiosis.engine.candidates import candidate_sides, find_candidates
    from symbiosis.engine.factors import load_factors
    from symbiosis.engine.scored_set import score_set
    from symbiosis.registry import Registry
    from tests.test_golden import sample_registry

    rules, categories = knowledge
    registry = _with_runner_ups(sample_registry())
    rules = concrete_rules(rules.iloc[::2])
    config = MatchConfig(k_nearest=3, inferred_alternatives=2)
    factors = load_factors()
    shared = SharedSetup.build(registry, rules, config, categories, factors=factors)
    assert shared.sides.sup.alt_rank.max() == 2 and shared.sides.dem.permits is not None
    tasks = plan_tasks(registry, rules, config, tile_km=25.0, rules_per_task=16)
    assert len(tasks) > 20
    checked_pairs = 0
    for task in tasks[::5]:
        sub = Registry(
            registry.firms, registry.streams.iloc[task.streams].reset_index(drop=True), registry.permits
        )
        sub_rules = rules.iloc[task.rules].reset_index(drop=True)
        built = candidate_sides(sub, sub_rules, config, categories)
        sup_rows, dem_rows = shared.read_rows(task.streams)
        taken = shared.sides.subset(sup_rows, dem_rows, np.sort(shared.rule_of_row[task.rules]))
        for side in ("sup", "dem"):
            for f in fields(built.sup):
                if f.name not in ("permits", "permit_tokens", "quality"):
                    _same_arrays(
                        getattr(getattr(taken, side), f.name), getattr(getattr(built, side), f.name), f.name
                    )
            for f in fields(built.sup.quality):
                _same_arrays(
                    getattr(getattr(taken, side).quality, f.name),
                    getattr(getattr(built, side).quality, f.name),
                    f.name,
                )
        for f in fields(built.rules):
            _same_arrays(getattr(taken.rules, f.name), getattr(built.rules, f.name), f.name)
        # The task's pairs and scores, against the sub-registry's own search and scoring.
        tiled = task_pairs(shared, task.streams, task.home, task.rules, config)
        alone = find_candidates(sub, sub_rules, config, categories=categories)
        home = set(registry.streams["stream_id"].iloc[task.home])
        alone = alone.take(np.flatnonzero(pd.Series(alone.sup.ids[alone.pairs.s]).isin(home).to_numpy()))
        pd.testing.assert_frame_equal(tiled.found.frame(), alone.frame(), check_exact=True)
        pd.testing.assert_frame_equal(
            score_set(tiled.found, None, config, factors=factors, attributes=shared.attributes).frame(),
            score_set(alone, sub, config, factors=factors, categories=categories).frame(),
            check_exact=True,
        )
        checked_pairs += alone.n
    assert checked_pairs > 100


def test_scoring_attributes_serve_only_the_sides_and_scenario_they_were_computed_for(knowledge):
    """Attributes computed once give the scores computed afresh; kept for other sides (another
    registry's search) or another scenario, they are refused instead of scoring stale figures."""
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.engine.factors import load_factors
    from symbiosis.engine.scored_set import score_set, side_attributes
    from tests.test_golden import sample_registry

    rules, categories = knowledge
    registry, config, factors = sample_registry(), MatchConfig(), load_factors()
    found = find_candidates(registry, rules, config, categories=categories)
    attributes = side_attributes(found, registry, config, factors=factors, categories=categories)
    pd.testing.assert_frame_equal(
        score_set(found, None, config, factors=factors, attributes=attributes).frame(),
        score_set(found, registry, config, factors=factors, categories=categories).frame(),
        check_exact=True,
    )
    again = find_candidates(registry, rules, config, categories=categories)
    with pytest.raises(ValueError, match="other sides"):
        score_set(again, None, config, factors=factors, attributes=attributes)
    dearer = config.replace(
        default_fate_cost_cad_per_t={**config.default_fate_cost_cad_per_t, "landfill": 500.0}
    )
    with pytest.raises(ValueError, match="another scenario"):
        score_set(found, None, dearer, factors=factors, attributes=attributes)


def test_scored_tiles_with_inferred_categories_matched_under_their_runner_ups(knowledge):
    """A third of the streams inferred, two runner-ups each: the tasks read the streams of their
    rules' categories or runner-ups, and a runner-up row left without a rule-based pair gets the text
    matches the single process gives it, even when its stream is matched under its own category."""
    from symbiosis.engine.candidate_tiles import partitioned_scored_set
    from symbiosis.engine.factors import load_factors
    from tests.test_golden import sample_registry

    rules, categories = knowledge
    registry = _with_runner_ups(sample_registry())
    config = MatchConfig(k_nearest=3, inferred_alternatives=2)
    tiled = partitioned_scored_set(
        registry, rules, config, factors=load_factors(), categories=categories, tile_km=40.0
    )
    assert tiled.found.category_alternative.sum() > 100
    _scored_same(tiled, _scored_single(registry, rules, config, categories))
