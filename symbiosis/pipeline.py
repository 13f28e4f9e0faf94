"""The one matching pipeline: registry + scenario → :class:`~symbiosis.results.MatchResult`.

``run`` is what the app, the command line and the notebooks call. Stages, each timed:

validate → candidates → scoring → problem → solve → check → results (exchanges, explanations,
unmatched reasons, KPIs, firm graph).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine.allocation import check_solution, solve
from symbiosis.engine.candidates import generate_candidates, unmatched_reasons
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.explain import explain
from symbiosis.engine.network import Outcome, exchange_scope, firm_graph
from symbiosis.engine.problem_builder import build_allocation_problem
from symbiosis.engine.scoring import SCORE_COLUMNS, score_candidates
from symbiosis.i18n import Text
from symbiosis.registry import Registry
from symbiosis.results import AllocationInfo, MatchResult, compute_kpis
from symbiosis.schemas import EXCHANGES

__all__ = ["STAGES", "exchanges_frame", "make_resolver", "run"]

logger = logging.getLogger(__name__)

#: Stages timed in ``MatchResult.allocation.timings_s``, in order (and ``mutual`` last, when the
#: levers are asked for).
STAGES: tuple[str, ...] = ("validate", "candidates", "scoring", "problem", "solve", "check", "results")

#: Reasons of streams that have candidates but no allocated flow.
ALLOCATION_REASONS: dict[str, Text] = {
    "unprofitable": Text("Aucun lien rentable : les coûts dépassent les gains",
                         "No profitable link: costs exceed the gains"),
    "not_selected": Text("Des liens existent, mais l'allocation a préféré d'autres partenaires",
                         "Links exist, but the allocation preferred other partners"),
}


class _Timer:
    """Wall time of each stage, in seconds."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
            logger.info("stage %s: %.3f s", stage, self.seconds[stage])


def _knowledge(rules: pd.DataFrame | None, categories: pd.DataFrame | None,
               factors: Any) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    if rules is None or categories is None:
        from symbiosis import kb

        rules = kb.load_rules() if rules is None else rules
        categories = kb.load_categories() if categories is None else categories
    if factors is None:
        from symbiosis.engine.factors import load_factors

        factors = load_factors()
    return rules, categories, factors


#: Per-unit score columns turned into per-year figures at the allocated flow.
_PER_UNIT = ("avoided_disposal_cad", "avoided_purchase_cad", "gate_fee_cad", "transport_cost_cad",
             "pretreatment_cost_cad", "net_value_cad", "diverted_t", "co2e_avoided_t")
#: Per-year figures of the scoring computed at a candidate's full flow, rescaled to the allocated flow.
_AT_FULL_FLOW = ("co2e_disposal_avoided_t_per_yr", "co2e_virgin_avoided_t_per_yr", "co2e_transport_t_per_yr",
                 "t_km_per_yr")


def _with_explanations(ex: pd.DataFrame, scored: pd.DataFrame, rules: pd.DataFrame | None,
                       categories: pd.DataFrame | None) -> pd.DataFrame:
    """Add the evidence, labels, fit, months and flags of :func:`explain` (paragraphs stay lazy)."""
    why = explain(ex[["candidate_id", "flow_per_yr"]], scored, rules, categories)
    new = ["candidate_id", *[c for c in why.columns if c not in ex.columns]]
    return ex.merge(why[new], on="candidate_id", how="left", validate="one_to_one")


