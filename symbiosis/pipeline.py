"""The one matching pipeline: registry + scenario → :class:`~symbiosis.results.MatchResult`.

``run`` is what the app, the command line and the notebooks call. Stages, each timed:

validate → candidates → scoring → problem → solve → check → results.

Everything up to the check works on integer arrays (stream codes, candidate rows, arc positions):
no frame of candidates and no string id is built. ``run`` returns as soon as the allocation is
checked; the results (exchanges with their explanations, the scored candidates frame, unmatched
reasons, KPIs, firm graph, internal opportunities) are built from those arrays the first time each
is read, and kept.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine.allocation import check_flows, solve, solve_indexed
from symbiosis.engine.allocation.problem import FLOW_COLUMNS
from symbiosis.engine.candidates import find_candidates
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.explain import explain
from symbiosis.engine.network import Outcome, exchange_scope, firm_graph
from symbiosis.engine.problem_builder import (
    ProblemArrays,
    build_allocation_problem,
    problem_arrays,
    supply_places,
)
from symbiosis.engine.scored_set import ScoredSet, score_set
from symbiosis.engine.scoring import SCORE_COLUMNS
from symbiosis.engine.unmatched import ALLOCATION_REASONS, unmatched_streams
from symbiosis.findings import Finding
from symbiosis.registry import Registry
from symbiosis.results import AllocationInfo, Deferred, MatchResult, compute_kpis
from symbiosis.schemas import EXCHANGES, UNCONFIRMED_CATEGORY_SOURCES

__all__ = [
    "ALLOCATION_REASONS",
    "STAGES",
    "exchanges_frame",
    "make_resolver",
    "offered_rows",
    "run",
    "swap_reuses",
]

logger = logging.getLogger(__name__)

#: Stages timed in ``MatchResult.allocation.timings_s``, in order (and ``mutual`` last, when the
#: levers are asked for).
STAGES: tuple[str, ...] = ("validate", "candidates", "scoring", "problem", "solve", "check", "results")


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


def _knowledge(
    rules: pd.DataFrame | None, categories: pd.DataFrame | None, factors: Any
) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    if rules is None or categories is None:
        from symbiosis import kb

        rules = kb.load_rules() if rules is None else rules
        categories = kb.load_categories() if categories is None else categories
    if factors is None:
        from symbiosis.engine.factors import load_factors

        factors = load_factors()
    return rules, categories, factors


#: Per-unit score columns turned into per-year figures at the allocated flow.
_PER_UNIT = (
    "avoided_disposal_cad",
    "avoided_purchase_cad",
    "gate_fee_cad",
    "transport_cost_cad",
    "pretreatment_cost_cad",
    "net_value_cad",
    "diverted_t",
    "co2e_avoided_t",
)
#: Per-year figures of the scoring computed at a candidate's full flow, rescaled to the allocated flow.
_AT_FULL_FLOW = (
    "co2e_disposal_avoided_t_per_yr",
    "co2e_virgin_avoided_t_per_yr",
    "co2e_transport_t_per_yr",
    "t_km_per_yr",
)


def _unconfirmed(registry: Registry) -> frozenset[str]:
    """Ids of the streams whose category an advisor has still to confirm (guessed or replaced)."""
    streams = registry.streams
    if "category_source" not in streams:
        return frozenset()
    waiting = streams["category_source"].astype(str).isin(UNCONFIRMED_CATEGORY_SOURCES)
    return frozenset(streams.loc[waiting, "stream_id"].astype(str))


def _with_explanations(
    ex: pd.DataFrame,
    scored: pd.DataFrame,
    rules: pd.DataFrame | None,
    categories: pd.DataFrame | None,
    *,
    unconfirmed: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Add the evidence, labels, fit, months and flags of :func:`explain` (paragraphs stay lazy)."""
    why = explain(ex[["candidate_id", "flow_per_yr"]], scored, rules, categories, unconfirmed=unconfirmed)
    new = ["candidate_id", *[c for c in why.columns if c not in ex.columns]]
    return ex.merge(why[new], on="candidate_id", how="left", validate="one_to_one")


