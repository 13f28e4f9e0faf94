"""Tables of the mutualisation levers' inputs: purchases, capacities, treatment needs, pickups, receivers.

One table per frame of :data:`symbiosis.mutual.tables.MUTUAL_TABLES`, named ``mutual_<table>``, with
the frame's columns in its order (text, float and integer columns; a column the schema marks optional
is nullable) and the frame's key as primary key. Rows declared by a firm reference ``firms`` with
``ON DELETE CASCADE`` (erasing a firm erases what it declared); a receiver's ``firm_id`` is only a
hint (a receiver need not be in the registry) and has no foreign key.

The tables are built from the frame schemas, so a column added to a schema is a column added here
(and a migration); :mod:`symbiosis.db.mutual_inputs` reads and writes them.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text

from symbiosis.db import models  # noqa: F401 (the firms table the foreign keys name)
from symbiosis.db.base import Base
from symbiosis.mutual.tables import MUTUAL_TABLES
from symbiosis.schemas import TableSchema

__all__ = ["MUTUAL_INPUT_TABLES", "table_name"]

_TYPES = {"str": String, "float": Float, "int": Integer}
#: Free-text columns (unbounded on every dialect).
_LONG_TEXT = frozenset({"description"})
#: The tables whose rows a firm declares (its ``firm_id`` owns the row).
_NO_OWNER = frozenset({"receivers"})


def table_name(name: str) -> str:
    """The database table of a levers' table (``purchases`` -> ``mutual_purchases``)."""
    return f"mutual_{name}"


def _column(schema: TableSchema, name: str, dtype: str, required: bool, owned: bool) -> Column:
    key = name in schema.key
    type_ = Text() if name in _LONG_TEXT else _TYPES[dtype]()
    if name == "firm_id" and owned:
        fk = ForeignKey("firms.firm_id", ondelete="CASCADE")
        return Column(name, type_, fk, nullable=False, index=True)
    return Column(name, type_, primary_key=key, nullable=not required and not key)


def _table(name: str, schema: TableSchema) -> Table:
    owned = name not in _NO_OWNER
    columns = [_column(schema, c.name, c.dtype, c.required, owned) for c in schema.columns]
    return Table(table_name(name), Base.metadata, *columns)


#: Levers' table name (``purchases``…) -> its SQLAlchemy table.
MUTUAL_INPUT_TABLES: dict[str, Table] = {name: _table(name, schema) for name, schema in MUTUAL_TABLES.items()}
