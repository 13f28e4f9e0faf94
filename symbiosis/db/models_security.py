"""ORM models of sign-in and sessions: the throttle, the session tokens, the registry's settings.

Tables
------
``signin_throttle``
    One row per account (``user:<id>``) and per source address (``source:<address>``) that failed
    to sign in: failures since the last success, time of the last attempt, and when the account was
    locked (an advisor lifts it). Kept in the database so that a fresh browser session does not reset
    it, apart from the audit log so that a guessing flood does not hold the chain's lock.
``user_sessions``
    One row per signed-in browser: the SHA-256 of the session id (the id itself is only in the
    user's cookie, signed), its user, creation, expiry, and revocation at sign-out.
``session_drafts``
    What one signed-in session keeps aside between two page loads (a firm's rows kept to fix),
    by name, as JSON text: it lives and ends with its session, never seen by another one.
``registry_settings``
    Key/value settings of the registry (``sample_registry``: the registry holds only the fictional
    sample, so its public demo accounts may sign in).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from symbiosis.db import models  # noqa: F401 (the users table its foreign keys name)
from symbiosis.db.base import Base

__all__ = ["RegistrySetting", "SessionDraft", "SigninThrottle", "UserSession"]


class SigninThrottle(Base):
    """Failed sign-ins of one account or one source address."""

    __tablename__ = "signin_throttle"

    key: Mapped[str] = mapped_column(primary_key=True)
    failures: Mapped[int]
    last_attempt_at: Mapped[dt.datetime]
    locked_at: Mapped[dt.datetime | None]


class UserSession(Base):
    """A signed-in browser session (revoked at sign-out, expired after its lifetime)."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class SessionDraft(Base):
    """Something one session keeps aside between page loads (``name``: what, ``payload``: JSON text)."""

    __tablename__ = "session_drafts"

    token_hash: Mapped[str] = mapped_column(
        ForeignKey("user_sessions.token_hash", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]


class RegistrySetting(Base):
    """One setting of the registry (JSON value)."""

    __tablename__ = "registry_settings"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[dict[str, Any]]
