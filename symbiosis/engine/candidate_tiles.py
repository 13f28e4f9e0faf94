"""Candidates partitioned by rule block × spatial tile, each tile with halos, merged into the exact set.

:func:`~symbiosis.engine.candidates.generate_candidates` on the whole registry and
:func:`partitioned_candidates` give the same frame, row for row. How:

- **Rule blocks.** Rules are grouped by reach (``max_transport_km`` within the scenario's radius
  cap): a short-haul block (heat, water) gets small tiles and thin halos; a long-haul one (hundreds
  of km) gets few, wide tiles. K-nearest pruning is per (stream, rule), so blocks never interact.
- **Tiles and home.** Supplies are placed in tiles of ``tile_km`` (latitude/longitude boxes); a pair
  belongs to the tile of its supply (its *home*), so every pair is produced exactly once.
- **Halos.** With ``H`` the block's reach, a tile's task reads the demands within ``H`` of the tile
  (every partner of its supplies) and the supplies within ``2H`` (every partner of those demands).
  So both of a kept pair's K-nearest decisions — among its supply's partners, and among its demand's
  — see all the partners they rank, and give the single-process answer; the task then keeps the
  pairs of its home supplies only. Halo bounds are conservative (a wider box never changes a result:
  a stream beyond reach has no feasible pair).
- **Text matches** come after, for the supplies left without any rule-based candidate (the
  single-process rule: ``text_scope="unmatched"``): one more block with the text radius as reach, on
  those supplies only.

- **Reads.** A block's rules are cut into chunks of at most :data:`RULES_PER_TASK`; a task reads
  only the streams of its chunk's categories (K-nearest ranks partners per rule, nothing else can
  pair), and tiles that would read the same streams are one task.

Each task runs the unchanged single-process code (:func:`~symbiosis.engine.candidates.find_candidates`)
on its sub-registry, through any executor (:mod:`symbiosis.distributed`).
:func:`partitioned_scored_set` (``run()`` on a cluster) also scores each task's pairs there and
returns the single process's scored set, diagnoses included. Limits of the frame path
(:func:`partitioned_candidates`): a stream whose
category was inferred is matched under runner-up categories too; if two of its rows reach the same
partner in different blocks, the merge keeps the row without the ``category_alternative`` flag
(the single process keeps the lowest runner-up rank, which the frame does not carry).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine._tile_tasks import SharedSetup, task_pairs
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.distance import SPHERE_MARGIN
from symbiosis.registry import Registry

__all__ = [
    "DEFAULT_REACH_CLASSES_KM",
    "DEFAULT_TILE_KM",
    "RULES_PER_TASK",
    "SCORED_RULES_PER_TASK",
    "SCORED_TILE_KM",
    "SCORE_SLICE_PAIRS",
    "CandidateTask",
    "RuleBlock",
    "TilePairs",
    "concrete_rules",
    "partitioned_candidates",
    "partitioned_scored_set",
    "plan_tasks",
    "rule_blocks",
    "write_partitions",
]

log = logging.getLogger(__name__)

#: Upper reach (km) of each rule block; rules reaching further form the last block.
DEFAULT_REACH_CLASSES_KM: tuple[float, ...] = (25.0, 100.0, 300.0)
#: Side of a spatial tile, km (the Parquet partitions of ``symbiosis match --candidates-parquet``).
DEFAULT_TILE_KM = 100.0
#: Most rules in one task: a long-reach block spans the whole territory, so only cutting its rules
#: (by category) bounds what one worker holds.
RULES_PER_TASK = 64
#: Side of a spatial tile when ``run()`` finds and scores candidates on a cluster: each task has a
#: fixed cost (~0.4 s: sides, baselines, factors), so fewer, larger tiles than for the export.
SCORED_TILE_KM = 300.0
#: Most rules in one task when ``run()`` scores candidates on a cluster: a task's working set grows
#: with the pairs it examines, which its rules' categories bound. At 1,000,000 streams a chunk of 64
#: rules of the 100 km block around Montréal read 291,116 streams, examined 5.2 million home pairs and
#: took 2.7 GiB above the registry (a 6 GiB worker passed 95 % and was restarted); chunks of 16
#: rules read at most 145,731 streams.
SCORED_RULES_PER_TASK = 16
#: Pairs a task scores and writes at a time (8 Parquet row groups): its score columns (~300 bytes a
#: pair) never exceed one slice's, however many pairs its tile holds.
SCORE_SLICE_PAIRS = 524_288
_KM_PER_DEG_LAT = 110.5  # the least km per degree of latitude (at the equator): halos err wide
_KM_PER_DEG_LON_EQ = 111.33
_TEXT_BLOCK = -1
MapFunction = Callable[[Callable, Iterable], Iterable]


@dataclass(frozen=True)
class RuleBlock:
    """Rules (row positions in the rules table) whose reach is at most ``reach_km``."""

    index: int
    rules: np.ndarray
    reach_km: float


@dataclass(frozen=True)
class CandidateTask:
    """One (block, tile): the rows of the registry's streams it reads and the supplies it owns."""

    block: int
    tile: int
    rules: np.ndarray
    streams: np.ndarray
    home: np.ndarray
    sup_rows: np.ndarray | None = None  # a text task: the supply rows (of the whole sides) it matches


