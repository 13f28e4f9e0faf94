"""Where the registry lives: the one place that reads the database location from the environment.

Also where the server's secret lives (it signs sessions and seals the audit trail; never in the
repository, never in the database) and, on PostgreSQL, the owner URL migrations run with while the
app connects as a role that owns nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported where a URL is parsed: ``symbiosis match`` never needs it
    from sqlalchemy.engine import URL

__all__ = ["DEFAULT_DB", "anonymity_k", "database_url", "owner_database_url", "secret_file"]

DEFAULT_DB = "data/symbiosis.db"


def database_url(db: str | None = None) -> str:
    """Return the SQLAlchemy URL of the registry.

    Parameters
    ----------
    db
        An SQLite file path or a full URL (``--db`` on the command line). Wins when given.

    Returns
    -------
    str
        ``db`` as a URL; else ``$DATABASE_URL`` (e.g. PostgreSQL); else ``$SYMBIOSIS_DB`` as an
        SQLite file; else the default SQLite file ``data/symbiosis.db``.
    """
    if db:
        return db if "://" in db else f"sqlite:///{db}"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{os.environ.get('SYMBIOSIS_DB', DEFAULT_DB)}"


def owner_database_url() -> str | None:
    """Return ``$SYMBIOSIS_OWNER_DATABASE_URL``: the schema owner's URL that migrations run with.

    When set (PostgreSQL), the app connects with :func:`database_url` as a role that owns nothing and
    is granted only what it needs (no update nor delete on the audit log); ``None`` migrates with the
    app's own URL (SQLite, development).
    """
    return os.environ.get("SYMBIOSIS_OWNER_DATABASE_URL") or None


def secret_file(url: str | URL) -> Path | None:
    """Return the file of the server secret for the registry at ``url`` (``None``: in-memory SQLite).

    ``$SYMBIOSIS_SECRET_FILE`` wins; an SQLite registry keeps it next to its file
    (``data/symbiosis.db.secret``); another database keeps it in the user's configuration folder
    (``~/.config/symbiosis/secret-<host-and-database hash>``). Back it up with the database: the audit
    trail can only be verified with it.
    """
    if os.environ.get("SYMBIOSIS_SECRET_FILE"):
        return Path(os.environ["SYMBIOSIS_SECRET_FILE"])
    from sqlalchemy.engine import make_url

    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return None
        return Path(database + ".secret")
    where = f"{url.get_backend_name()}://{url.host}:{url.port}/{url.database}?{sorted(url.query.items())}"
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "symbiosis" / f"secret-{hashlib.sha256(where.encode()).hexdigest()[:16]}"


def anonymity_k(default: int = 5) -> int:
    """Return the k of k-anonymity for what firms see of counterparts: ``$SYMBIOSIS_ANONYMITY_K`` (≥ 2)."""
    value = os.environ.get("SYMBIOSIS_ANONYMITY_K", "").strip()
    return max(2, int(value)) if value.isdigit() else default
