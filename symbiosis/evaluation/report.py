"""Tables of an evaluation: one row per case and mode, totals per split and language, and miss causes.

Totals are pooled over exchanges (a case with 40 documented exchanges weighs four times one with
10), which is what "share of the documented exchanges found" means.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from symbiosis.evaluation.harness import CAUSES, CaseEvaluation

__all__ = ["case_table", "cause_table", "format_table", "miss_table", "total_table"]

_COUNTS = (
    "expected",
    "candidates_found",
    "allocated",
    "forbidden",
    "forbidden_candidates",
    "forbidden_proposed",
    "streams",
    "streams_rejected",
)


def case_table(evaluations: Sequence[CaseEvaluation]) -> pd.DataFrame:
    """One row per case and mode (:meth:`CaseEvaluation.summary`)."""
    return pd.DataFrame([e.summary() for e in evaluations])


def total_table(
    evaluations: Sequence[CaseEvaluation], *, by: Sequence[str] = ("mode", "split", "language")
) -> pd.DataFrame:
    """Pooled figures per group (default: mode × split × language), plus an ``all`` language row per
    mode and split."""
    cases = case_table(evaluations)
    if cases.empty:
        return cases
    classification = pd.concat(
        [e.classification.assign(mode=e.mode, split=e.split, language=e.language) for e in evaluations],
        ignore_index=True,
    )
    frames = [cases]
    if "language" in by:
        frames.append(cases.assign(language="all"))
    pooled = pd.concat(frames, ignore_index=True)
    keys = list(by)
    out = pooled.groupby(keys, sort=True)[list(_COUNTS)].sum().reset_index()
    out["recall_candidates"] = out["candidates_found"] / out["expected"]
    out["share_allocated"] = out["allocated"] / out["expected"]
    if len(classification):
        classes = pd.concat(
            [classification, classification.assign(language="all")] if "language" in by else [classification],
            ignore_index=True,
        )
        acc = classes.groupby(keys)[["top1", "top3"]].mean().reset_index()
        acc["classified"] = classes.groupby(keys).size().to_numpy()
        out = out.merge(acc, on=keys, how="left")
    return out


def cause_table(evaluations: Sequence[CaseEvaluation], *, lang: str = "en") -> pd.DataFrame:
    """Missed expected pairs per cause, per mode and split (rows: causes in :data:`CAUSES` order)."""
    rows = []
    for e in evaluations:
        for cause, n in e.causes().items():
            rows.append({"mode": e.mode, "split": e.split, "cause": cause, "n": n})
    if not rows:
        return pd.DataFrame(columns=["cause", "label"])
    frame = pd.DataFrame(rows).pivot_table(
        index="cause", columns=["mode", "split"], values="n", aggfunc="sum", fill_value=0
    )
    frame.columns = [f"{m}/{s}" if s else m for m, s in frame.columns]
    frame = frame.reindex([c for c in CAUSES if c in frame.index]).reset_index()
    frame.insert(1, "label", frame["cause"].map(lambda c: CAUSES[c].get(lang)))
    return frame


def miss_table(evaluations: Sequence[CaseEvaluation]) -> pd.DataFrame:
    """Every expected pair not allocated, with its case, mode and cause."""
    parts = [
        e.pairs[e.pairs["cause"] != ""].assign(case=e.case, mode=e.mode, split=e.split) for e in evaluations
    ]
    if not parts:
        return pd.DataFrame(columns=["case", "mode", "split", "supply_id", "demand_id", "cause"])
    return pd.concat(parts, ignore_index=True)[
        ["case", "mode", "split", "supply_id", "demand_id", "candidate", "cause"]
    ]


def format_table(frame: pd.DataFrame) -> str:
    """A plain-text table (shares as percentages) for a terminal or a Markdown code block."""
    shown = frame.copy()
    for col in ("recall_candidates", "share_allocated", "top1", "top3"):
        if col in shown:
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{100 * v:.1f} %")
    if "candidates_per_expected" in shown:
        shown["candidates_per_expected"] = shown["candidates_per_expected"].map(lambda v: f"{v:.1f}")
    return shown.to_string(index=False)
