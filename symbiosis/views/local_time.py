"""Moments stored in UTC, shown in the region's time (:func:`symbiosis.settings.display_timezone`)."""

from __future__ import annotations

import pandas as pd

from symbiosis.settings import display_timezone

__all__ = ["local_times"]


def local_times(values: object) -> pd.Series:
    """Return stored moments (UTC text, timestamps, aware or naive UTC) as naive local times for a table.

    A table cell has no time zone: the wall-clock time of the region is what a reader expects (an
    action at 16:14 in Saguenay reads 16:14, not 21:14).
    """
    stamps = pd.to_datetime(pd.Series(values), utc=True)
    return stamps.dt.tz_convert(display_timezone()).dt.tz_localize(None)
