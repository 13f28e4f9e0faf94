"""The audit trail's hash chain: each entry carries the hash of the one before it, sealed with a key.

``entry_hash = HMAC-SHA256(key, prev_hash || canonical(entry))`` where ``prev_hash`` is the previous
entry's ``entry_hash`` (64 zeros for the first) and ``key`` is derived from the server secret
(:mod:`symbiosis.db.keys`), which is not in the database. Changing, removing or inserting an entry
breaks the link after it; re-sealing the rest needs the key. Entries written before the chain existed
(revision ``0003_security``) carry no hash: they are hashed in order as the chain's first links, so
that the first sealed entry also vouches for them.

Appends are serialised: on PostgreSQL by a transaction-level advisory lock taken before the last
hash is read (READ COMMITTED then sees every committed entry); on SQLite by the write lock every
auditing transaction takes at ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from symbiosis.db.keys import derived_key
from symbiosis.db.models import AuditLog

__all__ = [
    "CHAINED_COLUMNS",
    "GENESIS",
    "ChainReport",
    "audit_key",
    "canonical",
    "link",
    "seal",
    "verify_chain",
]

GENESIS = "0" * 64
#: The columns an entry's hash covers (``audit_id`` is its place in the chain, not its content).
CHAINED_COLUMNS: tuple[str, ...] = (
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
_ADVISORY_LOCK = 0x5359_4D42_4155_4449  # "SYMBAUDI": one lock for every append to the chain
_BATCH = 5000


def audit_key(conn: Connection) -> bytes:
    """Return the chain key of the database ``conn`` is connected to."""
    return derived_key(conn.engine.url, "audit-chain-v1")


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(entry: dict[str, Any]) -> bytes:
    """Return the bytes an entry's hash covers: its :data:`CHAINED_COLUMNS` as sorted, compact JSON."""
    values = [(_timestamp(entry[c]) if c == "at" else entry[c]) for c in CHAINED_COLUMNS]
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def link(key: bytes, prev_hash: str, entry: dict[str, Any]) -> str:
    """Return the hash of ``entry`` chained after ``prev_hash``."""
    return hmac.new(key, prev_hash.encode("ascii") + b"\n" + canonical(entry), hashlib.sha256).hexdigest()


def _rows(conn: Connection, *, after: int | None = None) -> Iterator[dict[str, Any]]:
    columns = [
        AuditLog.audit_id,
        AuditLog.prev_hash,
        AuditLog.entry_hash,
        *(getattr(AuditLog, c) for c in CHAINED_COLUMNS),
    ]
    last = -1 if after is None else after
    while True:
        batch = conn.execute(
            select(*columns).where(AuditLog.audit_id > last).order_by(AuditLog.audit_id).limit(_BATCH)
        ).all()
        for row in batch:
            yield dict(row._mapping)
        if len(batch) < _BATCH:
            return
        last = batch[-1].audit_id


def _head(conn: Connection, key: bytes) -> str:
    """Return the hash the next entry chains after (hashing the unsealed entries of before the chain)."""
    last = conn.execute(select(AuditLog.entry_hash).order_by(AuditLog.audit_id.desc()).limit(1)).first()
    if last is None:
        return GENESIS
    if last.entry_hash is not None:
        return last.entry_hash
    head = GENESIS  # only before the first sealed entry: the trail of an older version, hashed once
    for row in _rows(conn):
        head = row["entry_hash"] or link(key, head, row)
    return head


def seal(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ``rows`` (audit values about to be inserted, in order) with ``prev_hash`` and ``entry_hash``.

    Takes the chain's lock for the rest of the transaction (PostgreSQL); on SQLite the caller's
    transaction must hold the write lock (``BEGIN IMMEDIATE``), as every auditing transaction does.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})")
    key = audit_key(conn)
    prev = _head(conn, key)
    sealed = []
    for row in rows:
        entry_hash = link(key, prev, row)
        sealed.append({**row, "prev_hash": prev, "entry_hash": entry_hash})
        prev = entry_hash
    return sealed


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found.

    Parameters
    ----------
    entries
        Entries checked.
    unsealed
        Entries from before the chain (hashed as its first links, they carry no hash).
    head
        The last entry's hash (note it somewhere else: a later check can ask that it is still there).
    broken_at
        ``audit_id`` of the first entry whose link does not hold, or ``None``.
    reason
        Why it does not hold (``""`` when the chain is whole).
    anchor_found
        Whether the ``anchor`` hash asked for was found (``None`` when none was asked).
    """

    entries: int
    unsealed: int
    head: str
    broken_at: int | None = None
    reason: str = ""
    anchor_found: bool | None = None

    @property
    def ok(self) -> bool:
        """Whether every link holds (and the anchor, when given, is in the chain)."""
        return self.broken_at is None and self.anchor_found is not False


def _check(key: bytes, rows: Iterable[dict[str, Any]], anchor: str | None) -> ChainReport:
    head, count, unsealed, sealed_seen, found = GENESIS, 0, 0, False, None if anchor is None else False
    for row in rows:
        count += 1
        expected = link(key, head, row)
        if row["entry_hash"] is None:
            if sealed_seen:
                return ChainReport(
                    count,
                    unsealed,
                    head,
                    row["audit_id"],
                    "entry without a hash after the first sealed one (inserted around the repository)",
                    found,
                )
            unsealed += 1
            head = expected
            continue
        sealed_seen = True
        if row["prev_hash"] != head:
            return ChainReport(
                count,
                unsealed,
                head,
                row["audit_id"],
                "does not follow the entry before it (an entry was removed, inserted or reordered)",
                found,
            )
        if row["entry_hash"] != expected:
            return ChainReport(
                count,
                unsealed,
                head,
                row["audit_id"],
                "its content or hash was changed, or it was written without the key",
                found,
            )
        head = row["entry_hash"]
        if anchor is not None and head == anchor:
            found = True
    return ChainReport(count, unsealed, head, None, "", found)


def verify_chain(conn: Connection, *, anchor: str | None = None) -> ChainReport:
    """Recompute the chain over every entry, in ``audit_id`` order, and report the first broken link.

    Parameters
    ----------
    conn
        A connection to the registry (read only).
    anchor
        A head hash noted earlier (``symbiosis audit verify`` prints it): the check also fails when
        it is no longer in the chain, which is how a truncated tail is caught.
    """
    return _check(audit_key(conn), _rows(conn), anchor)
