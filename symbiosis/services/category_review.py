"""Confirm a stream's category: the advisor's answer to the classifier's guess.

The stored row is written back as the cells of a streams file and validated again by the importer
with the chosen category (so the kind, the canonical quantity, the density and the hazard follow the
category exactly as an import would set them); the row then stores as ``given`` (a person chose it),
with no score and no runner-ups. A category that cannot measure the row's quantity is refused with
the importer's own message (row, column, what was expected, how to fix it), in French and English,
and nothing is written. The repository records the change in the audit trail.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from symbiosis.db import Actor, NotFound, Repository
from symbiosis.ingest import ImportReport
from symbiosis.services.firm_self_service import validate_stream_rows
from symbiosis.services.importing import ImportContext, default_context
from symbiosis.views.firm_streams import stream_cells

__all__ = ["Confirmation", "confirm_categories", "confirm_category"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation did.

    Parameters
    ----------
    saved
        Whether the stream now stores the chosen category as chosen by a person.
    report
        The importer's report on the row with that category: why it was refused, when it was.
    """

    saved: bool
    report: ImportReport


def _stored(repo: Repository, actor: Actor, stream_id: str) -> pd.Series:
    streams = repo.streams(actor)
    found = streams[streams["stream_id"].astype(str) == stream_id]
    if found.empty:
        raise NotFound(f"no stream {stream_id!r}")
    return found.iloc[0]


def confirm_category(
    repo: Repository,
    actor: Actor,
    stream_id: str,
    category_id: str,
    *,
    lang: str = "fr",
    context: ImportContext | None = None,
) -> Confirmation:
    """Set ``stream_id``'s category to ``category_id``, confirmed by a person; say whether it was.

    Parameters
    ----------
    repo, actor
        The registry, and who confirms (an advisor, or the firm for its own stream).
    stream_id
        The stream.
    category_id
        The category chosen: its current one (a confirmation), a runner-up, or any other.
    lang
        Language of the report's messages.
    context
        Reference tables (the shipped knowledge base by default).

    Returns
    -------
    Confirmation
        ``saved`` when the row was written; otherwise ``report`` says why not. A category the
        importer would replace (one that cannot measure the row's unit) is refused, never replaced:
        the advisor chose it.

    Raises
    ------
    NotFound
        No such stream (for an actor who reads every firm).
    PermissionDenied
        The actor may not change this stream.
    """
    stream = _stored(repo, actor, stream_id)
    cells = stream_cells({str(k): v for k, v in stream.items()}, lang)
    cells["category_id"] = category_id
    result = validate_stream_rows([cells], str(stream["firm_id"]), lang=lang, context=context)
    valid = result.valid
    kept = (
        len(valid) == 1
        and str(valid["category_id"].iloc[0]) == category_id
        and str(valid["category_source"].iloc[0]) == "given"
    )
    if not kept:
        return Confirmation(False, result.report)
    repo.upsert_streams(actor, valid)
    logger.info(
        "stream %s: category %s confirmed (was %s, %s)",
        stream_id,
        category_id,
        stream["category_id"],
        stream["category_source"],
    )
    return Confirmation(True, result.report)


def confirm_categories(
    repo: Repository,
    actor: Actor,
    choices: Mapping[str, str],
    *,
    lang: str = "fr",
    context: ImportContext | None = None,
) -> dict[str, Confirmation]:
    """Confirm several streams' categories (``stream_id → category_id``), one audited write each.

    A stream refused (or gone meanwhile) does not stop the others; its :class:`Confirmation` says
    why (a stream deleted meanwhile reads as not saved, with an empty report).
    """
    context = context or default_context()
    out: dict[str, Confirmation] = {}
    for stream_id, category_id in choices.items():
        try:
            out[stream_id] = confirm_category(repo, actor, stream_id, category_id, lang=lang, context=context)
        except NotFound:
            out[stream_id] = Confirmation(False, ImportReport(issues=(), n_rows=1, n_valid=0))
    return out
