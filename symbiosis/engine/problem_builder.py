"""Scored candidates → the allocation problem (supplies, demands, arcs) the solver reads.

Two doors to the same problem: :func:`build_allocation_problem` from the scored candidates frame
(string ids, frames out), and :func:`problem_arrays` from a
:class:`~symbiosis.engine.scored_set.ScoredSet` (integer codes, the solver's arrays out). Both keep
the same arcs in the same order, so the solver sees the same instance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from symbiosis.engine.config import MatchConfig
from symbiosis.registry import Registry

if TYPE_CHECKING:
    from symbiosis.engine.allocation import AllocationProblem, Indexed
    from symbiosis.engine.scored_set import ScoredSet

__all__ = [
    "ProblemArrays",
    "build_allocation_problem",
    "demand_runner_ups",
    "problem_arrays",
    "supply_places",
]

logger = logging.getLogger(__name__)


def build_allocation_problem(
    scored: pd.DataFrame, registry: Registry, config: MatchConfig
) -> AllocationProblem:
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
        (``category_alternative``) are left out: they wait for an advisor to confirm the category,
        except, with ``config.propose_demand_runner_ups``, those of a demand whose own category finds
        no supply (:func:`demand_runner_ups`). So are candidates where the demand states a specification the
        supply does not declare (``spec_unknown``), unless ``config.propose_unknown_specs``: a missing
        value is an uncertainty to clear with the supplier, not a pass.
    """
    from symbiosis.engine.allocation import AllocationProblem

    alternative = (
        scored["category_alternative"].fillna(False).to_numpy(bool)
        if "category_alternative" in scored
        else None
    )
    unknown = (
        scored["spec_unknown"].fillna("").astype(str).ne("").to_numpy(bool)
        if "spec_unknown" in scored
        else None
    )
    max_flow = scored["max_flow_per_yr"].to_numpy(float)
    sides = {"supply_category_id", "demand_category_id", "hazardous"}
    if (
        alternative is not None
        and alternative.any()
        and config.propose_demand_runner_ups
        and sides <= set(scored)
    ):
        streams = registry.streams.set_index("stream_id")
        demand_rank = _rank_in(scored["demand_id"], scored["demand_category_id"], streams)
        proposed = demand_runner_ups(
            pd.factorize(scored["demand_id"])[0],
            _rank_in(scored["supply_id"], scored["supply_category_id"], streams),
            demand_rank,
            max_flow > 0,
            scored["hazardous"].fillna(False).to_numpy(bool),
            named=likely_runner_ups(
                scored["demand_id"].astype(str).to_numpy(object),
                scored["demand_category_id"].astype(str).to_numpy(object),
                demand_rank > 0,
                registry,
            ),
        )
        alternative = alternative & ~proposed
    keep = _kept(max_flow, scored["gain_per_unit"].to_numpy(float), alternative, unknown, config)
    arcs_in = scored[keep]
    arcs = pd.DataFrame(
        {
            "candidate_id": arcs_in["candidate_id"].astype(str).to_numpy(),
            "supply_id": arcs_in["supply_id"].astype(str).to_numpy(),
            "demand_id": arcs_in["demand_id"].astype(str).to_numpy(),
            "yield_ratio": arcs_in["yield_ratio"].to_numpy(float),
            "upper": arcs_in["max_flow_per_yr"].to_numpy(float),
            "gain_per_unit": arcs_in["gain_per_unit"].to_numpy(float),
            "fixed_cost": np.full(
                len(arcs_in), config.side.fixed_cost_cad_per_link_yr * config.weights.value
            ),
        }
    )
    supplies = _nodes(registry, arcs["supply_id"], config)
    demands = _nodes(registry, arcs["demand_id"], config)
    logger.info(
        "allocation problem: %d supplies, %d demands, %d arcs (%d candidates dropped)",
        len(supplies),
        len(demands),
        len(arcs),
        int((~keep).sum()),
    )
    return AllocationProblem(supplies=supplies, demands=demands, arcs=arcs)


