"""Where a report's synergy lines come from: tracked synergies when there are any, else a matching run.

The only module of :mod:`symbiosis.reports` that reads the database (through the repositories).
:func:`load_source` reads everything once into a :class:`ReportSource`; the dashboard, the reports
page, the command line and every exported file then gather their figures from that one source, so
that they cannot disagree for the same period and territory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from symbiosis.reports.data import ReportData, gather_report
from symbiosis.reports.lines import lines_from_ledger, lines_from_result
from symbiosis.reports.territory import Territory

__all__ = [
    "ReportSource",
    "load_source",
    "match_result",
    "report_data",
    "source_fingerprint",
    "tracked_lines",
]

logger = logging.getLogger(__name__)
#: Gathered reports a source keeps (period × territory × mode combinations of one session).
_KEPT = 32


def match_result(registry: Any) -> Any:
    """Run the matching pipeline with the default scenario (the proposals of a report or an event)."""
    from symbiosis.engine.config import MatchConfig
    from symbiosis.pipeline import run

    return run(registry, MatchConfig())


@dataclass(frozen=True)
class ReportSource:
    """Everything reports are gathered from, read once: firms, synergy lines, factors, decisions.

    Parameters
    ----------
    firms
        The registry's firms.
    lines
        Synergy lines (:mod:`symbiosis.reports.lines`).
    factors
        The emission-factor table the figures used.
    consents
        Firms that accepted at least one synergy (None before any synergy is tracked).
    accepted, declined
        ``(synergy_id, firm_id)`` decisions of the firms.
    months
        ``stream_id → months_mask`` for the monthly profile.
    source
        ``"result"`` or ``"synergies"``.
    """

    firms: pd.DataFrame
    lines: pd.DataFrame
    factors: pd.DataFrame
    consents: frozenset[str] | None = None
    accepted: frozenset[tuple[str, str]] | None = None
    declined: frozenset[tuple[str, str]] = frozenset()
    months: pd.Series | None = None
    source: str = "result"
    _memo: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)

    def data(
        self,
        *,
        territory: Territory | None = None,
        period: tuple[dt.date | None, dt.date | None] = (None, None),
        anonymised: bool = False,
        today: dt.date | None = None,
    ) -> ReportData:
        """Return :func:`~symbiosis.reports.data.gather_report` of this source (once per arguments)."""
        key = ((territory or Territory()).spec, period, anonymised, today)
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        data = gather_report(
            self.firms,
            self.lines,
            self.factors,
            territory=territory,
            period=period,
            anonymised=anonymised,
            consents=self.consents,
            accepted=self.accepted,
            declined=self.declined,
            months=self.months,
            source=self.source,
            today=today,
        )
        self._memo[key] = data
        while len(self._memo) > _KEPT:
            self._memo.popitem(last=False)
        return data


def tracked_lines(repo: Any, actor: Any) -> tuple[pd.DataFrame, set[str]] | None:
    """Lines and consenting firms from the synergy pipeline; None when no synergy is tracked yet.

    A firm's consent is recorded when it has accepted at least one synergy.
    """
    tracked = _tracked(repo, actor)
    if tracked is None:
        return None
    lines, consents, _, _ = tracked
    return lines, consents


def _tracked(repo: Any, actor: Any) -> tuple[pd.DataFrame, set[str], set, set] | None:
    try:
        from symbiosis.services.synergy_store import SynergyRepository
        from symbiosis.synergy.ledger import ledger_lines
    except ImportError:
        return None
    store = SynergyRepository(repo)
    try:
        synergies = store.synergies(actor)
    except Exception:  # tables not migrated yet: no tracked synergy
        logger.debug("no synergy table", exc_info=True)
        return None
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
    accepted = {(s, f) for s, f, d in pairs if d == "accept"}
    declined = {(s, f) for s, f, d in pairs if d == "decline"}
    return lines_from_ledger(synergies, ledger), {f for _, f in accepted}, accepted, declined


def source_fingerprint(repo: Any, actor: Any) -> str:
    """A short hash of what a report reads (firms, streams, synergies, decisions, confirmed periods).

    Cheap next to building the source: a session rebuilds its source only when this changes.
    """
    from symbiosis.services.synergy_store import SynergyRepository

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
    except Exception:  # no synergy table yet
        logger.debug("no synergy table", exc_info=True)
    for frame in frames:
        h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def load_source(
    repo: Any, actor: Any, *, matcher: Callable[[Any], Any] | None = None, registry: Any = None
) -> ReportSource:
    """Read the registry and its synergy lines (tracked synergies, else ``matcher(registry)``).

    ``matcher(registry) -> MatchResult`` runs the matching when no synergy is tracked yet
    (:func:`match_result` by default; the app passes its session-cached run).
    """
    from symbiosis.engine.factors import load_factors

    registry = registry if registry is not None else repo.load_registry(actor)
    months = registry.streams.set_index("stream_id")["months_mask"] if not registry.streams.empty else None
    tracked = _tracked(repo, actor)
    if tracked is None:
        lines = lines_from_result((matcher or match_result)(registry))
        return ReportSource(registry.firms, lines, load_factors(), months=months, source="result")
    lines, consents, accepted, declined = tracked
    return ReportSource(
        registry.firms,
        lines,
        load_factors(),
        consents=frozenset(consents),
        accepted=frozenset(accepted),
        declined=frozenset(declined),
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
