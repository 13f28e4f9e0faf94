"""Read what a report is gathered from: tracked synergies when there are any, else a matching run.

The one place where reports read the database (through the repositories). :func:`load_source`
reads everything once into a :class:`~symbiosis.reports.source.ReportSource`. When the tracked
synergies cannot be read (a database error), the report falls back to a matching run and says so
in its data-quality notes: a grant report never silently turns tracked figures into estimates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from symbiosis.i18n import Text, t
from symbiosis.reports.data import ReportData
from symbiosis.reports.lines import lines_from_ledger, lines_from_result
from symbiosis.reports.source import ReportSource
from symbiosis.reports.territory import Territory
from symbiosis.services.synergy_store import SynergyRepository

__all__ = ["load_source", "match_result", "report_data", "source_fingerprint"]

logger = logging.getLogger(__name__)


def match_result(registry: Any) -> Any:
    """Run the matching pipeline with the default scenario (the proposals of a report or an event)."""
    from symbiosis.engine.config import MatchConfig
    from symbiosis.pipeline import run

    return run(registry, MatchConfig())


@dataclass(frozen=True)
class _Tracked:
    """Synergy lines of the pipeline, the firms that accepted one, and every firm's decisions."""

    lines: pd.DataFrame
    consents: frozenset[str]
    accepted: frozenset[tuple[str, str]]
    declined: frozenset[tuple[str, str]]


def _tracked(repo: Any, actor: Any) -> _Tracked | None:
    """The tracked synergies; None when none is tracked yet (a database error propagates)."""
    from symbiosis.synergy.ledger import ledger_lines

    store = SynergyRepository(repo)
    synergies = store.synergies(actor)
    if synergies.empty:
        return None
    ledger = ledger_lines(synergies, store.verifications(actor))
    consents = store.consents(actor)
    pairs = list(
        zip(
            consents["synergy_id"].astype(str),
            consents["firm_id"].astype(str),
            consents["decision"].astype(str),
            strict=True,
        )
    )
    accepted = frozenset((s, f) for s, f, d in pairs if d == "accept")
    declined = frozenset((s, f) for s, f, d in pairs if d == "decline")
    return _Tracked(
        lines_from_ledger(synergies, ledger), frozenset(f for _, f in accepted), accepted, declined
    )


def _unreadable_note(error: SQLAlchemyError) -> Text:
    """The data-quality note of a report whose tracked synergies could not be read."""
    what = type(error).__name__
    return Text(
        t("reports.note.tracked_unreadable", "fr", error=what),
        t("reports.note.tracked_unreadable", "en", error=what),
    )


def source_fingerprint(repo: Any, actor: Any) -> str:
    """A short hash of what a report reads (firms, streams, synergies, decisions, confirmed periods).

    Cheap next to building the source: a session rebuilds its source only when this changes. When
    the synergy tables cannot be read, the hash covers firms and streams only (and the source read
    with it carries the note that says so).
    """
    h = hashlib.sha256()
    frames = [repo.firms(actor), repo.streams(actor)]
    try:
        store = SynergyRepository(repo)
        synergies = store.synergies(actor)
        frames += [
            synergies.drop(columns=["estimate"]).astype(str),
            store.consents(actor).astype(str),
            store.verifications(actor).astype(str),
        ]
    except SQLAlchemyError:
        logger.warning(
            "synergy tables unreadable: the report fingerprint covers the registry only", exc_info=True
        )
    for frame in frames:
        h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def load_source(
    repo: Any, actor: Any, *, matcher: Callable[[Any], Any] | None = None, registry: Any = None
) -> ReportSource:
    """Read the registry and its synergy lines (tracked synergies, else ``matcher(registry)``).

    ``matcher(registry) -> MatchResult`` runs the matching when no synergy is tracked yet
    (:func:`match_result` by default; the app passes its session-cached run). When the tracked
    synergies cannot be read (a database error), the matching run stands in for them and the
    source's notes say so.
    """
    from symbiosis.engine.factors import load_factors

    registry = registry if registry is not None else repo.load_registry(actor)
    months = registry.streams.set_index("stream_id")["months_mask"] if not registry.streams.empty else None
    notes: tuple[Text, ...] = ()
    try:
        tracked = _tracked(repo, actor)
    except SQLAlchemyError as error:
        logger.warning("tracked synergies unreadable: the report falls back to estimates", exc_info=True)
        tracked, notes = None, (_unreadable_note(error),)
    if tracked is None:
        lines = lines_from_result((matcher or match_result)(registry))
        return ReportSource(
            registry.firms, lines, load_factors(), months=months, source="result", notes=notes
        )
    return ReportSource(
        registry.firms,
        tracked.lines,
        load_factors(),
        consents=tracked.consents,
        accepted=tracked.accepted,
        declined=tracked.declined,
        months=months,
        source="synergies",
    )


def report_data(
    repo: Any,
    actor: Any,
    *,
    territory: Territory,
    period: tuple[dt.date | None, dt.date | None] = (None, None),
    anonymised: bool = False,
    matcher: Callable[[Any], Any] | None = None,
) -> ReportData:
    """Load the source (:func:`load_source`) and gather one report from it."""
    return load_source(repo, actor, matcher=matcher).data(
        territory=territory, period=period, anonymised=anonymised
    )
