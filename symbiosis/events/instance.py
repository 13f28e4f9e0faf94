"""The matchmaking-event planning problem: Instance (data), PlannerConfig (parameters), Schedule (solution).

Firms attending a matchmaking event ("activité de maillage") meet two by two at tables during
time slots. A *pair* is two attending firms with at least one proposal between them; its
``weight`` is the proposals' value in k$/yr (an integer, as CP-SAT needs), at least 1. Tables are
interchangeable, so a schedule says which pairs meet in which slot; the table number is given
afterwards (``0 .. tables-1`` within each slot).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "Instance",
    "Meeting",
    "Pair",
    "PlannerConfig",
    "Schedule",
    "instance_from_proposals",
    "random_instance",
]


@dataclass(frozen=True)
class Pair:
    """Two firms worth a meeting.

    Parameters
    ----------
    a, b
        Firm ids, ``a < b``.
    weight
        Value of the meeting (k$/yr of the proposals between them), integer ≥ 1.
    must_meet
        The advisor requires this meeting.
    why
        The proposal(s) behind the pair, one line (e.g. "Écorces → combustible biomasse").
    """

    a: str
    b: str
    weight: int
    must_meet: bool = False
    why: str = ""

    def __post_init__(self) -> None:
        if not self.a < self.b:
            raise ValueError(f"a pair is two distinct firms in order (a < b), got {self.a!r}, {self.b!r}")
        if self.weight < 0:
            raise ValueError("a pair's weight is not negative")


@dataclass(frozen=True)
class Instance:
    """One event: who attends, which pairs may meet, how many tables and slots.

    Parameters
    ----------
    firms
        Attending firm ids.
    pairs
        Candidate meetings between attending firms (each unordered pair once).
    tables
        Meetings that can run at the same time.
    slots
        Number of time slots.
    unavailable
        ``(firm_id, slot)`` couples: the firm is not there in that slot (slots count from 0).
    names
        Display name of each firm (the id when absent).
    """

    firms: tuple[str, ...]
    pairs: tuple[Pair, ...]
    tables: int
    slots: int
    unavailable: frozenset[tuple[str, int]] = frozenset()
    names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tables < 1 or self.slots < 1:
            raise ValueError("an event needs at least one table and one slot")
        known = set(self.firms)
        seen: set[tuple[str, str]] = set()
        for p in self.pairs:
            if p.a not in known or p.b not in known:
                raise ValueError(f"pair {p.a}–{p.b} names a firm that does not attend")
            if (p.a, p.b) in seen:
                raise ValueError(f"pair {p.a}–{p.b} listed twice")
            seen.add((p.a, p.b))

    def available(self, firm: str, slot: int) -> bool:
        """Whether ``firm`` is present in ``slot``."""
        return (firm, slot) not in self.unavailable

    def name(self, firm: str) -> str:
        """Display name of ``firm``."""
        return self.names.get(firm, firm)


@dataclass(frozen=True)
class PlannerConfig:
    """Parameters of the CP-SAT solve.

    Parameters
    ----------
    time_limit_s
        Wall-clock limit of the search, seconds.
    workers
        CP-SAT search workers (1 gives a deterministic run).
    seed
        CP-SAT random seed.
    hint
        Start the search from the greedy schedule.
    """

    time_limit_s: float = 10.0
    workers: int = 8
    seed: int = 0
    hint: bool = True


@dataclass(frozen=True)
class Meeting:
    """One scheduled meeting: pair index in ``Instance.pairs``, slot and table (both from 0)."""

    pair: int
    slot: int
    table: int


@dataclass(frozen=True)
class Schedule:
    """A planner's answer.

    Parameters
    ----------
    status
        ``optimal``, ``feasible``, ``infeasible``, ``unknown`` (no schedule within the limit).
    meetings
        Scheduled meetings.
    objective
        Total weight of the meetings.
    bound
        Proven upper bound on the objective (``nan`` when unknown, the objective for the greedy).
    method
        ``cp-sat`` or ``greedy``.
    wall_time_s
        Solve time.
    """

    status: str
    meetings: tuple[Meeting, ...] = ()
    objective: int = 0
    bound: float = math.nan
    method: str = ""
    wall_time_s: float = 0.0

    @property
    def gap(self) -> float:
        """Relative gap ``(bound - objective) / bound`` (0 when proven optimal, nan without a bound)."""
        if math.isnan(self.bound):
            return math.nan
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def instance_from_proposals(
    exchanges: pd.DataFrame,
    attendees: Iterable[str],
    *,
    tables: int,
    slots: int,
    names: Mapping[str, str] | None = None,
    must_meet: Iterable[tuple[str, str]] = (),
    unavailable: Iterable[tuple[str, int]] = (),
    lang: str = "fr",
) -> Instance:
    """Build an event from the proposals between attending firms.

    Parameters
    ----------
    exchanges
        Proposals with ``supply_firm_id``, ``demand_firm_id``, ``net_value_cad_per_yr`` and, for the
        reason shown on agendas, ``supply_label_<lang>`` and ``demand_label_<lang>``
        (``MatchResult.exchanges``).
    attendees
        Firm ids that attend.
    tables, slots
        Event size.
    names
        Firm display names.
    must_meet
        Firm pairs the advisor requires (added with weight 1 when they have no proposal).
    unavailable
        ``(firm_id, slot)`` couples when a firm is absent.
    lang
        Language of the ``why`` texts.
    """
    firms = tuple(sorted(dict.fromkeys(str(f) for f in attendees)))
    present = set(firms)
    ex = exchanges[
        exchanges["supply_firm_id"].isin(present)
        & exchanges["demand_firm_id"].isin(present)
        & exchanges["supply_firm_id"].ne(exchanges["demand_firm_id"])
    ]
    value: dict[tuple[str, str], float] = {}
    why: dict[tuple[str, str], list[str]] = {}
    sup = ex.get(f"supply_label_{lang}", ex.get("supply_category_id", pd.Series("", index=ex.index)))
    dem = ex.get(f"demand_label_{lang}", ex.get("demand_category_id", pd.Series("", index=ex.index)))
    net = pd.to_numeric(ex.get("net_value_cad_per_yr", 0.0), errors="coerce")
    net = net.fillna(0.0) if isinstance(net, pd.Series) else pd.Series(0.0, index=ex.index)
    for s, d, v, ls, ld in zip(ex["supply_firm_id"], ex["demand_firm_id"], net, sup, dem, strict=True):
        key = _pair_key(str(s), str(d))
        value[key] = value.get(key, 0.0) + float(v)
        why.setdefault(key, []).append(f"{ls} → {ld} ({names.get(s, s) if names else s})")
    required = {_pair_key(str(a), str(b)) for a, b in must_meet}
    for key in required:
        value.setdefault(key, 0.0)
    pairs = tuple(
        Pair(a, b, max(1, round(v / 1000.0)), (a, b) in required, "; ".join(why.get((a, b), [])[:3]))
        for (a, b), v in sorted(value.items())
    )
    return Instance(
        firms, pairs, tables, slots, frozenset((str(f), int(s)) for f, s in unavailable), dict(names or {})
    )


def random_instance(
    n_firms: int,
    *,
    tables: int,
    slots: int,
    pairs_per_firm: float = 8.0,
    seed: int = 0,
    p_unavailable: float = 0.0,
    n_must: int = 0,
) -> Instance:
    """A seeded random event for tests and benchmarks (log-normal weights, like proposal values).

    Parameters
    ----------
    n_firms, tables, slots
        Event size.
    pairs_per_firm
        Mean number of candidate pairs per firm.
    seed
        Seed of the ``numpy.random.Generator``.
    p_unavailable
        Probability that a firm misses a given slot.
    n_must
        Number of must-meet pairs (among the heaviest-free random pairs).
    """
    rng = np.random.default_rng(seed)
    firms = tuple(f"E{i:03d}" for i in range(n_firms))
    n_pairs = min(int(n_firms * pairs_per_firm / 2), n_firms * (n_firms - 1) // 2)
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < n_pairs:
        i, j = rng.choice(n_firms, size=2, replace=False)
        chosen.add((int(min(i, j)), int(max(i, j))))
    keys = sorted(chosen)
    weights = np.maximum(1, np.round(rng.lognormal(3.0, 1.0, size=len(keys)))).astype(int)
    must: set[int] = set()
    if n_must:
        must = set(rng.choice(len(keys), size=min(n_must, len(keys)), replace=False).tolist())
    pairs = tuple(
        Pair(firms[i], firms[j], int(w), k in must, "")
        for k, ((i, j), w) in enumerate(zip(keys, weights, strict=True))
    )
    off = rng.random((n_firms, slots)) < p_unavailable
    unavailable = frozenset((firms[i], int(s)) for i, s in zip(*np.nonzero(off), strict=True))
    return Instance(firms, pairs, tables, slots, unavailable, {})