def _reach(rules: pd.DataFrame, config: MatchConfig) -> np.ndarray:
    if "max_transport_km" not in rules:
        return np.full(len(rules), math.inf if config.radius_km is None else config.radius_km)
    km = pd.to_numeric(rules["max_transport_km"], errors="coerce").to_numpy(float)
    km = np.where(np.isnan(km), np.inf, km)
    return np.minimum(km, math.inf if config.radius_km is None else config.radius_km)


def rule_blocks(
    rules: pd.DataFrame, config: MatchConfig, *, classes_km: tuple[float, ...] = DEFAULT_REACH_CLASSES_KM
) -> list[RuleBlock]:
    """Rules grouped by reach class (the block's reach is the largest of its rules')."""
    reach = _reach(rules, config)
    edges = np.asarray(classes_km, float)
    cls = np.searchsorted(edges, reach, side="left")
    blocks: list[RuleBlock] = []
    for c in np.unique(cls):
        rows = np.flatnonzero(cls == c)
        blocks.append(RuleBlock(len(blocks), rows, float(reach[rows].max())))
    return blocks


def _text_reach(config: MatchConfig) -> float:
    kinds = set(config.text_radius_by_kind_km) | {"material"}
    return max(config.text_radius_for_kind(k) for k in kinds)


def _tiles(lat: np.ndarray, lon: np.ndarray, tile_km: float) -> tuple[np.ndarray, dict[int, tuple]]:
    """Tile of each point, and each tile's (lat_min, lat_max, lon_min, lon_max) box."""
    lat0, lon0 = float(np.nanmin(lat)), float(np.nanmin(lon))
    dlat = tile_km / _KM_PER_DEG_LAT
    dlon = tile_km / (_KM_PER_DEG_LON_EQ * max(math.cos(math.radians(float(np.nanmedian(lat)))), 1e-6))
    i = np.floor((lat - lat0) / dlat).astype(np.int64)
    j = np.floor((lon - lon0) / dlon).astype(np.int64)
    code = i * (int(j.max(initial=0)) + 1) + j
    boxes = {}
    for c in np.unique(code):
        at = code == c
        boxes[int(c)] = (lat[at].min(), lat[at].max(), lon[at].min(), lon[at].max())
    return code, boxes


def _near_box(lat: np.ndarray, lon: np.ndarray, box: tuple, reach_km: float) -> np.ndarray:
    """Points that may lie within ``reach_km`` of the box (a superset: the box widened in degrees)."""
    if not math.isfinite(reach_km):
        return np.ones(len(lat), bool)
    reach_km = reach_km * (1 + SPHERE_MARGIN) + 1.0
    dlat = reach_km / _KM_PER_DEG_LAT
    lo, hi = box[0] - dlat, box[1] + dlat
    widest = max(abs(lo), abs(hi))
    if widest >= 89.0:
        return (lat >= lo) & (lat <= hi)
    dlon = reach_km / (_KM_PER_DEG_LON_EQ * math.cos(math.radians(widest)))
    return (lat >= lo) & (lat <= hi) & (lon >= box[2] - dlon) & (lon <= box[3] + dlon)


