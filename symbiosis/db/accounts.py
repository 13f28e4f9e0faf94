"""Accounts: sign-in with its throttle, browser sessions, and the advisor's administration of accounts.

:class:`AccountRepository` wraps a :class:`~symbiosis.db.Repository` (same engine, same audit log):

* :meth:`~AccountRepository.sign_in` applies the throttle of :mod:`symbiosis.db.signin` and checks
  the password outside any transaction (scrypt is slow on purpose; no writer waits on it), re-hashes
  an old hash at the current cost, refuses a disabled account and a demo account on real data;
* :meth:`~AccountRepository.start_session` / :meth:`~AccountRepository.resume_session` /
  :meth:`~AccountRepository.end_session` give the app a signed token that survives a browser refresh
  (:mod:`symbiosis.db.sessions`);
* advisors (and the system) list accounts with their state, create accounts, reset passwords,
  disable and enable accounts and lift locks; every change is audited and ends the account's
  sessions when it should.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from symbiosis.db import demo, sessions
from symbiosis.db.actor import Actor, require
from symbiosis.db.audit import AuditEntry, append_audit
from symbiosis.db.engine import WRITE_OPTION
from symbiosis.db.models import User
from symbiosis.db.models_security import SigninThrottle
from symbiosis.db.passwords import hash_password, needs_rehash, verify_password
from symbiosis.db.repository import NotFound, Repository
from symbiosis.db.signin import (
    SignIn,
    ThrottlePolicy,
    account_key,
    blocked,
    dummy_hash,
    lift_lock,
    load_states,
    record_outcome,
    reserve,
    source_key,
)
from symbiosis.db.users import insert_user, list_users

__all__ = ["ACCOUNT_COLUMNS", "AccountRepository"]

logger = logging.getLogger(__name__)

#: Columns of :meth:`AccountRepository.accounts`.
ACCOUNT_COLUMNS: tuple[str, ...] = (
    "user_id",
    "display_name",
    "role",
    "firm_id",
    "created_at",
    "disabled",
    "locked",
    "failures",
    "is_demo",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AccountRepository:
    """Sign-in, sessions and account administration on a registry (thread-safe; no per-user state).

    Parameters
    ----------
    repo
        The registry's repository.
    policy
        The sign-in throttle.
    clock
        Returns the current aware UTC time (tests pass their own).
    """

    def __init__(
        self,
        repo: Repository,
        *,
        policy: ThrottlePolicy | None = None,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self._repo = repo
        self._engine = repo.engine
        self.policy = policy or ThrottlePolicy()
        self._clock = clock

    @contextmanager
    def _connect(self, *, write: bool) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            if write:
                conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    # -- sign-in --------------------------------------------------------------------------------------

    def sign_in(self, user_id: str, password: str, *, source: str = "local") -> SignIn:
        """Check a user id and password under the throttle; see :mod:`symbiosis.db.signin`.

        Parameters
        ----------
        user_id, password
            As typed.
        source
            The client's address (``local`` when unknown): failures are also counted per source.

        Returns
        -------
        SignIn
            ``ok`` with the actor, ``failed``, ``throttled`` (with the wait), ``locked`` or
            ``demo_disabled``. None of them tells whether the account exists.
        """
        user_id = str(user_id).strip()[:300]
        keys = (account_key(user_id), source_key(str(source or "local")))
        now = self._clock()
        with self._connect(write=False) as conn:
            refusal = blocked(load_states(conn, keys), keys, self.policy, now)
        if refusal is None:
            with self._connect(write=True) as conn:
                refusal = reserve(conn, keys, self.policy, now)
        if refusal is not None:
            logger.info("sign-in of %r from %s refused: %s", user_id, source, refusal.outcome)
            return refusal
        with self._connect(write=False) as conn:
            row = conn.execute(
                select(User.role, User.firm_id, User.password_hash, User.disabled_at, User.is_demo).where(
                    User.user_id == user_id
                )
            ).first()
            sample = demo.is_sample(conn)
        right = verify_password(row.password_hash if row else dummy_hash(), password)  # no lock held
        refused = None
        if right and row.is_demo and not sample:  # public passwords: saying so reveals nothing
            refused = "demo_disabled"
        elif right and row.disabled_at is not None:
            refused = "disabled"
        actor = Actor(user_id, row.role, row.firm_id) if right and refused is None else None
        new_hash = hash_password(password) if actor and needs_rehash(row.password_hash) else None
        with self._connect(write=True) as conn:
            locked = record_outcome(
                conn,
                user_id=user_id,
                keys=keys,
                actor=actor,
                firm_id=row.firm_id if row else None,
                source=str(source),
                policy=self.policy,
                now=self._clock(),
                new_hash=new_hash,
                refused=refused,
            )
        if actor is not None:
            return SignIn("ok", actor)
        if refused == "demo_disabled":
            return SignIn("demo_disabled")
        return SignIn("locked" if locked else "failed")

    # -- sessions -------------------------------------------------------------------------------------

    def start_session(self, actor: Actor) -> str:
        """Start a session for a signed-in actor; return its token (for the browser's cookie only)."""
        with self._connect(write=True) as conn:
            return sessions.start_session(conn, actor.user_id, self._clock())

    def resume_session(self, token: str | None) -> Actor | None:
        """Return the actor of a live session token, else ``None`` (forged, expired, revoked, disabled)."""
        if not token:
            return None
        with self._connect(write=False) as conn:
            found = sessions.session_actor(conn, token, self._clock())
            if found is None:
                return None
            actor, is_demo = found
            if is_demo and not demo.is_sample(conn):
                return None
            locked = load_states(conn, [account_key(actor.user_id)]).get(account_key(actor.user_id))
        return None if locked is not None and locked.locked_at is not None else actor

    def end_session(self, actor: Actor | None, token: str | None) -> None:
        """Revoke the session of ``token`` (sign-out): the token, and the files it opened, stop working."""
        if not token:
            return
        with self._connect(write=True) as conn:
            user_id = sessions.end_session(conn, token, self._clock())
            if user_id is not None and actor is not None:
                append_audit(
                    conn, actor, [AuditEntry("logout", "users", user_id, actor.firm_id)], at=self._clock()
                )

    def keep_draft(self, token: str | None, name: str, payload: str | None) -> bool:
        """Keep ``payload`` (JSON text; ``None`` drops it) with the live session of ``token``.

        What a session keeps aside between page loads: only that session reads it back, and it is
        deleted at sign-out. Returns whether it was kept (not for a dead or missing token).
        """
        if not token:
            return False
        with self._connect(write=True) as conn:
            return sessions.keep_draft(conn, token, name, payload, self._clock())

    def read_draft(self, token: str | None, name: str) -> str | None:
        """The draft ``name`` the live session of ``token`` kept, or ``None``."""
        if not token:
            return None
        with self._connect(write=False) as conn:
            return sessions.read_draft(conn, token, name, self._clock())

    # -- administration (advisors and the system) -----------------------------------------------------

    def accounts(self, actor: Actor) -> pd.DataFrame:
        """Return every account with its state (:data:`ACCOUNT_COLUMNS`); advisors and the system only."""
        with self._repo.transaction(actor, "read_accounts", write=False) as conn:
            require(actor, actor.administers, "administer accounts", table="users")
            frame = list_users(conn, actor)
            state = pd.DataFrame(
                [tuple(r) for r in conn.execute(select(User.user_id, User.disabled_at, User.is_demo))],
                columns=["user_id", "disabled_at", "is_demo"],
            )
            throttle = load_states(conn, [account_key(u) for u in frame["user_id"]])
        frame = frame.merge(state, on="user_id", how="left")
        frame["disabled"] = frame["disabled_at"].notna()
        frame["is_demo"] = frame["is_demo"].fillna(False).astype(bool)
        keys = frame["user_id"].map(account_key)
        frame["locked"] = keys.map(lambda k: k in throttle and throttle[k].locked_at is not None).astype(bool)
        frame["failures"] = keys.map(lambda k: throttle[k].failures if k in throttle else 0).astype("int64")
        return frame[list(ACCOUNT_COLUMNS)]

    def create_account(
        self,
        actor: Actor,
        user_id: str,
        password: str,
        role: str,
        firm_id: str | None = None,
        *,
        display_name: str = "",
        is_demo: bool = False,
    ) -> None:
        """Create an account (advisors and the system), audited.

        Raises
        ------
        ValueError
            Unknown role, firm role without a firm (or an unknown firm), password shorter than 8
            characters, id taken or not a plain id.
        """
        user_id = str(user_id).strip()
        if not user_id or len(user_id) > 64 or not all(c.isalnum() or c in "-_.@" for c in user_id):
            raise ValueError("a user id is 1 to 64 letters, digits, '-', '_', '.' or '@'")
        password_hash = hash_password(password)  # slow on purpose: outside the transaction
        with self._repo.transaction(actor, "create_account", write=True) as conn:
            require(actor, actor.administers, "create accounts", table="users", keys=[user_id])
            entry = insert_user(
                conn,
                user_id=user_id,
                password_hash=password_hash,
                role=role,
                firm_id=firm_id,
                display_name=display_name or user_id,
                at=self._clock(),
                is_demo=is_demo,
            )
            append_audit(conn, actor, [entry], at=self._clock())

    def _change(
        self,
        actor: Actor,
        user_id: str,
        operation: str,
        values: dict,
        details: dict,
        *,
        end_sessions: bool,
        unlock: bool = False,
    ) -> None:
        now = self._clock()
        with self._repo.transaction(actor, operation, write=True) as conn:
            require(actor, actor.administers, "administer accounts", table="users", keys=[user_id])
            firm_id = conn.execute(select(User.firm_id).where(User.user_id == user_id)).first()
            if firm_id is None:
                raise NotFound(f"no account {user_id!r}")
            if values:
                conn.execute(update(User).where(User.user_id == user_id).values(**values))
            if unlock:
                details = {**details, "unlocked": lift_lock(conn, user_id)}
            if end_sessions:
                details = {**details, "sessions_ended": sessions.revoke_user_sessions(conn, user_id, now)}
            entry = AuditEntry("update", "users", user_id, firm_id[0], None, details)
            append_audit(conn, actor, [entry], at=now)
        logger.info("%s: %s %s", actor.user_id, operation, user_id)

    def reset_password(self, actor: Actor, user_id: str, new_password: str) -> None:
        """Set a new password (given to the user by the advisor); ends its sessions and lifts its lock."""
        password_hash = hash_password(new_password)
        self._change(
            actor,
            user_id,
            "reset_password",
            {"password_hash": password_hash},
            {"password": "reset"},
            end_sessions=True,
            unlock=True,
        )

    def set_disabled(self, actor: Actor, user_id: str, disabled: bool) -> None:
        """Disable (it cannot sign in, its sessions end) or enable an account.

        Raises
        ------
        ValueError
            An advisor disabling their own account.
        """
        if disabled and user_id == actor.user_id:
            raise ValueError("an advisor cannot disable their own account")
        self._change(
            actor,
            user_id,
            "disable_account" if disabled else "enable_account",
            {"disabled_at": self._clock() if disabled else None},
            {"disabled": disabled},
            end_sessions=disabled,
        )

    def unlock(self, actor: Actor, user_id: str) -> None:
        """Lift the lock put on an account after too many failed sign-ins (and forget its failures)."""
        self._change(actor, user_id, "unlock_account", {}, {}, end_sessions=False, unlock=True)

    def locked_keys(self) -> list[str]:
        """Return the throttle keys currently locked (for monitoring)."""
        with self._connect(write=False) as conn:
            return list(
                conn.execute(
                    select(SigninThrottle.key).where(SigninThrottle.locked_at.is_not(None))
                ).scalars()
            )

    # -- demo accounts ----------------------------------------------------------------------------------

    def demo_accounts_active(self) -> bool:
        """Whether demo accounts (public passwords) can sign in on this registry right now."""
        with self._connect(write=False) as conn:
            return demo.demo_accounts_active(conn)

    def mark_sample(self, actor: Actor, sample_firm_ids: Collection[str]) -> None:
        """Flag the registry as the sample (``init --sample``); see :func:`symbiosis.db.demo.mark_sample`."""
        with self._repo.transaction(actor, "mark_sample", write=True) as conn:
            require(actor, actor.administers, "flag the registry as a sample", table="registry_settings")
            demo.mark_sample(conn, actor, sample_firm_ids, self._clock())
