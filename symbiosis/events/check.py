"""Solver-free checker of an event schedule: every rule recomputed from the instance alone."""

from __future__ import annotations

from collections import Counter

from symbiosis.events.instance import Instance, Schedule
from symbiosis.findings import Finding
from symbiosis.i18n import TextTable

__all__ = ["CHECK_TEXTS", "check_schedule", "schedule_weight"]

#: What each finding code says, from the message catalogue (``events.check.<code>``).
CHECK_TEXTS = TextTable("events.check")


def schedule_weight(instance: Instance, schedule: Schedule) -> int:
    """Total weight of the scheduled meetings, recomputed."""
    return sum(instance.pairs[m.pair].weight for m in schedule.meetings)


def _broken(code: str, location: str = "", **values: object) -> Finding:
    return Finding(code=code, location=location, detail=CHECK_TEXTS[code].format(**values))


def check_schedule(instance: Instance, schedule: Schedule) -> list[Finding]:
    """Return every rule the schedule breaks (empty when it is valid), one finding each.

    Rules: known pair, slot and table in range; no pair twice; no firm in two meetings of one
    slot; no table used twice in one slot (hence at most ``tables`` meetings per slot); both firms
    available; every must-meet pair met; the reported objective equals the recomputed weight.
    """
    found: list[Finding] = []
    pair_count = Counter(m.pair for m in schedule.meetings)
    found += [_broken("pair_repeated", f"pair {p}", pair=p, n=n) for p, n in pair_count.items() if n > 1]
    firm_slot: Counter[tuple[str, int]] = Counter()
    table_slot: Counter[tuple[int, int]] = Counter()
    for m in schedule.meetings:
        if not 0 <= m.pair < len(instance.pairs):
            found.append(_broken("unknown_pair", f"pair {m.pair}", pair=m.pair))
            continue
        if not 0 <= m.slot < instance.slots:
            last = instance.slots - 1
            found.append(_broken("slot_out_of_range", f"pair {m.pair}", pair=m.pair, slot=m.slot, last=last))
        if not 0 <= m.table < instance.tables:
            last = instance.tables - 1
            found.append(
                _broken("table_out_of_range", f"pair {m.pair}", pair=m.pair, table=m.table, last=last)
            )
        pair = instance.pairs[m.pair]
        for firm in (pair.a, pair.b):
            firm_slot[(firm, m.slot)] += 1
            if not instance.available(firm, m.slot):
                found.append(_broken("firm_unavailable", firm, firm=firm, slot=m.slot))
        table_slot[(m.table, m.slot)] += 1
    found += [
        _broken("firm_double_booked", f, firm=f, n=n, slot=s) for (f, s), n in firm_slot.items() if n > 1
    ]
    found += [
        _broken("table_double_booked", f"table {tb}", table=tb, n=n, slot=s)
        for (tb, s), n in table_slot.items()
        if n > 1
    ]
    met = set(pair_count)
    found += [
        _broken("must_meet_missing", f"{p.a}–{p.b}", a=p.a, b=p.b)
        for i, p in enumerate(instance.pairs)
        if p.must_meet and i not in met
    ]
    weight = schedule_weight(instance, schedule)
    if schedule.meetings and weight != schedule.objective:
        found.append(_broken("objective_mismatch", claimed=schedule.objective, weight=weight))
    return found
