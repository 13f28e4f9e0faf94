"""Sign-in that resists guessing: a throttle per account and per source kept in the database.

Every attempt goes through three short steps, none of which holds a lock while scrypt runs:

1. **check** (read only): an account locked, or still within its back-off, is answered at once,
   without checking the password and without writing anything (a flood of refused attempts costs
   the database nothing);
2. **reserve** (one short write): the attempt is counted as a failure *before* the password is
   checked, so that parallel guesses cannot slip between the check and the count;
3. **outcome** (one short write, after scrypt): a success clears the account's count, a failure
   stays counted, locks the account after :attr:`ThrottlePolicy.lock_after` failures in a row, and
   is written to the audit log.

After :attr:`ThrottlePolicy.free_failures` failures an account waits :attr:`base_delay_s` seconds
before the next attempt, then twice as long after each new failure, up to :attr:`max_delay_s`; a
source address gets more free failures (several people share one address). The state lives in
``signin_throttle``, so a fresh browser session, another process or a restart changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from symbiosis.db.actor import Actor
from symbiosis.db.audit import AuditEntry, append_audit
from symbiosis.db.models import User
from symbiosis.db.models_security import SigninThrottle

__all__ = [
    "SIGNIN_OUTCOMES",
    "SignIn",
    "ThrottlePolicy",
    "account_key",
    "blocked",
    "clear_failures",
    "dummy_hash",
    "lift_lock",
    "load_states",
    "record_outcome",
    "reserve",
    "source_key",
]

#: What a sign-in attempt can give (the screen words each one; none says whether the account exists).
SIGNIN_OUTCOMES: tuple[str, ...] = ("ok", "failed", "throttled", "locked", "demo_disabled")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_KEY_CHARS = 300


@dataclass(frozen=True)
class ThrottlePolicy:
    """How fast guesses may come.

    Parameters
    ----------
    free_failures
        Failures of one account allowed before it waits.
    base_delay_s
        Wait after the first failure past the free ones; doubled after each further failure.
    max_delay_s
        Longest wait.
    lock_after
        Failures in a row that lock the account until an advisor lifts the lock.
    source_free_failures
        Failures from one source address (any account) allowed before that source waits.
    source_max_delay_s
        Longest wait of a source (kept short: people behind one address must not be locked out).
    """

    free_failures: int = 5
    base_delay_s: float = 10.0
    max_delay_s: float = 15 * 60.0
    lock_after: int = 10
    source_free_failures: int = 20
    source_max_delay_s: float = 60.0

    def delay_s(self, failures: int, *, free: int, cap: float | None = None) -> float:
        """Seconds to wait after the last attempt, given the failures counted so far."""
        if failures < free:
            return 0.0
        return min(self.base_delay_s * 2.0 ** min(failures - free, 30), cap or self.max_delay_s)


@dataclass(frozen=True)
class SignIn:
    """The answer to one sign-in attempt.

    Parameters
    ----------
    outcome
        One of :data:`SIGNIN_OUTCOMES`.
    actor
        The signed-in actor when ``outcome`` is ``ok``.
    wait_s
        Seconds before the next attempt may be made (``throttled``), else 0.
    """

    outcome: str
    actor: Actor | None = None
    wait_s: int = 0

    @property
    def ok(self) -> bool:
        """Whether the user is signed in."""
        return self.outcome == "ok"


@dataclass(frozen=True)
class _State:
    key: str
    failures: int
    last_attempt_at: dt.datetime
    locked_at: dt.datetime | None


def account_key(user_id: str) -> str:
    """Throttle key of an account (the id as typed, known or not: the answer must not tell)."""
    return "user:" + user_id[:_KEY_CHARS]


def source_key(source: str) -> str:
    """Throttle key of a source address."""
    return "source:" + source[:_KEY_CHARS]


@functools.cache
def dummy_hash() -> str:
    """A hash checked when the account is unknown, so that both answers take as long."""
    from symbiosis.db.passwords import hash_password

    return hash_password(secrets.token_urlsafe(16))


def load_states(conn: Connection, keys: Iterable[str], *, lock: bool = False) -> dict[str, _State]:
    """Return the throttle rows of ``keys`` (``FOR UPDATE`` when ``lock``, on PostgreSQL)."""
    query = select(
        SigninThrottle.key, SigninThrottle.failures, SigninThrottle.last_attempt_at, SigninThrottle.locked_at
    ).where(SigninThrottle.key.in_(list(keys)))
    if lock:
        query = query.with_for_update()
    return {r.key: _State(r.key, r.failures, r.last_attempt_at, r.locked_at) for r in conn.execute(query)}


def blocked(
    states: dict[str, _State], keys: tuple[str, str], policy: ThrottlePolicy, now: dt.datetime
) -> SignIn | None:
    """Return the refusal an attempt gets now (``locked`` or ``throttled``), or ``None`` if it may try."""
    account, source = keys
    if account in states and states[account].locked_at is not None:
        return SignIn("locked")
    wait = 0.0
    limits = (
        (account, policy.free_failures, policy.max_delay_s),
        (source, policy.source_free_failures, policy.source_max_delay_s),
    )
    for key, free, cap in limits:
        state = states.get(key)
        if state is not None:
            delay = policy.delay_s(state.failures, free=free, cap=cap)
            ready = state.last_attempt_at + dt.timedelta(seconds=delay)
            wait = max(wait, (ready - now).total_seconds())
    return SignIn("throttled", wait_s=math.ceil(wait)) if wait > 0 else None


def _upsert_attempt(conn: Connection, states: dict[str, _State], key: str, now: dt.datetime) -> int:
    state = states.get(key)
    if state is None:
        conn.execute(insert(SigninThrottle).values(key=key, failures=1, last_attempt_at=now, locked_at=None))
        return 1
    conn.execute(
        update(SigninThrottle)
        .where(SigninThrottle.key == key)
        .values(failures=state.failures + 1, last_attempt_at=now)
    )
    return state.failures + 1


def _ensure_rows(conn: Connection, keys: tuple[str, str]) -> None:
    """Create missing rows first, so that ``FOR UPDATE`` locks them even when two attempts race."""
    values = [{"key": k, "failures": 0, "last_attempt_at": _EPOCH, "locked_at": None} for k in keys]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(SigninThrottle).values(values).on_conflict_do_nothing())


def reserve(
    conn: Connection, keys: tuple[str, str], policy: ThrottlePolicy, now: dt.datetime
) -> SignIn | None:
    """Count the attempt as a failure before the password is checked (in the caller's write transaction).

    Returns the refusal when, rechecked under the lock, the attempt may not be made; ``None`` when it
    was counted and the password may be checked.
    """
    _ensure_rows(conn, keys)
    states = load_states(conn, keys, lock=True)
    refusal = blocked(states, keys, policy, now)
    if refusal is not None:
        return refusal
    for key in keys:
        _upsert_attempt(conn, states, key, now)
    return None


def clear_failures(conn: Connection, keys: tuple[str, str]) -> None:
    """After a success: the account starts afresh; the source keeps its other failures."""
    account, source = keys
    conn.execute(delete(SigninThrottle).where(SigninThrottle.key == account))
    conn.execute(
        update(SigninThrottle)
        .where(SigninThrottle.key == source, SigninThrottle.failures > 0)
        .values(failures=SigninThrottle.failures - 1)
    )


def record_outcome(
    conn: Connection,
    *,
    user_id: str,
    keys: tuple[str, str],
    actor: Actor | None,
    firm_id: str | None,
    source: str,
    policy: ThrottlePolicy,
    now: dt.datetime,
    new_hash: str | None = None,
    refused: str | None = None,
) -> bool:
    """Write the outcome of a checked attempt: clear or lock, audit; return whether the account got locked.

    Parameters
    ----------
    actor
        The signed-in actor, or ``None`` for a failure.
    new_hash
        A stronger hash of the right password, stored instead of the old one (re-hash at sign-in).
    refused
        Why a right password was still refused (``demo_disabled``, ``disabled``), audited.
    """
    locked = False
    if actor is not None:
        clear_failures(conn, keys)
        if new_hash is not None:
            conn.execute(update(User).where(User.user_id == user_id).values(password_hash=new_hash))
        details = {"source": source, "rehashed": True} if new_hash else {"source": source}
        entry = AuditEntry("login", "users", user_id, actor.firm_id, None, details)
    else:
        state = load_states(conn, [keys[0]]).get(keys[0])
        failures = state.failures if state else 0
        if failures >= policy.lock_after and (state is None or state.locked_at is None):
            conn.execute(update(SigninThrottle).where(SigninThrottle.key == keys[0]).values(locked_at=now))
            locked = True
        details = {"source": source, "failures": failures, "locked": locked}
        if refused:
            details["refused"] = refused
        entry = AuditEntry("login_failed", "users", user_id[:_KEY_CHARS], firm_id, None, details)
    append_audit(conn, actor, [entry], at=now, actor_id=user_id)
    return locked


def lift_lock(conn: Connection, user_id: str) -> bool:
    """Remove an account's lock and failures (an advisor's decision); return whether it was locked."""
    state = load_states(conn, [account_key(user_id)]).get(account_key(user_id))
    conn.execute(delete(SigninThrottle).where(SigninThrottle.key == account_key(user_id)))
    return state is not None and state.locked_at is not None
