"""Arguments and helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

__all__ = ["DEFAULT_DB", "add_db_argument", "database_url", "print_json"]

DEFAULT_DB = "data/symbiosis.db"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH`` (an SQLite file) to a sub-command."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help="SQLite registry file (default: $DATABASE_URL, else $SYMBIOSIS_DB, else "
        f"{DEFAULT_DB})",
    )


def database_url(db: str | None) -> str:
    """Return the SQLAlchemy URL for ``--db`` or the environment.

    ``--db`` wins; then ``DATABASE_URL`` (e.g. PostgreSQL); then ``SYMBIOSIS_DB``; then the default
    SQLite file.
    """
    if db:
        return db if "://" in db else f"sqlite:///{db}"
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return f"sqlite:///{os.environ.get('SYMBIOSIS_DB', DEFAULT_DB)}"


def print_json(value: Any) -> None:
    """Print ``value`` as UTF-8 JSON on standard output (non-ASCII kept, NaN as null)."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str, allow_nan=False)
    sys.stdout.write("\n")
