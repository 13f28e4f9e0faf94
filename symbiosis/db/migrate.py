"""Bring a database to the latest schema with the Alembic migrations shipped in the package.

``migrate(url)`` is ``alembic upgrade head`` through the Alembic API, using the packaged
``alembic.ini`` and ``migrations/`` folder, so that it works from an installed wheel and from any
working directory. ``schema_diff(url)`` is ``alembic check``: the differences between the ORM models
and the migrated schema (an empty list when they agree).

On SQLite, foreign keys are switched off while migrations run: Alembic's batch mode rebuilds a table
by copying it and dropping the old one, and with foreign keys on, dropping ``firms`` would cascade
into ``streams``. ``PRAGMA foreign_key_check`` runs before they are switched back on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL, Connection

from symbiosis.db.engine import WRITE_OPTION, make_engine
from symbiosis.db.metadata import METADATA
from symbiosis.db.roles import grant_app_role

__all__ = ["alembic_config", "current_revision", "foreign_keys_suspended", "migrate", "schema_diff"]

if TYPE_CHECKING:  # Alembic (and the Mako and Pygments it pulls in, ~0.4 s) only where a migration runs
    from alembic.config import Config

logger = logging.getLogger(__name__)


def alembic_config() -> Config:
    """Return the Alembic configuration shipped in ``symbiosis/db/alembic.ini``."""
    from alembic.config import Config

    ini = resources.files("symbiosis.db").joinpath("alembic.ini")
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("symbiosis.db").joinpath("migrations")))
    return config


@contextmanager
def foreign_keys_suspended(connection: Connection) -> Iterator[None]:
    """Switch SQLite foreign keys off on ``connection`` (outside any transaction), check, restore.

    Does nothing on other dialects.

    Raises
    ------
    RuntimeError
        When rows violate a foreign key after the block.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection  # outside SQLAlchemy's transaction: no BEGIN yet
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        violations = raw.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise RuntimeError(f"foreign key violations after migration: {violations[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


@contextmanager
def _connection(target: str | URL | Engine) -> Iterator[Connection]:
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        if engine is not target:
            engine.dispose()


def migrate(target: str | URL | Engine, *, revision: str = "head", app_role: str | None = None) -> None:
    """Upgrade the database at ``target`` to ``revision`` (idempotent).

    Parameters
    ----------
    target
        A URL (an SQLite file and its folder are created when absent) or an engine from
        :func:`symbiosis.db.make_engine`; on PostgreSQL with ``app_role``, the schema owner's.
    revision
        Alembic revision to reach; ``"head"`` is the schema of this version of the package.
    app_role
        PostgreSQL role the app connects as: granted what it needs, no more
        (:func:`symbiosis.db.roles.grant_app_role`). Ignored on SQLite.
    """
    from alembic import command

    config = alembic_config()
    with _connection(target) as connection, foreign_keys_suspended(connection):
        # BEGIN IMMEDIATE on SQLite: two processes opening a new file do not both create tables.
        connection.execution_options(**{WRITE_OPTION: True})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if app_role and connection.dialect.name == "postgresql":
            grant_app_role(connection, app_role)
        if connection.in_transaction():
            connection.commit()
    logger.info("database migrated to %s", revision)


def current_revision(target: str | URL | Engine) -> str | None:
    """Return the Alembic revision the database is at (None when never migrated)."""
    from alembic.migration import MigrationContext

    with _connection(target) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_diff(target: str | URL | Engine) -> list[Any]:
    """Return the differences between the ORM models and the database (``alembic check``).

    Returns
    -------
    list
        Alembic's diff tuples; empty when the migrated schema matches :mod:`symbiosis.db.models`.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with _connection(target) as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, METADATA))
