"""What an advisor asks of an event, checked before planning: its clock, required meetings and absences.

The page (and the CLI) pass what was typed; these functions return the planner's arguments and the
problems found, each a :class:`~symbiosis.findings.Finding` naming the line, the column, what was
expected and how to fix it, in French and English (``events.input.*`` in the message catalogue).

* An event that would run past midnight (a 23:00 start with eight 20-minute slots) is refused: its
  agendas would read « 23:40–00:00 », « 00:00–00:20 » as if on the same day.
* Required meetings are pairs of attending firms; absences are a firm and a slot, slots or hours
  (from 1 on screen, every slot they cover from 0 for the planner).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from symbiosis.events.absences import AbsenceProblem, absent_slots
from symbiosis.findings import Finding
from symbiosis.i18n import Text, TextTable

__all__ = [
    "EventRequests",
    "attending_firms",
    "check_clock",
    "firm_labels",
    "read_requests",
]

_TEXTS = TextTable("events.input")
_DAY = dt.timedelta(days=1)


def _text(code: str, **values: object) -> Text:
    entry = _TEXTS[code]
    return Text(entry.fr.format(**values), entry.en.format(**values))


def check_clock(start: str, slot_minutes: int, slots: int) -> Finding | None:
    """The problem of an event starting at ``start`` (``HH:MM``) that would end after midnight, or None.

    Ending at midnight exactly is fine; the fix names the latest start that fits, when one does.
    """
    begin = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(start))
    length = dt.timedelta(minutes=int(slot_minutes) * int(slots))
    end = begin + length
    if end <= begin.replace(hour=0, minute=0) + _DAY:
        return None
    values = {"start": start, "end": f"{end:%H:%M}", "slots": int(slots), "minutes": int(slot_minutes)}
    if length > _DAY:
        fix = _text("past_midnight.fix_shorter")
    else:
        latest = dt.datetime.combine(dt.date(2000, 1, 2), dt.time()) - length
        fix = _text("past_midnight.fix", latest=f"{latest:%H:%M}")
    return Finding(code="events.past_midnight", detail=_text("past_midnight", **values), fix=fix)


def firm_labels(firms: pd.DataFrame) -> dict[str, str]:
    """Each firm's label in a list to pick from: its name, followed by its id when another has the same."""
    names = firms.drop_duplicates("firm_id").set_index("firm_id")["name"].astype(str)
    repeated = set(names[names.duplicated(keep=False)])
    return {str(f): f"{n} ({f})" if n in repeated else n for f, n in names.items()}


def attending_firms(exchanges: pd.DataFrame, attendees: Collection[str] | None) -> set[str]:
    """The firms of the event: ``attendees``, or every firm with a proposal when None."""
    if attendees is None:
        return set(exchanges["supply_firm_id"].astype(str)) | set(exchanges["demand_firm_id"].astype(str))
    return {str(a) for a in attendees}


@dataclass(frozen=True)
class EventRequests:
    """The advisor's requests, read: required pairs, absences (slots from 0) and the problems found."""

    must_meet: tuple[tuple[str, str], ...] = ()
    unavailable: tuple[tuple[str, int], ...] = ()
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip()


def read_requests(
    must_rows: Iterable[Mapping[str, object]],
    absent_rows: Iterable[Mapping[str, object]],
    *,
    labels: Mapping[str, str],
    attending: Collection[str],
    slots: int,
    start: str,
    slot_minutes: int,
    headers: Mapping[str, str],
    everyone: bool = False,
) -> EventRequests:
    """Read the required meetings (``a``, ``b``: firm labels) and absences (``firm``, ``slot``).

    An absence's ``slot`` is a slot number from 1, slot numbers (``2-4``) or hours
    (``9 h 00 – 11 h 30``), read as the slots it covers (:func:`~symbiosis.events.absences.absent_slots`).

    Parameters
    ----------
    must_rows, absent_rows
        The two tables' rows as typed; a row left empty is ignored.
    labels
        Firm id → label (:func:`firm_labels`).
    attending
        The firms of the event (:func:`attending_firms`).
    slots
        Number of slots of the event.
    start, slot_minutes
        The event's start (``HH:MM``) and the length of a slot, for absences given as hours.
    headers
        Each column (``a``, ``b``, ``firm``, ``slot``) → its header on screen, named by the findings.
    everyone
        No attendee was chosen: ``attending`` is every firm with a proposal. A firm outside it has no
        proposal, and is said so: « add it to the attending firms » would have made it the only one.
    """
    ids = {label: firm for firm, label in labels.items()}
    findings: list[Finding] = []

    def problem(line: int, column: str, found: object, code: str, **values: object) -> None:
        findings.append(
            Finding(
                code=f"events.{code}",
                expected=_text(f"{code}.expected", **values),
                found="" if _blank(found) else str(found),
                fix=_text(f"{code}.fix", **values),
                row=line,
                column=headers.get(column, column),
            )
        )

    def firm(line: int, column: str, value: object) -> str | None:
        if _blank(value):
            problem(line, column, value, "firm_missing")
            return None
        found = ids.get(str(value))
        if found is None or found not in attending:
            problem(line, column, value, "no_proposal" if everyone and found is not None else "not_attending")
            return None
        return found

    must: list[tuple[str, str]] = []
    for line, row in enumerate(must_rows, start=1):
        if _blank(row.get("a")) and _blank(row.get("b")):
            continue
        a, b = firm(line, "a", row.get("a")), firm(line, "b", row.get("b"))
        if a is not None and a == b:
            problem(line, "b", row.get("b"), "same_firm")
        elif a is not None and b is not None:
            must.append((a, b))
    unavailable: list[tuple[str, int]] = []
    for line, row in enumerate(absent_rows, start=1):
        if _blank(row.get("firm")) and _blank(row.get("slot")):
            continue
        who = firm(line, "firm", row.get("firm"))
        try:
            covered = absent_slots(row.get("slot"), start=start, slot_minutes=slot_minutes, slots=slots)
        except AbsenceProblem as exc:
            problem(line, "slot", row.get("slot"), exc.code, **exc.values)
            continue
        if who is not None:
            unavailable.extend((who, slot) for slot in covered)
    return EventRequests(tuple(dict.fromkeys(must)), tuple(dict.fromkeys(unavailable)), tuple(findings))
