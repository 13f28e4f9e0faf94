"""ORM models: the tables of the registry database (SQLAlchemy 2 typed declarative).

Tables
------
``firms``
    One row per firm; columns are those of :data:`symbiosis.schemas.FIRMS`.
``streams``
    One row per supply or demand; columns are those of :data:`symbiosis.schemas.STREAMS`.
    ``firm_id`` references ``firms`` with ``ON DELETE CASCADE``.
``permits``
    Québec authorisations of receiving firms (type, reference, categories and waste codes covered).
``users``
    Accounts that sign in to the app (role advisor, firm or program_manager; scrypt password hash).
``import_batches``
    One row per imported file: who, when, which file, rows accepted and rejected, the report.
``audit_log``
    Append-only trail of every write, refused attempt, sign-in and app event (who, when, what,
    before and after), each entry chained to the previous one (``prev_hash``, ``entry_hash``: see
    :mod:`symbiosis.db.audit_chain`). Triggers in the migrations refuse ``UPDATE``, ``DELETE``,
    ``INSERT OR REPLACE`` and unsealed entries.

The sign-in throttle, the sessions and the registry's settings are in
:mod:`symbiosis.db.models_security`, the synergies in :mod:`symbiosis.db.models_synergy`, the
notifications in :mod:`symbiosis.db.models_notifications`; all of them share the declarative base of
:mod:`symbiosis.db.base`, and :mod:`symbiosis.db.metadata` gathers every table.

Optional text is stored as NULL and read back as ``""``; missing numbers are NULL and read back as
NaN. Timestamps are timezone-aware UTC (:class:`~symbiosis.db.base.UTCDateTime`); stream start/end are dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from symbiosis.db.actor import ROLES, USER_ROLES
from symbiosis.db.base import BIG_ID, Base, sql_in
from symbiosis.schemas import (
    AVAILABILITY,
    CONFIDENTIALITY,
    COORD_SOURCES,
    DIRECTIONS,
    PERMIT_TYPES,
    RESOURCE_KINDS,
)

__all__ = ["AuditLog", "Firm", "ImportBatch", "Permit", "Stream", "User"]


class Firm(Base):
    """A firm of the region (see :data:`symbiosis.schemas.FIRMS` for each column)."""

    __tablename__ = "firms"

    firm_id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    scian_code: Mapped[str]
    park_id: Mapped[str | None]
    municipality: Mapped[str]
    lat: Mapped[float]
    lon: Mapped[float]
    coord_source: Mapped[str]
    contact_name: Mapped[str | None]
    contact_email: Mapped[str | None]
    contact_phone: Mapped[str | None]
    accepts_hazardous: Mapped[bool]
    confidentiality: Mapped[str]

    __table_args__ = (
        CheckConstraint(sql_in("coord_source", COORD_SOURCES), name="coord_source"),
        CheckConstraint(sql_in("confidentiality", CONFIDENTIALITY), name="confidentiality"),
    )


class Stream(Base):
    """A supply or demand of a firm (see :data:`symbiosis.schemas.STREAMS` for each column)."""

    __tablename__ = "streams"

    stream_id: Mapped[str] = mapped_column(primary_key=True)
    firm_id: Mapped[str] = mapped_column(ForeignKey("firms.firm_id", ondelete="CASCADE"), index=True)
    direction: Mapped[str]
    kind: Mapped[str]
    category_id: Mapped[str] = mapped_column(index=True)
    category_source: Mapped[str | None]
    category_score: Mapped[float | None]
    category_alternatives: Mapped[str | None]
    waste_code: Mapped[str | None]
    description: Mapped[str | None] = mapped_column(Text)
    quantity_as_typed: Mapped[str]
    unit_as_typed: Mapped[str]
    quantity_per_yr: Mapped[float]
    quantity_unit: Mapped[str]
    mass_t_per_yr: Mapped[float | None]
    density_t_per_m3: Mapped[float | None]
    density_source: Mapped[str | None]
    hazardous: Mapped[bool]
    moisture_pct: Mapped[float | None]
    temperature_c: Mapped[float | None]
    purity_pct: Mapped[float | None]
    contaminant_pct: Mapped[float | None]
    particle_size: Mapped[str | None]
    min_purity_pct: Mapped[float | None]
    max_moisture_pct: Mapped[float | None]
    min_temperature_c: Mapped[float | None]
    return_temperature_c: Mapped[float | None]
    max_contaminant_pct: Mapped[float | None]
    accepted_particle_sizes: Mapped[str | None]
    rejects_hazardous: Mapped[bool | None]
    quality_notes: Mapped[str | None] = mapped_column(Text)
    availability: Mapped[str]
    months_mask: Mapped[int]
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    current_fate: Mapped[str | None]
    disposal_cost_cad_per_unit: Mapped[float | None]
    current_use: Mapped[str | None]
    purchase_price_cad_per_unit: Mapped[float | None]
    gate_fee_cad_per_unit: Mapped[float | None]
    min_lot_per_yr: Mapped[float | None]
    max_distance_km: Mapped[float | None]
    confidentiality: Mapped[str]

    __table_args__ = (
        Index("ix_streams_direction_category_id", "direction", "category_id"),
        CheckConstraint(sql_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(sql_in("kind", RESOURCE_KINDS), name="kind"),
        CheckConstraint(sql_in("availability", AVAILABILITY), name="availability"),
        CheckConstraint(sql_in("confidentiality", CONFIDENTIALITY), name="confidentiality"),
        CheckConstraint("months_mask BETWEEN 0 AND 4095", name="months_mask"),
        CheckConstraint("quantity_per_yr >= 0", name="quantity_per_yr"),
        CheckConstraint(
            "category_source IS NULL OR category_source IN ('given', 'inferred', 'corrected', '')",
            name="category_source",
        ),
    )


class Permit(Base):
    """A Québec authorisation a receiving firm holds (see :data:`symbiosis.schemas.PERMITS`)."""

    __tablename__ = "permits"

    permit_id: Mapped[str] = mapped_column(primary_key=True)
    firm_id: Mapped[str] = mapped_column(ForeignKey("firms.firm_id", ondelete="CASCADE"), index=True)
    permit_type: Mapped[str]
    reference: Mapped[str | None]
    categories: Mapped[str | None] = mapped_column(Text)
    waste_codes: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[dt.date | None]
    conditions: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (CheckConstraint(sql_in("permit_type", PERMIT_TYPES), name="permit_type"),)


class User(Base):
    """An account that signs in to the app; a ``firm`` user belongs to exactly one firm."""

    __tablename__ = "users"

    user_id: Mapped[str] = mapped_column(primary_key=True)
    display_name: Mapped[str]
    role: Mapped[str]
    firm_id: Mapped[str | None] = mapped_column(ForeignKey("firms.firm_id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str]
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]
    is_demo: Mapped[bool] = mapped_column(server_default=false())

    __table_args__ = (
        CheckConstraint(sql_in("role", USER_ROLES), name="role"),
        CheckConstraint("(role = 'firm') = (firm_id IS NOT NULL)", name="firm_role_has_firm"),
    )


class ImportBatch(Base):
    """One imported file: who imported it, when, and what its import report said."""

    __tablename__ = "import_batches"

    batch_id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime]
    actor_id: Mapped[str]
    actor_role: Mapped[str]
    firm_id: Mapped[str | None] = mapped_column(index=True)
    source_filename: Mapped[str]
    accepted_count: Mapped[int]
    rejected_count: Mapped[int]
    report: Mapped[dict[str, Any]]


class AuditLog(Base):
    """One entry of the append-only audit trail (never updated nor deleted)."""

    __tablename__ = "audit_log"

    audit_id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[str]
    actor_role: Mapped[str]
    action: Mapped[str]
    table_name: Mapped[str | None]
    row_key: Mapped[str | None]
    firm_id: Mapped[str | None] = mapped_column(index=True)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str | None]
    entry_hash: Mapped[str | None]

    __table_args__ = (
        Index("ix_audit_log_table_name_row_key", "table_name", "row_key"),
        CheckConstraint(sql_in("actor_role", (*ROLES, "anonymous")), name="actor_role"),
    )
