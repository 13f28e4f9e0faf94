"""Scored candidates → the allocation problem (supplies, demands, arcs) the solver reads."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from symbiosis.engine.config import MatchConfig
from symbiosis.registry import Registry

if TYPE_CHECKING:
    from symbiosis.engine.allocation import AllocationProblem

__all__ = ["build_allocation_problem"]

logger = logging.getLogger(__name__)


def build_allocation_problem(scored: pd.DataFrame, registry: Registry,
                             config: MatchConfig) -> AllocationProblem:
    """Turn scored candidates into an :class:`~symbiosis.engine.allocation.AllocationProblem`.

    Parameters
    ----------
    scored
        From :func:`~symbiosis.engine.scoring.score_candidates` (``gain_per_unit``,
        ``max_flow_per_yr``, ``yield_ratio``).
    registry
        Streams: capacities (``quantity_per_yr``) and minimum lots (``min_lot_per_yr``).
    config
        Scenario: ``drop_unprofitable``, ``side.min_lots``, ``side.max_partners_per_stream`` and
        ``side.fixed_cost_cad_per_link_yr`` (turned into objective units by ``weights.value``).

    Returns
    -------
    AllocationProblem
        Arcs with a positive upper bound (and a positive gain when ``drop_unprofitable``, unless
        minimum lots are on: a losing arc may complete a pooled lot); the supplies and demands
        they touch. Candidates found under a runner-up of an inferred category
        (``category_alternative``) are left out: they wait for an advisor to confirm the category
        and are never proposed before. So are candidates where the demand states a specification the
        supply does not declare (``spec_unknown``), unless ``config.propose_unknown_specs``: a missing
        value is an uncertainty to clear with the supplier, not a pass.
    """
    from symbiosis.engine.allocation import AllocationProblem

    keep = scored["max_flow_per_yr"].to_numpy(float) > 0
    if "category_alternative" in scored:
        keep &= ~scored["category_alternative"].fillna(False).to_numpy(bool)
    if "spec_unknown" in scored and config.propose_unknown_specs is False:
        keep &= scored["spec_unknown"].fillna("").astype(str).eq("").to_numpy(bool)
    # With pooled minimum lots a losing arc can still help a receiver reach its lot, so it stays.
    pooling = config.side.enabled and config.side.min_lots
    if config.drop_unprofitable and not pooling:
        keep &= scored["gain_per_unit"].to_numpy(float) > 0
    arcs_in = scored[keep]
    arcs = pd.DataFrame({
        "candidate_id": arcs_in["candidate_id"].astype(str).to_numpy(),
        "supply_id": arcs_in["supply_id"].astype(str).to_numpy(),
        "demand_id": arcs_in["demand_id"].astype(str).to_numpy(),
        "yield_ratio": arcs_in["yield_ratio"].to_numpy(float),
        "upper": arcs_in["max_flow_per_yr"].to_numpy(float),
        "gain_per_unit": arcs_in["gain_per_unit"].to_numpy(float),
        "fixed_cost": np.full(len(arcs_in), config.side.fixed_cost_cad_per_link_yr * config.weights.value),
    })
    supplies = _nodes(registry, arcs["supply_id"], config)
    demands = _nodes(registry, arcs["demand_id"], config)
    logger.info("allocation problem: %d supplies, %d demands, %d arcs (%d candidates dropped)",
                len(supplies), len(demands), len(arcs), int((~keep).sum()))
    return AllocationProblem(supplies=supplies, demands=demands, arcs=arcs)


def _nodes(registry: Registry, ids: pd.Series, config: MatchConfig) -> pd.DataFrame:
    streams = registry.streams.drop_duplicates("stream_id").set_index("stream_id")
    used = pd.Index(pd.unique(ids.to_numpy()))
    rows = streams.reindex(used)
    capacity = pd.to_numeric(rows["quantity_per_yr"], errors="coerce").fillna(0.0).to_numpy(float)
    lots = pd.to_numeric(rows["min_lot_per_yr"], errors="coerce") if "min_lot_per_yr" in rows.columns \
        else pd.Series(0.0, index=rows.index)
    min_lot = lots.fillna(0.0).to_numpy(float) if config.side.min_lots else np.zeros(len(rows))
    return pd.DataFrame({"stream_id": used.astype(str), "capacity": capacity,
                         "min_lot": min_lot,
                         "max_partners": np.full(len(rows), int(config.side.max_partners_per_stream))})
