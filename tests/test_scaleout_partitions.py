"""Scored pairs written by the tasks as Parquet partitions, read back on demand (issue #16).

On a cluster each (rule block × tile) task writes its scored pairs to one Parquet file of a run
folder and sends back only their keys and gains; the result frames read the rows they show from the
files. These tests hold the files to the in-memory set, bit for bit, and check the folder's life.
"""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from symbiosis import kb
from symbiosis.distributed import partitions
from symbiosis.distributed.partitions import PartitionStore, RunFolder, write_partition
from symbiosis.engine.candidate_tiles import KEY_COLUMNS, partitioned_scored_set
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.stored_set import GEOMETRY_COLUMNS, StoredScoredSet


@pytest.fixture(scope="module")
def knowledge():
    return kb.load_rules(), kb.load_categories()


@pytest.fixture(scope="module")
def registry():
    from tests.test_golden import sample_registry

    return sample_registry()


def _single(registry, rules, config, categories):
    from symbiosis.engine.candidates import find_candidates
    from symbiosis.engine.scored_set import score_set

    found = find_candidates(registry, rules, config, categories=categories)
    return score_set(found, registry, config, factors=load_factors(), categories=categories)


def test_store_reads_any_rows_across_files_and_row_groups_bit_for_bit(tmp_path, monkeypatch):
    """Rows in any order, repeated, across 3 files of several row groups; floats and coded text exact."""
    monkeypatch.setattr(partitions, "ROW_GROUP_ROWS", 4)
    rng = np.random.default_rng(1)
    folder = RunFolder(tmp_path, keep=True)
    sizes, values, texts = [9, 1, 13], [], []
    for i, n in enumerate(sizes):
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-300, 300, n)
        x[0] = np.nan if i == 0 else -0.0
        names = np.array(["b", "a", "b", "é", ""], dtype=object)  # a duplicate name, an accent, empty
        codes = rng.integers(0, len(names), n)
        write_partition(
            folder.path / f"block={i}/t.parquet", {"x": x, "k": np.arange(n), "t": (codes, names)}
        )
        values.append(x)
        texts.append(names[codes])
    store = PartitionStore(folder, [f"block={i}/t.parquet" for i in range(3)], sizes)
    assert store.n == 23
    every_x, every_t = np.concatenate(values), np.concatenate(texts)
    rows = rng.integers(0, store.n, 60)
    read = store.read(rows, ["x", "t", "k"])
    assert read["x"].tobytes() == every_x[rows].tobytes()  # bit for bit, NaN and -0.0 included
    codes, names = read["t"]
    assert list(names[codes]) == list(every_t[rows])
    assert read["k"].dtype == np.int64
    empty = store.read(np.zeros(0, np.int64), ["x", "t"])
    assert empty["x"].dtype == float and len(empty["x"]) == 0 and len(empty["t"][0]) == 0
    with pytest.raises(IndexError):
        store.read(np.array([23]), ["x"])


def test_run_folder_is_removed_when_dropped_and_kept_when_asked(tmp_path):
    dropped, kept = RunFolder(tmp_path), RunFolder(tmp_path, keep=True)
    paths = dropped.path, kept.path
    assert paths[0].parent == paths[1].parent == tmp_path.resolve()  # a new folder inside the one given
    (paths[0] / "x").write_text("x")
    del dropped, kept
    gc.collect()
    assert not paths[0].exists() and paths[1].is_dir()
    assert tmp_path.is_dir()  # the parent given is never removed


