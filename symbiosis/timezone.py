"""The region's time zone: which one people read dates in, and the local day of a moment stored in UTC.

The registry stores every moment in UTC; people in Saguenay–Lac-Saint-Jean live on Eastern time. What
a person reads (a table's time, a report's generation date) and what a person means by a day (the
period « 1 January – 31 December » of a grant report) are local: a status given on 31 December at
21:00 in Saguenay (02:00 UTC on 1 January) belongs to December. The zone is
``$SYMBIOSIS_TIMEZONE`` (an IANA name), else Eastern time; it is read here, below every layer, so
that the period rule (:mod:`symbiosis.synergy.period`), the reports and the screens share it without
importing SQLAlchemy or Streamlit.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import zoneinfo

import pandas as pd

__all__ = ["DEFAULT_TIMEZONE", "display_timezone", "local_moments", "local_today"]

logger = logging.getLogger(__name__)

#: Time zone dates are read in (Saguenay–Lac-Saint-Jean is on Eastern time).
DEFAULT_TIMEZONE = "America/Toronto"


def display_timezone() -> str:
    """Return the IANA time zone dates are read in: ``$SYMBIOSIS_TIMEZONE``, else Eastern time.

    An unknown name (a typo in the server's environment) falls back to Eastern time with a warning in
    the log: a wrong setting must not stop every screen and report.
    """
    name = os.environ.get("SYMBIOSIS_TIMEZONE", "").strip()
    if not name:
        return DEFAULT_TIMEZONE
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        logger.warning("SYMBIOSIS_TIMEZONE=%r is not an IANA time zone; using %s", name, DEFAULT_TIMEZONE)
        return DEFAULT_TIMEZONE
    return name


def local_moments(values: object, *, timezone: str | None = None) -> pd.Series:
    """Return stored moments as naive wall-clock times of ``timezone`` (the display zone by default).

    Parameters
    ----------
    values
        Timestamps (aware, or naive meaning UTC), ISO texts or missing values; an unreadable one
        becomes ``NaT``.
    timezone
        IANA time zone; :func:`display_timezone` when ``None``.

    Returns
    -------
    pandas.Series
        Naive local times (``.dt.normalize()`` gives the local calendar day), same index as
        ``values`` when it is a Series.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    stamps = pd.to_datetime(series, errors="coerce", utc=True)
    return stamps.dt.tz_convert(timezone or display_timezone()).dt.tz_localize(None)


def local_today(*, timezone: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """Return today's date in ``timezone`` (the display zone by default), whatever the server's zone.

    ``now`` (an aware moment) stands for the current moment in tests.
    """
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(zoneinfo.ZoneInfo(timezone or display_timezone())).date()