def _stream_points(registry: Registry) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of every stream (its firm's), in ``registry.streams`` order."""
    firms = registry.firms.drop_duplicates("firm_id").set_index("firm_id")
    at = registry.streams["firm_id"]
    return (
        pd.to_numeric(at.map(firms["lat"]), errors="coerce").to_numpy(float),
        pd.to_numeric(at.map(firms["lon"]), errors="coerce").to_numpy(float),
    )


def _block_tasks(
    points: tuple[np.ndarray, np.ndarray],
    supplies: np.ndarray,
    demands: np.ndarray,
    block: RuleBlock,
    tile_km: float,
) -> list[CandidateTask]:
    lat, lon = points
    if not len(supplies):
        return []
    reach = block.reach_km
    # A block whose halo spans everything is one task (a tile would only repeat the whole registry).
    boxes: dict[int, tuple | None]
    if not math.isfinite(reach):
        home, boxes = np.zeros(len(supplies), np.int64), {0: None}
    else:
        home, tile_boxes = _tiles(lat[supplies], lon[supplies], tile_km)
        boxes = dict(tile_boxes)
    tasks = []
    for tile, box in boxes.items():
        own = supplies[home == tile]
        if box is None:
            sup_in, dem_in = supplies, demands
        else:
            sup_in = supplies[_near_box(lat[supplies], lon[supplies], box, 2 * reach)]
            dem_in = demands[_near_box(lat[demands], lon[demands], box, reach)]
        if not len(dem_in):
            continue
        rows = np.sort(np.concatenate([sup_in, dem_in]))
        tasks.append(CandidateTask(block.index, tile, block.rules, rows, own))
    return _merge_same_reads(tasks)


def _merge_same_reads(tasks: list[CandidateTask]) -> list[CandidateTask]:
    """One task per distinct set of streams read (tiles whose halos both span the whole block: a
    long-reach block over a small territory), owning the union of their homes, in tile order."""
    merged: dict[bytes, CandidateTask] = {}
    for task in tasks:
        key = task.streams.tobytes()
        first = merged.get(key)
        home = task.home if first is None else np.sort(np.concatenate([first.home, task.home]))
        merged[key] = CandidateTask(
            task.block, task.tile if first is None else first.tile, task.rules, task.streams, home
        )
    return list(merged.values())


@dataclass(frozen=True)
class _CategoryEntries:
    """Each stream's category and runner-ups (one entry each), as codes: which streams a set of
    categories reads is then one look-up per entry (a pandas pass over the streams' text cost 3 ms
    per rule chunk)."""

    n: int
    stream: np.ndarray
    code: np.ndarray
    names: np.ndarray

    @classmethod
    def of(cls, registry: Registry) -> _CategoryEntries:
        """The entries of every stream of ``registry.streams`` (by row position)."""
        streams = registry.streams
        stream = [np.arange(len(streams))]
        category = [streams["category_id"].astype(str).to_numpy(object)]
        if "category_alternatives" in streams:
            alternatives = streams["category_alternatives"].fillna("").astype(str).reset_index(drop=True)
            given = alternatives[alternatives.str.len().gt(0)]
            split = given.str.split("|").explode()
            stream.append(split.index.to_numpy(np.int64))
            category.append(split.astype(str).to_numpy(object))
        code, names = pd.factorize(np.concatenate(category))
        return cls(len(streams), np.concatenate(stream), code, np.asarray(names, dtype=object))

    def of_categories(self, rows: np.ndarray, categories: set[str]) -> np.ndarray:
        """The streams among ``rows`` whose category, or one of its runner-ups, is in ``categories``."""
        wanted = pd.Index(self.names).isin(list(categories))
        hit = np.zeros(self.n, bool)
        hit[self.stream[wanted[self.code]]] = True
        return rows[hit[rows]]


def plan_tasks(
    registry: Registry,
    rules: pd.DataFrame,
    config: MatchConfig,
    *,
    tile_km: float = DEFAULT_TILE_KM,
    classes_km: tuple[float, ...] = DEFAULT_REACH_CLASSES_KM,
    rules_per_task: int | None = RULES_PER_TASK,
) -> list[CandidateTask]:
    """The rule-based tasks: every (rule block, tile) holding a supply (positions in ``registry.streams``).

    A block's rules are cut into chunks of at most ``rules_per_task`` (None: whole blocks); a task
    reads only the streams of its chunk's categories (or runner-ups); tiles that would read the same
    streams are one task.
    """
    direction = registry.streams["direction"].astype(str).to_numpy()
    supplies, demands = np.flatnonzero(direction == "supply"), np.flatnonzero(direction == "demand")
    points = _stream_points(registry)
    entries = _CategoryEntries.of(registry)
    tasks = []
    for block in rule_blocks(rules, config, classes_km=classes_km):
        for chunk in _rule_chunks(rules, block, rules_per_task):
            # Only the streams of the chunk's categories can pair (K-nearest ranks partners per rule).
            sup_cats = set(rules["supply_category_id"].iloc[chunk.rules].astype(str))
            dem_cats = set(rules["demand_category_id"].iloc[chunk.rules].astype(str))
            block_supplies = entries.of_categories(supplies, sup_cats)
            block_demands = entries.of_categories(demands, dem_cats)
            tasks.extend(_block_tasks(points, block_supplies, block_demands, chunk, tile_km))
    return tasks


def _rule_chunks(rules: pd.DataFrame, block: RuleBlock, rules_per_task: int | None) -> list[RuleBlock]:
    """The block's rules in chunks of at most ``rules_per_task``, by supply then demand category.

    K-nearest pruning is per (stream, rule), so any split of the rules gives the same pairs; rules
    of one supply category go together, so that a chunk reads few categories' streams.
    """
    if rules_per_task is None or len(block.rules) <= rules_per_task:
        return [block]
    frame = rules.iloc[block.rules]
    order = np.lexsort(
        (
            frame["demand_category_id"].astype(str).to_numpy(),
            frame["supply_category_id"].astype(str).to_numpy(),
        )
    )
    ordered = block.rules[order]
    return [
        RuleBlock(block.index, np.sort(ordered[i : i + rules_per_task]), block.reach_km)
        for i in range(0, len(ordered), rules_per_task)
    ]


class _TileWorker:
    """Finds a task's candidates on its rows of the shared set-up and keeps its home supplies' pairs."""

    def __init__(self, shared: SharedSetup, config: MatchConfig) -> None:
        self.shared, self.config = shared, config

    def __call__(self, task: CandidateTask) -> tuple[pd.DataFrame, np.ndarray]:
        found = _search(self.shared, self.config, task)
        return found.found.frame().assign(block=task.block, tile=task.tile), found.rule_rows


def _search(shared: SharedSetup, config: MatchConfig, task: CandidateTask) -> Any:
    config = _task_config(config, task)
    return task_pairs(shared, task.streams, task.home, task.rules, config, only_sup_rows=task.sup_rows)


def _task_config(config: MatchConfig, task: CandidateTask) -> MatchConfig:
    """A rule task's scenario leaves text matching to the text tasks."""
    return config if task.block == _TEXT_BLOCK else config.replace(text_similarity_threshold=2.0)


def _text_tasks(
    registry: Registry, shared: SharedSetup, config: MatchConfig, rule_rows: np.ndarray, tile_km: float
) -> list[CandidateTask]:
    """Text-matching tasks for the supply rows left without a rule-based pair (``rule_rows``: those
    with one): a runner-up row of a stream matched under its own category may have text matches,
    as in the single process."""
    if config.text_similarity_threshold > 1.0:
        return []
    sides = shared.sides
    wanted_rows = np.setdiff1d(np.arange(sides.sup.n), rule_rows)
    position = np.zeros(int(shared.code_of_row.max(initial=-1)) + 1, np.int64)
    position[shared.code_of_row] = np.arange(len(shared.code_of_row))
    wanted = np.unique(position[sides.sup_stream[wanted_rows]])
    demands = np.flatnonzero(registry.streams["direction"].astype(str).to_numpy() == "demand")
    block = RuleBlock(_TEXT_BLOCK, np.zeros(0, np.int64), _text_reach(config))
    tasks = _block_tasks(_stream_points(registry), wanted, demands, block, tile_km)
    return [
        replace(task, sup_rows=wanted_rows[shared.read_mask(task.streams)[sides.sup_stream[wanted_rows]]])
        for task in tasks
    ]


def _order(frame: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """One row per (supply, demand), in the single process's order (supply rows, then demand rows)."""
    if frame.empty:
        return frame
    alt = frame["category_alternative"].astype(bool).to_numpy() if "category_alternative" in frame else None
    frame = frame.assign(_alt=alt if alt is not None else False)
    frame = frame.sort_values("_alt", kind="stable").drop_duplicates(["supply_id", "demand_id"])
    pos = pd.Series(np.arange(len(registry.streams)), index=registry.streams["stream_id"].astype(str))
    key = (
        pos.reindex(frame["supply_id"].astype(str)).to_numpy() * (len(pos) + 1)
        + pos.reindex(frame["demand_id"].astype(str)).to_numpy()
    )
    return frame.iloc[np.argsort(key, kind="stable")].drop(columns="_alt").reset_index(drop=True)


def partitioned_candidates(
    registry: Registry,
    rules: pd.DataFrame,
    config: MatchConfig,
    *,
    categories: pd.DataFrame | None = None,
    map_function: MapFunction = map,
    tile_km: float = DEFAULT_TILE_KM,
    classes_km: tuple[float, ...] = DEFAULT_REACH_CLASSES_KM,
) -> pd.DataFrame:
    """The candidates of :func:`~symbiosis.engine.candidates.generate_candidates`, tile by tile.

    Parameters
    ----------
    registry, rules, config, categories
        As for ``generate_candidates``.
    map_function
        ``map(function, tasks)`` in order: the built-in map here,
        :meth:`symbiosis.distributed.DaskExecutor.map` on a cluster.
    tile_km, classes_km
        Tile side and reach classes of the rule blocks.

    Returns
    -------
    pandas.DataFrame
        The same columns and rows as ``generate_candidates`` (in its order), plus ``block`` (rule
        block; -1 for text matches) and ``tile`` (home tile of the supply within its block): the
        partition each row came from.
    """
    registry.validate()
    rules = concrete_rules(rules)
    shared = SharedSetup.build(registry, rules, config, categories)
    worker = _TileWorker(shared, config)
    tasks = plan_tasks(registry, rules, config, tile_km=tile_km, classes_km=classes_km)
    found = list(map_function(worker, tasks))
    rule_rows = np.unique(np.concatenate([rows for _, rows in found] or [np.zeros(0, np.int64)]))
    found += list(map_function(worker, _text_tasks(registry, shared, config, rule_rows, tile_km)))
    frames = [frame for frame, _ in found]
    text = frames[len(tasks) :]
    log.info("partitioned candidates: %d rule tasks, %d text tasks", len(tasks), len(text))
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return frames[0] if frames else pd.DataFrame()
    return _order(pd.concat(nonempty, ignore_index=True), registry)


def write_partitions(candidates: pd.DataFrame, directory: str | Path) -> list[Path]:
    """Write the candidates as Parquet files ``block=B/tile=T/part.parquet`` (Hive-style partitions).

    Returns the files written, in (block, tile) order. Reading them back
    (``pandas.read_parquet(directory)``) gives every candidate once.
    """
    directory = Path(directory)
    written = []
    for (block, tile), part in candidates.groupby(["block", "tile"], sort=True):
        folder = directory / f"block={block}" / f"tile={tile}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "part.parquet"
        part.drop(columns=["block", "tile"]).to_parquet(path, index=False)
        written.append(path)
    return written


# --- Candidates and scores by tile, for run() on a cluster -------------------------------------------


@dataclass(frozen=True)
class TilePairs:
    """What one task sends back: its home pairs' keys and gains, where it wrote them, its diagnosis.

    Everything else of the scored pairs (distances, text similarity, every score column) is in the
    task's Parquet file ``file`` (relative to the run folder; None when the task found no pair), one
    row per pair in this order. A side row is named by ``(stream, alt)``: the stream's position in
    ``Registry.stream_codes`` and the runner-up rank of the row (0: the stream's own category), the
    same in every process. ``rule`` is the pair's position in the rule arrays of the whole rules
    table (-1: a text match). About 22 bytes per pair (the scored pair is ~300). ``rule_rows``: the
    home supply rows (of the shared sides) with a rule-based pair, which get no text match.
    """

    file: str | None
    sup_stream: np.ndarray
    sup_alt: np.ndarray
    dem_stream: np.ndarray
    dem_alt: np.ndarray
    rule: np.ndarray
    gain: np.ndarray
    diagnosis: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    rule_rows: np.ndarray

    @property
    def n(self) -> int:
        """Number of pairs."""
        return len(self.sup_stream)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays sent back."""
        arrays = [
            self.sup_stream,
            self.sup_alt,
            self.dem_stream,
            self.dem_alt,
            self.rule,
            self.gain,
            self.rule_rows,
        ]
        return sum(a.nbytes for a in (*arrays, *self.diagnosis))


def concrete_rules(rules: pd.DataFrame) -> pd.DataFrame:
    """The rules the candidate search uses: one per (supply, demand) category pair, the highest yield.

    :meth:`~symbiosis.engine._candidate_pairs.RuleArrays.build` keeps the same ones; deduplicating
    before the rules are cut into reach blocks keeps a lower-yield duplicate of another reach from
    producing pairs in its own block.
    """
    from symbiosis.engine._candidate_pairs import as_float

    order = np.argsort(-as_float(rules, "yield_ratio", 1.0), kind="stable")
    keep = ~rules.iloc[order].duplicated(["supply_category_id", "demand_category_id"]).to_numpy()
    return rules.iloc[np.sort(order[keep])].reset_index(drop=True)


#: The columns of a task's Parquet file that key its pairs in the whole registry (then the geometry,
#: then the score columns).
KEY_COLUMNS = ("sup_stream", "sup_alt", "dem_stream", "dem_alt", "rule")


class _ScoringTileWorker:
    """Candidates of a task's sub-registry, scored there and written to the run folder.

    Called with ``(file, task)``: writes the home supplies' scored pairs (keyed in the whole
    registry) to ``folder / file`` and returns a :class:`TilePairs`, so that a worker holds no
    finished result in memory.
    """

    def __init__(
        self, shared: SharedSetup, config: MatchConfig, factors: Any, folder: str, slice_pairs: int
    ) -> None:
        self.shared, self.config, self.factors = shared, config, factors
        self.folder, self.slice_pairs = folder, slice_pairs

    def __call__(self, job: tuple[str, CandidateTask]) -> TilePairs:
        from symbiosis.distributed.partitions import PartitionWriter
        from symbiosis.engine.scored_set import score_set
        from symbiosis.engine.scoring import Coded

        file, task = job
        searched = _search(self.shared, self.config, task)
        found, whole = searched.found, self.shared.sides
        p = found.pairs
        sup_stream, dem_stream = whole.sup_stream.astype(np.int32), whole.dem_stream.astype(np.int32)
        sup_alt, dem_alt = _alt(whole.sup).astype(np.int8), _alt(whole.dem).astype(np.int8)
        keys = {
            "sup_stream": sup_stream[p.s],
            "sup_alt": sup_alt[p.s],
            "dem_stream": dem_stream[p.d],
            "dem_alt": dem_alt[p.d],
            "rule": p.rule.astype(np.int32),
        }
        s_read, d_read = searched.sup_rows, searched.dem_rows
        diagnosis = (
            sup_stream[s_read],
            sup_alt[s_read],
            searched.diagnosis.sup,
            dem_stream[d_read],
            dem_alt[d_read],
            searched.diagnosis.dem,
        )
        gain = np.zeros(found.n)
        # Scored and written a slice at a time: a task holds the score columns of one slice only
        # (scoring is a function of each pair alone, so slices score as the whole would).
        with PartitionWriter(Path(self.folder) / file) as out:
            for start in range(0, found.n, self.slice_pairs):
                rows = np.arange(start, min(start + self.slice_pairs, found.n))
                part = found.take(rows)
                scores = score_set(
                    part, None, self.config, factors=self.factors, attributes=self.shared.attributes
                ).scores
                gain[rows] = np.asarray(scores["gain_per_unit"], dtype=float)
                out.write(
                    {
                        **{name: values[rows] for name, values in keys.items()},
                        "radius_km": part.pairs.radius_km,
                        "hav_km": part.pairs.hav_km,
                        "similarity": part.pairs.similarity,
                        "km": part.km,
                        **{
                            name: (v.codes, v.names) if isinstance(v, Coded) else np.asarray(v)
                            for name, v in scores.items()
                        },
                    }
                )
                del part, scores
        return TilePairs(
            file=file if found.n else None,
            **keys,
            gain=gain,
            diagnosis=diagnosis,
            rule_rows=searched.rule_rows.astype(np.int32),
        )


def _alt(side: Any) -> np.ndarray:
    return side.alt_rank if side.alt_rank is not None else np.zeros(side.n, np.int64)


def _task_file(number: int, task: CandidateTask) -> str:
    """A task's file in the run folder: Hive-style ``block=B/tile=T/`` then the task's number."""
    return f"block={task.block}/tile={task.tile}/task-{number:05d}.parquet"


def _side_rows(stream: np.ndarray, alt: np.ndarray, key_of_row: pd.Index, width: int) -> np.ndarray:
    rows = key_of_row.get_indexer(stream.astype(np.int64) * width + alt)
    if (rows < 0).any():
        raise RuntimeError("a tile returned a stream row the whole registry does not have")
    return rows


def partitioned_scored_set(
    registry: Registry,
    rules: pd.DataFrame,
    config: MatchConfig,
    *,
    factors: Any,
    categories: pd.DataFrame | None = None,
    map_function: MapFunction = map,
    tile_km: float = SCORED_TILE_KM,
    classes_km: tuple[float, ...] = DEFAULT_REACH_CLASSES_KM,
    rules_per_task: int | None = SCORED_RULES_PER_TASK,
    slice_pairs: int = SCORE_SLICE_PAIRS,
    folder: str | Path | None = None,
    keep: bool = False,
) -> Any:
    """The scored set of ``find_candidates`` then ``score_set``, tile by tile (candidates and scores).

    Each (rule block × tile) task finds **and scores** its home supplies' candidates on a worker and
    writes them as one Parquet file of the run folder; this process receives only their keys (stream,
    runner-up rank, rule) and gains, puts them in the single process's order on its own sides of the
    registry (``O(streams)`` work, no pair is searched or scored here) and merges the per-stream
    diagnoses (the furthest check any examined pair reached, for the unmatched reasons). The
    allocation, the checks and the unmatched reasons run on those; every result frame reads the rows
    it shows from the files (:class:`~symbiosis.engine.stored_set.StoredScoredSet`).
    ``find_candidates``' funnel counts are not kept: halos examine some pairs in several tasks.

    Parameters
    ----------
    registry, rules, config, categories
        As for ``find_candidates``; ``config.text_scope`` must be ``"unmatched"`` (its default).
    factors
        Emission factors, as for ``score_set``.
    map_function, tile_km, classes_km
        As for :func:`partitioned_candidates`.
    rules_per_task
        As for :func:`plan_tasks` (any split gives the same pairs; smaller chunks, smaller tasks).
    slice_pairs
        Pairs a task scores and writes at a time.
    folder
        Where the run folder (a new ``symbiosis-run-*``) is made: the system's temporary folder when
        None. Every worker must see it at the same path.
    keep
        Keep the run folder; otherwise it is removed once the returned set is dropped
        (:class:`~symbiosis.distributed.partitions.RunFolder`).

    Returns
    -------
    ScoredSet
        A :class:`~symbiosis.engine.stored_set.StoredScoredSet` (its ``found.store`` names the
        files), or an in-memory empty set when no task found a pair.
    """
    from symbiosis.distributed.partitions import PartitionStore, RunFolder
    from symbiosis.engine._candidate_pairs import Diagnosis, Pairs
    from symbiosis.engine.candidates import _best_per_pair
    from symbiosis.engine.scored_set import score_set
    from symbiosis.engine.stored_set import StoredCandidateSet, StoredScoredSet, not_in_memory

    if config.text_scope != "unmatched":
        raise ValueError(
            "tiles need text_scope='unmatched' (text matches of the supplies left without a rule)"
        )
    registry.validate()
    rules = concrete_rules(rules)
    shared = SharedSetup.build(registry, rules, config, categories, factors=factors)
    found_here = shared.sides
    run_folder = RunFolder(folder, keep=keep)
    worker = _ScoringTileWorker(shared, config, factors, str(run_folder.path), slice_pairs)
    tasks = plan_tasks(
        registry, rules, config, tile_km=tile_km, classes_km=classes_km, rules_per_task=rules_per_task
    )
    parts = list(map_function(worker, [(_task_file(i, t), t) for i, t in enumerate(tasks)]))
    rule_rows = np.unique(np.concatenate([p.rule_rows for p in parts] or [np.zeros(0, np.int64)]))
    text = _text_tasks(registry, shared, config, rule_rows, tile_km)
    jobs = [(_task_file(len(tasks) + i, t), t) for i, t in enumerate(text)]
    parts += list(map_function(worker, jobs))
    log.info("partitioned scored candidates: %d rule tasks, %d text tasks", len(tasks), len(text))
    sup, dem = found_here.sup, found_here.dem
    width = config.inferred_alternatives + 1
    sup_key = pd.Index(found_here.sup_stream.astype(np.int64) * width + _alt(sup))
    dem_key = pd.Index(found_here.dem_stream.astype(np.int64) * width + _alt(dem))
    diagnosis = Diagnosis.of(sup, dem, internal_failed=config.internal_policy == "separate")
    for part in parts:
        s_stream, s_alt, s_diag, d_stream, d_alt, d_diag = part.diagnosis
        np.maximum.at(diagnosis.sup, _side_rows(s_stream, s_alt, sup_key, width), s_diag)
        np.maximum.at(diagnosis.dem, _side_rows(d_stream, d_alt, dem_key, width), d_diag)
    full = [p for p in parts if p.n]
    del parts
    if not full:
        run_folder.remove()
        empty = replace(found_here, diagnosis=diagnosis)
        return score_set(empty, registry, config, factors=factors, categories=categories)
    store = PartitionStore(run_folder, [p.file for p in full], [p.n for p in full])
    s = _side_rows(_joined(full, "sup_stream"), _joined(full, "sup_alt"), sup_key, width)
    d = _side_rows(_joined(full, "dem_stream"), _joined(full, "dem_alt"), dem_key, width)
    order = np.argsort((s.astype(np.int64) << 32) | d.astype(np.int64), kind="stable")
    s, d, rule = s[order], d[order], _joined(full, "rule")[order]
    nan = not_in_memory(len(order))
    ordered = Pairs(s, d, rule, nan, nan, nan)
    best = _best_per_pair(ordered, sup, dem, found_here.sup_stream, found_here.dem_stream)
    source = order[best]
    del order, ordered
    rule = rule[best].astype(np.int64)
    gain = _joined(full, "gain")[source]
    del full
    nan = not_in_memory(len(source))
    found = StoredCandidateSet(
        **{name: getattr(found_here, name) for name in found_here.__dataclass_fields__},
        store=store,
        source=source,
    )
    found = replace(
        found,
        pairs=Pairs(s[best], d[best], rule, nan, nan, nan),
        km=nan,
        funnel={"tasks": len(tasks) + len(text), "after_alternatives": len(best)},
        diagnosis=diagnosis,
    )
    names = _score_columns(store)
    log.info(
        "scored pairs: %d in %d Parquet files under %s; this process holds keys and gains only",
        store.n,
        len(store.files),
        run_folder.path,
    )
    return StoredScoredSet(found, {"gain_per_unit": gain}, columns=names)


def _joined(parts: list[TilePairs], name: str) -> np.ndarray:
    return np.concatenate([getattr(p, name) for p in parts])


def _score_columns(store: Any) -> tuple[str, ...]:
    """The score columns of the files, in their order (after the keys and the geometry)."""
    from symbiosis.engine.stored_set import GEOMETRY_COLUMNS

    return tuple(n for n in store.column_names() if n not in KEY_COLUMNS and n not in GEOMETRY_COLUMNS)
