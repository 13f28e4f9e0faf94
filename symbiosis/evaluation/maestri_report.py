"""Run the MAESTRI split and tabulate it: recall, allocation, classification; per variant, cited or not.

The knowledge base's rules cite MAESTRI exchanges as their evidence (``MAESTRI:1.12.10`` in
``rules.csv``), so the split is not independent of what the rules were written from: every figure is
given for the exchanges **a rule cites**, for those **none cites** (the independent part), and for all.

Classification is checked on the supply side against the exchange's EWC code: the inferred category is
right when it is a category whose waste codes include the code (top-1), or one of the classifier's
first three (top-3). An exchange whose code no category lists (none, since every List-of-Waste code
reaches a category, unless the source's code is not in the List) is left out of the classification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from symbiosis.engine.config import MatchConfig
from symbiosis.evaluation.harness import CAUSES, CaseEvaluation, evaluate_case
from symbiosis.evaluation.maestri import (
    LAYOUTS,
    VARIANTS,
    MaestriConversion,
    cited_exchanges,
    convert_exchanges,
    maestri_cases,
)
from symbiosis.i18n import catalogue_keys, t

__all__ = [
    "CORPUS",
    "EVIDENCE",
    "TO_CONFIRM",
    "MaestriEvaluation",
    "evaluate_maestri",
    "maestri_cause_table",
    "maestri_table",
]

#: How the exchanges are grouped by the rules' evidence.
EVIDENCE: tuple[str, ...] = ("cited", "not_cited", "all")
#: How the exchanges are grouped by the corpus: their publication also wrote a ``tune`` or a
#: ``holdout`` case of ``tests/data/cases``, or ``none``; ``independent`` = ``none`` and cited by no rule.
CORPUS: tuple[str, ...] = ("tune", "holdout", "none", "independent", "all")
#: ``not_selected`` split in two: a candidate only through a runner-up category is never allocated
#: before an advisor confirms it, which is not the allocation's choice.
TO_CONFIRM = "category_to_confirm"


@dataclass(frozen=True)
class MaestriEvaluation:
    """The MAESTRI split, evaluated.

    Parameters
    ----------
    conversion
        The exchanges as declarations (with the skipped ones and their reasons).
    evaluations
        One :class:`CaseEvaluation` per case and variant.
    pairs
        One row per variant and converted exchange: ``variant, exchange_id, park, status, kind, cited,
        corpus, supply_id, demand_id, candidate, allocated, cause, waste_codes, supply_category, classified,
        top1, top3``.
    layout
        ``region`` or ``park``.
    """

    conversion: MaestriConversion
    evaluations: tuple[CaseEvaluation, ...]
    pairs: pd.DataFrame
    layout: str


def _code_categories(categories: pd.DataFrame) -> dict[str, set[str]]:
    """Each waste code → the categories that list it."""
    listed = categories[["category_id", "waste_codes"]].copy()
    listed["code"] = listed["waste_codes"].fillna("").astype(str).str.split("|")
    listed = listed.explode("code")
    listed = listed[listed["code"].str.len() == 6]
    return listed.groupby("code")["category_id"].agg(set).to_dict()


def _classified(pairs: pd.DataFrame, streams: pd.DataFrame, by_code: dict[str, set[str]]) -> pd.DataFrame:
    """``supply_category, classified, top1, top3`` for each pair (the supply's category against its code)."""
    view = streams.set_index("stream_id")
    category = pairs["supply_id"].map(view["category_id"]).fillna("").astype(str)
    runners = pairs["supply_id"].map(view["category_alternatives"]).fillna("").astype(str)
    truth = [
        set().union(*(by_code.get(c, set()) for c in codes.split("|") if c)) for codes in pairs["waste_codes"]
    ]
    top3 = [[c, *r.split("|")[:2]] for c, r in zip(category, runners, strict=True)]
    return pd.DataFrame(
        {
            "supply_category": category.to_numpy(),
            "classified": [bool(t) for t in truth],
            "top1": [bool(t) and c in t for c, t in zip(category, truth, strict=True)],
            "top3": [bool(t) and any(x in t for x in three) for three, t in zip(top3, truth, strict=True)],
        },
        index=pairs.index,
    )


def evaluate_maestri(
    exchanges: pd.DataFrame,
    *,
    layout: str = "region",
    variants: Sequence[str] = VARIANTS,
    config: MatchConfig | None = None,
    rules: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    corpus: Mapping[str, str] | None = None,
) -> MaestriEvaluation:
    """Convert the MAESTRI exchanges, run every case in every variant, and join the outcomes.

    Parameters
    ----------
    exchanges
        The MAESTRI table, as :func:`symbiosis.evaluation.cases.read_maestri_exchanges` reads it.
    layout
        ``"region"`` (all exchanges in one region) or ``"park"`` (one case per MAESTRI case).
    variants
        Among ``"code"`` (the supply gives its EWC code) and ``"text"`` (description only).
    config, rules, categories
        Scenario and knowledge base (the shipped ones by default). Categories are always inferred:
        the source gives none.
    corpus
        MAESTRI case number → split of the corpus case written from the same publication
        (:func:`symbiosis.evaluation.cases.corpus_maestri_cases`); the others read ``none``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    from symbiosis import kb

    rules = kb.load_rules() if rules is None else rules
    categories = kb.load_categories() if categories is None else categories
    codes = kb.load_waste_codes()
    conversion = convert_exchanges(
        exchanges, hazardous_codes=frozenset(codes.loc[codes["hazardous"], "code"])
    )
    cited = cited_exchanges(rules)
    by_code = _code_categories(categories)
    evaluations, parts = [], []
    for variant in variants:
        for case in maestri_cases(conversion, variant=variant, layout=layout):
            evaluation = evaluate_case(
                case, mode="inferred", config=config, rules=rules, categories=categories
            )
            evaluations.append(evaluation)
            pairs = case.expected[["supply_id", "demand_id"]].merge(
                evaluation.pairs, on=["supply_id", "demand_id"], how="left"
            )
            pairs = pairs.merge(conversion.expected, on=["supply_id", "demand_id"], how="left")
            classified = _classified(pairs, evaluation.streams, by_code)
            parts.append(pd.concat([pairs, classified], axis=1).assign(variant=variant))
    pairs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["exchange_id"])
    pairs["cited"] = pairs["exchange_id"].isin(cited)
    corpus_split = dict(corpus or {})
    pairs["corpus"] = [corpus_split.get(str(p), "none") for p in pairs["park"]]
    columns = [
        "variant", "exchange_id", "park", "status", "kind", "cited", "corpus", "supply_id", "demand_id",
        "candidate", "allocated", "to_confirm", "cause", "waste_codes", "supply_category", "classified",
        "top1", "top3",
    ]  # fmt: skip
    return MaestriEvaluation(conversion, tuple(evaluations), pairs.reindex(columns=columns), layout)


def _groups(pairs: pd.DataFrame, by: str) -> pd.DataFrame:
    """The pairs once per group they belong to, the group in column ``by`` (``evidence`` or ``corpus``)."""
    cited = pairs["cited"].astype(bool)
    if by == "evidence":
        parts = [pairs[cited].assign(evidence="cited"), pairs[~cited].assign(evidence="not_cited")]
    elif by == "corpus":
        corpus = pairs["corpus"].fillna("none")
        parts = [pairs[corpus == g].assign(corpus=g) for g in ("tune", "holdout", "none")]
        parts.append(pairs[(corpus == "none") & ~cited].assign(corpus="independent"))
    else:
        raise ValueError("by must be 'evidence' or 'corpus'")
    return pd.concat([*parts, pairs.assign(**{by: "all"})], ignore_index=True)


def maestri_table(evaluation: MaestriEvaluation, *, by: str = "evidence") -> pd.DataFrame:
    """Per variant and group: exchanges, among candidates, allocated, waiting for a category to be
    confirmed, recall, share allocated, classification top-1 and top-3 (shares in 0-1).

    ``by="evidence"`` groups by :data:`EVIDENCE` (cited by a rule or not); ``by="corpus"`` by
    :data:`CORPUS` (the publication also wrote a corpus case or not).
    """
    groups = _groups(evaluation.pairs, by)
    if groups.empty:
        return pd.DataFrame(columns=["variant", by, "expected"])
    for column in ("candidate", "allocated", "to_confirm", "classified", "top1", "top3"):
        groups[column] = groups[column].fillna(False).astype(bool)
    out = (
        groups.groupby(["variant", by], sort=False)
        .agg(
            expected=("exchange_id", "size"),
            candidates_found=("candidate", "sum"),
            allocated=("allocated", "sum"),
            to_confirm=("to_confirm", "sum"),
            classified=("classified", "sum"),
            top1_hits=("top1", "sum"),
            top3_hits=("top3", "sum"),
        )
        .reset_index()
    )
    out["recall_candidates"] = out["candidates_found"] / out["expected"]
    out["share_allocated"] = out["allocated"] / out["expected"]
    classified = out["classified"].where(out["classified"] > 0)
    out["top1"] = out["top1_hits"] / classified
    out["top3"] = out["top3_hits"] / classified
    order = {g: i for i, g in enumerate(EVIDENCE if by == "evidence" else CORPUS)}
    out = out.sort_values(["variant", by], key=lambda s: s.map(order) if s.name == by else s)
    return out.drop(columns=["top1_hits", "top3_hits"]).reset_index(drop=True)


def _cause_label(cause: str, lang: str) -> str:
    key = f"evaluation.cause.{cause}"
    return t(key, lang) if key in catalogue_keys() else CAUSES[cause].get(lang)


def maestri_cause_table(evaluation: MaestriEvaluation, *, lang: str = "en") -> pd.DataFrame:
    """Missed exchanges per cause (rows, in :data:`CAUSES` order, ``not_selected`` split off as
    :data:`TO_CONFIRM` where the pair waits for a category to be confirmed) and variant × evidence."""
    groups = _groups(evaluation.pairs, "evidence")
    missed = groups[groups["cause"].fillna("") != ""].copy()
    waiting = (missed["cause"] == "not_selected") & missed["to_confirm"].fillna(False).astype(bool)
    missed.loc[waiting, "cause"] = TO_CONFIRM
    if missed.empty:
        return pd.DataFrame(columns=["cause", "label"])
    frame = (
        missed.groupby(["cause", "variant", "evidence"], sort=False)
        .size()
        .unstack(["variant", "evidence"], fill_value=0)
    )
    order = {e: i for i, e in enumerate(EVIDENCE)}
    frame = frame[sorted(frame.columns, key=lambda ve: (ve[0], order[ve[1]]))]
    frame.columns = [f"{v}/{e}" for v, e in frame.columns]
    frame = frame.reindex([c for c in [*CAUSES, TO_CONFIRM] if c in frame.index]).reset_index()
    frame.insert(1, "label", frame["cause"].map(lambda c: _cause_label(c, lang)))
    return frame
