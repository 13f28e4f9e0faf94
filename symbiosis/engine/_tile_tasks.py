"""What every tile task reads of the whole registry, built once, and one task's search on slices of it.

Private to :mod:`symbiosis.engine.candidate_tiles`. A task used to build its own sub-registry and
run :func:`~symbiosis.engine.candidates.find_candidates` on it, so every task redid the registry-wide
set-up (the sides joined to their firms, runner-up rows, quality arrays, permit index and tokens,
rule arrays; scoring's stream attributes, baselines and factors): at 10,000 streams, 182 tasks took
about 30 times the single process's CPU time. Every one of those is a function of each row alone,
so it is computed once for the whole registry (:class:`SharedSetup`) and a task takes the rows it
reads (:meth:`~symbiosis.engine.candidate_set.CandidateSet.subset`); its pairs are then lifted back
to the rows of the whole sides, where every frame and score reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from symbiosis.engine._candidate_pairs import Diagnosis, Pairs, as_str
from symbiosis.engine.candidate_set import CandidateSet
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.scored_set import SideAttributes
from symbiosis.registry import Registry

__all__ = ["SharedSetup", "TaskPairs", "task_pairs"]


@dataclass(frozen=True)
class SharedSetup:
    """The registry-wide set-up of a partitioned run, handed to every task.

    Parameters
    ----------
    sides
        :func:`~symbiosis.engine.candidates.candidate_sides` of the whole registry (no pair).
    code_of_row
        Per row of ``registry.streams``, the stream's code (its position in ``Registry.stream_codes``).
    rule_of_row
        Per row of the (concrete) rules table, the rule's position in ``sides.rules``.
    attributes
        Scoring's attributes of every row of ``sides`` (None when the run does not score).
    """

    sides: CandidateSet
    code_of_row: np.ndarray
    rule_of_row: np.ndarray
    attributes: SideAttributes | None = None

    @classmethod
    def build(
        cls,
        registry: Registry,
        rules: pd.DataFrame,
        config: MatchConfig,
        categories: pd.DataFrame | None,
        *,
        factors: pd.DataFrame | None = None,
    ) -> SharedSetup:
        """The set-up of ``registry`` under the concrete ``rules``; with ``factors``, scoring's too."""
        from symbiosis.engine.candidates import candidate_sides
        from symbiosis.engine.scored_set import side_attributes

        sides = candidate_sides(registry, rules, config, categories)
        sides.sup.has_text, sides.dem.has_text  # computed once here, taken by every task  # noqa: B018
        code_of_row = registry.stream_codes.get_indexer(pd.Index(as_str(registry.streams, "stream_id")))
        rule_of_row = pd.MultiIndex.from_arrays([sides.rules.supply_cat, sides.rules.demand_cat]).get_indexer(
            pd.MultiIndex.from_arrays(
                [as_str(rules, "supply_category_id"), as_str(rules, "demand_category_id")]
            )
        )
        attributes = None
        if factors is not None:
            attributes = side_attributes(sides, registry, config, factors=factors, categories=categories)
        return cls(sides, code_of_row, rule_of_row, attributes)

    def read_rows(self, streams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The supply and demand rows of the sides whose stream is among rows ``streams`` of the registry."""
        read = self.read_mask(streams)
        return np.flatnonzero(read[self.sides.sup_stream]), np.flatnonzero(read[self.sides.dem_stream])

    def read_mask(self, streams: np.ndarray) -> np.ndarray:
        """Per stream code, whether the stream is among rows ``streams`` of the registry."""
        mask = np.zeros(len(self.code_of_row), bool)
        mask[self.code_of_row[streams]] = True
        return mask


@dataclass(frozen=True)
class TaskPairs:
    """A task's home pairs as a candidate set of the whole sides, and what its search examined.

    ``found`` has the whole registry's sides and rules (``pairs`` index them); ``sup_rows`` and
    ``dem_rows`` are the side rows the task read, ``diagnosis`` is theirs (aligned with them);
    ``rule_rows`` are the home supply rows (of the whole sides) with a rule-based pair before the
    text matches (:func:`~symbiosis.engine.candidates.search_with_rule_rows`).
    """

    found: CandidateSet
    sup_rows: np.ndarray
    dem_rows: np.ndarray
    diagnosis: Diagnosis
    rule_rows: np.ndarray


def task_pairs(
    shared: SharedSetup,
    streams: np.ndarray,
    home: np.ndarray,
    rules: np.ndarray,
    config: MatchConfig,
    *,
    only_sup_rows: np.ndarray | None = None,
) -> TaskPairs:
    """Search the pairs of registry rows ``streams`` under rules (table rows) ``rules``; keep those
    whose supply is among rows ``home``.

    The same pairs, rules and distances as ``find_candidates`` on the sub-registry of ``streams``:
    the search runs on the very arrays that build would give, taken from ``shared``.
    ``only_sup_rows``: the supply rows (of the whole sides) the search may use, when not all those
    of ``streams`` (a text task: the rows left without a rule-based pair).
    """
    from symbiosis.engine.candidates import search_with_rule_rows

    sup_rows, dem_rows = shared.read_rows(streams)
    if only_sup_rows is not None:
        sup_rows = np.intersect1d(sup_rows, only_sup_rows)
    rule_rows = np.sort(shared.rule_of_row[rules])
    found, ruled = search_with_rule_rows(shared.sides.subset(sup_rows, dem_rows, rule_rows), config)
    is_home = shared.read_mask(home)
    ruled = sup_rows[ruled]
    ruled = ruled[is_home[shared.sides.sup_stream[ruled]]]
    p = found.pairs
    rule = np.where(p.rule >= 0, rule_rows[np.maximum(p.rule, 0)] if len(rule_rows) else -1, -1)
    lifted = Pairs(sup_rows[p.s], dem_rows[p.d], rule, p.radius_km, p.hav_km, p.similarity)
    keep = is_home[shared.sides.sup_stream[lifted.s]]
    whole = replace(shared.sides, pairs=lifted.take(keep), km=found.km[keep], funnel=found.funnel)
    assert found.diagnosis is not None  # search_pairs always records it
    return TaskPairs(whole, sup_rows, dem_rows, found.diagnosis, ruled)
