"""The start time of an event as people write it in Québec: « 9 h », « 9 h 30 », « 13h », « 09:00 ».

:class:`~symbiosis.events.agenda.Timing` keeps the ISO ``HH:MM``; :func:`read_start` turns what an
advisor typed into it (the Office québécois de la langue française writes « 9 h 30 »; a form that
accepted only « 09:30 » refused the usual French spelling).
"""

from __future__ import annotations

import re

__all__ = ["clock_parts", "read_start"]

#: Hours, then optionally a separator and minutes; no two adjacent ``\s*`` (the text is stripped
#: first), so that a cell of spaces is read in linear time (tests/test_reliability_regex.py).
_CLOCK = re.compile(r"^(?P<h>\d{1,2})(?:\s*[h:.]\s*(?P<m>\d{2})?)?$", re.IGNORECASE)


def read_start(text: str) -> str:
    """Return ``text`` as ``HH:MM``: « 9 h 30 », « 9h30 », « 9:30 », « 9.30 », « 9 h » and « 9 » all read.

    Raises
    ------
    ValueError
        Not a time of day (« 25:99 », « midi », an empty text).

    Examples
    --------
    >>> read_start("9 h 30")
    '09:30'
    >>> read_start("13h")
    '13:00'
    """
    parts = clock_parts(text)
    if parts is None:
        raise ValueError(f"not a time of day: {text[:40]!r}")
    hours, minutes = parts
    if hours > 23 or minutes > 59:
        raise ValueError(f"not a time of day: {text[:40]!r}")
    return f"{hours:02d}:{minutes:02d}"


def clock_parts(text: str) -> tuple[int, int] | None:
    """The hours and minutes written in ``text`` (« 9 h 30 », « 9h », « 09:30 », « 9 »), unchecked, else None.

    « 25:99 » reads ``(25, 99)``: the caller says what is out of the day (a start, an absence's end at
    « 24 h »…).
    """
    match = _CLOCK.match(str(text).strip()[:20])
    if match is None:
        return None
    return int(match["h"]), int(match["m"] or 0)
