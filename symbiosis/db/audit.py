"""The append-only audit trail: entries written inside the caller's transaction, and read back.

There is deliberately no function here (nor in the repository) that updates or deletes an entry;
the migrations add triggers that refuse ``UPDATE``, ``DELETE``, ``INSERT OR REPLACE`` and entries
without a seal on ``audit_log``, and on PostgreSQL the app's role may only read and insert. Every
entry is chained to the previous one and sealed with a key the database does not hold
(:mod:`symbiosis.db.audit_chain`), so ``symbiosis audit verify`` finds any entry changed, removed or
written around the repository.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, insert, select
from sqlalchemy.engine import Connection

from symbiosis.db import bulk
from symbiosis.db.actor import Actor
from symbiosis.db.audit_chain import seal
from symbiosis.db.convert import PERSONAL_FIELDS
from symbiosis.db.models import AuditLog

__all__ = ["AUDIT_COLUMNS", "RESERVED_ACTIONS", "AuditEntry", "append_audit", "audit_query", "read_audit"]

AUDIT_COLUMNS: tuple[str, ...] = (
    "audit_id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "table_name",
    "row_key",
    "firm_id",
    "before",
    "after",
)
#: Actions only the repository writes (``log_event`` refuses them, so they cannot be forged).
RESERVED_ACTIONS: frozenset[str] = frozenset(
    {"insert", "update", "delete", "denied", "login", "login_failed", "import"}
)
_KEY_CHARS = 500


@dataclass(frozen=True)
class AuditEntry:
    """One thing that happened, before it is written.

    Parameters
    ----------
    action
        ``insert``, ``update``, ``delete``, ``denied``, ``login``, ``login_failed``, ``import`` or an
        app event (``export``, ``reveal``, ``consent``…).
    table_name
        Table concerned, when there is one.
    row_key
        Id of the row concerned (several ids joined by commas for a refused batch).
    firm_id
        Firm the entry is about (lets a firm read its own trail).
    before, after
        The changed fields before and after (JSON-ready), or details of the event.
    """

    action: str
    table_name: str | None = None
    row_key: str | None = None
    firm_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def append_audit(
    conn: Connection,
    actor: Actor | None,
    entries: Sequence[AuditEntry],
    *,
    at: dt.datetime,
    actor_id: str | None = None,
) -> None:
    """Insert ``entries`` in the transaction of ``conn`` (an executemany; nothing when empty).

    Parameters
    ----------
    conn
        Connection inside the transaction of the change being audited.
    actor
        Who did it; None for an anonymous attempt (a failed sign-in), then ``actor_id`` names it.
    entries
        What happened.
    at
        When (aware UTC), the same for every entry of one call.
    actor_id
        The claimed user id of an anonymous attempt.
    """
    if not entries:
        return
    who = actor.user_id if actor else (actor_id or "")[:_KEY_CHARS]
    role = actor.role if actor else "anonymous"
    rows = [
        {
            "at": at,
            "actor_id": who,
            "actor_role": role,
            "action": e.action,
            "table_name": e.table_name,
            "row_key": None if e.row_key is None else e.row_key[:_KEY_CHARS],
            "firm_id": e.firm_id,
            "before": _stored(e.before),
            "after": _stored(e.after),
        }
        for e in entries
    ]
    bulk.executemany(conn, insert(AuditLog), seal(conn, rows))


def _stored(details: dict[str, Any] | None) -> dict[str, Any] | None:
    """The details as the database gives them back (JSON types only), which is what the seal covers."""
    return None if details is None else json.loads(json.dumps(details, allow_nan=False, default=str))


def _blank_personal(details: Any) -> Any:
    if not isinstance(details, dict):
        return details
    return {k: ("" if k in PERSONAL_FIELDS and v else v) for k, v in details.items()}


#: Keys of an entry's details that name another firm (an advisor reads them, the firm does not).
OTHER_FIRM_KEYS: frozenset[str] = frozenset({"counterpart_firm_id"})
_ROW_KEY, _BEFORE, _AFTER = (AUDIT_COLUMNS.index(c) for c in ("row_key", "before", "after"))


def _for_firm(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An entry of a firm's own trail as the firm may read it: nothing that names another firm.

    A refused attempt keeps only that it happened (its ids and reason may be another firm's); a
    reveal keeps that the firm revealed its counterpart, not whom (the firm has it on screen).
    """
    values = list(row)
    if values[AUDIT_COLUMNS.index("action")] == "denied":
        values[_ROW_KEY], values[_BEFORE], values[_AFTER] = None, None, None
        return tuple(values)
    for i in (_BEFORE, _AFTER):
        if isinstance(values[i], dict) and OTHER_FIRM_KEYS & values[i].keys():
            values[i] = {k: v for k, v in values[i].items() if k not in OTHER_FIRM_KEYS}
    return tuple(values)


def read_audit(conn: Connection, actor: Actor, query: Select[Any]) -> pd.DataFrame:
    """Run an audit ``query`` (already filtered) and return the entries the actor may read.

    A ``firm`` actor reads only entries about its firm, without what would name another firm (see
    :func:`_for_firm`); a ``program_manager`` reads every entry with personal information blanked.
    """
    if not actor.reads_all:
        query = query.where(AuditLog.firm_id == actor.firm_id)
    rows = conn.execute(query).all()
    if not actor.reads_all:
        rows = [_for_firm(tuple(r)) for r in rows]
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(AUDIT_COLUMNS))
    frame["audit_id"] = frame["audit_id"].astype("int64")
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    for col in ("actor_id", "actor_role", "action", "table_name", "row_key", "firm_id"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype("str")
    if not actor.sees_personal_info:
        frame["before"] = frame["before"].map(_blank_personal)
        frame["after"] = frame["after"].map(_blank_personal)
    return frame


def audit_query() -> Select[Any]:
    """Return the select of every audit column, newest first."""
    return select(*(getattr(AuditLog, c) for c in AUDIT_COLUMNS)).order_by(AuditLog.audit_id.desc())
