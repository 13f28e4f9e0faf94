"""Synergy pipeline: synergies, the firms' consents and the verified quantities.

Revision ID: 0002_synergies
Revises: 0001
Create Date: 2026-11-22 04:50:00

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_synergies"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_REASONS = "('regulatory', 'quality', 'volume', 'timing', 'distance', 'cost', 'no_interest', 'other')"
_PIPELINE = "('proposed', 'qualified', 'contacted', 'in_discussion', 'trial', 'implemented', 'verified'"


def _fk_firm(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["firms.firm_id"], name=op.f(f"fk_{table}_{column}_firms"), ondelete="CASCADE"
    )


def _fk_synergy(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["synergy_id"],
        ["synergies.synergy_id"],
        name=op.f(f"fk_{table}_synergy_id_synergies"),
        ondelete="CASCADE",
    )


def _synergies() -> None:
    op.create_table(
        "synergies",
        sa.Column("synergy_id", sa.String(), nullable=False),
        sa.Column("supply_id", sa.String(), nullable=False),
        sa.Column("demand_id", sa.String(), nullable=False),
        sa.Column("supply_firm_id", sa.String(), nullable=False),
        sa.Column("demand_firm_id", sa.String(), nullable=False),
        sa.Column("supply_category_id", sa.String(), nullable=False),
        sa.Column("demand_category_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("flow_per_yr", sa.Float(), nullable=False),
        sa.Column("flow_unit", sa.String(), nullable=False),
        sa.Column("road_distance_km", sa.Float(), nullable=True),
        sa.Column("estimate", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("stage_reached", sa.String(), nullable=False),
        sa.Column("rejection_reason", sa.String(), nullable=True),
        sa.Column("owner_id", sa.String(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("status_changed_at", _TS, nullable=False),
        sa.Column("qualified_at", _TS, nullable=True),
        sa.Column("next_action_on", sa.Date(), nullable=True),
        sa.Column("next_action", sa.String(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("flow_per_yr >= 0", name=op.f("ck_synergies_flow_per_yr")),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)",
            name=op.f("ck_synergies_rejected_has_reason"),
        ),
        sa.CheckConstraint(f"rejection_reason IN {_REASONS}", name=op.f("ck_synergies_rejection_reason")),
        sa.CheckConstraint(f"stage_reached IN {_PIPELINE})", name=op.f("ck_synergies_stage_reached")),
        sa.CheckConstraint(f"status IN {_PIPELINE}, 'rejected')", name=op.f("ck_synergies_status")),
        _fk_firm("synergies", "supply_firm_id"),
        _fk_firm("synergies", "demand_firm_id"),
        sa.PrimaryKeyConstraint("synergy_id", name=op.f("pk_synergies")),
        sa.UniqueConstraint("supply_id", "demand_id", name=op.f("uq_synergies_supply_id_demand_id")),
    )
    for column in ("demand_firm_id", "status", "supply_firm_id"):
        op.create_index(op.f(f"ix_synergies_{column}"), "synergies", [column])


def _consents() -> None:
    op.create_table(
        "consents",
        sa.Column("synergy_id", sa.String(), nullable=False),
        sa.Column("side", sa.String(), nullable=False),
        sa.Column("firm_id", sa.String(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", _TS, nullable=False),
        sa.CheckConstraint(
            "(decision = 'decline') = (reason IS NOT NULL)", name=op.f("ck_consents_decline_has_reason")
        ),
        sa.CheckConstraint("decision IN ('accept', 'decline')", name=op.f("ck_consents_decision")),
        sa.CheckConstraint(f"reason IN {_REASONS}", name=op.f("ck_consents_reason")),
        sa.CheckConstraint("side IN ('supply', 'demand')", name=op.f("ck_consents_side")),
        _fk_firm("consents", "firm_id"),
        _fk_synergy("consents"),
        sa.PrimaryKeyConstraint("synergy_id", "side", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_firm_id"), "consents", ["firm_id"])


def _verifications() -> None:
    op.create_table(
        "verifications",
        sa.Column("verification_id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("synergy_id", sa.String(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("supplier_quantity", sa.Float(), nullable=True),
        sa.Column("supplier_confirmed_by", sa.String(), nullable=True),
        sa.Column("supplier_confirmed_at", _TS, nullable=True),
        sa.Column("receiver_quantity", sa.Float(), nullable=True),
        sa.Column("receiver_confirmed_by", sa.String(), nullable=True),
        sa.Column("receiver_confirmed_at", _TS, nullable=True),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_verifications_period")),
        sa.CheckConstraint("receiver_quantity >= 0", name=op.f("ck_verifications_receiver_quantity")),
        sa.CheckConstraint("supplier_quantity >= 0", name=op.f("ck_verifications_supplier_quantity")),
        _fk_synergy("verifications"),
        sa.PrimaryKeyConstraint("verification_id", name=op.f("pk_verifications")),
        sa.UniqueConstraint(
            "synergy_id",
            "period_start",
            "period_end",
            name=op.f("uq_verifications_synergy_id_period_start_period_end"),
        ),
    )
    op.create_index(op.f("ix_verifications_synergy_id"), "verifications", ["synergy_id"])


def upgrade() -> None:
    """Create the synergy, consent and verification tables."""
    _synergies()
    _consents()
    _verifications()


def downgrade() -> None:
    """Drop what this revision created."""
    for table in ("verifications", "consents", "synergies"):
        op.drop_table(table)
