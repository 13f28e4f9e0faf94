"""A scored candidate set whose detail columns stay in Parquet partitions, read back for the rows asked.

On a cluster (:func:`~symbiosis.engine.candidate_tiles.partitioned_scored_set`) every task writes its
scored pairs to one Parquet file and sends the client only what the allocation and the unmatched
reasons read: the pair's two side rows and rule (hence yield, seasonal bound, flags) and its gain.
:class:`StoredScoredSet` holds those, plus where each pair lies in the files; the distances, text
similarity and every other score column are read from the files by :meth:`StoredScoredSet.frame`
(exchanges, candidates, internal opportunities) and :meth:`StoredScoredSet.column`, for the rows
asked only. Its frames are the in-memory :class:`~symbiosis.engine.scored_set.ScoredSet`'s, bit for
bit.

The geometry arrays of ``found.pairs`` (``radius_km``, ``hav_km``, ``similarity``) and ``found.km``
are not in memory: they are zero-stride NaN views (no memory) and every reader of them here goes
through :meth:`StoredCandidateSet.frame`, which reads them from the files.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine._candidate_pairs import Pairs
from symbiosis.engine.candidate_set import CandidateSet
from symbiosis.engine.scored_set import ScoredSet
from symbiosis.engine.scoring import Coded

__all__ = ["GEOMETRY_COLUMNS", "StoredCandidateSet", "StoredScoredSet", "not_in_memory"]

#: Per-pair columns of the candidate set kept in the files only (``km`` is ``CandidateSet.km``).
GEOMETRY_COLUMNS = ("radius_km", "hav_km", "similarity", "km")


def not_in_memory(n: int) -> np.ndarray:
    """``n`` NaN through a zero-stride view: a column that is in the files, not in memory."""
    return np.broadcast_to(np.float64(np.nan), (n,))


def _plain(found: CandidateSet) -> CandidateSet:
    return CandidateSet(**{f.name: getattr(found, f.name) for f in fields(CandidateSet)})


@dataclass(frozen=True)
class StoredCandidateSet(CandidateSet):
    """A :class:`CandidateSet` whose geometry columns are read from a partition store.

    ``store`` is a :class:`symbiosis.distributed.partitions.PartitionStore`; ``source`` the row of
    each pair in it.
    """

    store: Any = None
    source: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> StoredCandidateSet:
        """The candidates at ``rows``, still reading their geometry from the store."""
        assert self.source is not None
        return replace(self, pairs=self.pairs.take(rows), km=self.km[rows], source=self.source[rows])

    def with_geometry(self, read: dict[str, Any]) -> CandidateSet:
        """The in-memory set, with the geometry columns ``read`` for all its pairs."""
        p = self.pairs
        pairs = Pairs(p.s, p.d, p.rule, read["radius_km"], read["hav_km"], read["similarity"])
        return replace(_plain(self), pairs=pairs, km=read["km"])

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The candidates frame of :meth:`CandidateSet.frame`, its geometry read for ``rows`` only."""
        if rows is not None and len(rows) == 0 and self.n:
            return self.frame(np.zeros(1, np.int64)).iloc[0:0]
        cs = self if rows is None else self.take(rows)
        assert cs.source is not None
        frame = cs.with_geometry(self.store.read(cs.source, GEOMETRY_COLUMNS)).frame()
        if rows is not None:
            frame.index = pd.Index(np.asarray(rows, dtype=np.int64))
        return frame


@dataclass(frozen=True)
class StoredScoredSet(ScoredSet):
    """A :class:`ScoredSet` holding ``gain_per_unit`` only; the other score columns are in the store.

    ``found`` is a :class:`StoredCandidateSet`; ``columns`` names every score column, in the order
    of the in-memory set's ``scores``.
    """

    columns: tuple[str, ...] = ()

    @property
    def stored(self) -> StoredCandidateSet:
        """The candidate set (typed)."""
        assert isinstance(self.found, StoredCandidateSet)
        return self.found

    def column(self, name: str) -> np.ndarray:
        """One numeric score column as an array (read from the store unless it is the gain)."""
        if name in self.scores:
            return np.asarray(self.scores[name], dtype=float)
        found = self.stored
        return np.asarray(found.store.read(found.source, [name])[name], dtype=float)

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The scored candidates frame, or its ``rows``: geometry and scores read for those rows only."""
        if rows is not None and len(rows) == 0 and self.n:
            return self.frame(np.zeros(1, np.int64)).iloc[0:0]
        found = self.stored if rows is None else self.stored.take(rows)
        assert found.source is not None
        read = found.store.read(found.source, [*GEOMETRY_COLUMNS, *self.columns])
        scores = {
            name: Coded(*read[name]) if isinstance(read[name], tuple) else read[name] for name in self.columns
        }
        frame = ScoredSet(found.with_geometry(read), scores).frame()
        if rows is not None:
            frame.index = pd.Index(np.asarray(rows, dtype=np.int64))
        return frame
