"""What the advisor's category review shows: categories the classifier chose, and what waits on them.

A stream imported without a category gets the classifier's best guess (``category_source``
``inferred``), or a typed category that could not measure the row's unit was replaced
(``corrected``). The engine matches such a stream under its runner-up categories too, but holds
those candidates back (``category_alternative``) until a person confirms the category. This module
lists the streams to confirm, least sure first, and counts for each category offered how many
partners wait on it, so that the advisor confirms where it matters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from symbiosis.i18n import t, tn
from symbiosis.schemas import UNCONFIRMED_CATEGORY_SOURCES

__all__ = [
    "REVIEW_COLUMNS",
    "REVIEW_WIDTHS",
    "TO_CONFIRM",
    "bulk_summary",
    "category_choices",
    "category_label",
    "choice_label",
    "partners_waiting",
    "review_summary",
    "review_table",
    "review_widths",
    "streams_to_confirm",
    "sure_enough",
]

#: Category sources a person has not confirmed.
TO_CONFIRM: tuple[str, ...] = UNCONFIRMED_CATEGORY_SOURCES


def _scores(streams: pd.DataFrame) -> pd.Series:
    """The classifier's confidence of each stream's category (NaN where none is recorded)."""
    if "category_score" not in streams:
        return pd.Series(float("nan"), index=streams.index)
    return pd.to_numeric(streams["category_score"], errors="coerce")


def streams_to_confirm(streams: pd.DataFrame) -> pd.DataFrame:
    """The streams whose category a person has not confirmed, least sure first (then by id)."""
    if streams.empty or "category_source" not in streams:
        return streams.iloc[0:0]
    pending = streams[streams["category_source"].astype(str).isin(TO_CONFIRM)]
    score = _scores(pending).fillna(0.0)
    order = pd.DataFrame({"score": score.to_numpy(), "id": pending["stream_id"].astype(str).to_numpy()})
    return pending.iloc[order.sort_values(["score", "id"], kind="stable").index.to_numpy()]


def sure_enough(pending: pd.DataFrame, min_score: float) -> list[str]:
    """Ids of the streams whose chosen category has a confidence of at least ``min_score`` (0–1)."""
    if pending.empty:
        return []
    return pending.loc[_scores(pending).fillna(-1.0) >= min_score, "stream_id"].astype(str).tolist()


def category_choices(stream: pd.Series | dict) -> list[str]:
    """The categories to offer for one stream: its current one, then its runner-ups, in order."""
    current = str(stream.get("category_id") or "")
    runner_ups = [c for c in str(stream.get("category_alternatives") or "").split("|") if c]
    return list(dict.fromkeys([c for c in (current, *runner_ups) if c]))


def partners_waiting(candidates: pd.DataFrame, streams: pd.DataFrame) -> pd.Series:
    """Candidates held back for confirmation, by (stream, runner-up category the stream would need).

    A candidate flagged ``category_alternative`` was found under a runner-up category of its supply,
    its demand or both; it counts for each side matched under a category other than its own.
    """
    needed = {"category_alternative", "supply_id", "demand_id", "supply_category_id", "demand_category_id"}
    empty = pd.Series(
        dtype="int64", index=pd.MultiIndex.from_arrays([[], []], names=["stream_id", "category_id"])
    )
    if candidates.empty or not needed <= set(candidates):
        return empty
    held = candidates[candidates["category_alternative"].fillna(False).astype(bool)]
    unique = streams.drop_duplicates("stream_id")
    own = pd.Series(unique["category_id"].astype(str).to_numpy(), index=unique["stream_id"].astype(str))
    sides = [
        held[[f"{side}_id", f"{side}_category_id"]].set_axis(["stream_id", "category_id"], axis=1)
        for side in ("supply", "demand")
    ]
    frame = pd.concat(sides, ignore_index=True).astype(str)
    frame = frame[frame["category_id"] != frame["stream_id"].map(own).astype(str)]
    if frame.empty:
        return empty
    return frame.groupby(["stream_id", "category_id"]).size().astype("int64")


def _waiting_for(waiting: pd.Series, stream_id: str, category_id: str) -> int:
    try:
        return int(waiting.loc[(stream_id, category_id)])
    except KeyError:
        return 0


def _labels(categories: pd.DataFrame, lang: str) -> pd.Series:
    column = "label_en" if lang == "en" else "label_fr"
    frame = categories.drop_duplicates("category_id")
    return pd.Series(frame[column].to_numpy(), index=frame["category_id"].astype(str))


def category_label(category_id: str, categories: pd.DataFrame, lang: str = "fr") -> str:
    """A category's label in ``lang`` (its id when the knowledge base does not list it)."""
    return str(_labels(categories, lang).get(category_id, category_id))


