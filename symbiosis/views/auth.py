"""Sign-in rules the screen applies: the throttle after repeated failures, and the shown name."""

from __future__ import annotations

import math

import pandas as pd

from symbiosis.db import Actor

__all__ = ["LOCK_SECONDS", "MAX_FAILURES", "display_name", "wait_seconds"]

#: Failed attempts allowed in a session before each further attempt waits.
MAX_FAILURES = 5
#: How long to wait after the last failure once :data:`MAX_FAILURES` is reached.
LOCK_SECONDS = 30


def wait_seconds(failures: int, last_failure_at: float | None, now: float) -> int:
    """Return the seconds to wait before the next attempt (0: may try now).

    Parameters
    ----------
    failures
        Failed attempts so far in this session.
    last_failure_at, now
        Times in seconds (``time.time()``) of the last failure and of the attempt.
    """
    if failures < MAX_FAILURES or last_failure_at is None:
        return 0
    return max(0, math.ceil(last_failure_at + LOCK_SECONDS - now))


def display_name(users: pd.DataFrame, actor: Actor) -> str:
    """Return the account's display name from a users listing, else its id."""
    match = users.loc[users["user_id"] == actor.user_id, "display_name"] if len(users) else pd.Series()
    return str(match.iloc[0]) if len(match) and str(match.iloc[0]).strip() else actor.user_id
