"""Alembic environment: runs the migrations on a connection given by ``symbiosis.db.migrate``.

Programmatic use (the normal path) passes an open connection in ``config.attributes["connection"]``
so that the SQLite pragmas of :func:`symbiosis.db.make_engine` apply and an in-memory or
schema-scoped PostgreSQL database is the one migrated. From the ``alembic`` command line the URL
comes from ``-x url=...``, else ``$DATABASE_URL``, else ``sqlite:///data/symbiosis.db``.
"""

from __future__ import annotations

import logging.config
import os

from alembic import context
from sqlalchemy.engine import Connection

from symbiosis.db.base import UTCDateTime
from symbiosis.db.engine import make_engine
from symbiosis.db.metadata import METADATA
from symbiosis.db.migrate import foreign_keys_suspended

config = context.config
target_metadata = METADATA


def _render_item(type_: str, obj: object, _autogen_context: object) -> str | bool:
    """Write UTCDateTime as a plain DateTime in migrations: they must not import the models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,  # SQLite too: make_engine has SQLAlchemy emit BEGIN
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_from_command_line() -> None:
    if config.config_file_name:
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "DATABASE_URL", "sqlite:///data/symbiosis.db"
    )
    engine = make_engine(url)
    try:
        with engine.connect() as connection, foreign_keys_suspended(connection):
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("symbiosis migrations run online only (give a database URL)")
if config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    _run_from_command_line()