def demand_runner_ups(
    demand: np.ndarray,
    supply_rank: np.ndarray,
    demand_rank: np.ndarray,
    flows: np.ndarray,
    hazardous: np.ndarray,
    *,
    named: np.ndarray | None = None,
) -> np.ndarray:
    """Candidates to propose under a runner-up category of their *demand* (see
    :attr:`~symbiosis.engine.config.MatchConfig.propose_demand_runner_ups`).

    A demand whose inferred category finds no supply is most often a demand read by what it makes
    ("sulphur *for sulphuric acid*" read as sulphuric acid): its first runner-up that finds supplies
    is the advisor's likely correction. Only demands with no candidate under their own category (any
    candidate that can carry a flow, profitable or not: then the category is not in doubt), only
    supplies under their own category, never a hazardous supply, and only the demand's lowest
    runner-up rank that finds any.

    Parameters
    ----------
    demand
        Integer code of each candidate's demand stream.
    supply_rank, demand_rank
        Runner-up rank each side was matched under (0: its own category).
    flows
        Candidates that can carry a flow (positive upper bound).
    hazardous
        Candidates whose supply is hazardous.
    named
        Candidates whose runner-up category is the one the demand's head names
        (:func:`likely_runner_ups`); all when None.

    Returns
    -------
    numpy.ndarray
        Boolean mask of the candidates to propose although their demand's category is a runner-up.
    """
    if len(demand) == 0:
        return np.zeros(0, dtype=bool)
    served = np.zeros(int(demand.max()) + 1, dtype=bool)
    served[demand[flows & (supply_rank == 0) & (demand_rank == 0)]] = True
    eligible = flows & (supply_rank == 0) & (demand_rank > 0) & ~served[demand] & ~hazardous
    if named is not None:
        eligible &= named
    best = np.full(len(served), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, demand[eligible], demand_rank[eligible].astype(np.int64))
    return eligible & (demand_rank == best[demand])


#: Share of a demand's best classification score a runner-up needs to be proposed before an advisor
#: confirms it: a likely correction, not a distant reading.
RUNNER_UP_SCORE_SHARE = 0.5


def likely_runner_ups(
    demand_ids: np.ndarray, categories: np.ndarray, rows: np.ndarray, registry: Registry
) -> np.ndarray:
    """Whether each of ``rows``' candidates is under a runner-up its demand's text reads nearly as well.

    A demand proposed under a runner-up category is one read by what it makes ("Sulphur for
    sulphuric acid" read as sulphuric acid): its material scores close to the reading that won. A
    runner-up scoring a fraction of the best (a raw-water intake read, far behind, as organically
    loaded wash water) is only a distant reading of the text and waits for the advisor. One
    classification per demand concerned.

    Parameters
    ----------
    demand_ids, categories
        Each candidate's demand stream id and demand category (the runner-up it is matched under).
    rows
        Boolean mask of the candidates to judge (the others are False).
    registry
        Where the demands' descriptions and units are read.
    """
    from symbiosis.kb.classify import Declaration, classify_many

    out = np.zeros(len(demand_ids), dtype=bool)
    which = np.flatnonzero(rows)
    if not len(which):
        return out
    demands = pd.unique(demand_ids[which]).astype(str)
    rows_of = registry.streams_by_code.reindex(demands)
    readings = classify_many(
        rows_of["description"].fillna("").astype(str).tolist(),
        top=8,
        declarations=[
            Declaration(direction="demand", unit=str(u)) for u in rows_of["quantity_unit"].fillna("")
        ],
    )
    near = {
        demand: {f.category_id for f in found if f.score >= RUNNER_UP_SCORE_SHARE * found[0].score}
        for demand, found in zip(demands, readings, strict=True)
        if found
    }
    out[which] = [
        str(c) in near.get(str(d), ()) for d, c in zip(demand_ids[which], categories[which], strict=True)
    ]
    return out


def _rank_in(stream_ids: pd.Series, category_ids: pd.Series, streams: pd.DataFrame) -> np.ndarray:
    """Runner-up rank of each row's category among its stream's (0: the stream's own category or
    one it does not list), looked up in a (stream, category) → rank table of the streams."""
    if "category_alternatives" not in streams:
        return np.zeros(len(stream_ids), dtype=np.int64)
    listed = streams["category_alternatives"].fillna("").astype(str).str.split("|").explode()
    listed = listed[listed.ne("")]
    ranks = pd.Series(
        listed.groupby(level=0).cumcount().to_numpy() + 1,
        index=pd.MultiIndex.from_arrays([listed.index.astype(str), listed.astype(str).to_numpy()]),
    )
    ranks = ranks[~ranks.index.duplicated()]
    rows = pd.MultiIndex.from_arrays([stream_ids.astype(str).to_numpy(), category_ids.astype(str).to_numpy()])
    rank = ranks.reindex(rows).fillna(0).to_numpy(np.int64)
    own = stream_ids.map(streams["category_id"]).astype(str).to_numpy() == category_ids.astype(str).to_numpy()
    return np.where(own, 0, rank)


def _kept(
    max_flow: np.ndarray,
    gain: np.ndarray,
    alternative: np.ndarray | None,
    unknown: np.ndarray | None,
    config: MatchConfig,
) -> np.ndarray:
    """Which candidates become arcs (see :func:`build_allocation_problem`)."""
    keep = max_flow > 0
    if alternative is not None:
        keep &= ~alternative
    if unknown is not None and config.propose_unknown_specs is False:
        keep &= ~unknown
    # With pooled minimum lots a losing arc can still help a receiver reach its lot, so it stays.
    pooling = config.side.enabled and config.side.min_lots
    if config.drop_unprofitable and not pooling:
        keep &= gain > 0
    return keep


