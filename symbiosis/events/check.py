"""Solver-free checker of an event schedule: every rule recomputed from the instance alone."""

from __future__ import annotations

from collections import Counter

from symbiosis.events.instance import Instance, Schedule

__all__ = ["check_schedule", "schedule_weight"]


def schedule_weight(instance: Instance, schedule: Schedule) -> int:
    """Total weight of the scheduled meetings, recomputed."""
    return sum(instance.pairs[m.pair].weight for m in schedule.meetings)


def check_schedule(instance: Instance, schedule: Schedule) -> list[str]:
    """Return every rule the schedule breaks (empty when it is valid).

    Rules: known pair, slot and table in range; no pair twice; no firm in two meetings of one
    slot; no table used twice in one slot (hence at most ``tables`` meetings per slot); both firms
    available; every must-meet pair met; the reported objective equals the recomputed weight.
    """
    problems: list[str] = []
    pair_count = Counter(m.pair for m in schedule.meetings)
    problems += [f"pair {p} scheduled {n} times" for p, n in pair_count.items() if n > 1]
    firm_slot: Counter[tuple[str, int]] = Counter()
    table_slot: Counter[tuple[int, int]] = Counter()
    for m in schedule.meetings:
        if not 0 <= m.pair < len(instance.pairs):
            problems.append(f"unknown pair index {m.pair}")
            continue
        if not 0 <= m.slot < instance.slots:
            problems.append(f"meeting of pair {m.pair} in slot {m.slot} outside 0..{instance.slots - 1}")
        if not 0 <= m.table < instance.tables:
            problems.append(f"meeting of pair {m.pair} at table {m.table} outside 0..{instance.tables - 1}")
        pair = instance.pairs[m.pair]
        for firm in (pair.a, pair.b):
            firm_slot[(firm, m.slot)] += 1
            if not instance.available(firm, m.slot):
                problems.append(f"firm {firm} meets in slot {m.slot} but is not available")
        table_slot[(m.table, m.slot)] += 1
    problems += [f"firm {f} has {n} meetings in slot {s}" for (f, s), n in firm_slot.items() if n > 1]
    problems += [f"table {tb} holds {n} meetings in slot {s}" for (tb, s), n in table_slot.items() if n > 1]
    met = set(pair_count)
    problems += [
        f"must-meet pair {p.a}–{p.b} not scheduled"
        for i, p in enumerate(instance.pairs)
        if p.must_meet and i not in met
    ]
    weight = schedule_weight(instance, schedule)
    if schedule.meetings and weight != schedule.objective:
        problems.append(f"objective {schedule.objective} != recomputed weight {weight}")
    return problems
