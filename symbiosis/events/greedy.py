"""Greedy baseline of the event planner: heaviest pairs first, each in the first slot that fits."""

from __future__ import annotations

import time

from symbiosis.events.instance import Instance, Meeting, Schedule

__all__ = ["assign_tables", "greedy_schedule"]


def assign_tables(slot_of: dict[int, int]) -> tuple[Meeting, ...]:
    """Number the meetings of each slot ``0, 1, …`` in pair order; return them sorted (slot, table)."""
    next_table: dict[int, int] = {}
    meetings = []
    for pair, slot in sorted(slot_of.items(), key=lambda kv: (kv[1], kv[0])):
        table = next_table.get(slot, 0)
        next_table[slot] = table + 1
        meetings.append(Meeting(pair, slot, table))
    return tuple(meetings)


def greedy_schedule(instance: Instance) -> Schedule:
    """Place pairs by decreasing weight (must-meet pairs first) in the first feasible slot.

    A slot is feasible for a pair when both firms are available and free in it and a table is
    left. Ties break on the firm ids, so the result is deterministic. Must-meet pairs the greedy
    cannot place are left out (the checker reports them); CP-SAT may still place them.
    """
    start = time.perf_counter()
    order = sorted(
        range(len(instance.pairs)),
        key=lambda i: (
            not instance.pairs[i].must_meet,
            -instance.pairs[i].weight,
            instance.pairs[i].a,
            instance.pairs[i].b,
        ),
    )
    busy: set[tuple[str, int]] = set()
    used = [0] * instance.slots
    slot_of: dict[int, int] = {}
    for i in order:
        pair = instance.pairs[i]
        for s in range(instance.slots):
            if used[s] >= instance.tables:
                continue
            if (pair.a, s) in busy or (pair.b, s) in busy:
                continue
            if not (instance.available(pair.a, s) and instance.available(pair.b, s)):
                continue
            slot_of[i] = s
            busy.update({(pair.a, s), (pair.b, s)})
            used[s] += 1
            break
    objective = sum(instance.pairs[i].weight for i in slot_of)
    return Schedule(
        "feasible", assign_tables(slot_of), objective, float("nan"), "greedy", time.perf_counter() - start
    )