def exchanges_frame(flows: pd.DataFrame, scored: pd.DataFrame, registry: Registry, *,
                    rules: pd.DataFrame | None = None,
                    categories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Join the allocated flows to their scored candidates and compute yearly figures at the flow.

    Returns
    -------
    pandas.DataFrame
        :data:`~symbiosis.schemas.EXCHANGES` columns first, then the candidate's columns, with every
        ``*_per_yr`` figure at the allocated flow, ``mass_t_per_yr`` (materials only),
        ``quantity_unit`` (of the supply), ``park_scope`` and the explanation columns of
        :func:`~symbiosis.engine.explain.explain`; largest net value first. The paragraphs are
        written on demand by :func:`symbiosis.results.explanation_texts` (a Python loop per row,
        too slow to run on every exchange of a 100k-stream registry).
    """
    pos = pd.Index(scored["candidate_id"]).get_indexer(flows["candidate_id"])
    if (pos < 0).any():
        raise ValueError(f"{int((pos < 0).sum())} allocated flow(s) name no scored candidate")
    drop = ["candidate_id", "supply_id", "demand_id",
            *[c for c in SCORE_COLUMNS if c.endswith("_per_yr") and c not in _AT_FULL_FLOW]]
    rows = scored.iloc[pos].reset_index(drop=True)
    ex = pd.concat([flows.reset_index(drop=True), rows.drop(columns=[c for c in drop if c in rows])], axis=1)
    flow = ex["flow_per_yr"].to_numpy(float)
    for base in _PER_UNIT:
        ex[f"{base}_per_yr"] = flow * ex[f"{base}_per_unit"].to_numpy(float)
    full_flow = ex["max_flow_per_yr"].to_numpy(float)
    share = np.divide(flow, full_flow, out=np.zeros_like(flow), where=full_flow > 0)
    for col in _AT_FULL_FLOW:
        if col in ex:
            ex[col] = ex[col].to_numpy(float) * share
    ex["trucks_per_yr"] = np.ceil(flow * ex["trips_per_unit"].to_numpy(float) - 1e-9).clip(min=0)
    ex["mass_t_per_yr"] = np.where(ex["kind"].eq("material"), flow * ex["t_per_unit"].to_numpy(float), 0.0)
    units = registry.streams.set_index("stream_id")["quantity_unit"]
    ex["quantity_unit"] = ex["supply_id"].map(units)
    ex["park_scope"] = exchange_scope(ex, registry.firms)
    ex = _with_explanations(ex, rows, rules, categories)
    first = [c for c in EXCHANGES.names if c in ex]
    ex = ex[first + [c for c in ex.columns if c not in first]]
    return ex.sort_values(["net_value_cad_per_yr", "candidate_id"], ascending=[False, True],
                          ignore_index=True)


def _unmatched(registry: Registry, candidates: pd.DataFrame, scored: pd.DataFrame,
               exchanges: pd.DataFrame, *, rules: pd.DataFrame, config: MatchConfig,
               categories: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Streams without an exchange, each with a reason code and bilingual reason."""
    none = unmatched_reasons(registry, candidates, rules=rules, config=config, categories=categories)
    served = set(exchanges["supply_id"]).union(exchanges["demand_id"])
    gain = pd.to_numeric(scored["gain_per_unit"], errors="coerce").fillna(-np.inf).to_numpy(float)
    rows = []
    for direction, side in (("supply", "supply_id"), ("demand", "demand_id")):
        codes, ids = pd.factorize(scored[side])
        best = np.full(len(ids), -np.inf)
        np.maximum.at(best, codes, gain)
        lost = np.fromiter((i not in served for i in ids), dtype=bool, count=len(ids))
        reason = np.where(best[lost] > 0, "not_selected", "unprofitable").astype(object)
        rows.append(pd.DataFrame({"stream_id": np.asarray(ids, dtype=object)[lost], "direction": direction,
                                  "reason_code": reason}))
    extra = pd.concat(rows, ignore_index=True)
    extra["reason_fr"] = extra["reason_code"].map(lambda c: ALLOCATION_REASONS[c].fr)
    extra["reason_en"] = extra["reason_code"].map(lambda c: ALLOCATION_REASONS[c].en)
    both = pd.concat([none, extra], ignore_index=True).drop_duplicates("stream_id")
    streams = registry.streams[["stream_id", "firm_id", "category_id", "kind", "quantity_per_yr",
                                "quantity_unit"]]
    both = both.merge(streams, on="stream_id", how="left")
    sup = both[both["direction"] == "supply"].drop(columns="direction").reset_index(drop=True)
    dem = both[both["direction"] == "demand"].drop(columns="direction").reset_index(drop=True)
    return sup, dem


def _info(allocation: Any, violations: list[str], timings: dict[str, float]) -> AllocationInfo:
    status = str(allocation.status)
    if violations:
        logger.error("solution check failed (%d violation(s)): %s", len(violations), violations[:5])
        status = "check_failed"
    return AllocationInfo(status=status, objective=float(allocation.objective), bound=float(allocation.bound),
                          gap=float(allocation.gap), method=str(allocation.method), timings_s=dict(timings),
                          violations=tuple(map(str, violations)))


def run(registry: Registry, config: MatchConfig | None = None, *, rules: pd.DataFrame | None = None,
        categories: pd.DataFrame | None = None, factors: Any = None, mutual: Any = None,
        mutual_config: Any = None) -> MatchResult:
    """Match the supplies and demands of a registry under one scenario.

    Parameters
    ----------
    registry
        Firms and streams (validated here).
    config
        Scenario; :class:`MatchConfig` defaults when ``None``.
    rules, categories, factors
        Knowledge base and emission factors; the bundled ones when ``None``.
    mutual
        The mutualisation tables (:class:`symbiosis.mutual.MutualData`). Only when given are the
        levers planned (group purchasing, shared equipment, shared units, collection tours), after
        the matching, into ``MatchResult.mutual``; the default run does none of it.
    mutual_config
        Their parameters (:class:`symbiosis.mutual.MutualConfig`); its transport block is taken
        from ``config`` when None.

    Returns
    -------
    MatchResult
        Exchanges, scored candidates, unmatched streams with reasons, KPIs, firm graph, solve
        metadata with per-stage timings, and the config. A failed solution check is logged as an
        error and shows as status ``check_failed``.
    """
    config = MatchConfig() if config is None else config
    rules, categories, factors = _knowledge(rules, categories, factors)
    timer = _Timer()
    with timer("validate"):
        registry.validate()
    with timer("candidates"):
        candidates = generate_candidates(registry, rules, config, categories=categories)
    with timer("scoring"):
        scored = score_candidates(candidates, registry, config, factors=factors, rules=rules,
                                  categories=categories)
        scored, internal = _split_internal(scored, config)
        candidates = candidates[~candidates["candidate_id"].isin(internal["candidate_id"])]
    with timer("problem"):
        problem = build_allocation_problem(scored, registry, config)
    with timer("solve"):
        allocation = solve(problem, config.allocation_config())
    with timer("check"):
        violations = list(check_solution(problem, allocation))
    with timer("results"):
        exchanges = exchanges_frame(allocation.flows, scored, registry, rules=rules, categories=categories)
        separate = config.internal_policy == "separate"
        diagnose = config.replace(internal_policy="exclude") if separate else config
        sup, dem = _unmatched(registry, candidates, scored, exchanges, rules=rules, config=diagnose,
                              categories=categories)
        internal = _internal_opportunities(internal, rules, categories)
        kpis = compute_kpis(exchanges, registry.firms)
        graph = firm_graph(exchanges, registry.firms)
    levers = None
    if mutual is not None:
        with timer("mutual"):
            levers = _mutual(registry, mutual, mutual_config, config)
    info = _info(allocation, violations, timer.seconds)
    logger.info("match: %s, %d exchange(s), net %.0f $/yr", info.status, kpis.n_exchanges,
                kpis.net_value_cad_per_yr)
    return MatchResult(exchanges=exchanges, candidates=scored, unmatched_supplies=sup,
                       unmatched_demands=dem, kpis=kpis, graph=graph, allocation=info, config=config,
                       internal_opportunities=internal, mutual=levers)


def _split_internal(scored: pd.DataFrame, config: MatchConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Same-firm candidates apart (``internal_policy="separate"``): internal reuse is not symbiosis."""
    if config.internal_policy != "separate" or "internal" not in scored:
        return scored, scored.iloc[0:0]
    internal = scored["internal"].fillna(False).astype(bool).to_numpy()
    return scored[~internal], scored[internal]


def _internal_opportunities(internal: pd.DataFrame, rules: pd.DataFrame | None,
                            categories: pd.DataFrame | None) -> pd.DataFrame:
    """Profitable same-firm candidates with their explanation columns, largest value first.

    Listed for the firm's own information at the candidate's full flow; never allocated, never in
    the KPIs, maps or reports.
    """
    keep = internal[pd.to_numeric(internal["gain_per_unit"], errors="coerce").fillna(0.0) > 0]
    if keep.empty:
        return keep.reset_index(drop=True)
    why = explain(keep[["candidate_id"]], keep, rules, categories)
    new = ["candidate_id", *[c for c in why.columns if c not in keep.columns]]
    out = keep.merge(why[new], on="candidate_id", how="left", validate="one_to_one")
    return out.sort_values(["net_value_cad_per_yr", "candidate_id"], ascending=[False, True],
                           ignore_index=True)


def _mutual(registry: Registry, data: Any, mutual_config: Any, config: MatchConfig) -> Any:
    """Plan the mutualisation levers (imported here: the default run never loads them)."""
    from symbiosis.mutual import MutualConfig, run_mutual

    mutual_config = mutual_config or MutualConfig(transport=config.transport)
    return run_mutual(registry.firms, data, mutual_config)


def _resolve_from(scored: pd.DataFrame, registry: Registry, config: MatchConfig, firm_id: str) -> Outcome:
    """Re-allocate the already scored candidates without ``firm_id``; totals at the new flows."""
    keep = scored[(scored["supply_firm_id"] != firm_id) & (scored["demand_firm_id"] != firm_id)]
    problem = build_allocation_problem(keep, registry, config)
    flows = solve(problem, config.allocation_config()).flows
    rates = keep.set_index("candidate_id")[["net_value_cad_per_unit", "co2e_avoided_t_per_unit"]]
    rates = rates.reindex(flows["candidate_id"]).to_numpy(float)
    flow = flows["flow_per_yr"].to_numpy(float)
    return Outcome(float(flow @ rates[:, 0]), float(flow @ rates[:, 1])) if len(flow) else Outcome(0.0, 0.0)


def make_resolver(registry: Registry, config: MatchConfig, *, scored: pd.DataFrame | None = None,
                  **knowledge: Any) -> Callable[[str], Outcome]:
    """Return ``resolve(firm_id) -> Outcome`` for :func:`symbiosis.engine.network.resilience`.

    Parameters
    ----------
    registry, config
        The baseline scenario.
    scored
        The baseline's scored candidates (``MatchResult.candidates``). When given, each call only
        re-solves the allocation without the firm's candidates (fast); otherwise it re-runs the whole
        pipeline with the firm in ``config.excluded_firm_ids`` (candidates pruned anew).
    **knowledge
        ``rules``, ``categories``, ``factors`` passed to :func:`run`.
    """
    if scored is not None:
        return lambda firm_id: _resolve_from(scored, registry, config, firm_id)

    def resolve(firm_id: str) -> Outcome:
        scenario = config.replace(excluded_firm_ids=(*config.excluded_firm_ids, firm_id))
        kpis = run(registry, scenario, **knowledge).kpis
        return Outcome(kpis.net_value_cad_per_yr, kpis.co2e_avoided_t_per_yr)

    return resolve
