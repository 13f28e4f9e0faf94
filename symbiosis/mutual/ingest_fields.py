"""Cell readers of the mutualisation files: weekdays, day periods, pickup frequency, a time window.

Each ``read_*`` takes the cell text and returns ``(value, problems)`` like
:mod:`symbiosis.ingest.fields`; words are accepted in French and English.
"""

from __future__ import annotations

import re

from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.ingest.fields import fold

__all__ = ["ALL_WEEKDAYS", "read_days", "read_frequency", "read_periods", "read_window"]

ALL_WEEKDAYS = 0b0011111
_DAYS = {
    **dict.fromkeys(["lun", "lundi", "mon", "monday", "lu", "l"], 0),
    **dict.fromkeys(["mar", "mardi", "tue", "tues", "tuesday", "ma"], 1),
    **dict.fromkeys(["mer", "mercredi", "wed", "wednesday", "me"], 2),
    **dict.fromkeys(["jeu", "jeudi", "thu", "thur", "thurs", "thursday", "je"], 3),
    **dict.fromkeys(["ven", "vendredi", "fri", "friday", "ve"], 4),
    **dict.fromkeys(["sam", "samedi", "sat", "saturday", "sa"], 5),
    **dict.fromkeys(["dim", "dimanche", "sun", "sunday", "di"], 6),
    **{str(d + 1): d for d in range(7)},
}
_WEEKDAY_WORDS = {"semaine", "en semaine", "jours ouvrables", "weekdays", "weekday", "business days"}
_EVERY_DAY = {"tous les jours", "7 jours", "every day", "daily", "all week", "toute la semaine"}
_PERIODS = {
    **dict.fromkeys(["matin", "am", "a.m", "morning", "avant-midi", "avant midi", "am only"], 0b01),
    **dict.fromkeys(["apres-midi", "apres midi", "pm", "p.m", "afternoon"], 0b10),
    **dict.fromkeys(
        [
            "journee",
            "jour",
            "journee complete",
            "both",
            "all day",
            "day",
            "full day",
            "am et pm",
            "am/pm",
            "matin et apres-midi",
            "am and pm",
            "les deux",
        ],
        0b11,
    ),
}
_FREQUENCY = {
    **dict.fromkeys(
        [
            "hebdomadaire",
            "chaque semaine",
            "1/semaine",
            "1 fois par semaine",
            "weekly",
            "every week",
            "1/week",
            "once a week",
            "semaine",
            "1",
        ],
        1,
    ),
    **dict.fromkeys(
        [
            "aux 2 semaines",
            "aux deux semaines",
            "toutes les 2 semaines",
            "bimensuelle",
            "2 semaines",
            "every 2 weeks",
            "every other week",
            "biweekly",
            "fortnightly",
            "2",
        ],
        2,
    ),
    **dict.fromkeys(
        [
            "aux 4 semaines",
            "toutes les 4 semaines",
            "mensuelle",
            "mensuel",
            "1/mois",
            "1 fois par mois",
            "4 semaines",
            "every 4 weeks",
            "monthly",
            "once a month",
            "1/month",
            "4",
        ],
        4,
    ),
}
_TIME = re.compile(r"^(\d{1,2})(?:\s*[h:]\s*(\d{2})?)?$")
# A run of spaces is tried from its first character only and never given back: linear on any cell.
_RANGE = re.compile(r"(?<!\s)\s*+(?:-|–|\ba\b|\bau\b|\bto\b)\s*+")
_SEPARATOR = re.compile(r"(?<!\s)\s*+(?:[,;/+&]|\bet\b|\band\b)\s*+|\s++")


def read_days(text: str) -> tuple[int | None, tuple[Finding, ...]]:
    """Weekdays as a 7-bit mask (bit 0 = Monday): ``lun-ven``, ``lundi, mercredi``, ``1-5``, ``semaine``.

    Empty gives ``None`` (the caller's default: Monday to Friday).
    """
    key = fold(text).replace(".", "")
    if not key:
        return None, ()
    if key in _WEEKDAY_WORDS:
        return ALL_WEEKDAYS, ()
    if key in _EVERY_DAY:
        return 0b1111111, ()
    mask = 0
    for item in _SEPARATOR.split(_RANGE.sub("-", key)):
        if not item:
            continue
        ends = [_DAYS.get(e) for e in item.split("-")]
        if len(ends) > 2 or None in ends:
            return None, (
                Finding(
                    code="days.invalid",
                    expected=Text(
                        "des jours comme lun-ven ou lundi, mercredi",
                        "days such as Mon-Fri or Monday, Wednesday",
                    ),
                    fix=Text(
                        "Écrivez les jours de la semaine, par exemple lun-ven.",
                        "Write the weekdays, e.g. Mon-Fri.",
                    ),
                ),
            )
        a, b = ends[0], ends[-1]
        span = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
        mask |= sum(1 << d for d in span)
    return mask or None, ()


def read_periods(text: str) -> tuple[int | None, tuple[Finding, ...]]:
    """Day periods as a 2-bit mask: ``matin`` 1, ``après-midi`` 2, ``journée`` 3 (empty: ``None``)."""
    key = fold(text).replace("’", "'")
    if not key:
        return None, ()
    if key in _PERIODS:
        return _PERIODS[key], ()
    return None, (
        Finding(
            code="periods.invalid",
            expected=Text("matin, après-midi ou journée", "morning, afternoon or all day"),
            fix=Text("Écrivez matin, après-midi ou journée.", "Write morning, afternoon or all day."),
        ),
    )


def read_frequency(text: str) -> tuple[int | None, tuple[Finding, ...]]:
    """Weeks between two pickups: 1 (weekly), 2 (fortnightly) or 4 (four-weekly or monthly)."""
    key = fold(text)
    if not key:
        return None, ()
    if key in _FREQUENCY:
        return _FREQUENCY[key], ()
    return None, (
        Finding(
            code="frequency.invalid",
            expected=Text("hebdomadaire, aux 2 semaines ou aux 4 semaines", "weekly, fortnightly or monthly"),
            fix=Text(
                "Choisissez hebdomadaire, aux 2 semaines ou aux 4 semaines (mensuelle).",
                "Pick weekly, every 2 weeks or every 4 weeks (monthly).",
            ),
        ),
    )


def _minutes(token: str) -> int | None:
    match = _TIME.match(token.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    return hours * 60 + minutes if hours <= 24 and minutes < 60 and hours * 60 + minutes <= 24 * 60 else None


def read_window(text: str) -> tuple[tuple[int, int] | None, tuple[Finding, ...]]:
    """A time window ``07:30-12:00``, ``7h30-12h`` or ``8-16`` as minutes after midnight (empty: ``None``)."""
    key = fold(text)
    if not key:
        return None, ()
    parts = [p.replace(" ", "") for p in _RANGE.split(key)]
    bounds = [_minutes(p) for p in parts] if len(parts) == 2 else [None]
    if None in bounds or bounds[0] >= bounds[1]:
        return None, (
            Finding(
                code="window.invalid",
                expected=Text("une plage horaire comme 07:30-12:00", "a time window such as 07:30-12:00"),
                fix=Text(
                    "Écrivez l'heure de début et de fin, par exemple 07:30-12:00.",
                    "Write the start and end times, e.g. 07:30-12:00.",
                ),
            ),
        )
    return (bounds[0], bounds[1]), ()
