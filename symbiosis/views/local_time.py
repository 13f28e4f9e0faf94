"""Moments stored in UTC, shown in the region's time (Eastern time, or ``$SYMBIOSIS_TIMEZONE``)."""

from __future__ import annotations

import os

import pandas as pd

__all__ = ["DEFAULT_TIMEZONE", "display_timezone", "local_times"]

#: Time zone the app shows dates in (Saguenay–Lac-Saint-Jean is on Eastern time).
DEFAULT_TIMEZONE = "America/Toronto"


def display_timezone() -> str:
    """Return the IANA time zone dates are shown in: ``$SYMBIOSIS_TIMEZONE``, else Eastern time.

    The registry stores every moment in UTC; only what a person reads is converted. (Read here, not in
    :mod:`symbiosis.settings`, which imports SQLAlchemy: views stay free of it.)
    """
    return os.environ.get("SYMBIOSIS_TIMEZONE") or DEFAULT_TIMEZONE


def local_times(values: object) -> pd.Series:
    """Return stored moments (UTC text, timestamps, aware or naive UTC) as naive local times for a table.

    A table cell has no time zone: the wall-clock time of the region is what a reader expects (an
    action at 16:14 in Saguenay reads 16:14, not 21:14).
    """
    stamps = pd.to_datetime(pd.Series(values), utc=True)
    return stamps.dt.tz_convert(display_timezone()).dt.tz_localize(None)
