"""Moments stored in UTC, shown in the region's time (Eastern time, or ``$SYMBIOSIS_TIMEZONE``)."""

from __future__ import annotations

import pandas as pd

from symbiosis.timezone import DEFAULT_TIMEZONE, display_timezone, local_moments

__all__ = ["DEFAULT_TIMEZONE", "display_timezone", "local_times"]


def local_times(values: object) -> pd.Series:
    """Return stored moments (UTC text, timestamps, aware or naive UTC) as naive local times for a table.

    A table cell has no time zone: the wall-clock time of the region is what a reader expects (an
    action at 16:14 in Saguenay reads 16:14, not 21:14). The zone is :mod:`symbiosis.timezone`'s, the
    one the period rule reads days in.
    """
    return local_moments(values)
