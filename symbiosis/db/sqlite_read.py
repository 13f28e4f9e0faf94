"""Read the registry from an SQLite file with the standard library's ``sqlite3``: no SQLAlchemy, no ORM.

``symbiosis match`` only reads firms, streams and permits; importing SQLAlchemy and the ORM models for
that costs about 0.25 CPU s, a quarter of the command. This module reads the same three tables into the
same frames as :meth:`symbiosis.db.Repository.load_registry` (same columns in the schemas' order, same
rows in the same order, same dtypes through :func:`symbiosis.db.convert.from_rows`, the same access rules
of the :class:`~symbiosis.db.actor.Actor`), in one read transaction (one snapshot), on a connection
opened read-only (``mode=ro``: a path that is not a registry is never created nor changed).

Only SQLite files are read here (:func:`sqlite_file`); any other URL goes through the repository.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from symbiosis.db.actor import Actor
from symbiosis.db.convert import from_rows
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS, PERMITS, STREAMS, TableSchema

__all__ = ["READ_ERRORS", "load_registry", "sqlite_file"]

#: What a registry file that cannot be read raises here (not a database, locked beyond the timeout,
#: not migrated, a missing file): the counterpart of :data:`symbiosis.db.engine.DATABASE_ERRORS`.
READ_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, OSError)

#: Contact columns of ``firms`` blanked for an actor who may not see personal information (as the
#: repository does).
_CONTACT = ("contact_name", "contact_email", "contact_phone")
_BUSY_TIMEOUT_S = 15.0  # as the repository's engine (``busy_timeout`` 15,000 ms)


def sqlite_file(url: str) -> Path | None:
    """Return the file of a plain ``sqlite:///path`` URL; None for anything else.

    In-memory databases, ``file:`` URIs, URLs with query options and other databases (PostgreSQL)
    give None: the caller then opens the :class:`~symbiosis.db.Repository`.
    """
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    database = url.removeprefix("sqlite:///")
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _select(
    conn: sqlite3.Connection, table: str, schema: TableSchema, key: str, actor: Actor
) -> pd.DataFrame:
    stored = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
    # an optional column added by a later migration reads as empty from a file not yet migrated (this
    # reader never writes); a missing required column still fails the query, as a file that is no registry
    columns = ", ".join(
        f'"{c.name}"' if c.name in stored or c.required else f'NULL AS "{c.name}"' for c in schema.columns
    )
    where, params = ("", ()) if actor.reads_all else (" WHERE firm_id = ?", (actor.firm_id,))
    rows = conn.execute(f'SELECT {columns} FROM "{table}"{where} ORDER BY "{key}"', params).fetchall()
    return from_rows(rows, schema)


def load_registry(path: str | Path, actor: Actor) -> Registry:
    """Return the validated registry of what ``actor`` may read in the SQLite file ``path``.

    Parameters
    ----------
    path
        An existing registry file (migrated by ``symbiosis init`` or the app).
    actor
        On whose behalf: a firm actor reads its own firm, streams and permits; an actor who may not
        see personal information gets the contact columns blank.

    Raises
    ------
    sqlite3.Error, OSError
        (:data:`READ_ERRORS`) the file is not a registry, is locked for longer than 15 s, or lacks a
        table or a required column (an optional column a later migration added reads as empty).
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("BEGIN")  # the three reads see one snapshot
        permits = _select(conn, "permits", PERMITS, "permit_id", actor)
        firms = _select(conn, "firms", FIRMS, "firm_id", actor)
        streams = _select(conn, "streams", STREAMS, "stream_id", actor)
        conn.execute("COMMIT")
    finally:
        conn.close()
    if not actor.sees_personal_info:
        firms[list(_CONTACT)] = ""
    return Registry(firms, streams, permits if len(permits) else None).validate()
