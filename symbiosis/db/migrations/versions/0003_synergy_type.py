"""Synergy type: substitution, mutualisation, shared service or group purchase (reported apart).

Revision ID: 0003_synergy_type
Revises: 0003_permits
Create Date: 2026-11-23 10:00:00

Frozen: this file states the schema of this revision and must not import the models. Existing
synergies are the engine's exchanges: they become ``substitution``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_synergy_type"
down_revision: str | Sequence[str] | None = "0003_permits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TYPES = "('substitution', 'mutualisation', 'shared_service', 'group_purchase')"


def upgrade() -> None:
    """Add ``synergies.synergy_type`` (default ``substitution``), its check and its index."""
    with op.batch_alter_table("synergies") as batch:
        batch.add_column(
            sa.Column("synergy_type", sa.String(), server_default="substitution", nullable=False)
        )
        batch.create_check_constraint(op.f("ck_synergies_synergy_type"), f"synergy_type IN {_TYPES}")
        batch.create_index(op.f("ix_synergies_synergy_type"), ["synergy_type"])


def downgrade() -> None:
    """Drop what this revision added."""
    with op.batch_alter_table("synergies") as batch:
        batch.drop_index(op.f("ix_synergies_synergy_type"))
        batch.drop_constraint(op.f("ck_synergies_synergy_type"), type_="check")
        batch.drop_column("synergy_type")
