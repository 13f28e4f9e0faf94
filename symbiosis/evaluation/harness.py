"""Evaluate the engine on a case: import the declarations, match, say why each documented exchange is missed.

The case is imported into a throw-away SQLite registry through the same workflow as ``symbiosis
import`` (so the importer, the category inference and the unit conversion are part of what is
measured), matched with :func:`symbiosis.pipeline.run`, and compared with the case's expected and
forbidden pairs. In ``inferred`` mode the streams' categories are removed before the import, as a
busy firm would leave them; in ``given`` mode the hand-assigned categories are kept.

Each expected pair missing from the candidates gets one **cause**, the first that applies:

``import_rejected``
    a stream of the pair was refused by the importer (unit, kind, quantity…);
``category_inferred``
    the inferred category of a stream differs from the hand-assigned one and the hand-assigned
    categories would have had a rule;
``no_rule``
    no compatibility rule links the two categories;
``too_far``, ``season``, ``dates``, ``temperature``, ``waste_code``, ``hazardous_refused``, ``internal_only``
    the candidate check that refused the pair (distance cap, no common month, dates, heat too cold,
    different waste codes, no permit for a hazardous residue, same firm);
``pruned``
    the pair passes every check but K-nearest pruning dropped it.

An expected pair among the candidates but not allocated is ``unprofitable`` (its gain is not
positive), ``expected_competition`` (the case's other expected exchanges take the quantity: the pair
gets no flow either in an optimal allocation of the expected pairs alone, so no allocation of the
declared quantities serves it beside them at a better total), ``own_reuse`` (the allocation gave its
supply or its demand, at least in part, to that firm's own reuse, which replaced a swap) or
``not_selected`` (it would be served among the expected pairs alone, but the allocation preferred
partners the case does not list).
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.engine.candidates import diagnose_pairs
from symbiosis.engine.config import MatchConfig
from symbiosis.evaluation.cases import Case
from symbiosis.i18n import Text, TextTable
from symbiosis.ingest import ImportBatch, read_table
from symbiosis.registry import Registry

__all__ = ["CAUSES", "MODES", "CaseEvaluation", "evaluate_case"]

logger = logging.getLogger(__name__)

MODES: tuple[str, ...] = ("inferred", "given")
_STREAM_VIEW = ("stream_id", "direction", "category_id", "category_source", "category_alternatives")

#: Why a documented exchange is missed, in the order they are tested (labels from the catalogue,
#: ``evaluation.miss.<code>``).
CAUSES: Mapping[str, Text] = TextTable("evaluation.miss")


@dataclass(frozen=True)
class CaseEvaluation:
    """The outcome of one case in one mode.

    Parameters
    ----------
    case, mode
        The case name and ``inferred`` or ``given``.
    language, split
        From the case's metadata.
    pairs
        One row per expected pair: ``supply_id, demand_id, candidate, allocated, cause`` (``""`` when
        allocated), ``to_confirm`` (a candidate only through a runner-up category of an inferred
        stream: never allocated before an advisor confirms the category).
    forbidden
        One row per forbidden pair: ``supply_id, demand_id, candidate, proposed``.
    classification
        One row per stream with a hand-assigned category: ``stream_id, direction, hand, inferred,
        top1, top3`` (inferred mode only; empty otherwise).
    n_candidates
        Candidates the pipeline generated.
    n_rows, n_rejected
        Stream rows in the file and rows the importer refused.
    status
        The allocation status.
    config
        The scenario the case was matched with.
    streams
        The imported streams' categories: ``stream_id, direction, category_id, category_source,
        category_alternatives`` (``|``-joined runner-ups), for yardsticks other than a hand-assigned
        category (the MAESTRI split checks the supply's category against its waste code).
    """

    case: str
    mode: str
    language: str
    split: str
    pairs: pd.DataFrame
    forbidden: pd.DataFrame
    classification: pd.DataFrame
    n_candidates: int
    n_rows: int
    n_rejected: int
    status: str
    config: MatchConfig = field(repr=False, default_factory=MatchConfig)
    streams: pd.DataFrame = field(
        repr=False, default_factory=lambda: pd.DataFrame(columns=list(_STREAM_VIEW))
    )

    def summary(self) -> dict[str, float | int | str]:
        """Recall among candidates, share allocated, forbidden proposed and classification, as one row."""
        n = len(self.pairs)
        out: dict[str, float | int | str] = {
            "case": self.case,
            "mode": self.mode,
            "language": self.language,
            "split": self.split,
            "expected": n,
            "candidates_found": int(self.pairs["candidate"].sum()),
            "allocated": int(self.pairs["allocated"].sum()),
            "recall_candidates": _share(int(self.pairs["candidate"].sum()), n),
            "share_allocated": _share(int(self.pairs["allocated"].sum()), n),
            "forbidden": len(self.forbidden),
            "forbidden_candidates": int(self.forbidden["candidate"].sum()) if len(self.forbidden) else 0,
            "forbidden_proposed": int(self.forbidden["proposed"].sum()) if len(self.forbidden) else 0,
            "candidates_per_expected": _share(self.n_candidates, n),
            "streams": self.n_rows,
            "streams_rejected": self.n_rejected,
        }
        if len(self.classification):
            out["classified"] = len(self.classification)
            out["top1"] = float(self.classification["top1"].mean())
            out["top3"] = float(self.classification["top3"].mean())
        return out

    def causes(self) -> dict[str, int]:
        """How many expected pairs each cause explains (allocated pairs left out)."""
        return {k: v for k, v in self.pairs["cause"].value_counts().items() if k}


def _share(part: float, whole: float) -> float:
    return float(part) / whole if whole else float("nan")


def _hand_categories(case: Case) -> pd.Series:
    """The hand-assigned category of each stream id of the case file (``""`` when not given)."""
    raw = read_table(case.streams_bytes, filename="streams.csv")
    column = {c: h for h, c in raw.header_map.items()}
    if "stream_id" not in column:
        return pd.Series(dtype=str)
    ids = raw.frame[column["stream_id"]].str.strip().to_numpy()
    if "category_id" not in column:
        return pd.Series("", index=ids, dtype=object, name="hand")
    return pd.Series(
        raw.frame[column["category_id"]].str.strip().to_numpy(), index=ids, dtype=object, name="hand"
    )


def without_categories(streams_bytes: bytes) -> bytes:
    """The streams file with its category column removed (as a firm that leaves it out would send it)."""
    raw = read_table(streams_bytes, filename="streams.csv")
    columns = [h for h, c in raw.header_map.items() if c == "category_id"]
    frame = raw.frame.drop(columns=columns)
    frame = frame[[c for c in frame.columns if c in raw.header_map]]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=raw.delimiter or ",")
    return buffer.getvalue().encode("utf-8")


def _import(case: Case, streams_bytes: bytes) -> tuple[Registry, ImportBatch]:
    from symbiosis.db import Actor, Repository
    from symbiosis.services.importing import default_context, import_into_registry

    context = default_context()
    context = type(context)(context.categories, context.waste_codes, context.parks, None, home_region=False)
    with tempfile.TemporaryDirectory(prefix="symbiosis-eval-") as tmp:
        repo = Repository.from_url(f"sqlite:///{Path(tmp) / 'case.db'}")
        try:
            actor = Actor.system("evaluate")
            batch = import_into_registry(
                repo, actor, firms_bytes=case.firms_bytes, streams_bytes=streams_bytes, context=context
            )
            registry = repo.load_registry(actor)
        finally:
            repo.engine.dispose()
    return registry, batch


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame["supply_id"].astype(str) + ">" + frame["demand_id"].astype(str)


def _causes(
    case: Case,
    registry: Registry,
    result,
    hand: pd.Series,
    *,
    rules: pd.DataFrame,
    categories: pd.DataFrame,
    config: MatchConfig,
    mode: str,
) -> pd.DataFrame:
    """The expected pairs with ``candidate``, ``allocated`` and the ``cause`` of a miss."""
    pairs = case.expected[["supply_id", "demand_id"]].copy()
    keys = _keys(pairs)
    candidate = keys.isin(set(_keys(result.candidates)))
    allocated = keys.isin(set(_keys(result.exchanges)))
    cause = pd.Series("", index=pairs.index, dtype=object)
    diagnosis = diagnose_pairs(registry, pairs, rules=rules, config=config, categories=categories)
    imported = set(registry.streams["stream_id"])
    rejected = ~pairs["supply_id"].isin(imported) | ~pairs["demand_id"].isin(imported)
    cause[~candidate] = diagnosis[~candidate].replace({"ok": "pruned", "missing_stream": "import_rejected"})
    cause[~candidate & rejected] = "import_rejected"
    if mode == "inferred" and len(hand):
        by_hand = _with_categories(registry, hand, categories)
        hand_diagnosis = diagnose_pairs(by_hand, pairs, rules=rules, config=config, categories=categories)
        stored = registry.streams.set_index("stream_id")["category_id"]
        differs = (pairs["supply_id"].map(stored) != pairs["supply_id"].map(hand)) | (
            pairs["demand_id"].map(stored) != pairs["demand_id"].map(hand)
        )
        better = ~hand_diagnosis.isin(["no_rule", "missing_stream"])
        cause[~candidate & ~rejected & differs & better & (diagnosis == "no_rule")] = "category_inferred"
    gain = result.candidates.set_index(_keys(result.candidates))["gain_per_unit"]
    unallocated = candidate & ~allocated
    cause[unallocated] = np.where(
        keys[unallocated].map(gain).fillna(-1.0) > 0, "not_selected", "unprofitable"
    )
    to_confirm = candidate & keys.map(_to_confirm(result.candidates)).fillna(False).astype(bool)
    offered = (cause == "not_selected") & ~to_confirm
    if offered.any():
        served = _served_among_expected(result.candidates, keys, registry, config)
        cause[offered & ~keys.isin(served)] = "expected_competition"
    own = _own_reuse_streams(result.internal_opportunities)
    reused = pairs["supply_id"].isin(own) | pairs["demand_id"].isin(own)
    cause[(cause == "not_selected") & reused.to_numpy()] = "own_reuse"
    return pairs.assign(
        candidate=candidate.to_numpy(),
        allocated=allocated.to_numpy(),
        cause=cause.to_numpy(),
        to_confirm=to_confirm.to_numpy(),
    )


def _own_reuse_streams(internal: pd.DataFrame) -> set[str]:
    """Streams the allocation gave, at least in part, to their own firm's reuse."""
    if internal.empty or "allocated_per_yr" not in internal:
        return set()
    chosen = internal[pd.to_numeric(internal["allocated_per_yr"]).fillna(0.0) > 0]
    return set(chosen["supply_id"]) | set(chosen["demand_id"])


def _served_among_expected(
    candidates: pd.DataFrame, expected: pd.Series, registry: Registry, config: MatchConfig
) -> set[str]:
    """Expected pairs (``supply>demand`` keys) served by an optimal allocation of the expected pairs alone.

    The same allocation model and scenario as the run, offered only the candidates that are expected
    pairs (and not waiting for a category to be confirmed): what the case's own quantities allow when
    nothing it does not list competes.
    """
    from symbiosis.engine.allocation import solve
    from symbiosis.engine.problem_builder import build_allocation_problem

    offered = candidates[_keys(candidates).isin(set(expected))]
    if "category_alternative" in offered:
        offered = offered[~offered["category_alternative"].fillna(False).astype(bool)]
    if "internal" in offered:
        offered = offered[~offered["internal"].fillna(False).astype(bool)]
    if offered.empty:
        return set()
    allocation = solve(build_allocation_problem(offered, registry, config), config.allocation_config())
    flows = allocation.flows
    return set(_keys(flows[flows["flow_per_yr"] > 0]))


def _to_confirm(candidates: pd.DataFrame) -> pd.Series:
    """Per ``supply>demand`` key: the pair is a candidate only through a runner-up (inferred) category,
    so it waits for an advisor to confirm the category and is never allocated before."""
    if "category_alternative" not in candidates or candidates.empty:
        return pd.Series(dtype=bool)
    flag = candidates["category_alternative"].fillna(False).astype(bool).to_numpy()
    return pd.Series(flag, index=_keys(candidates).to_numpy()).groupby(level=0).min()


def _with_categories(registry: Registry, hand: pd.Series, categories: pd.DataFrame) -> Registry:
    """The registry with each stream's hand-assigned category (and its kind) where one is known."""
    known = set(categories["category_id"])
    streams = registry.streams.copy()
    wanted = streams["stream_id"].map(hand).fillna("")
    use = wanted.isin(known)
    kind = categories.set_index("category_id")["kind"]
    streams.loc[use, "category_id"] = wanted[use]
    streams.loc[use, "kind"] = wanted[use].map(kind)
    return Registry(registry.firms, streams)


def _classification(registry: Registry, hand: pd.Series, categories: pd.DataFrame) -> pd.DataFrame:
    streams = registry.streams[registry.streams["category_source"].isin(["inferred", "corrected"])]
    truth = streams["stream_id"].map(hand).fillna("")
    streams = streams[truth.isin(set(categories["category_id"]))]
    truth = truth[streams.index]
    alternatives = streams["category_alternatives"].fillna("").str.split("|").str[:2]  # top 3 in all
    top3 = [
        t == c or t in alts for t, c, alts in zip(truth, streams["category_id"], alternatives, strict=True)
    ]
    return pd.DataFrame(
        {
            "stream_id": streams["stream_id"].to_numpy(),
            "direction": streams["direction"].to_numpy(),
            "hand": truth.to_numpy(),
            "inferred": streams["category_id"].to_numpy(),
            "top1": (streams["category_id"] == truth).to_numpy(),
            "top3": np.asarray(top3, bool),
        }
    )


def evaluate_case(
    case: Case,
    *,
    mode: str = "inferred",
    config: MatchConfig | None = None,
    rules: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
) -> CaseEvaluation:
    """Import, match and score one case.

    Parameters
    ----------
    case
        From :func:`symbiosis.evaluation.read_case`.
    mode
        ``"inferred"``: the streams' categories are removed before the import (the classifier infers
        them); ``"given"``: the hand-assigned categories are kept.
    config
        Scenario (defaults: :class:`MatchConfig`).
    rules, categories
        Knowledge base (the shipped one by default).

    Returns
    -------
    CaseEvaluation
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    from symbiosis import kb
    from symbiosis.pipeline import run

    config = config or MatchConfig()
    rules = kb.load_rules() if rules is None else rules
    categories = kb.load_categories() if categories is None else categories
    hand = _hand_categories(case)
    streams_bytes = without_categories(case.streams_bytes) if mode == "inferred" else case.streams_bytes
    registry, batch = _import(case, streams_bytes)
    result = run(registry, config, rules=rules, categories=categories)
    pairs = _causes(
        case, registry, result, hand, rules=rules, categories=categories, config=config, mode=mode
    )
    forbidden = case.forbidden[["supply_id", "demand_id"]].copy()
    fkeys = _keys(forbidden)
    forbidden["candidate"] = fkeys.isin(set(_keys(result.candidates))).to_numpy()
    forbidden["proposed"] = fkeys.isin(set(_keys(result.exchanges))).to_numpy()
    classification = (
        _classification(registry, hand, categories)
        if mode == "inferred"
        else pd.DataFrame(columns=["stream_id", "direction", "hand", "inferred", "top1", "top3"])
    )
    streams = batch.streams
    return CaseEvaluation(
        case=case.name,
        mode=mode,
        language=case.language,
        split=case.split,
        pairs=pairs,
        forbidden=forbidden,
        classification=classification,
        n_candidates=len(result.candidates),
        n_rows=streams.report.n_rows if streams else 0,
        n_rejected=streams.report.n_rejected if streams else 0,
        status=result.status,
        config=config,
        streams=registry.streams.reindex(columns=list(_STREAM_VIEW)).reset_index(drop=True),
    )
