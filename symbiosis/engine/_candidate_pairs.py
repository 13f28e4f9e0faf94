"""Array machinery of candidate generation: stream sides, rule arrays, spatial blocks and pair checks.

Private to :mod:`symbiosis.engine.candidates`. Everything is numpy: a pair is two integer
positions (supply, demand) plus a rule position (``-1`` for a text match).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.distance import (
    SPHERE_MARGIN,
    chord_to_km,
    geodesic_pairs_km,
    km_to_chord,
    reduced_latitudes,
    unit_vectors,
)
from symbiosis.engine.permits import PermitIndex, PermitTokens, required_pathways
from symbiosis.engine.quality import QualityArrays, spec_violation

__all__ = [
    "ALT_RANK",
    "CHECKS",
    "Diagnosis",
    "Pairs",
    "RuleArrays",
    "Side",
    "chord_to_km",
    "feasible_blocks",
    "first_failure",
    "rule_pairs",
    "text_pairs",
    "with_alternatives",
]

#: Blocks with at most ``ENUMERATE_FACTOR × K × (supplies + demands)`` pairs are enumerated even when
#: K > 0: cheaper than repeated K-nearest queries, and exact all the same (K pruning follows).
ENUMERATE_FACTOR = 4
#: Most neighbours fetched by one K-nearest query call (points × K): bounds a widened query's memory.
QUERY_ENTRIES = 2_000_000

#: Enumerated blocks are checked together by batches of about this many pairs: one pass of the
#: checks for many small blocks, with arrays small enough for the allocator to reuse (batches of a
#: million pairs page-faulted fresh memory for every temporary: 10,000 streams, 50,000 faults and
#: 0.08 CPU s of system time per run against 13,000 and 0.02 s).
CHECK_BATCH = 20_000
#: An enumerated block of more than this many supply × demand pairs is enumerated by slices of its
#: supplies, each of at most this many pairs: the pairs within reach of a dense block are otherwise
#: all held at once (issue #16: one 25 km block of a Montréal tile at 1,000,000 streams, 13,077
#: supplies, +5.59 GiB for 389,450 feasible pairs). Each supply's partners are all in its slice, and
#: the K-nearest pruning of a rule whose block comes in parts is done again over all of them.
ENUMERATION_SLICE_PAIRS = 2_000_000

CHECKS: tuple[str, ...] = (
    "too_far",
    "season",
    "dates",
    "temperature",
    "waste_code",
    "quality_spec",
    "hazardous_refused",
    "permit_missing",
    "internal_only",
)

_TRUE = {"true", "1", "yes", "oui", "vrai", "y", "t"}


def as_bool(values: pd.Series | None, n: int) -> np.ndarray:
    """Booleans from a bool, numeric or text column (``"oui"``, ``"true"``, ``"1"``); missing → False."""
    if values is None:
        return np.zeros(n, dtype=bool)
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).to_numpy(dtype=float) != 0
    return values.astype("string").fillna("").str.strip().str.lower().isin(_TRUE).to_numpy(dtype=bool)


def as_float(frame: pd.DataFrame, col: str, default: float) -> np.ndarray:
    """A numeric column with missing values (or a missing column) replaced by ``default``."""
    if col not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[col], errors="coerce").fillna(default).to_numpy(dtype=float)


def as_str(frame: pd.DataFrame, col: str, default: str = "") -> np.ndarray:
    """A text column as an object array, missing → ``default``."""
    if col not in frame.columns:
        return np.full(len(frame), default, dtype=object)
    column = frame[col]
    if isinstance(column.dtype, pd.StringDtype):  # already text: one conversion, not three
        return column.to_numpy(dtype=object, na_value=default)
    return column.astype("string").fillna(default).to_numpy(dtype=object)


def _days(frame: pd.DataFrame, col: str, missing: float) -> np.ndarray:
    """Days since 1970-01-01 (floored, as ``Timedelta.days``) of a date column; ``missing`` where none."""
    if col not in frame.columns:
        return np.full(len(frame), missing)
    column = frame[col]
    if column.dtype.kind == "M" and getattr(column.dtype, "tz", None) is None:
        # Naive datetimes already (the registry's dates): integer days without pandas' conversions.
        stamps = column.to_numpy()
        per_day = np.timedelta64(1, "D").astype(f"timedelta64[{np.datetime_data(stamps.dtype)[0]}]")
        days = np.floor_divide(stamps.view(np.int64), per_day.astype(np.int64)).astype(np.float64)
        return np.where(np.isnat(stamps), missing, days)
    dates = pd.to_datetime(column, errors="coerce")
    days = (dates - pd.Timestamp("1970-01-01")).dt.days.astype("float64")
    return days.fillna(missing).to_numpy()


def _band_edge(categories: pd.DataFrame, column: str) -> pd.Series:
    if column not in categories.columns:
        return pd.Series(np.nan, index=categories["category_id"].astype(str))
    edge = pd.Series(
        pd.to_numeric(categories[column], errors="coerce").to_numpy(float),
        index=categories["category_id"].astype(str),
    )
    return edge[~edge.index.duplicated()]


def _temperature(
    frame: pd.DataFrame, category: np.ndarray, categories: pd.DataFrame | None, default: str
) -> np.ndarray:
    """Declared temperature, else the category's band: its ``middle`` (a supply: a "30–60 °C" surplus
    is about 45 °C) or its ``low`` end (a demand: what the use needs at least); NaN when neither is known.
    """
    declared = as_float(frame, "temperature_c", np.nan)
    if categories is None or "temperature_low_c" not in categories.columns or not np.isnan(declared).any():
        return declared
    low = pd.Series(category).map(_band_edge(categories, "temperature_low_c")).to_numpy(float)
    if default == "middle":
        high = pd.Series(category).map(_band_edge(categories, "temperature_high_c")).to_numpy(float)
        low = np.where(np.isnan(high), low, (low + high) / 2)
    return np.where(np.isnan(declared), low, declared)


def _return_temperature(
    declared: np.ndarray, category: np.ndarray, categories: pd.DataFrame | None
) -> np.ndarray:
    """The temperature each heat use takes its fluid in at (a district network's return, a greenhouse
    loop's return, the cold make-up water of a fish farm): the firm's own ``declared`` value
    (``return_temperature_c``) where it gives one, else its category's ``temperature_return_c``; NaN
    when neither is known (no preheating for that use)."""
    if categories is None or "temperature_return_c" not in categories.columns:
        return declared
    typical = pd.Series(category).map(_band_edge(categories, "temperature_return_c")).to_numpy(float)
    return np.where(np.isnan(declared), typical, declared)


@dataclass(frozen=True)
class Side:
    """One side (supplies or demands) as aligned arrays, excluded firms already removed."""

    ids: np.ndarray
    firm: np.ndarray
    firm_hash: np.ndarray
    category: np.ndarray
    kind: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray
    qty: np.ndarray
    months: np.ndarray
    start: np.ndarray
    end: np.ndarray
    hazardous: np.ndarray
    accepts: np.ndarray
    max_km: np.ndarray
    text: np.ndarray
    temperature_c: np.ndarray
    waste_code: np.ndarray
    return_c: np.ndarray | None = None  # demands: the temperature their heat use returns at (preheating)
    return_declared: np.ndarray | None = None  # demands: return_c is the firm's own, not its category's
    quality: QualityArrays | None = None
    permits: PermitIndex | None = None
    alt_rank: np.ndarray | None = None  # 0: the stream's own category; k: its k-th runner-up (inferred)
    permit_tokens: PermitTokens | None = None  # supplies: the receivers' permits, prepared for them
    reduced: tuple | None = None  # sine and cosine of each row's reduced latitude (WGS84 geodesics)

    @property
    def n(self) -> int:
        """Number of streams."""
        return len(self.ids)

    @cached_property
    def has_text(self) -> np.ndarray:
        """Streams with a non-empty description (computed once per side: three passes ask it)."""
        return np.array([bool(t.strip()) for t in self.text], dtype=bool) if self.n else np.zeros(0, bool)

    def take(self, rows: np.ndarray, *, rules: np.ndarray | None = None) -> Side:
        """The side rows ``rows`` (positions, in increasing order): what :meth:`build` gives for the
        streams of those rows alone, with nothing recomputed.

        ``rules``: positions of the rules the rows are matched under (the permit tokens' rule
        codes follow them); all of them when None.
        """
        arrays = {f.name: getattr(self, f.name) for f in fields(self)}
        taken = {k: v[rows] for k, v in arrays.items() if isinstance(v, np.ndarray)}
        tokens = self.permit_tokens
        if tokens is not None:
            tokens = tokens.take(rows, np.arange(len(tokens.rule_code)) if rules is None else rules)
        side = replace(
            self,
            **taken,
            quality=None if self.quality is None else self.quality.take(rows),
            permit_tokens=tokens,
            reduced=None if self.reduced is None else tuple(r[rows] for r in self.reduced),
        )
        if "has_text" in self.__dict__:  # computed already: taken, not computed again
            side.__dict__["has_text"] = self.has_text[rows]
        return side

    @classmethod
    def build(
        cls,
        frame: pd.DataFrame,
        config: MatchConfig,
        categories: pd.DataFrame | None,
        *,
        direction: str = "demand",
        permits: PermitIndex | None = None,
    ) -> Side:
        """Arrays of a ``Registry.supplies``/``.demands`` frame (``direction`` picks the default
        temperature of a stream that declares none: a supply's band middle, a demand's band bottom;
        ``permits``: the receivers' authorisation index, on the demand side)."""
        frame = frame[~frame["firm_id"].astype(str).isin(config.excluded_firm_ids)]
        demand = len(frame) > 0 and "direction" in frame and str(frame["direction"].iloc[0]) == "demand"
        lat, lon = as_float(frame, "lat", np.nan), as_float(frame, "lon", np.nan)
        category = as_str(frame, "category_id")
        kind = as_str(frame, "kind", "")
        if categories is not None and (kind == "").any():
            lookup = pd.Series(
                categories["kind"].astype(str).to_numpy(), index=categories["category_id"].astype(str)
            )
            kind = np.where(kind == "", pd.Series(category).map(lookup).fillna("material").to_numpy(), kind)
        kind = np.where(kind == "", "material", kind).astype(object)
        months = as_float(frame, "months_mask", 4095).astype(np.int64)
        own_return = as_float(frame, "return_temperature_c", np.nan)
        return cls(
            ids=as_str(frame, "stream_id"),
            firm=as_str(frame, "firm_id"),
            firm_hash=pd.util.hash_array(as_str(frame, "firm_id")),
            category=category,
            kind=kind,
            lat=lat,
            lon=lon,
            xyz=unit_vectors(lat, lon),
            qty=as_float(frame, "quantity_per_yr", 0.0),
            months=months,
            start=_days(frame, "start_date", -np.inf),
            end=_days(frame, "end_date", np.inf),
            hazardous=as_bool(frame.get("hazardous"), len(frame)),
            accepts=as_bool(frame.get("accepts_hazardous"), len(frame)),
            max_km=as_float(frame, "max_distance_km", np.inf),
            text=as_str(frame, "description"),
            temperature_c=_temperature(
                frame, category, categories, "middle" if direction == "supply" else "low"
            ),
            waste_code=as_str(frame, "waste_code"),
            return_c=_return_temperature(own_return, category, categories) if demand else None,
            return_declared=~np.isnan(own_return) if demand else None,
            quality=QualityArrays.of_demands(frame) if demand else QualityArrays.of_supplies(frame),
            permits=permits,
            alt_rank=as_float(frame, ALT_RANK, 0.0).astype(np.int64),
            reduced=reduced_latitudes(lat),
        )


ALT_RANK = "_alternative_rank"


def with_alternatives(
    frame: pd.DataFrame, categories: pd.DataFrame | None, n_alternatives: int
) -> pd.DataFrame:
    """The streams, plus one row per runner-up category of each stream whose category was *inferred*.

    A row added for the k-th runner-up keeps the stream's id and everything else, with the runner-up as
    its category and ``_alternative_rank`` = k (0 on the original rows). Only runner-ups of the same
    resource kind are used (the quantity is in that kind's unit). Candidates found through such a row
    are proposals under an unconfirmed category: :func:`symbiosis.engine.candidates.generate_candidates`
    keeps, per pair, the one with the lowest rank and flags it.
    """
    frame = frame.assign(**{ALT_RANK: 0})
    if n_alternatives <= 0 or "category_alternatives" not in frame or "category_source" not in frame:
        return frame
    alternatives_given = frame["category_alternatives"].astype(str).str.len().gt(0)
    inferred = frame["category_source"].astype(str).eq("inferred") & alternatives_given
    if not inferred.any():
        return frame
    extra = frame[inferred].copy()
    alternatives = extra["category_alternatives"].astype(str).str.split("|")
    kind_of = pd.Series(dtype=str)
    if categories is not None:
        kind_of = pd.Series(
            categories["kind"].astype(str).to_numpy(), index=categories["category_id"].astype(str)
        )
    parts = []
    for rank in range(1, n_alternatives + 1):
        alt = alternatives.str[rank - 1]
        rows = extra[alt.notna() & alt.ne("")].copy()
        rows["category_id"] = alt[rows.index]
        if len(kind_of):
            rows = rows[rows["category_id"].map(kind_of).eq(rows["kind"].astype(str))]
        parts.append(rows.assign(**{ALT_RANK: rank}))
    return pd.concat([frame, *parts], ignore_index=True)


def _has_check(rules: pd.DataFrame, name: str) -> np.ndarray:
    return np.array([name in str(c).split("|") for c in as_str(rules, "checks")], dtype=bool)


def authorisation_codes(rules: pd.DataFrame) -> np.ndarray:
    """The pathway code each rule requires (``""`` when none; a bare ``true`` is a ministerial one).

    ``symbiosis.kb.load_rules`` keeps the code in ``authorisation`` and turns
    ``requires_authorisation`` into a bool; a raw rules table has the code in the latter.
    """
    named = pd.Series(as_str(rules, "authorisation")).str.strip().str.lower()
    codes = pd.Series(as_str(rules, "requires_authorisation")).str.strip().str.lower()
    codes = named.where(named != "", codes)
    codes = codes.replace(
        {
            "true": "ministerial_authorisation",
            "1": "ministerial_authorisation",
            "yes": "ministerial_authorisation",
            "oui": "ministerial_authorisation",
            "false": "",
            "0": "",
            "no": "",
            "non": "",
            "none": "",
        }
    )
    return codes.to_numpy(object)


@dataclass(frozen=True)
class RuleArrays:
    """Compatibility rules as arrays, one per (supply category, demand category) pair."""

    rule_id: np.ndarray
    supply_cat: np.ndarray
    demand_cat: np.ndarray
    yield_ratio: np.ndarray
    max_km: np.ndarray
    hazardous: np.ndarray
    authorisation: np.ndarray
    authorisation_code: np.ndarray
    pretreatment: np.ndarray
    receiving_process: np.ndarray
    r_code: np.ndarray
    temperature_check: np.ndarray
    code_check: np.ndarray

    @property
    def n(self) -> int:
        """Number of rules."""
        return len(self.rule_id)

    def take(self, rows: np.ndarray) -> RuleArrays:
        """The rules at positions ``rows`` (in increasing order: :meth:`build` of those rules alone)."""
        return RuleArrays(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @classmethod
    def build(cls, rules: pd.DataFrame | None) -> RuleArrays:
        """Arrays of a (concrete) rules table; duplicated category pairs keep their highest yield."""
        rules = (
            pd.DataFrame(columns=["rule_id", "supply_category_id", "demand_category_id"])
            if rules is None
            else rules
        )
        rules = rules.assign(_y=as_float(rules, "yield_ratio", 1.0))
        rules = rules.sort_values("_y", ascending=False, kind="stable")
        rules = rules.drop_duplicates(["supply_category_id", "demand_category_id"]).reset_index(drop=True)
        max_km = as_float(rules, "max_transport_km", np.inf)
        codes = authorisation_codes(rules)
        return cls(
            rule_id=as_str(rules, "rule_id"),
            supply_cat=as_str(rules, "supply_category_id"),
            demand_cat=as_str(rules, "demand_category_id"),
            yield_ratio=rules["_y"].to_numpy(float),
            max_km=np.where(max_km > 0, max_km, np.inf),
            hazardous=as_bool(rules.get("hazardous"), len(rules)),
            authorisation=codes != "",
            authorisation_code=codes,
            pretreatment=as_str(rules, "pretreatment"),
            receiving_process=as_str(rules, "receiving_process"),
            r_code=as_str(rules, "r_code"),
            temperature_check=_has_check(rules, "temperature"),
            code_check=_has_check(rules, "waste_code"),
        )


@dataclass(frozen=True)
class Pairs:
    """Supply/demand position pairs with their rule, block radius and great-circle km."""

    s: np.ndarray
    d: np.ndarray
    rule: np.ndarray
    radius_km: np.ndarray
    hav_km: np.ndarray
    similarity: np.ndarray

    @property
    def n(self) -> int:
        """Number of pairs."""
        return len(self.s)

    @classmethod
    def empty(cls) -> Pairs:
        """No pair."""
        i, f = np.zeros(0, np.int64), np.zeros(0)
        return cls(i, i, i, f, f, f)

    @classmethod
    def concat(cls, parts: list[Pairs]) -> Pairs:
        """Pairs of all parts, in order."""
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__))

    def take(self, mask: np.ndarray) -> Pairs:
        """The pairs where ``mask`` (bool or index array) selects."""
        return Pairs(*(getattr(self, f)[mask] for f in self.__dataclass_fields__))

    def with_similarity(self, sim: np.ndarray) -> Pairs:
        """Copy with text similarities set."""
        return Pairs(self.s, self.d, self.rule, self.radius_km, self.hav_km, sim)


def _groups(values: np.ndarray) -> dict[Any, np.ndarray]:
    """Positions of each distinct value (missing values: none), in increasing order.

    One factorisation and one stable sort of the codes (a pandas group-by cost 1.5 ms a side, twice
    per tile task).
    """
    if not len(values):
        return {}
    codes, uniques = pd.factorize(np.asarray(values))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {value: order[bounds[i] : bounds[i + 1]] for i, value in enumerate(uniques)}


def _tree(side: Side, idx: np.ndarray, key: tuple | None, trees: dict) -> cKDTree:
    """KD-tree of a side's points ``idx``, cached under ``key`` (a category, never an object id)."""
    if key is None:
        return cKDTree(side.xyz[idx])
    if key not in trees:
        trees[key] = cKDTree(side.xyz[idx])
    return trees[key]


def _block(
    sup: Side,
    dem: Side,
    sidx: np.ndarray,
    didx: np.ndarray,
    radius_km: float,
    trees: dict,
    keys: tuple[tuple | None, tuple | None] = (None, None),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (supply, demand, chord) of two index sets within a radius (widened by the sphere margin)."""
    tree_s, tree_d = _tree(sup, sidx, keys[0], trees), _tree(dem, didx, keys[1], trees)
    hits = tree_s.sparse_distance_matrix(
        tree_d, float(km_to_chord(radius_km * (1 + SPHERE_MARGIN))), output_type="ndarray"
    )
    return sidx[hits["i"]], didx[hits["j"]], hits["v"]


def _collect(parts: list[tuple]) -> Pairs:
    if not parts:
        return Pairs.empty()
    s, d, rule, radius, chord = (np.concatenate(x) for x in zip(*parts, strict=True))
    return Pairs(s, d, rule, radius, chord_to_km(chord), np.full(len(s), np.nan))


def _rule_radius(rules: RuleArrays, k: int, kind: object, config: MatchConfig) -> float:
    """A rule block's reach: the rule's ``max_transport_km``, within the scenario's optional caps."""
    return float(min(rules.max_km[k], config.radius_for_kind(str(kind))))


def rule_blocks(sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig) -> Iterator[Pairs]:
    """Per rule, every (supply, demand) pair of its categories within the block radius."""
    sg, dg = _groups(sup.category), _groups(dem.category)
    trees: dict = {}
    for k in range(rules.n):
        sidx, didx = sg.get(rules.supply_cat[k]), dg.get(rules.demand_cat[k])
        if sidx is None or didx is None:
            continue
        radius = _rule_radius(rules, k, sup.kind[sidx[0]], config)
        keys = (("s", rules.supply_cat[k]), ("d", rules.demand_cat[k]))
        s, d, chord = _block(sup, dem, sidx, didx, radius, trees, keys)
        if len(s):
            yield _collect([(s, d, np.full(len(s), k), np.full(len(s), radius), chord)])


@dataclass
class Diagnosis:
    """Per side row, the furthest check reached by an examined pair of the streams' own categories.

    ``-1``: no pair examined; ``i`` < ``len(CHECKS)``: the best pair failed ``CHECKS[i]``;
    ``len(CHECKS)``: a pair passed every check. Only pairs of two rows under their own category
    (rank 0) count, as :func:`~symbiosis.engine.candidates.unmatched_reasons` diagnoses them. With
    ``internal_failed``, a same-firm pair passing every check counts as failing ``internal_only``
    (the reasons of a run that lists internal pairs apart are those of excluding them).
    """

    sup: np.ndarray
    dem: np.ndarray
    internal_failed: bool = False

    @classmethod
    def of(cls, sup: Side, dem: Side, *, internal_failed: bool) -> Diagnosis:
        """Nothing examined yet."""
        return cls(np.full(sup.n, -1, np.int64), np.full(dem.n, -1, np.int64), internal_failed)

    def record(self, p: Pairs, fail: np.ndarray, sup: Side, dem: Side) -> None:
        """Take the failures ``fail`` of the examined pairs ``p`` into account."""
        own = np.ones(p.n, bool)
        for side, idx in ((sup, p.s), (dem, p.d)):
            if side.alt_rank is not None:
                own &= side.alt_rank[idx] == 0
        if self.internal_failed:
            same = (fail == len(CHECKS)) & (sup.firm_hash[p.s] == dem.firm_hash[p.d])
            fail = np.where(same, CHECKS.index("internal_only"), fail)
        np.maximum.at(self.sup, p.s[own], fail[own])
        np.maximum.at(self.dem, p.d[own], fail[own])


def feasible_blocks(
    sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig, diagnosis: Diagnosis | None = None
) -> Iterator[tuple[Pairs, np.ndarray]]:
    """Per rule block, the pairs passing every check, and how many examined pairs failed each check.

    With ``k_nearest = 0``, in small blocks (:data:`ENUMERATE_FACTOR`) and in blocks whose checks
    refuse so many pairs that the search would examine more (:func:`_enumeration_is_cheaper`), every
    pair within the radius is examined; such blocks are checked together, by batches of about
    :data:`CHECK_BATCH` pairs, and come out after the searched ones. Otherwise each stream's nearest
    partners are fetched by K-nearest queries, asked again (for more) only for the streams that have
    fewer than K feasible partners while more lie within their reach: every stream's K nearest
    *feasible* partners are found without enumerating the whole block. The counts of a batch come
    with its first block (the others carry zeros).
    """
    sg, dg = _groups(sup.category), _groups(dem.category)
    trees: dict = {}
    batch = _Batch(_Checker(sup, dem, rules, config, diagnosis))
    for k in range(rules.n):
        sidx, didx = sg.get(rules.supply_cat[k]), dg.get(rules.demand_cat[k])
        if sidx is None or didx is None:
            continue
        radius = _rule_radius(rules, k, sup.kind[sidx[0]], config)
        parts = _hazard_split(sup, dem, sidx, didx, bool(rules.hazardous[k]), config.hazardous_policy)
        for s_part, d_part in parts:
            # Trees are cached per category, so only for the unsplit index sets.
            keys = (
                ("s", rules.supply_cat[k]) if s_part is sidx else None,
                ("d", rules.demand_cat[k]) if d_part is didx else None,
            )
            block = _Block(sup, dem, rules, config, s_part, d_part, k, radius, diagnosis)
            if config.k_nearest <= 0 or _enumeration_is_cheaper(block):
                for s_slice, s_key in _supply_slices(s_part, len(d_part), keys[0]):
                    batch.add(block.make(*_block(sup, dem, s_slice, d_part, radius, trees, (s_key, keys[1]))))
                    if batch.n >= CHECK_BATCH:
                        yield from batch.flush()
            else:
                yield _searched_pairs(block, trees, keys), block.counts
    yield from batch.flush()


@dataclass
class _Checker:
    """Runs the checks on examined pairs, counting the failures and recording the diagnosis."""

    sup: Side
    dem: Side
    rules: RuleArrays
    config: MatchConfig
    diagnosis: Diagnosis | None = None

    def check(self, p: Pairs, counts: np.ndarray) -> np.ndarray:
        """Which pairs pass every check (failures added to ``counts``)."""
        fail = first_failure(p, self.sup, self.dem, self.rules, self.config)
        counts += np.bincount(fail, minlength=len(CHECKS) + 1)
        if self.diagnosis is not None:
            self.diagnosis.record(p, fail, self.sup, self.dem)
        return fail == len(CHECKS)


@dataclass
class _Batch:
    """Enumerated blocks' pairs, checked together: one pass of the checks for many small blocks."""

    checker: _Checker
    parts: list[Pairs] = field(default_factory=list)
    n: int = 0

    def add(self, pairs: Pairs) -> None:
        """Hold one block's examined pairs."""
        self.parts.append(pairs)
        self.n += pairs.n

    def flush(self) -> Iterator[tuple[Pairs, np.ndarray]]:
        """Each held block's feasible pairs sorted by (supply, demand), with the batch's counts."""
        if not self.parts:
            return
        parts, self.parts, self.n = self.parts, [], 0
        counts = np.zeros(len(CHECKS) + 1, dtype=np.int64)
        ok = self.checker.check(Pairs.concat(parts), counts)
        start = 0
        for p in parts:
            q = p.take(ok[start : start + p.n])
            start += p.n
            yield q.take(np.argsort((q.s.astype(np.int64) << 32) | q.d, kind="stable")), counts
            counts = np.zeros_like(counts)


def _supply_slices(
    sidx: np.ndarray, n_demands: int, key: tuple | None
) -> Iterator[tuple[np.ndarray, tuple | None]]:
    """The block's supplies whole (with their tree's cache key), or in slices of at most
    :data:`ENUMERATION_SLICE_PAIRS` supply × demand pairs (uncached trees) when the block is larger."""
    if len(sidx) * n_demands <= ENUMERATION_SLICE_PAIRS:
        yield sidx, key
        return
    step = max(1, ENUMERATION_SLICE_PAIRS // max(n_demands, 1))
    for start in range(0, len(sidx), step):
        yield sidx[start : start + step], None


def _hazard_split(
    sup: Side, dem: Side, sidx: np.ndarray, didx: np.ndarray, rule_hazardous: bool, policy: str
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Sub-blocks leaving out the pairs the hazard check would refuse (hazardous × no permit)."""
    hazardous = sup.hazardous[sidx] | rule_hazardous
    if policy == "allow" or not hazardous.any():
        return [(sidx, didx)]
    parts = [(sidx[~hazardous], didx)]
    if policy == "permit_required":
        parts.append((sidx[hazardous], didx[dem.accepts[didx]]))
    return [(s, d) for s, d in parts if len(s) and len(d)]


def _searched_pairs(block: _Block, trees: dict, keys: tuple) -> Pairs:
    """Feasible pairs of one block by K-nearest queries from both sides (each stream's K nearest
    feasible partners, and more), sorted by (supply, demand)."""
    sup, dem, sidx, didx = block.sup, block.dem, block.sidx, block.didx
    tree_s, tree_d = _tree(sup, sidx, keys[0], trees), _tree(dem, didx, keys[1], trees)
    chord_r = float(km_to_chord(block.radius * (1 + SPHERE_MARGIN)))
    a = _knn_side(tree_d, sup.xyz[sidx], sup.max_km[sidx], chord_r, block, supply_side=True)
    b = _knn_side(tree_s, dem.xyz[didx], dem.max_km[didx], chord_r, block, supply_side=False)
    both = Pairs.concat([a, b])
    _, first = np.unique((both.s.astype(np.int64) << 32) | both.d, return_index=True)
    # Sorted by (supply, demand) on both paths, not in the trees' order: K-nearest ties then break
    # the same way whatever other streams a tree holds (a tile of the registry, issue #16).
    return both.take(first)


def _enumeration_is_cheaper(block: _Block) -> bool:
    """Whether examining every pair of the block within its radius once costs no more checks than the
    K-nearest search from both sides, estimated on a grid of at most 48 × 48 of the block's pairs.

    Blocks of at most :data:`ENUMERATE_FACTOR` × K × (supplies + demands) pairs are enumerated
    without estimate. Otherwise the grid gives the share of pairs within the radius and the share
    passing every check but distance (``p``): each stream's search examines about (K + 1) / ``p``
    partners, at most all those within reach, from both sides; enumeration examines each pair within
    reach once. A block whose pairs the checks almost all refuse (a quality spec no supply meets) is
    then enumerated instead of searched to its radius twice. ``ENUMERATE_FACTOR = 0`` turns
    enumeration off for K > 0.
    """
    ns, nd, k = len(block.sidx), len(block.didx), block.config.k_nearest
    if ns * nd <= ENUMERATE_FACTOR * k * (ns + nd):
        return True
    if ENUMERATE_FACTOR <= 0:
        return False
    s = np.unique(block.sidx[np.linspace(0, ns - 1, min(ns, 48)).astype(np.int64)])
    d = np.unique(block.didx[np.linspace(0, nd - 1, min(nd, 48)).astype(np.int64)])
    s, d = np.repeat(s, len(d)), np.tile(d, len(s))
    chord = np.linalg.norm(block.sup.xyz[s] - block.dem.xyz[d], axis=1)
    within = float(np.mean(chord <= km_to_chord(block.radius * (1 + SPHERE_MARGIN))))
    n = len(s)
    probe = Pairs(s, d, np.full(n, block.rule), np.full(n, block.radius), np.zeros(n), np.full(n, np.nan))
    passing = first_failure(probe, block.sup, block.dem, block.rules, block.config) == len(CHECKS)
    per_stream = (k + 1) / max(float(np.mean(passing)), 0.5 / n)
    searched = ns * min(per_stream, within * nd) + nd * min(per_stream, within * ns)
    return within * ns * nd <= searched


@dataclass
class _Block:
    """One rule block: builds its pairs and counts the checks they fail."""

    sup: Side
    dem: Side
    rules: RuleArrays
    config: MatchConfig
    sidx: np.ndarray
    didx: np.ndarray
    rule: int
    radius: float
    diagnosis: Diagnosis | None = None

    def __post_init__(self) -> None:
        self.counts = np.zeros(len(CHECKS) + 1, dtype=np.int64)

    def make(self, s: np.ndarray, d: np.ndarray, chord: np.ndarray) -> Pairs:
        """Pairs of registry positions ``s``, ``d`` at chord distances ``chord``."""
        n = len(s)
        rule, radius = np.full(n, self.rule, np.int64), np.full(n, self.radius)
        return Pairs(s, d, rule, radius, chord_to_km(chord), np.full(n, np.nan))

    def check(self, p: Pairs) -> np.ndarray:
        """Which pairs pass every check (failures counted)."""
        return _Checker(self.sup, self.dem, self.rules, self.config, self.diagnosis).check(p, self.counts)


def _knn_side(
    tree: cKDTree, xyz: np.ndarray, own_km: np.ndarray, chord_r: float, block: _Block, *, supply_side: bool
) -> Pairs:
    """Feasible pairs of each query point with (at least) its K nearest feasible tree points.

    A point is done when K feasible partners are fetched with the K-th strictly closer than the
    farthest fetched, or when its farthest fetched neighbour lies beyond the radius or beyond its own
    distance limit (no farther partner can be feasible). The first query asks K + 1 neighbours; a
    point not done asks again, for as many as its own share of feasible partners says it needs (at
    least twice as many, rounded up to a power of two so that points share queries), and only the
    neighbours not strictly closer than its previous farthest are checked: a K-nearest query is
    exact, so those closer ones were all fetched and checked before.
    """
    search = _Search.start(len(xyz), block.config.k_nearest, tree.n)
    own_chord = km_to_chord(np.minimum(own_km, block.radius) * (1 + SPHERE_MARGIN))
    out = [Pairs.empty()]
    while len(search.todo):
        todo, search.todo = search.todo, np.zeros(0, np.int64)
        kq = search.kq[todo]  # this round's counts (a point's next count is set as it is answered)
        for q in np.unique(kq):
            same = todo[kq == q]
            # Points in slices of at most QUERY_ENTRIES fetched neighbours: a widened query over many
            # points would hold them all at once (each point's answer is its own, so slicing changes
            # nothing; issue #16: +6.7 GiB in one tile at 1,000,000 streams).
            step = max(1, QUERY_ENTRIES // int(q))
            for lo in range(0, len(same), step):
                rows = same[lo : lo + step]
                dist, j = tree.query(xyz[rows], k=int(q), distance_upper_bound=chord_r)
                dist, j = dist.reshape(len(rows), q), j.reshape(len(rows), q)
                new = np.isfinite(dist) & (dist >= search.examined[rows][:, None])
                local = np.broadcast_to(np.arange(len(rows))[:, None], new.shape)[new]
                mine, theirs = rows[local], j[new]
                if supply_side:
                    pairs = block.make(block.sidx[mine], block.didx[theirs], dist[new])
                else:
                    pairs = block.make(block.sidx[theirs], block.didx[mine], dist[new])
                ok = block.check(pairs)
                okm = np.zeros(new.shape, bool)
                okm[new] = ok
                done = search.advance(rows, dist, okm, own_chord[rows])
                # Kept: every feasible pair of a point done; of the others, those strictly closer
                # than their farthest (the next query fetches the equidistant ones again).
                out.append(pairs.take(ok & (done[local] | (dist[new] < dist[local, -1]))))
    return Pairs.concat(out)


@dataclass
class _Search:
    """Per query point of :func:`_knn_side`: how many neighbours to ask next, up to which chord every
    fetched neighbour was checked (strictly below), and how many of those were feasible."""

    k: int
    n_tree: int
    kq: np.ndarray
    examined: np.ndarray
    n_ok: np.ndarray
    todo: np.ndarray

    @classmethod
    def start(cls, n: int, k: int, n_tree: int) -> _Search:
        """Every point to query, for K + 1 neighbours (K and a farther one to close a tie)."""
        return cls(
            k,
            n_tree,
            np.full(n, min(k + 1, n_tree), np.int64),
            np.full(n, -np.inf),
            np.zeros(n, np.int64),
            np.arange(n),
        )

    def advance(
        self, rows: np.ndarray, dist: np.ndarray, okm: np.ndarray, own_chord: np.ndarray
    ) -> np.ndarray:
        """Take one query's answer for ``rows`` (``okm``: feasible, among the pairs just checked) and
        return which rows are done; the others are queued with their next neighbour count."""
        q, far = dist.shape[1], dist[:, -1]
        count = self.n_ok[rows][:, None] + np.cumsum(okm, axis=1)
        kth = np.argmax(count >= self.k, axis=1)
        enough = (count[:, -1] >= self.k) & (dist[np.arange(len(rows)), kth] < far)
        done = enough | ~(far <= own_chord) | (q >= self.n_tree)
        left = ~done
        if left.any():
            rows_left = rows[left]
            n_ok = self.n_ok[rows_left] + (okm[left] & (dist[left] < far[left][:, None])).sum(axis=1)
            # Feasible share so far (one added, so that none found still asks a finite number).
            needed = (self.k + 1 - n_ok) * (q + 1) / (n_ok + 1) * 1.25
            kq = 2 ** np.ceil(np.log2(np.maximum(q + needed, 2 * q)))
            self.kq[rows_left] = np.minimum(kq, self.n_tree).astype(np.int64)
            self.examined[rows_left] = far[left]
            self.n_ok[rows_left] = n_ok
            self.todo = np.concatenate([self.todo, rows_left])
        return done


def rule_pairs(sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig) -> Pairs:
    """Every (supply, demand) pair of a rule's categories within the rule block radius."""
    return Pairs.concat([Pairs.empty(), *rule_blocks(sup, dem, rules, config)])


def text_pairs(
    sup: Side, dem: Side, wanted: np.ndarray, config: MatchConfig, *, dem_mask: np.ndarray | None = None
) -> Pairs:
    """Pairs of same-kind streams with descriptions, within the kind's radius (``rule = -1``).

    ``wanted`` selects the supplies, ``dem_mask`` the demands (default: every demand with a text).
    """
    parts = []
    dem_ok = dem.has_text if dem_mask is None else dem_mask
    for kind in np.unique(sup.kind[wanted]):
        sidx = np.flatnonzero(wanted & (sup.kind == kind))
        didx = np.flatnonzero(dem_ok & (dem.kind == kind))
        if len(didx) == 0:
            continue
        radius = config.text_radius_for_kind(str(kind))
        s, d, chord = _block(sup, dem, sidx, didx, radius, {})
        parts.append((s, d, np.full(len(s), -1), np.full(len(s), radius), chord))
    return _collect(parts)


def rule_keyed(pairs: Pairs, other: Pairs, n_dem: int) -> np.ndarray:
    """Which ``pairs`` also appear in ``other`` (same supply and demand)."""
    return np.isin(pairs.s * n_dem + pairs.d, other.s * n_dem + other.d)


def geodesic(sup: Side, dem: Side, s: np.ndarray, d: np.ndarray) -> np.ndarray:
    """WGS84 geodesic km between supply rows ``s`` and demand rows ``d``."""
    if sup.reduced is None or dem.reduced is None:
        from symbiosis.engine.distance import geodesic_km

        return geodesic_km(sup.lat[s], sup.lon[s], dem.lat[d], dem.lon[d])
    return geodesic_pairs_km(sup.lat, sup.lon, sup.reduced, dem.lat, dem.lon, dem.reduced, s, d)


def _too_far(p: Pairs, sup: Side, dem: Side) -> np.ndarray:
    """Beyond min(block radius, both firms' limits), decided on the WGS84 geodesic."""
    limit = np.minimum(p.radius_km, np.minimum(sup.max_km[p.s], dem.max_km[p.d]))
    far = p.hav_km * (1 - SPHERE_MARGIN) > limit
    unsure = ~far & (p.hav_km * (1 + SPHERE_MARGIN) > limit)
    if unsure.any():
        far[unsure] = geodesic(sup, dem, p.s[unsure], p.d[unsure]) > limit[unsure]
    return far


def heat_share(p: Pairs, sup: Side, dem: Side, rules: RuleArrays, approach_c: float) -> np.ndarray:
    """Share of the demand's heat each pair's supply can deliver, in [0, 1].

    1 where the rule has no ``temperature`` check, where either temperature is unknown, or where
    ``T_supply - approach_c >= T_demand`` (heat exchanged directly). Below that, a supply can still
    *preheat* a use that takes its fluid in at a known return temperature ``T_return`` (a district
    network's return, a greenhouse loop's, a fish farm's make-up water): it lifts the fluid from
    ``T_return`` to ``T_supply - approach_c`` and a boiler does the rest, so it covers
    ``(T_supply - approach_c - T_return) / (T_demand - T_return)`` of the duty (0 when the supply is
    no warmer than the return, or the use has no known return temperature).
    """
    if rules.n == 0 or p.n == 0:
        return np.ones(p.n)
    checked = (p.rule >= 0) & rules.temperature_check[np.where(p.rule >= 0, p.rule, 0)]
    usable = sup.temperature_c[p.s] - approach_c
    need = dem.temperature_c[p.d]
    back = dem.return_c[p.d] if dem.return_c is not None else np.full(p.n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        cold = checked & (usable < need)  # False where either temperature is unknown (NaN)
        lift = np.where(need > back, (usable - back) / (need - back), 0.0)
    return np.where(cold, np.clip(np.nan_to_num(lift, nan=0.0), 0.0, 1.0), 1.0)


def _too_cold(p: Pairs, sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig) -> np.ndarray:
    """Heat exchanged directly needs ``T_supply - heat_approach_c >= T_demand``; below that, a pair
    passes as *preheating* when it covers at least ``config.preheat_min_share`` of the demand's duty
    (:func:`heat_share`; rules with the ``temperature`` check only; an unknown temperature on either
    side passes)."""
    return heat_share(p, sup, dem, rules, config.heat_approach_c) < config.preheat_min_share


def _other_code(p: Pairs, sup: Side, dem: Side, rules: RuleArrays) -> np.ndarray:
    """Rules with the ``waste_code`` check: both streams give a List-of-Waste code and they differ."""
    if rules.n == 0 or p.n == 0:
        return np.zeros(p.n, dtype=bool)
    checked = (p.rule >= 0) & rules.code_check[np.where(p.rule >= 0, p.rule, 0)]
    out = np.zeros(p.n, dtype=bool)
    idx = np.flatnonzero(checked)  # text compared only where the rule asks for it
    if len(idx):
        s_code, d_code = sup.waste_code[p.s[idx]], dem.waste_code[p.d[idx]]
        out[idx] = (s_code != "") & (d_code != "") & (s_code != d_code)
    return out


def first_failure(p: Pairs, sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig) -> np.ndarray:
    """Index in :data:`CHECKS` of the first check each pair fails; ``len(CHECKS)`` when it passes all.

    The last three checks (hazard, permits, same firm) are evaluated only for the pairs that pass
    the first six: a pair's first failure does not depend on the checks after it, and the permit
    look-ups are the costliest checks while the quality specs refuse most pairs before them.
    """
    s, d = p.s, p.d
    first = _first_true(
        (
            _too_far(p, sup, dem),
            (sup.months[s] & dem.months[d]) == 0,
            (sup.start[s] > dem.end[d]) | (dem.start[d] > sup.end[s]),
            _too_cold(p, sup, dem, rules, config),
            _other_code(p, sup, dem, rules),
            _spec_violation(p, sup, dem),
        ),
        p.n,
    )
    rest = np.flatnonzero(first == CHECKS.index("hazardous_refused"))
    if len(rest):
        first[rest] += _first_true(_authorisation_failures(p.take(rest), sup, dem, rules, config), len(rest))
    return first


def _authorisation_failures(
    p: Pairs, sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig
) -> tuple[np.ndarray, ...]:
    """The hazard, permit and same-firm checks of pairs ``p``, in :data:`CHECKS` order."""
    has_rule = p.rule >= 0
    rule_haz = has_rule & (rules.hazardous[np.where(has_rule, p.rule, 0)] if rules.n else False)
    hazardous = sup.hazardous[p.s] | rule_haz
    if config.hazardous_policy == "exclude":
        refused = hazardous
    elif config.hazardous_policy == "allow":
        refused = np.zeros(p.n, dtype=bool)
    else:
        refused = hazardous & ~dem.accepts[p.d]
    return (
        refused,
        _permit_missing(p, sup, dem, rules, config, hazardous),
        (sup.firm_hash[p.s] == dem.firm_hash[p.d]) & (config.internal_policy == "exclude"),
    )


def _first_true(fails: tuple[np.ndarray, ...], n: int) -> np.ndarray:
    """Per element, the position of the first of ``fails`` that is true (``len(fails)`` when none)."""
    first = np.full(n, len(fails), dtype=np.int64)
    for i in range(len(fails) - 1, -1, -1):
        first = np.where(fails[i], i, first)
    return first


def _spec_violation(p: Pairs, sup: Side, dem: Side) -> np.ndarray:
    """Pairs whose supply breaks a quality spec the demand declared (see :mod:`symbiosis.engine.quality`)."""
    if sup.quality is None or dem.quality is None:
        return np.zeros(p.n, dtype=bool)
    return spec_violation(p.s, p.d, sup.quality, dem.quality)


def pair_pathways(
    p: Pairs, sup: Side, rules: RuleArrays, hazardous: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The (up to two) authorisation pathways each pair needs: the rule's, and the hazardous one."""
    has_rule = p.rule >= 0
    codes = (
        np.where(has_rule, rules.authorisation_code[np.where(has_rule, p.rule, 0)], "")
        if rules.n
        else np.full(p.n, "", dtype=object)
    )
    return required_pathways(codes.astype(object), hazardous)


def _permit_missing(
    p: Pairs, sup: Side, dem: Side, rules: RuleArrays, config: MatchConfig, hazardous: np.ndarray
) -> np.ndarray:
    """Pairs needing an authorisation pathway the receiver holds for none of the supply's category or codes.

    Only with ``config.hazardous_policy == "permit_required"`` and a permit index on the demand side.
    """
    if config.hazardous_policy != "permit_required" or dem.permits is None or p.n == 0:
        return np.zeros(p.n, dtype=bool)
    tokens = sup.permit_tokens
    if tokens is not None and tokens.index is dem.permits:
        first, second = tokens.required(p.rule, hazardous)
        firm = dem.firm_hash[p.d]
        return tokens.missing(firm, first, p.s) | tokens.missing(firm, second, p.s)
    first, second = pair_pathways(p, sup, rules, hazardous)
    codes = sup.waste_code[p.s] if sup.waste_code is not None else np.full(p.n, "", dtype=object)
    missing = np.zeros(p.n, dtype=bool)
    for pathway in (first, second):
        checked = dem.permits.enforces(pathway)
        needed = np.where(checked, pathway, "")
        covered, _ = dem.permits.covered(dem.firm_hash[p.d], needed, sup.category[p.s], codes)
        missing |= ~covered
    return missing
