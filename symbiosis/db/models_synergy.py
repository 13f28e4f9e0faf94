"""ORM models of the synergy pipeline: synergies, the firms' consents, and verified quantities.

Tables
------
``synergies``
    One row per proposed link between a supply and a demand (unique pair), with its status in the
    pipeline, the engine's estimate (figures and parameters, JSON), owner, dates and notes, and its
    type (``synergy_type``: substitution, mutualisation, shared service, group purchase).
``consents``
    One row per synergy and side: the firm's current decision (accept/decline, with a reason when
    declining). Every decision is also in the audit log.
``verifications``
    One row per synergy and period: the actual quantity confirmed by the supplier and by the
    receiver (the smaller one counts).

Rows reference ``firms`` with ``ON DELETE CASCADE`` (erasing a firm erases its synergies), and
consents and verifications reference ``synergies`` the same way. Stream ids are kept without a
foreign key: a synergy outlives a re-import of its streams.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from symbiosis.db import models  # noqa: F401 (the firms and streams tables its foreign keys name)
from symbiosis.db.base import BIG_ID, Base, sql_in
from symbiosis.synergy.status import DECISIONS, PIPELINE, REASONS, SIDES, STATUSES, SYNERGY_TYPES

__all__ = ["Consent", "Synergy", "Verification"]

_FIRM_FK = "firms.firm_id"


class Synergy(Base):
    """A proposed or ongoing exchange between one supply and one demand."""

    __tablename__ = "synergies"

    synergy_id: Mapped[str] = mapped_column(primary_key=True)
    supply_id: Mapped[str]
    demand_id: Mapped[str]
    supply_firm_id: Mapped[str] = mapped_column(ForeignKey(_FIRM_FK, ondelete="CASCADE"), index=True)
    demand_firm_id: Mapped[str] = mapped_column(ForeignKey(_FIRM_FK, ondelete="CASCADE"), index=True)
    supply_category_id: Mapped[str]
    demand_category_id: Mapped[str]
    kind: Mapped[str]
    flow_per_yr: Mapped[float]
    flow_unit: Mapped[str]
    road_distance_km: Mapped[float | None]
    estimate: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(index=True)
    stage_reached: Mapped[str]
    rejection_reason: Mapped[str | None]
    owner_id: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    status_changed_at: Mapped[dt.datetime]
    qualified_at: Mapped[dt.datetime | None]
    next_action_on: Mapped[dt.date | None]
    next_action: Mapped[str | None]
    notes: Mapped[str | None] = mapped_column(Text)
    synergy_type: Mapped[str] = mapped_column(server_default="substitution", index=True)

    __table_args__ = (
        UniqueConstraint("supply_id", "demand_id"),
        CheckConstraint(sql_in("synergy_type", SYNERGY_TYPES), name="synergy_type"),
        CheckConstraint(sql_in("status", STATUSES), name="status"),
        CheckConstraint(sql_in("stage_reached", PIPELINE), name="stage_reached"),
        CheckConstraint(sql_in("rejection_reason", REASONS), name="rejection_reason"),
        CheckConstraint("(status = 'rejected') = (rejection_reason IS NOT NULL)", name="rejected_has_reason"),
        CheckConstraint("flow_per_yr >= 0", name="flow_per_yr"),
    )


class Consent(Base):
    """A firm's current decision on one side of a synergy."""

    __tablename__ = "consents"

    synergy_id: Mapped[str] = mapped_column(
        ForeignKey("synergies.synergy_id", ondelete="CASCADE"), primary_key=True
    )
    side: Mapped[str] = mapped_column(primary_key=True)
    firm_id: Mapped[str] = mapped_column(ForeignKey(_FIRM_FK, ondelete="CASCADE"), index=True)
    decision: Mapped[str]
    reason: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str]
    decided_at: Mapped[dt.datetime]

    __table_args__ = (
        CheckConstraint(sql_in("side", SIDES), name="side"),
        CheckConstraint(sql_in("decision", DECISIONS), name="decision"),
        CheckConstraint(sql_in("reason", REASONS), name="reason"),
        CheckConstraint("(decision = 'decline') = (reason IS NOT NULL)", name="decline_has_reason"),
    )


class Verification(Base):
    """Actual quantity of one period, as confirmed by each firm (the smaller one counts)."""

    __tablename__ = "verifications"

    verification_id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    synergy_id: Mapped[str] = mapped_column(
        ForeignKey("synergies.synergy_id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    unit: Mapped[str]
    supplier_quantity: Mapped[float | None]
    supplier_confirmed_by: Mapped[str | None]
    supplier_confirmed_at: Mapped[dt.datetime | None]
    receiver_quantity: Mapped[float | None]
    receiver_confirmed_by: Mapped[str | None]
    receiver_confirmed_at: Mapped[dt.datetime | None]

    __table_args__ = (
        UniqueConstraint("synergy_id", "period_start", "period_end"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("supplier_quantity >= 0", name="supplier_quantity"),
        CheckConstraint("receiver_quantity >= 0", name="receiver_quantity"),
    )