def exchanges_frame(
    flows: pd.DataFrame,
    scored: pd.DataFrame,
    registry: Registry,
    *,
    rules: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
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
    drop = [
        "candidate_id",
        "supply_id",
        "demand_id",
        *[c for c in SCORE_COLUMNS if c.endswith("_per_yr") and c not in _AT_FULL_FLOW],
    ]
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
    ex = _with_explanations(ex, rows, rules, categories, unconfirmed=_unconfirmed(registry))
    first = [c for c in EXCHANGES.names if c in ex]
    ex = ex[first + [c for c in ex.columns if c not in first]]
    return ex.sort_values(
        ["net_value_cad_per_yr", "candidate_id"], ascending=[False, True], ignore_index=True
    )


def _info(allocation: Any, violations: list[Finding], timings: dict[str, float]) -> AllocationInfo:
    status = str(allocation.status)
    if violations:
        messages = [v.message("en") for v in violations]
        logger.error("solution check failed (%d violation(s)): %s", len(violations), messages[:5])
        status = "check_failed"
    return AllocationInfo(
        status=status,
        objective=float(allocation.objective),
        bound=float(allocation.bound),
        gap=float(allocation.gap),
        method=str(allocation.method),
        timings_s=dict(timings),
        violations=tuple(v.message("en") for v in violations),
    )


def run(
    registry: Registry,
    config: MatchConfig | None = None,
    *,
    rules: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    factors: Any = None,
    mutual: Any = None,
    mutual_config: Any = None,
    executor: Any = None,
) -> MatchResult:
    """Match the supplies and demands of a registry under one scenario.

    Parameters
    ----------
    registry
        Firms and streams (validated here, once per registry).
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
    executor
        When given (anything with ``map(function, items)``, such as a
        :class:`symbiosis.distributed.DaskExecutor`), the candidates are found and scored by rule
        block × spatial tile on it
        (:func:`~symbiosis.engine.candidate_tiles.partitioned_scored_set`: the same scored set) and
        the allocation is solved part by part on it
        (:func:`~symbiosis.engine.allocation.regions.solve_allocation`: independent components, the
        giant one on one worker, or cut into regions when it holds more than the executor's
        ``region_arcs``); None does both here, in one piece.

    Returns
    -------
    MatchResult
        Exchanges, scored candidates, unmatched streams with reasons, KPIs, firm graph, solve
        metadata with per-stage timings, and the config. A failed solution check is logged as an
        error and shows as status ``check_failed``. Every frame, the KPIs and the graph are built on
        first access.

    Examples
    --------
    The two bark suppliers and two mulch buyers of :func:`~symbiosis.engine.generate_candidates`
    (S1 100 t/yr and D1 80 t/yr in Chicoutimi, S2 50 t/yr and D2 60 t/yr in Alma). By hand: each
    supply serves its neighbour first (80 t and 50 t), and S1's 20 t left over can only go 45 km
    to D2, which has 10 t of room: 140 t exchanged, 10 t of bark left.

    >>> from symbiosis.pipeline import run
    >>> from symbiosis.sample.toy import toy_registry
    >>> registry = toy_registry(
    ...     [
    ...         ("S1", "supply", "wood_bark", 100.0, 48.43, -71.07),
    ...         ("S2", "supply", "wood_bark", 50.0, 48.55, -71.65),
    ...         ("D1", "demand", "landscaping_mulch", 80.0, 48.42, -71.02),
    ...         ("D2", "demand", "landscaping_mulch", 60.0, 48.54, -71.62),
    ...     ]
    ... )
    >>> result = run(registry)
    >>> result.status
    'optimal'
    >>> print(result.exchanges[["supply_id", "demand_id", "flow_per_yr"]].to_string(index=False))
    supply_id demand_id  flow_per_yr
           S1        D1         80.0
           S2        D2         50.0
           S1        D2         10.0
    >>> result.kpis.tonnes_exchanged_t_per_yr
    140.0
    """
    config = MatchConfig() if config is None else config
    rules, categories, factors = _knowledge(rules, categories, factors)
    timer = _Timer()
    with timer("validate"):
        registry.validate()
    if executor is None:
        with timer("candidates"):
            found = find_candidates(registry, rules, config, categories=categories)
        with timer("scoring"):
            scored = score_set(found, registry, config, factors=factors, categories=categories)
    else:
        with timer("candidates"):  # found and scored together, by rule block × tile, on the executor
            scored = _scored_on(executor, registry, rules, config, categories, factors)
            found = scored.found
    with timer("scoring"):
        internal = found.internal if config.internal_policy == "separate" else np.zeros(found.n, bool)
        offered = np.flatnonzero(~internal)
    with timer("problem"):
        problem = problem_arrays(scored, offered, registry, config)
    with timer("solve"):
        solved = _solve(problem, config.allocation_config(), executor, registry)
        competing, purity = np.zeros(0, np.int64), _purity(registry)
        for _ in range(_SWAP_ROUNDS):  # a firm reuses its own residue rather than swap it (see below)
            more = np.setdiff1d(swap_reuses(scored, problem, solved.x, purity), competing)
            if not len(more):
                break
            competing = np.union1d(competing, more)
            problem = problem_arrays(scored, np.union1d(offered, competing), registry, config)
            solved = _solve(problem, config.allocation_config(), executor, registry)
    with timer("check"):
        violations = check_flows(problem.ix, solved.x, solved)
    with timer("results"):
        lazy = _Results(
            registry,
            config,
            rules,
            categories,
            scored,
            offered,
            np.flatnonzero(internal),
            problem,
            solved.x,
            competing,
        )
    levers = None
    if mutual is not None:
        with timer("mutual"):
            levers = _mutual(registry, mutual, mutual_config, config)
    info = _info(solved, violations, timer.seconds)
    logger.info(
        "match: %s, %d exchange(s), objective %.0f", info.status, int((solved.x > 0).sum()), info.objective
    )
    return MatchResult(
        exchanges=Deferred(lambda: lazy.exchanges),
        candidates=Deferred(lazy.candidates),
        unmatched_supplies=Deferred(lambda: lazy.unmatched[0]),
        unmatched_demands=Deferred(lambda: lazy.unmatched[1]),
        kpis=Deferred(lambda: compute_kpis(lazy.exchanges, registry.firms)),
        graph=Deferred(lambda: firm_graph(lazy.exchanges, registry.firms)),
        allocation=info,
        config=config,
        internal_opportunities=Deferred(lazy.internal_opportunities),
        mutual=levers,
    )


def _scored_on(
    executor: Any,
    registry: Registry,
    rules: pd.DataFrame,
    config: MatchConfig,
    categories: pd.DataFrame | None,
    factors: Any,
) -> ScoredSet:
    """Candidates and scores tile by tile on ``executor``: the single process's set (docs/scale-out.md)."""
    from symbiosis.engine.candidate_tiles import partitioned_scored_set

    return partitioned_scored_set(
        registry,
        rules,
        config,
        factors=factors,
        categories=categories,
        map_function=executor.map,
        folder=getattr(executor, "run_folder", None),  # the scored pairs' Parquet partitions
        keep=getattr(executor, "keep_run_folder", False),
    )


def _solve(problem: ProblemArrays, config: Any, executor: Any, registry: Registry) -> Any:
    """The allocation in one piece, or by parts on ``executor`` (a giant one by regions: scale-out.md)."""
    if executor is None:
        return solve_indexed(problem.ix, config)
    from symbiosis.engine.allocation.regions import DEFAULT_REGION_ARCS, solve_allocation

    return solve_allocation(
        problem.ix,
        config,
        map_function=executor.map,
        points=lambda: supply_places(problem, registry),  # read only when a part is cut
        region_arcs=getattr(executor, "region_arcs", None) or DEFAULT_REGION_ARCS,
        folder=getattr(executor, "run_folder", None),  # each task's sub-problem, as a file
    )


class _Results:
    """What ``run`` found, as arrays, and the result frames built from them on demand."""

    def __init__(
        self,
        registry: Registry,
        config: MatchConfig,
        rules: pd.DataFrame,
        categories: pd.DataFrame | None,
        scored: ScoredSet,
        offered: np.ndarray,
        internal: np.ndarray,
        problem: ProblemArrays,
        x: np.ndarray,
        competing: np.ndarray,
    ) -> None:
        self.registry, self.config, self.rules, self.categories = registry, config, rules, categories
        self.scored, self.offered, self.internal, self.problem, self.x = scored, offered, internal, problem, x
        self.competing = competing

    @functools.cached_property
    def own_arc(self) -> np.ndarray:
        """Per arc of the problem: a same-firm row listed apart (its flow is the firm's own reuse)."""
        own = np.zeros(self.scored.n, bool)
        own[self.internal] = True
        return own[self.problem.rows]

    @functools.cached_property
    def exchanges(self) -> pd.DataFrame:
        """:func:`exchanges_frame` of the allocated arcs between firms, from their scored rows only."""
        used = np.flatnonzero((self.x > 0) & ~self.own_arc)
        rows = self.scored.frame(self.problem.rows[used])
        flow = self.x[used]
        flows = pd.DataFrame(
            {
                "candidate_id": rows["candidate_id"].to_numpy(dtype=object),
                "supply_id": rows["supply_id"].to_numpy(dtype=object),
                "demand_id": rows["demand_id"].to_numpy(dtype=object),
                "flow_per_yr": flow,
                "delivered_per_yr": flow * self.problem.ix.yld[used],
            },
            columns=list(FLOW_COLUMNS),
        )
        return exchanges_frame(flows, rows, self.registry, rules=self.rules, categories=self.categories)

    def candidates(self) -> pd.DataFrame:
        """The scored candidates offered to the allocation (``MatchResult.candidates``)."""
        return self.scored.frame(None if len(self.offered) == self.scored.n else self.offered)

    @functools.cached_property
    def unmatched(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Unmatched supplies and demands with their reasons."""
        ix, problem = self.problem.ix, self.problem
        n = len(self.registry.stream_codes)
        served, own_use = np.zeros(n, bool), np.zeros(n, bool)
        for mask, used in ((served, ~self.own_arc), (own_use, self.own_arc)):
            at = np.flatnonzero((self.x > 0) & used)
            mask[problem.supplies[ix.tail[at]]] = True
            mask[problem.demands[ix.head[at]]] = True
        separate = self.config.internal_policy == "separate"
        diagnose = self.config.replace(internal_policy="exclude") if separate else self.config
        return unmatched_streams(
            self.registry,
            self.scored.found,
            self.offered,
            self.scored.gain,
            served,
            config=diagnose,
            categories=self.categories,
            own_use=own_use,
        )

    def internal_opportunities(self) -> pd.DataFrame:
        """Profitable same-firm candidates, listed apart (``internal_policy="separate"``)."""
        gain = self.scored.gain[self.internal]
        rows = self.internal[np.where(np.isnan(gain), 0.0, gain) > 0]
        allocated = np.zeros(self.scored.n)
        allocated[self.problem.rows] = self.x
        frame = self.scored.frame(rows).assign(
            allocated_per_yr=allocated[rows], competed=np.isin(rows, self.competing)
        )
        return _internal_opportunities(
            frame, self.rules, self.categories, unconfirmed=_unconfirmed(self.registry)
        )


def _internal_opportunities(
    internal: pd.DataFrame,
    rules: pd.DataFrame | None,
    categories: pd.DataFrame | None,
    *,
    unconfirmed: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Profitable same-firm candidates with their explanation columns, largest value first.

    Indexed by the rows' positions among the scored candidates (as ``MatchResult.candidates``).
    Listed for the firm's own information at the candidate's full flow; never counted in the
    exchanges, KPIs, maps or reports. ``competed``: the pair took part in the allocation because the
    firm would otherwise swap the material with another (:func:`swap_reuses`), ``allocated_per_yr``
    what the allocation then gives it (0 for the others).
    """
    keep = internal[pd.to_numeric(internal["gain_per_unit"], errors="coerce").fillna(0.0) > 0]
    if keep.empty:
        return keep
    why = explain(keep[["candidate_id"]], keep, rules, categories, unconfirmed=unconfirmed)
    new = ["candidate_id", *[c for c in why.columns if c not in keep.columns]]
    out = keep.merge(why[new], on="candidate_id", how="left", validate="one_to_one")
    out.index = keep.index  # the rows' positions among the scored candidates, as in ``candidates``
    return out.sort_values(["net_value_cad_per_yr", "candidate_id"], ascending=[False, True])


def _mutual(registry: Registry, data: Any, mutual_config: Any, config: MatchConfig) -> Any:
    """Plan the mutualisation levers (imported here: the default run never loads them)."""
    from symbiosis.mutual import MutualConfig, run_mutual

    mutual_config = mutual_config or MutualConfig(transport=config.transport)
    return run_mutual(registry.firms, data, mutual_config)


def offered_rows(result: MatchResult) -> pd.DataFrame:
    """The scored rows ``result``'s allocation was offered: its candidates and the same-firm pairs
    that competed beside them (``competed``: a firm's own reuse rather than a swap), which take part
    without counting (:func:`make_resolver`'s ``scored``)."""
    candidates, internal = result.candidates, result.internal_opportunities
    if internal.empty or "competed" not in internal or not internal["competed"].any():
        return candidates
    own = internal.loc[internal["competed"].astype(bool), list(candidates.columns)]
    return pd.concat([candidates, own]).sort_index()  # the run's order


def _purity(registry: Registry) -> np.ndarray:
    """Declared purity (%) of each registry stream code, NaN when not declared."""
    streams = registry.streams_by_code
    if "purity_pct" not in streams:
        return np.full(len(registry.stream_codes), np.nan)
    return pd.to_numeric(streams["purity_pct"], errors="coerce").to_numpy(float)


#: Rounds of :func:`swap_reuses` at most (each adds the own reuses of the swaps its allocation made).
_SWAP_ROUNDS = 5


def swap_reuses(
    scored: ScoredSet, problem: ProblemArrays, x: np.ndarray, purity_of_streams: np.ndarray
) -> np.ndarray:
    """Same-firm candidate rows that replace a swap of the allocation ``x`` (increasing).

    A swap: firm A's supply s₁ goes to firm B's demand d₁ while B's supply s₂ goes to A's demand d₂,
    and each firm could take its own (same-firm candidates s₁ → d₂ and s₂ → d₁, profitable). Each leg
    counts an avoided disposal and an avoided purchase that the firm's own reuse gives without a
    truck — the two own reuses dominate the swap whatever the firms' declarations leave unsaid: if
    they could not reuse their own, they could not use each other's either. Those same-firm rows
    are returned to compete in the allocation for their streams (they never count as exchanges).
    Same-firm pairs elsewhere stay listed apart, not imposed: a firm that declares both a residue and
    a need of the same kind has most often a reason not to close the loop itself. The argument holds
    only for interchangeable materials, so a swap where the supply a firm receives declares a purity
    its own residue does not reach (or does not declare) is left alone: a purge gas sent to be
    purified and the 99.99 % product coming back are a loop, not a swap.
    """
    found = scored.found
    used = problem.rows[x > 0]
    if not len(used) or not found.internal.any():
        return np.zeros(0, np.int64)
    ps, pd_ = found.pairs.s, found.pairs.d

    def ends(rows: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "row": rows,
                "s": found.sup_stream[ps[rows]],
                "d": found.dem_stream[pd_[rows]],
                "fs": found.sup.firm_hash[ps[rows]],
                "fd": found.dem.firm_hash[pd_[rows]],
            }
        )

    gain = scored.gain
    own = ends(np.flatnonzero(found.internal & (np.nan_to_num(gain, nan=0.0) > 0)))
    legs = ends(used)
    legs = legs[legs["fs"] != legs["fd"]]
    cross = legs.merge(legs, left_on=["fs", "fd"], right_on=["fd", "fs"], suffixes=("1", "2"))
    pairs = own[["s", "d", "row"]]
    cross = cross.merge(pairs.rename(columns={"s": "s1", "d": "d2", "row": "own1"}), on=["s1", "d2"])
    cross = cross.merge(pairs.rename(columns={"s": "s2", "d": "d1", "row": "own2"}), on=["s2", "d1"])
    purity = np.nan_to_num(purity_of_streams, nan=-1.0)  # -1: not declared
    s1, s2 = cross["s1"].to_numpy(np.int64), cross["s2"].to_numpy(np.int64)
    cross = cross[purity[s1] == purity[s2]]  # each firm's own as pure as what it receives: equal
    return np.union1d(cross["own1"].to_numpy(np.int64), cross["own2"].to_numpy(np.int64))


def _resolve_from(scored: pd.DataFrame, registry: Registry, config: MatchConfig, firm_id: str) -> Outcome:
    """Re-allocate the already scored candidates without ``firm_id``; totals at the new flows.

    Rows marked ``internal`` (same-firm pairs listed apart) take part in the allocation and count
    nothing, as in :func:`run`.
    """
    keep = scored[(scored["supply_firm_id"] != firm_id) & (scored["demand_firm_id"] != firm_id)]
    problem = build_allocation_problem(keep, registry, config)
    flows = solve(problem, config.allocation_config()).flows
    rates = keep.set_index("candidate_id")[["net_value_cad_per_unit", "co2e_avoided_t_per_unit"]]
    if "internal" in keep and config.internal_policy == "separate":
        rates.loc[keep["internal"].fillna(False).astype(bool).to_numpy()] = 0.0
    rates = rates.reindex(flows["candidate_id"]).to_numpy(float)
    flow = flows["flow_per_yr"].to_numpy(float)
    return Outcome(float(flow @ rates[:, 0]), float(flow @ rates[:, 1])) if len(flow) else Outcome(0.0, 0.0)


def make_resolver(
    registry: Registry, config: MatchConfig, *, scored: pd.DataFrame | None = None, **knowledge: Any
) -> Callable[[str], Outcome]:
    """Return ``resolve(firm_id) -> Outcome`` for :func:`symbiosis.engine.network.resilience`.

    Parameters
    ----------
    registry, config
        The baseline scenario.
    scored
        The baseline's scored rows offered to the allocation (:func:`offered_rows` of its result).
        When given, each call only re-solves the allocation without the firm's candidates (fast);
        otherwise it re-runs the whole pipeline with the firm in ``config.excluded_firm_ids``
        (candidates pruned anew).
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
