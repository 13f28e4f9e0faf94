"""User accounts on a connection: create one, list them (the repositories call these).

Passwords are stored only as salted scrypt hashes (:mod:`symbiosis.db.passwords`); the hash never
appears in the audit log nor in a listing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from symbiosis.db.actor import USER_ROLES, Actor
from symbiosis.db.audit import AuditEntry
from symbiosis.db.convert import PERSONAL_FIELDS
from symbiosis.db.models import User

__all__ = ["USER_COLUMNS", "insert_user", "list_users"]

USER_COLUMNS: tuple[str, ...] = ("user_id", "display_name", "role", "firm_id", "created_at")


def insert_user(
    conn: Connection,
    *,
    user_id: str,
    password_hash: str,
    role: str,
    firm_id: str | None,
    display_name: str,
    at: dt.datetime,
    is_demo: bool = False,
) -> AuditEntry:
    """Insert an account (its password already hashed, outside the transaction); return its audit entry.

    Raises
    ------
    ValueError
        Unknown role, firm role without firm (or the reverse), or id already taken.
    """
    if role not in USER_ROLES:
        raise ValueError(f"unknown user role {role!r}; expected one of {USER_ROLES}")
    if (role == "firm") != bool(firm_id):
        raise ValueError("firm_id is required for the firm role and only for it")
    if not user_id.strip():
        raise ValueError("a user needs a user_id")
    if conn.execute(select(User.user_id).where(User.user_id == user_id)).first() is not None:
        raise ValueError(f"user {user_id!r} already exists")
    row = {
        "user_id": user_id,
        "display_name": display_name,
        "role": role,
        "firm_id": firm_id,
        "created_at": at,
    }
    conn.execute(insert(User), {**row, "password_hash": password_hash, "is_demo": bool(is_demo)})
    public = {k: v for k, v in row.items() if k != "created_at"} | ({"is_demo": True} if is_demo else {})
    return AuditEntry("insert", "users", user_id, firm_id, None, public)


def list_users(conn: Connection, actor: Actor) -> pd.DataFrame:
    """Return the accounts the actor may see (a firm sees its own users), without password hashes."""
    query = select(*(getattr(User, c) for c in USER_COLUMNS)).order_by(User.user_id)
    if not actor.reads_all:
        query = query.where(User.firm_id == actor.firm_id)
    frame = pd.DataFrame.from_records([tuple(r) for r in conn.execute(query)], columns=list(USER_COLUMNS))
    for col in ("user_id", "display_name", "role", "firm_id"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype("str")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    if not actor.sees_personal_info:  # others' personal information; one's own name is no secret to oneself
        others = frame["user_id"] != actor.user_id
        for col in PERSONAL_FIELDS & set(frame.columns):
            frame.loc[others, col] = ""
    return frame
