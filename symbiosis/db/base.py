"""The declarative base every ORM model shares: naming convention, column types, UTC timestamps.

The table modules (:mod:`symbiosis.db.models`, :mod:`symbiosis.db.models_security`,
:mod:`symbiosis.db.models_synergy`, :mod:`symbiosis.db.models_notifications`) import this module and
never one another's bottom; :mod:`symbiosis.db.metadata` gathers every table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    Integer,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase

__all__ = ["BIG_ID", "NAMING_CONVENTION", "Base", "UTCDateTime", "sql_in"]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Audit ids: 64-bit on PostgreSQL, SQLite's rowid (which is 64-bit) on SQLite.
BIG_ID = BigInteger().with_variant(Integer, "sqlite")


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """SQL for ``column IN (values)``, built from the model modules' constant tuples only."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every dialect (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC timestamp")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention (needed by Alembic batch mode on SQLite)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 (SQLAlchemy reads it at class creation)
        str: String(),
        float: Float(),
        int: Integer(),
        bool: Boolean(create_constraint=False),
        dt.date: Date(),
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(none_as_null=True),
    }
