"""Turn a database URL into a configured SQLAlchemy ``Engine`` (SQLite pragmas, PostgreSQL as is).

SQLite is the default store. Three of its behaviours are wrong for this project out of the box, so
every connection this module opens is set up as follows:

* ``PRAGMA foreign_keys=ON``: SQLite ignores foreign keys (and ``ON DELETE CASCADE``) unless told.
* ``PRAGMA journal_mode=WAL`` and ``busy_timeout``: readers (the app) do not block the writer (an
  import), and a second writer waits instead of failing with "database is locked".
* Python's ``sqlite3`` driver (3.11) does not emit ``BEGIN`` before ``SELECT``; the driver's own
  transaction handling is switched off and SQLAlchemy emits ``BEGIN`` itself, so that a read and the
  write that depends on it are in one transaction. A connection carrying the execution option
  ``symbiosis_write=True`` begins with ``BEGIN IMMEDIATE`` (takes the write lock at once), which
  avoids a deadlock-prone lock upgrade between two writers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["DATABASE_ERRORS", "WRITE_OPTION", "is_sqlite", "make_engine"]

logger = logging.getLogger(__name__)

#: What a registry that is missing, unreachable, corrupt, not migrated or misconfigured raises (any
#: SQLAlchemy error, a file or network error, a driver that is not installed). Screens and commands
#: catch these, not ``Exception``, to say "the registry cannot be read"; anything else is a bug.
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, OSError, ImportError)

#: Execution option that makes an SQLite transaction start with ``BEGIN IMMEDIATE``.
WRITE_OPTION = "symbiosis_write"

_MEMORY_NAMES = ("", ":memory:")


def is_sqlite(engine_or_url: Engine | URL | str) -> bool:
    """Return whether an engine or URL points at SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def _sqlite_file(url: URL) -> Path | None:
    """Return the database file of an SQLite URL, or None for in-memory and URI forms."""
    database = url.database or ""
    if database in _MEMORY_NAMES or database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database)


def _on_sqlite_connect(busy_timeout_ms: int):
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see module doc)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")  # an int: nothing to inject
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB: a 100k-row import stays in memory
        finally:
            cursor.close()

    return on_connect


def _on_sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | URL, *, busy_timeout_ms: int = 15_000, echo: bool = False) -> Engine:
    """Create an engine for ``url``, with the SQLite set-up described in the module docstring.

    Parameters
    ----------
    url
        SQLAlchemy URL: ``sqlite:///data/symbiosis.db`` (the parent folder is created),
        ``sqlite://`` (in memory) or ``postgresql+psycopg://user:pass@host/db``.
    busy_timeout_ms
        How long an SQLite writer waits for another writer's lock before failing.
    echo
        Log every SQL statement (debugging).

    Returns
    -------
    Engine
        A new engine; the caller disposes of it.
    """
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo)
    event.listen(engine, "connect", _on_sqlite_connect(int(busy_timeout_ms)))
    event.listen(engine, "begin", _on_sqlite_begin)
    logger.debug("SQLite engine on %s", path or "memory")
    return engine
