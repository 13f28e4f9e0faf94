"""Which synergies fall in a period: the date of their current status decides, in every screen and report.

One rule for the program manager's dashboard and reports (:func:`symbiosis.reports.data.gather_report`)
and the advisor's pipeline: a synergy belongs to the period ``[start, end]`` (both days included)
when its current status was given on one of those days (``status_changed_at``, read as a UTC
date); a line without a date (an engine proposal not tracked yet) belongs to every period. An open
side (``None``) does not limit.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["Period", "in_period", "synergies_in_period"]

#: ``(start, end)``, both days included; ``None`` leaves that side open.
Period = tuple[dt.date | None, dt.date | None]


def in_period(dates: pd.Series, start: dt.date | None, end: dt.date | None) -> pd.Series:
    """Return, for each date of ``dates``, whether it lies in ``[start, end]`` (missing: always).

    ``dates`` may hold timestamps (aware or naive UTC), ISO texts or missing values; an unreadable
    one counts as missing.
    """
    stamps = pd.to_datetime(dates, errors="coerce", utc=True).dt.tz_localize(None)
    keep = pd.Series(True, index=dates.index)
    if start is not None:
        keep &= stamps.isna() | (stamps >= pd.Timestamp(start))
    if end is not None:
        keep &= stamps.isna() | (stamps < pd.Timestamp(end) + pd.Timedelta(days=1))
    return keep


def synergies_in_period(synergies: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Return the tracked synergies whose current status was given within ``period`` (same order)."""
    return synergies[in_period(synergies["status_changed_at"], *period)]
