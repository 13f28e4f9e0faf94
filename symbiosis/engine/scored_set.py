"""Scores of a :class:`~symbiosis.engine.candidate_set.CandidateSet`, kept as arrays; the frame on demand.

:func:`score_set` computes exactly what :func:`~symbiosis.engine.scoring.score_candidates` adds to the
candidates frame, from the candidate arrays and the registry's integer stream codes: no string id is
looked up. :meth:`ScoredSet.frame` joins both for the rows asked, as ``score_candidates`` returns them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.engine.candidate_set import CandidateSet
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.scoring import Coded, Kinds, PairInputs, materialise, score_pairs, stream_rows
from symbiosis.registry import Registry

__all__ = ["ScoredSet", "score_set"]


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


def _pretreatment_codes(found: CandidateSet) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, a code of its rule's normalised pre-treatment (``""`` for text matches), and the names."""
    padded = pd.Series(np.append(np.asarray(found.rules.pretreatment, dtype=object), ""), dtype=object)
    codes, names = pd.factorize(padded.astype("string").fillna("").str.strip().str.lower())
    rule = np.where(found.has_rule, found.pairs.rule, len(padded) - 1)
    return codes[rule], np.asarray(names, dtype=object)


def score_set(
    found: CandidateSet,
    registry: Registry,
    config: MatchConfig,
    *,
    factors: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    baselines: pd.DataFrame | None = None,
) -> ScoredSet:
    """Score every candidate of ``found`` (see :func:`~symbiosis.engine.scoring.score_candidates`)."""
    streams = registry.streams_by_code
    p = found.pairs
    kind_codes, kind_names = pd.factorize(pd.Series(found.sup.kind, dtype=object))
    pre, pre_names = _pretreatment_codes(found)
    pairs = PairInputs(
        sup=stream_rows(streams, found.sup_stream, found.sup.category, sides=p.s),
        dem=stream_rows(streams, found.dem_stream, found.dem.category, sides=p.d),
        kind=Kinds(kind_codes[p.s], np.asarray(kind_names, dtype=object)),
        flow=found.max_flow,
        yield_ratio=found.yield_ratio,
        road_km=found.road_km,
        pretreatment=pre,
        pretreatment_names=pre_names,
        index=pd.RangeIndex(found.n),
    )
    return ScoredSet(
        found, score_pairs(pairs, config, factors=factors, categories=categories, baselines=baselines)
    )
