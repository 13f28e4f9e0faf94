"""Browser sessions that survive a refresh: a signed, expiring token, revoked at sign-out.

A token reads ``v1.<session id>.<expiry, Unix seconds>.<signature>``: the signature is an
HMAC-SHA256 of the id and the expiry with a key derived from the server secret
(:mod:`symbiosis.db.keys`), so a forged or altered token is refused before the database is asked.
The database keeps only the SHA-256 of the session id (``user_sessions``): someone who reads it
cannot sign in with it. A session ends at its expiry, at sign-out (revoked), when its account is
disabled, locked or its password reset, or when it is a demo account on a registry that is no longer
a sample.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from symbiosis.db.actor import Actor
from symbiosis.db.keys import derived_key
from symbiosis.db.models import User
from symbiosis.db.models_security import SessionDraft, UserSession

__all__ = [
    "SESSION_LIFETIME",
    "end_session",
    "keep_draft",
    "read_draft",
    "revoke_user_sessions",
    "session_actor",
    "start_session",
]

#: How long a session lasts without signing in again.
SESSION_LIFETIME = dt.timedelta(hours=12)
_VERSION = "v1"


def _key(conn: Connection) -> bytes:
    return derived_key(conn.engine.url, "session-v1")


def _sign(key: bytes, session_id: str, expires: int) -> str:
    return hmac.new(key, f"{_VERSION}.{session_id}.{expires}".encode(), hashlib.sha256).hexdigest()


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _parse(conn: Connection, token: str, now: dt.datetime) -> str | None:
    """Return the session id of a well-signed, unexpired token, else ``None``."""
    parts = str(token or "").split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not parts[2].isdigit() or len(token) > 200:
        return None
    _, session_id, expires, signature = parts
    if not hmac.compare_digest(signature, _sign(_key(conn), session_id, int(expires))):
        return None
    if int(expires) <= now.timestamp():
        return None
    return session_id


def start_session(
    conn: Connection, user_id: str, now: dt.datetime, lifetime: dt.timedelta = SESSION_LIFETIME
) -> str:
    """Record a new session of ``user_id`` and return its token (for the user's cookie only)."""
    session_id = secrets.token_urlsafe(32)
    expires = now + lifetime
    conn.execute(
        insert(UserSession).values(
            token_hash=_digest(session_id),
            user_id=user_id,
            created_at=now,
            expires_at=expires,
            revoked_at=None,
        )
    )
    stamp = int(expires.timestamp())
    return f"{_VERSION}.{session_id}.{stamp}.{_sign(_key(conn), session_id, stamp)}"


def session_actor(conn: Connection, token: str, now: dt.datetime) -> tuple[Actor, bool] | None:
    """Return the actor of a live session and whether its account is a demo one, else ``None``.

    Live: well signed, not expired, not revoked, its account enabled.
    """
    session_id = _parse(conn, token, now)
    if session_id is None:
        return None
    row = conn.execute(
        select(
            User.user_id,
            User.role,
            User.firm_id,
            User.disabled_at,
            User.is_demo,
            UserSession.revoked_at,
            UserSession.expires_at,
        )
        .join(User, User.user_id == UserSession.user_id)
        .where(UserSession.token_hash == _digest(session_id))
    ).first()
    if row is None or row.revoked_at is not None or row.disabled_at is not None or row.expires_at <= now:
        return None
    return Actor(row.user_id, row.role, row.firm_id), bool(row.is_demo)


def end_session(conn: Connection, token: str, now: dt.datetime) -> str | None:
    """Revoke the session of ``token``; return its user id (``None`` for an unknown or forged token)."""
    session_id = _parse(conn, token, now)
    if session_id is None:
        return None
    digest = _digest(session_id)
    user_id = conn.execute(select(UserSession.user_id).where(UserSession.token_hash == digest)).scalar()
    conn.execute(
        update(UserSession)
        .where(UserSession.token_hash == digest, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    conn.execute(delete(SessionDraft).where(SessionDraft.token_hash == digest))
    return user_id


def revoke_user_sessions(conn: Connection, user_id: str, now: dt.datetime) -> int:
    """Revoke every live session of ``user_id``; return how many."""
    result = conn.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    mine = select(UserSession.token_hash).where(UserSession.user_id == user_id)
    conn.execute(delete(SessionDraft).where(SessionDraft.token_hash.in_(mine)))
    return int(result.rowcount or 0)


def _live_digest(conn: Connection, token: str, now: dt.datetime) -> str | None:
    """The stored hash of a live session's token (well signed, unexpired, not revoked), else ``None``."""
    session_id = _parse(conn, token, now)
    if session_id is None:
        return None
    digest = _digest(session_id)
    revoked = conn.execute(
        select(UserSession.revoked_at).where(UserSession.token_hash == digest, UserSession.expires_at > now)
    ).first()
    return digest if revoked is not None and revoked.revoked_at is None else None


def keep_draft(conn: Connection, token: str, name: str, payload: str | None, now: dt.datetime) -> bool:
    """Keep ``payload`` (JSON text) as the session's draft ``name``; ``None`` drops it.

    Returns whether the session is live (a dead one keeps nothing).
    """
    digest = _live_digest(conn, token, now)
    if digest is None:
        return False
    where = (SessionDraft.token_hash == digest, SessionDraft.name == name)
    conn.execute(delete(SessionDraft).where(*where))
    if payload is not None:
        conn.execute(
            insert(SessionDraft).values(token_hash=digest, name=name, payload=payload, updated_at=now)
        )
    return True


def read_draft(conn: Connection, token: str, name: str, now: dt.datetime) -> str | None:
    """The session's draft ``name`` (JSON text), or ``None`` (none kept, or the session is not live)."""
    digest = _live_digest(conn, token, now)
    if digest is None:
        return None
    return conn.execute(
        select(SessionDraft.payload).where(SessionDraft.token_hash == digest, SessionDraft.name == name)
    ).scalar()
