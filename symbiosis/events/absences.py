"""One absence as an advisor types it — a slot, slots or hours — read as the event's slots it covers.

An absence was one slot per line: a firm away from 9:00 to 11:30 at an event of 20-minute slots took
eight lines. A cell now reads

* ``3``: the third slot (from 1 on screen), as before;
* ``3-5``: the third to the fifth slot;
* ``9 h 00 – 11 h 30``, ``9:00-11:30``, ``9h à 11h30``: every slot that these hours overlap (a firm
  away for part of a slot cannot meet anyone in it);
* ``10 h 15``: the slot under way at that time.

A bare number is always a slot number; a time carries ``h``, ``:`` or ``.``. The cell is cut at
:data:`MAX_CHARS` before being read (no pattern ever sees a long hostile cell).
"""

from __future__ import annotations

import math

from symbiosis.events.clock import clock_parts

__all__ = ["MAX_CHARS", "AbsenceProblem", "absent_slots"]

#: Longest cell read (« de 10 h 00 à 11 h 30 » is 21 characters).
MAX_CHARS = 40
_DASHES = ("–", "—", "‒", "‑", "−")
_WORDS = (" à ", " a ", " to ", " au ")
_OPENINGS = ("de ", "from ", "entre ", "between ")
_DAY_MINUTES = 24 * 60


class AbsenceProblem(ValueError):  # noqa: N818 (reads as what it is)
    """Why an absence cell does not read.

    Parameters
    ----------
    code
        The ``events.input.<code>.*`` messages that say it.
    values
        What fills them.
    """

    def __init__(self, code: str, values: dict[str, object]) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _ends(cell: object) -> list[str]:
    """The cell cut into its one or two ends (a slot number or a time each), as typed."""
    if isinstance(cell, bool):
        return [str(cell)]
    if isinstance(cell, int | float):  # a number column gives 4.0 for « 4 »
        return [str(int(cell))] if math.isfinite(cell) and cell == int(cell) else [str(cell)]
    text = " ".join(str(cell).split()).lower()
    for opening in _OPENINGS:
        text = text.removeprefix(opening)
    for dash in _DASHES:
        text = text.replace(dash, "-")
    for word in _WORDS:
        text = text.replace(word, "-")
    return [part.strip() for part in text.split("-")]


def _minutes(end: str, slots: int) -> int:
    parts = clock_parts(end)
    if parts is None:
        raise AbsenceProblem("absence_malformed", {"slots": slots})
    hours, minutes = parts
    if minutes > 59 or hours * 60 + minutes > _DAY_MINUTES:
        raise AbsenceProblem("absence_out_of_day", {"time": end})
    return hours * 60 + minutes


def absent_slots(cell: object, *, start: str, slot_minutes: int, slots: int) -> tuple[int, ...]:
    """The slots (from 0) an absence cell covers at an event starting at ``start`` (``HH:MM``).

    Raises
    ------
    AbsenceProblem
        ``slot_range``: a slot number outside 1…``slots``; ``absence_malformed``: neither a slot,
        slots nor hours; ``absence_out_of_day``: a time past « 24 h 00 » or minutes past 59;
        ``absence_reversed``: an end not after its start; ``absence_outside``: hours while the
        event is not on.
    """
    text = str(cell).strip() if not isinstance(cell, int | float) else str(cell)
    if len(text) > MAX_CHARS:
        raise AbsenceProblem("absence_malformed", {"slots": slots})
    ends = _ends(cell)
    if len(ends) > 2 or not all(ends):
        raise AbsenceProblem("absence_malformed", {"slots": slots})
    if all(end.isdigit() for end in ends):  # slot numbers
        first, last = int(ends[0]), int(ends[-1])
        if first > last:
            raise AbsenceProblem("absence_reversed", {"start": ends[0], "end": ends[-1]})
        if first < 1 or last > slots:
            raise AbsenceProblem("slot_range", {"slots": slots})
        return tuple(range(first - 1, last))
    begin_h, begin_m = (int(x) for x in start.split(":"))
    begin = begin_h * 60 + begin_m
    finish = begin + slots * slot_minutes
    times = [_minutes(end, slots) for end in ends]
    if len(times) == 1:  # the slot under way at that time
        times.append(times[0] + 1)
    elif times[0] >= times[1]:
        raise AbsenceProblem("absence_reversed", {"start": _clock(times[0]), "end": _clock(times[1])})
    away_from, away_to = times
    covered = tuple(
        i
        for i in range(slots)
        if begin + i * slot_minutes < away_to and begin + (i + 1) * slot_minutes > away_from
    )
    if not covered:
        raise AbsenceProblem(
            "absence_outside",
            {
                "start": _clock(away_from),
                "end": _clock(away_to if len(ends) == 2 else away_from),
                "event_start": _clock(begin),
                "event_end": _clock(finish),
            },
        )
    return covered
