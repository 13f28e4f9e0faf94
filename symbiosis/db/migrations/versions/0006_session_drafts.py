"""Session drafts: what a signed-in session keeps aside between page loads (a firm's rows kept to fix).

Revision ID: 0006_session_drafts
Revises: 0005_place_to_confirm
Create Date: 2026-12-07 15:10:00

Until this revision the rows a firm kept to fix lived in the browser session only, and a page reload
lost them. Each row of ``session_drafts`` belongs to one ``user_sessions`` row (``ON DELETE
CASCADE``) and is deleted at sign-out.

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_session_drafts"
down_revision: str | Sequence[str] | None = "0005_place_to_confirm"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``session_drafts``."""
    op.create_table(
        "session_drafts",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_hash"],
            ["user_sessions.token_hash"],
            name=op.f("fk_session_drafts_token_hash_user_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", "name", name=op.f("pk_session_drafts")),
    )


def downgrade() -> None:
    """Drop ``session_drafts`` (the rows kept aside are lost, as before this revision)."""
    op.drop_table("session_drafts")