def test_scored_partitions_exist_are_read_back_equal_and_are_cleaned_up(registry, knowledge, tmp_path):
    """Each task's file holds its scored pairs; read back, they are the single process's, bit for bit."""
    rules, categories = knowledge
    config = MatchConfig(text_similarity_threshold=0.3)  # text matches too
    single = _single(registry, rules, config, categories)
    tiled = partitioned_scored_set(
        registry, rules, config, factors=load_factors(), categories=categories, tile_km=40.0, folder=tmp_path
    )
    assert isinstance(tiled, StoredScoredSet)
    assert set(tiled.scores) == {"gain_per_unit"}  # held here: keys and gains only
    store = tiled.found.store
    files = sorted(p.relative_to(store.folder.path).as_posix() for p in store.folder.path.rglob("*.parquet"))
    assert files == sorted(store.files) and len(files) > 5
    assert any(f.startswith("block=-1/") for f in files)  # the text matches' tasks wrote theirs
    # Every file, read whole with pandas: the keys, the geometry and every score column, per pair.
    whole = pd.concat([pd.read_parquet(p) for p in store.paths()], ignore_index=True)
    assert len(whole) == store.n >= tiled.n
    assert list(whole.columns) == [*KEY_COLUMNS, *GEOMETRY_COLUMNS, *tiled.columns]
    kept = whole.iloc[tiled.found.source]
    found = tiled.found
    assert np.array_equal(kept["sup_stream"].to_numpy(), found.sup_stream[found.pairs.s])
    assert np.array_equal(kept["dem_stream"].to_numpy(), found.dem_stream[found.pairs.d])
    assert kept["km"].to_numpy().tobytes() == single.found.km.tobytes()
    assert kept["gain_per_unit"].to_numpy().tobytes() == single.gain.tobytes()
    # Read back by the result frames: all rows, and a few rows in any order.
    pd.testing.assert_frame_equal(tiled.frame(), single.frame(), check_exact=True)
    rows = np.array([tiled.n - 1, 0, 17, 17, 3])
    pd.testing.assert_frame_equal(tiled.frame(rows), single.frame(rows), check_exact=True)
    pd.testing.assert_frame_equal(tiled.found.frame(rows), single.found.frame(rows), check_exact=True)
    pd.testing.assert_frame_equal(tiled.frame(rows[:0]), single.frame(rows[:0]), check_exact=True)
    assert tiled.column("co2e_avoided_t_per_yr").tobytes() == single.column("co2e_avoided_t_per_yr").tobytes()
    # Removed with the set (not kept by default); the folder given stays.
    folder = store.folder.path
    del tiled, found, store
    gc.collect()
    assert not folder.exists() and tmp_path.is_dir()


def test_a_kept_run_folder_outlives_the_set(registry, knowledge, tmp_path):
    rules, categories = knowledge
    tiled = partitioned_scored_set(
        registry,
        rules,
        MatchConfig(),
        factors=load_factors(),
        categories=categories,
        folder=tmp_path,
        keep=True,
    )
    paths = tiled.found.store.paths()
    del tiled
    gc.collect()
    assert paths and all(Path(p).is_file() for p in paths)


def test_a_task_sends_back_keys_and_gains_only_and_writes_the_rest(registry, knowledge, tmp_path):
    """What a worker returns (what it would hold until fetched) is ~22 bytes per pair, no score column."""
    from dataclasses import fields

    from symbiosis.engine._tile_tasks import SharedSetup
    from symbiosis.engine.candidate_tiles import (
        SCORE_SLICE_PAIRS,
        SCORED_TILE_KM,
        TilePairs,
        _ScoringTileWorker,
        concrete_rules,
        plan_tasks,
    )

    rules, categories = knowledge
    rules, config = concrete_rules(rules), MatchConfig()
    registry.validate()
    task = max(plan_tasks(registry, rules, config, tile_km=SCORED_TILE_KM), key=lambda t: len(t.home))
    factors = load_factors()
    shared = SharedSetup.build(registry, rules, config, categories, factors=factors)
    worker = _ScoringTileWorker(shared, config, factors, str(tmp_path), SCORE_SLICE_PAIRS)
    back = worker(("block=0/tile=0/task-00000.parquet", task))
    assert isinstance(back, TilePairs) and back.n > 100
    assert [f.name for f in fields(back)] == [
        "file",
        "sup_stream",
        "sup_alt",
        "dem_stream",
        "dem_alt",
        "rule",
        "gain",
        "diagnosis",
        "rule_rows",
    ]
    pair_bytes = back.nbytes - sum(a.nbytes for a in back.diagnosis) - back.rule_rows.nbytes
    assert pair_bytes == 22 * back.n  # int32 stream codes and rule, int8 ranks, float64 gain
    written = pd.read_parquet(tmp_path / back.file)
    assert len(written) == back.n and len(written.columns) > 30  # every score column is on disk
    for name in KEY_COLUMNS:
        assert np.array_equal(written[name].to_numpy(), getattr(back, name))
    assert written["gain_per_unit"].to_numpy().tobytes() == back.gain.tobytes()


def test_a_task_scores_and_writes_its_pairs_in_slices_with_the_same_result(registry, knowledge, tmp_path):
    """Slices of 300 pairs (several row groups, each slice its own text dictionaries): the same set."""
    import pyarrow.parquet as pq

    rules, categories = knowledge
    config = MatchConfig()
    single = _single(registry, rules, config, categories)
    tiled = partitioned_scored_set(
        registry,
        rules,
        config,
        factors=load_factors(),
        categories=categories,
        folder=tmp_path,
        slice_pairs=300,
    )
    groups = [pq.ParquetFile(p).metadata.num_row_groups for p in tiled.found.store.paths()]
    assert max(groups) > 2  # a task wrote several slices
    pd.testing.assert_frame_equal(tiled.frame(), single.frame(), check_exact=True)
    rows = np.array([tiled.n - 1, 299, 300, 301, 0, 600])  # around the slices' edges, in any order
    pd.testing.assert_frame_equal(tiled.frame(rows), single.frame(rows), check_exact=True)
