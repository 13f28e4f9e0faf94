"""Tables of the mutualisation levers' inputs: purchases, capacities, treatment needs, pickups, receivers.

One table per frame of :data:`symbiosis.mutual.tables.MUTUAL_TABLES`, named ``mutual_<table>``, with
the frame's columns in its order (a column the schema marks optional is nullable) and the frame's
key as primary key. Rows declared by a firm reference ``firms`` with ``ON DELETE CASCADE`` (erasing a
firm erases what it declared); a receiver's ``firm_id`` is only a hint (a receiver need not be in the
registry) and has no foreign key.

The columns are written out here rather than built from the frame schemas: importing
:mod:`symbiosis.mutual` would load the levers' solvers and unit tables into every program that
opens the database. ``tests/test_mutual_inputs.py`` checks that each table mirrors its schema;
:mod:`symbiosis.db.mutual_inputs` reads and writes them.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text

from symbiosis.db import models  # noqa: F401 (the firms table the foreign keys name)
from symbiosis.db.base import Base

__all__ = ["MUTUAL_INPUT_TABLES", "table_name"]


def table_name(name: str) -> str:
    """The database table of a levers' table (``purchases`` -> ``mutual_purchases``)."""
    return f"mutual_{name}"


def _owned(name: str, key: str, *columns: Column) -> Table:
    """A table of rows a firm declares: its key, the firm (cascading), then its own columns."""
    return Table(
        table_name(name),
        Base.metadata,
        Column(key, String(), primary_key=True),
        Column(
            "firm_id", String(), ForeignKey("firms.firm_id", ondelete="CASCADE"), nullable=False, index=True
        ),
        *columns,
    )


def _req(name: str, type_: type[String | Float | Integer]) -> Column:
    return Column(name, type_(), nullable=False)


def _opt(name: str, type_: type[String | Float | Integer | Text]) -> Column:
    return Column(name, type_(), nullable=True)


def _slots() -> list[Column]:
    return [
        _req("hours_per_week", Float),
        _req("days_mask", Integer),
        _req("periods_mask", Integer),
        _req("months_mask", Integer),
    ]


#: Levers' table name (``purchases``…) -> its SQLAlchemy table.
MUTUAL_INPUT_TABLES: dict[str, Table] = {
    "purchases": _owned(
        "purchases",
        "purchase_id",
        _req("category_id", String),
        _opt("description", Text),
        _req("quantity_per_yr", Float),
        _req("unit", String),
        _req("months_mask", Integer),
        _req("price_cad_per_unit", Float),
        _opt("max_distance_km", Float),
    ),
    "capacity_offers": _owned(
        "capacity_offers",
        "offer_id",
        _req("asset_type", String),
        _opt("description", Text),
        *_slots(),
        _req("cost_cad_per_h", Float),
        _opt("fixed_cost_cad_per_yr", Float),
        _opt("host_hours_per_yr", Float),
        _opt("max_distance_km", Float),
    ),
    "capacity_needs": _owned(
        "capacity_needs",
        "need_id",
        _req("asset_type", String),
        _opt("description", Text),
        *_slots(),
        _req("alternative_cost_cad_per_h", Float),
        _opt("max_distance_km", Float),
    ),
    "treatment_needs": _owned(
        "treatment_needs",
        "need_id",
        _req("treatment_type", String),
        _opt("description", Text),
        _req("quantity_per_yr", Float),
        _req("unit", String),
        _req("current_cost_cad_per_unit", Float),
    ),
    "pickups": _owned(
        "pickups",
        "pickup_id",
        _req("residue_id", String),
        _opt("description", Text),
        _req("quantity_t_per_yr", Float),
        _req("period_weeks", Integer),
        _req("window_start_min", Integer),
        _req("window_end_min", Integer),
        _opt("receiver_id", String),
        _opt("current_cost_cad_per_pickup", Float),
    ),
    "receivers": Table(
        table_name("receivers"),
        Base.metadata,
        Column("receiver_id", String(), primary_key=True),
        _req("name", String),
        _opt("firm_id", String),
        _req("lat", Float),
        _req("lon", Float),
        _req("residues", String),
        _req("trucks", Integer),
    ),
}
