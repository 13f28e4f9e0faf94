"""Streams record how their category was set: given, inferred from the description, or corrected.

Revision ID: 0003_category_inference
Revises: 0002_synergies
Create Date: 2026-12-06 12:00:00

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_category_inference"
down_revision: str | Sequence[str] | None = "0002_synergies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("streams") as batch:
        batch.add_column(sa.Column("category_source", sa.String(), nullable=True))
        batch.add_column(sa.Column("category_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("category_alternatives", sa.String(), nullable=True))
        batch.create_check_constraint(
            "category_source",
            "category_source IS NULL OR category_source IN ('given', 'inferred', 'corrected', '')",
        )


def downgrade() -> None:
    with op.batch_alter_table("streams") as batch:
        batch.drop_constraint(op.f("ck_streams_category_source"), type_="check")
        batch.drop_column("category_alternatives")
        batch.drop_column("category_score")
        batch.drop_column("category_source")
