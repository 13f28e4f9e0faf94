"""Pin the moment :mod:`symbiosis.timezone` reads as now, to test the region's local day on a UTC machine."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

import symbiosis.timezone

#: 30 June 2025 at 23:30 in Saguenay, already 1 July in UTC: the evening where the two days differ.
EVENING_UTC = dt.datetime(2025, 7, 1, 3, 30, tzinfo=dt.UTC)


def pin_utc(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime = EVENING_UTC) -> None:
    """Make :func:`symbiosis.timezone.local_today` read ``moment`` (aware) as the current moment."""

    class _Pinned(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return moment.astimezone(tz) if tz else moment.astimezone(dt.UTC).replace(tzinfo=None)

    clock = SimpleNamespace(datetime=_Pinned, date=dt.date, UTC=dt.UTC)
    monkeypatch.setattr(symbiosis.timezone, "dt", clock)
