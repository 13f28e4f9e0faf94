"""Where a report's synergy lines come from: tracked synergies when there are any, else a matching run.

The only module of :mod:`symbiosis.reports` that reads the database (through the repositories).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pandas as pd

from symbiosis.reports.data import ReportData, gather_report
from symbiosis.reports.lines import lines_from_ledger, lines_from_result
from symbiosis.reports.territory import Territory

__all__ = ["match_result", "report_data", "tracked_lines"]

logger = logging.getLogger(__name__)


def match_result(registry: Any) -> Any:
    """Run the matching pipeline with the default scenario (the proposals of a report or an event)."""
    from symbiosis.engine.config import MatchConfig
    from symbiosis.pipeline import run

    return run(registry, MatchConfig())


def tracked_lines(repo: Any, actor: Any) -> tuple[pd.DataFrame, set[str]] | None:
    """Lines and consenting firms from the synergy pipeline; None when no synergy is tracked yet.

    A firm's consent is recorded when it has accepted at least one synergy.
    """
    try:
        from symbiosis.synergy.ledger import ledger_lines
        from symbiosis.synergy.store import SynergyRepository
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
    accepted = set(consents.loc[consents["decision"].eq("accept"), "firm_id"].astype(str))
    return lines_from_ledger(synergies, ledger), accepted


def report_data(repo: Any, actor: Any, *, territory: Territory,
                period: tuple[dt.date | None, dt.date | None] = (None, None),
                anonymised: bool = False, matcher: Callable[[Any], Any] | None = None) -> ReportData:
    """Load the registry and its synergy lines, then :func:`~symbiosis.reports.data.gather_report`.

    ``matcher(registry) -> MatchResult`` runs the matching when no synergy is tracked yet
    (:func:`match_result` by default; the app passes its session-cached run).
    """
    from symbiosis.engine.factors import load_factors

    registry = repo.load_registry(actor)
    tracked = tracked_lines(repo, actor)
    if tracked is None:
        lines, consents, source = lines_from_result((matcher or match_result)(registry)), None, "result"
    else:
        (lines, consents), source = tracked, "synergies"
    return gather_report(registry.firms, lines, load_factors(), territory=territory, period=period,
                         anonymised=anonymised, consents=consents, source=source)
