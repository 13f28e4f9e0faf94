"""What a report is gathered from, read once: :class:`ReportSource`.

The source is read by :func:`symbiosis.services.report_source.load_source` (tracked synergies when
there are any, else a matching run); the dashboard, the reports page, the command line and every
exported file then gather their figures from that one source, so that they cannot disagree for the
same period and territory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd

from symbiosis.i18n import Text
from symbiosis.reports.data import ReportData, gather_report
from symbiosis.reports.territory import Territory

__all__ = ["ReportSource"]

#: Gathered reports a source keeps (period × territory × mode combinations of one session).
_KEPT = 32


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
    notes
        Data-quality notes about the reading itself (e.g. tracked synergies that could not be
        read), added to every gathered report's notes.
    """

    firms: pd.DataFrame
    lines: pd.DataFrame
    factors: pd.DataFrame
    consents: frozenset[str] | None = None
    accepted: frozenset[tuple[str, str]] | None = None
    declined: frozenset[tuple[str, str]] = frozenset()
    months: pd.Series | None = None
    source: str = "result"
    notes: tuple[Text, ...] = ()
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
        if self.notes:
            data = dataclasses.replace(data, notes=data.notes + self.notes)
        self._memo[key] = data
        while len(self._memo) > _KEPT:
            self._memo.popitem(last=False)
        return data
