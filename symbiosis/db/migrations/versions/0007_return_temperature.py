"""A heat demand's own return temperature: the nullable stream column ``return_temperature_c``.

Revision ID: 0007_return_temperature
Revises: 0006_session_drafts
Create Date: 2026-12-08 00:10:00

Until this revision a use's return temperature (what a colder supply preheats from) was its
category's only. The column is nullable: every stored stream keeps its category's value.

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_return_temperature"
down_revision: str | Sequence[str] | None = "0006_session_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``streams.return_temperature_c``."""
    with op.batch_alter_table("streams") as batch:
        batch.add_column(sa.Column("return_temperature_c", sa.Float(), nullable=True))


def downgrade() -> None:
    """Drop ``streams.return_temperature_c`` (each use falls back on its category's value)."""
    with op.batch_alter_table("streams") as batch:
        batch.drop_column("return_temperature_c")
