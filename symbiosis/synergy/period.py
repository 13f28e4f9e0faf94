"""Which synergies fall in a period: the local day of their current status decides, everywhere.

One rule for the program manager's dashboard and reports (:func:`symbiosis.reports.data.gather_report`),
the ``symbiosis report`` command and the advisor's pipeline: a synergy belongs to the period
``[start, end]`` (both days included) when its current status was given on one of those days
**in the region's time** (``status_changed_at``, stored in UTC, read in
:func:`symbiosis.timezone.display_timezone`, Eastern time by default): a status given on 31 December
at 21:00 in Saguenay (02:00 UTC on 1 January) belongs to December's year, as the person who gave it
and the funder reading the report both expect. A line without a date (an engine proposal not tracked
yet) belongs to every period. An open side (``None``) does not limit.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from symbiosis.timezone import local_moments

__all__ = ["Period", "in_period", "synergies_in_period"]

#: ``(start, end)``, both days included; ``None`` leaves that side open.
Period = tuple[dt.date | None, dt.date | None]


def in_period(
    dates: pd.Series, start: dt.date | None, end: dt.date | None, *, timezone: str | None = None
) -> pd.Series:
    """Return, for each moment of ``dates``, whether its local day lies in ``[start, end]`` (missing: always).

    Parameters
    ----------
    dates
        Timestamps (aware, or naive meaning UTC, as the registry stores them), ISO texts or missing
        values; an unreadable one counts as missing.
    start, end
        First and last day of the period, both included; ``None`` leaves that side open.
    timezone
        IANA time zone whose calendar days count; the display zone when ``None``.
    """
    stamps = local_moments(dates, timezone=timezone)
    keep = pd.Series(True, index=dates.index)
    if start is not None:
        keep &= stamps.isna() | (stamps >= pd.Timestamp(start))
    if end is not None:
        keep &= stamps.isna() | (stamps < pd.Timestamp(end) + pd.Timedelta(days=1))
    return keep


def synergies_in_period(
    synergies: pd.DataFrame, period: Period, *, timezone: str | None = None
) -> pd.DataFrame:
    """Return the tracked synergies whose current status was given within ``period`` (same order)."""
    return synergies[in_period(synergies["status_changed_at"], *period, timezone=timezone)]