def _node_columns(rows: pd.DataFrame, config: MatchConfig) -> dict[str, np.ndarray]:
    capacity = pd.to_numeric(rows["quantity_per_yr"], errors="coerce").fillna(0.0).to_numpy(float)
    lots = (
        pd.to_numeric(rows["min_lot_per_yr"], errors="coerce")
        if "min_lot_per_yr" in rows.columns
        else pd.Series(0.0, index=rows.index)
    )
    min_lot = lots.fillna(0.0).to_numpy(float) if config.side.min_lots else np.zeros(len(rows))
    return {
        "capacity": capacity,
        "min_lot": min_lot,
        "max_partners": np.full(len(rows), int(config.side.max_partners_per_stream)),
    }


def _nodes(registry: Registry, ids: pd.Series, config: MatchConfig) -> pd.DataFrame:
    used = pd.Index(pd.unique(ids.to_numpy()))
    rows = registry.streams_by_code.reindex(used)
    return pd.DataFrame({"stream_id": used.astype(str), **_node_columns(rows, config)})


@dataclass(frozen=True)
class ProblemArrays:
    """The allocation problem as the solver's arrays, and where each arc and node comes from.

    ``rows``: the candidate row of each arc; ``supplies`` / ``demands``: the registry stream code of
    each supply and demand node (``Registry.stream_codes``).
    """

    ix: Indexed
    rows: np.ndarray
    supplies: np.ndarray
    demands: np.ndarray


def problem_arrays(
    scored: ScoredSet, rows: np.ndarray, registry: Registry, config: MatchConfig
) -> ProblemArrays:
    """The problem of :func:`build_allocation_problem` for the candidate ``rows`` of ``scored``.

    Parameters
    ----------
    scored
        Scored candidates as arrays.
    rows
        Candidate rows offered to the allocation (increasing; same-firm rows listed apart are not,
        unless they replace a swap: :func:`~symbiosis.pipeline.swap_reuses`).
    registry, config
        As for :func:`build_allocation_problem`.
    """
    from symbiosis.engine.allocation import index_arrays

    found = scored.found
    unknown = found.spec_code[rows] != 0
    alternative = found.category_alternative[rows]
    max_flow = found.max_flow[rows]
    if alternative.any() and config.propose_demand_runner_ups:
        demand_code = found.dem_stream[found.pairs.d[rows]]
        demand_rank = found.demand_rank[rows]
        proposed = demand_runner_ups(
            demand_code,
            found.supply_rank[rows],
            demand_rank,
            max_flow > 0,
            found.hazardous[rows],
            named=likely_runner_ups(
                registry.stream_codes.to_numpy()[demand_code],
                np.asarray(found.dem.category, dtype=object)[found.pairs.d[rows]],
                demand_rank > 0,
                registry,
            ),
        )
        alternative = alternative & ~proposed
    keep = _kept(max_flow, scored.gain[rows], alternative, unknown, config)
    arcs = rows[keep]
    tail, supplies = pd.factorize(found.sup_stream[found.pairs.s[arcs]])
    head, demands = pd.factorize(found.dem_stream[found.pairs.d[arcs]])
    streams = registry.streams_by_code
    sup = _node_columns(streams.iloc[np.asarray(supplies)], config)
    dem = _node_columns(streams.iloc[np.asarray(demands)], config)
    gain = scored.gain[arcs]
    ix = index_arrays(
        tail=tail,
        head=head,
        sup_cap=sup["capacity"],
        sup_lot=sup["min_lot"],
        sup_k=sup["max_partners"].astype(float),
        dem_cap=dem["capacity"],
        dem_lot=dem["min_lot"],
        dem_k=dem["max_partners"].astype(float),
        yld=found.yield_ratio[arcs],
        upper=found.max_flow[arcs],
        gain=np.where(np.isnan(gain), 0.0, gain),
        fixed=np.full(len(arcs), config.side.fixed_cost_cad_per_link_yr * config.weights.value),
        config=config.allocation_config(),
    )
    logger.info(
        "allocation problem: %d supplies, %d demands, %d arcs (%d candidates dropped)",
        len(supplies),
        len(demands),
        len(arcs),
        int((~keep).sum()),
    )
    return ProblemArrays(ix=ix, rows=arcs, supplies=np.asarray(supplies), demands=np.asarray(demands))


def supply_places(problem: ProblemArrays, registry: Registry) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of each supply node of ``problem`` (the order of ``problem.supplies``).

    What a geographic decomposition of the allocation cuts by
    (:func:`~symbiosis.engine.allocation.regions.solve_allocation`).
    """
    places = registry.supplies.drop_duplicates("stream_id").set_index("stream_id")
    at = places.reindex(registry.stream_codes[problem.supplies])
    return at["lat"].to_numpy(float), at["lon"].to_numpy(float)
