"""Scores of a :class:`~symbiosis.engine.candidate_set.CandidateSet`, kept as arrays; the frame on demand.

:func:`score_set` computes exactly what :func:`~symbiosis.engine.scoring.score_candidates` adds to the
candidates frame, from the candidate arrays and the registry's integer stream codes: no string id is
looked up. :meth:`ScoredSet.frame` joins both for the rows asked, as ``score_candidates`` returns them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.engine._candidate_pairs import RuleArrays, Side
from symbiosis.engine.candidate_set import CandidateSet
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.scoring import (
    Coded,
    Kinds,
    PairInputs,
    RowAttributes,
    materialise,
    row_attributes,
    score_pairs,
    stream_rows,
)
from symbiosis.registry import Registry

__all__ = ["ScoredSet", "SideAttributes", "score_set", "side_attributes"]


@dataclass(frozen=True)
class ScoredSet:
    """Candidates and their :data:`~symbiosis.engine.scoring.SCORE_COLUMNS`, aligned by row."""

    found: CandidateSet
    scores: dict[str, Coded | np.ndarray]

    @property
    def n(self) -> int:
        """Number of candidates."""
        return self.found.n

    @property
    def gain(self) -> np.ndarray:
        """Objective gain per supply unit of each candidate."""
        return np.asarray(self.scores["gain_per_unit"], dtype=float)

    def column(self, name: str) -> np.ndarray:
        """One numeric score column as an array."""
        return np.asarray(self.scores[name], dtype=float)

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The scored candidates frame, or its ``rows`` (index: their positions)."""
        if rows is not None and len(rows) == 0 and self.n:  # the dtypes of a row, then no row
            return self.frame(np.zeros(1, np.int64)).iloc[0:0]
        base = self.found.frame(rows)
        picked = {k: materialise(_take(v, rows)) for k, v in self.scores.items()}
        return pd.concat([base, pd.DataFrame(picked, index=base.index)], axis=1)


def _take(values: Coded | np.ndarray, rows: np.ndarray | None) -> Coded | np.ndarray:
    if rows is None:
        return values
    if isinstance(values, Coded):
        return values.take(rows)
    return values[rows]  # numpy array


def _pretreatment_of_rules(rules: RuleArrays) -> tuple[np.ndarray, np.ndarray]:
    """Per rule, then for text matches (last), a code of its normalised pre-treatment; and the names."""
    padded = pd.Series(np.append(np.asarray(rules.pretreatment, dtype=object), ""), dtype=object)
    codes, names = pd.factorize(padded.astype("string").fillna("").str.strip().str.lower())
    return codes, np.asarray(names, dtype=object)


@dataclass(frozen=True)
class SideAttributes:
    """What scoring reads of every row of a candidate set's two sides, computed once
    (:func:`side_attributes`): scoring any pairs of those sides then only gathers their rows.

    Kept with the sides, scenario and factor table they were computed from: :func:`score_set`
    refuses them for other ones.
    """

    sup: Side
    dem: Side
    rules: RuleArrays
    sup_rows: RowAttributes
    dem_rows: RowAttributes
    pretreatment: tuple[np.ndarray, np.ndarray]
    config: MatchConfig
    factors: pd.DataFrame

    def check(self, found: CandidateSet, config: MatchConfig, factors: pd.DataFrame) -> None:
        """Raise ``ValueError`` unless made for ``found``'s sides and rules, ``config`` and ``factors``."""
        if self.sup is not found.sup or self.dem is not found.dem or self.rules is not found.rules:
            raise ValueError("side attributes of other sides or rules than the candidate set's")
        if self.factors is not factors or self.config != config:
            raise ValueError("side attributes computed for another scenario or factor table")


def side_attributes(
    found: CandidateSet,
    registry: Registry,
    config: MatchConfig,
    *,
    factors: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    baselines: pd.DataFrame | None = None,
) -> SideAttributes:
    """Scoring's attributes of every supply and demand row of ``found`` (under the category each
    row is matched as) and its rules' pre-treatments, for :func:`score_set`."""
    streams = registry.streams_by_code
    out = []
    for side, stream, direction in (
        (found.sup, found.sup_stream, "supply"),
        (found.dem, found.dem_stream, "demand"),
    ):
        rows = stream_rows(streams, stream, side.category, sides=np.arange(side.n)).rows
        assert rows is not None  # rows looked up, no attributes yet
        out.append(
            row_attributes(
                rows, config, factors=factors, categories=categories, baselines=baselines, direction=direction
            )
        )
    pretreatment = _pretreatment_of_rules(found.rules)
    return SideAttributes(found.sup, found.dem, found.rules, out[0], out[1], pretreatment, config, factors)


def score_set(
    found: CandidateSet,
    registry: Registry | None,
    config: MatchConfig,
    *,
    factors: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    baselines: pd.DataFrame | None = None,
    attributes: SideAttributes | None = None,
) -> ScoredSet:
    """Score every candidate of ``found`` (see :func:`~symbiosis.engine.scoring.score_candidates`).

    ``attributes``: :func:`side_attributes` of ``found``'s sides, computed once for many sets of
    pairs of the same sides (the tiles of a registry; ``registry`` is then not read); computed here
    when None.
    """
    if attributes is None:
        if registry is None:
            raise ValueError("score_set needs the registry or the side attributes")
        attributes = side_attributes(
            found, registry, config, factors=factors, categories=categories, baselines=baselines
        )
    attributes.check(found, config, factors)
    p = found.pairs
    kind_codes, kind_names = pd.factorize(pd.Series(found.sup.kind, dtype=object))
    pre_codes, pre_names = attributes.pretreatment
    pre = pre_codes[np.where(found.has_rule, p.rule, len(pre_codes) - 1)]
    pairs = PairInputs(
        sup=attributes.sup_rows.of_pairs(p.s),
        dem=attributes.dem_rows.of_pairs(p.d),
        kind=Kinds(kind_codes[p.s], np.asarray(kind_names, dtype=object)),
        flow=found.max_flow,
        yield_ratio=found.yield_ratio,
        road_km=found.road_km,
        pretreatment=pre,
        pretreatment_names=pre_names,
        index=pd.RangeIndex(found.n),
    )
    return ScoredSet(found, score_pairs(pairs, config, factors=factors))
