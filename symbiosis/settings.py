"""Where the registry lives: the one place that reads the database location from the environment."""

from __future__ import annotations

import os

__all__ = ["DEFAULT_DB", "database_url"]

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