def choice_label(
    stream: pd.Series | dict, category_id: str, categories: pd.DataFrame, waiting: pd.Series, lang: str = "fr"
) -> str:
    """A category as the selector shows it: its label, "current" for the stream's own, and the partners
    that wait on it (a runner-up's held-back candidates)."""
    label = category_label(category_id, categories, lang)
    if category_id == str(stream.get("category_id") or ""):
        return t("review.choice.current", lang, label=label)
    n = _waiting_for(waiting, str(stream.get("stream_id")), category_id)
    return tn("review.choice.runner_up", n, lang, label=label)


#: The review table's columns, what the advisor decides on first: whose stream, the category chosen,
#: how sure, the alternatives and who waits on them fit a 1280 px screen beside the sidebar; the
#: firm's own words and how the category was set follow, to scroll to.
REVIEW_COLUMNS = (
    "firm",
    "category",
    "score",
    "runner_ups",
    "waiting",
    "description",
    "quantity",
    "direction",
    "how",
)
#: Width in pixels of each column of :data:`REVIEW_COLUMNS` (the first five add up to 770 px: a
#: 1280 px screen leaves the table 818 px beside the sidebar).
REVIEW_WIDTHS: Mapping[str, int] = {
    "firm": 150,
    "category": 170,
    "score": 90,
    "runner_ups": 200,
    "waiting": 160,
    "description": 320,
    "quantity": 110,
    "direction": 80,
    "how": 170,
}


def review_widths(lang: str = "fr") -> dict[str, int]:
    """The width of each column of :func:`review_table`, by its header in ``lang``."""
    return {t(f"review.col.{c}", lang): REVIEW_WIDTHS[c] for c in REVIEW_COLUMNS}


def review_table(
    pending: pd.DataFrame,
    firms: pd.DataFrame,
    categories: pd.DataFrame,
    waiting: pd.Series,
    lang: str = "fr",
) -> pd.DataFrame:
    """One display row per stream to confirm: firm, direction, the firm's words, the category chosen and
    how sure the classifier was, the runner-ups, and the partners waiting on them."""
    names = firms.drop_duplicates("firm_id").set_index("firm_id")["name"]
    labels = _labels(categories, lang)
    directions = {"supply": t("review.supply", lang), "demand": t("review.demand", lang)}
    rows = []
    for stream in pending.to_dict(orient="records"):
        choices = category_choices(stream)
        runner_ups = choices[1:]
        score = pd.to_numeric(pd.Series([stream.get("category_score")]), errors="coerce").iloc[0]
        waiting_total = sum(_waiting_for(waiting, str(stream["stream_id"]), c) for c in runner_ups)
        rows.append(
            {
                t("review.col.firm", lang): names.get(stream["firm_id"], stream["firm_id"]),
                t("review.col.direction", lang): directions.get(
                    str(stream["direction"]), stream["direction"]
                ),
                t("review.col.description", lang): str(stream.get("description") or ""),
                t("review.col.quantity", lang): f"{stream.get('quantity_as_typed') or ''} "
                f"{stream.get('unit_as_typed') or ''}".strip(),
                t("review.col.category", lang): labels.get(str(stream["category_id"]), stream["category_id"]),
                t("review.col.how", lang): t(f"review.source.{stream['category_source']}", lang),
                t("review.col.score", lang): None
                if pd.isna(score) or math.isinf(score)
                else round(100 * score),
                t("review.col.runner_ups", lang): " · ".join(str(labels.get(c, c)) for c in runner_ups),
                t("review.col.waiting", lang): waiting_total,
            }
        )
    columns = [t(f"review.col.{c}", lang) for c in REVIEW_COLUMNS]
    index = pd.Index(pending["stream_id"].astype(str).to_numpy(), name="stream_id")
    return pd.DataFrame(rows, columns=columns, index=index)


def review_summary(pending: pd.DataFrame, waiting: pd.Series, lang: str = "fr") -> str:
    """One sentence: how many categories wait for confirmation, and how many partners wait on them."""
    ids = set(pending["stream_id"].astype(str)) if len(pending) else set()
    held = int(sum(n for (stream_id, _), n in waiting.items() if stream_id in ids)) if len(waiting) else 0
    return t(
        "review.summary",
        lang,
        streams=tn("review.summary.streams", len(pending), lang),
        partners=tn("review.summary.partners", held, lang),
    )


def bulk_summary(saved: int, refused: int, lang: str = "fr") -> str:
    """What a bulk confirmation did: « 3 catégories confirmées ; 1 refusée (voir la liste). », or only
    the confirmed ones when none was refused."""
    done = tn("review.bulk.done.saved", saved, lang)
    if not refused:
        return t("review.bulk.done_all", lang, saved=done)
    return t("review.bulk.done", lang, saved=done, refused=tn("review.bulk.done.refused", refused, lang))
