"""In-app notifications, their read state per user, and the optional e-mail digest.

Revision ID: 0003_notifications
Revises: 0003_synergy_type
Create Date: 2026-12-06 13:00:00

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_notifications"
down_revision: str | Sequence[str] | None = "0003_synergy_type"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_KINDS = "('new_proposal', 'counterpart_decision', 'stage_changed', 'firm_decision')"


def upgrade() -> None:
    """Create the notifications, notification_reads and digest_subscriptions tables."""
    op.create_table(
        "notifications",
        sa.Column("notification_id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("recipient_kind", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("synergy_id", sa.String(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.CheckConstraint(f"kind IN {_KINDS}", name=op.f("ck_notifications_kind")),
        sa.CheckConstraint(
            "recipient_kind IN ('firm', 'role')", name=op.f("ck_notifications_recipient_kind")
        ),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "ix_notifications_recipient_kind_recipient", "notifications", ["recipient_kind", "recipient"]
    )
    op.create_table(
        "notification_reads",
        sa.Column("notification_id", _BIG_ID, nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("read_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.notification_id"],
            name=op.f("fk_notification_reads_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notification_id", "user_id", name=op.f("pk_notification_reads")),
    )
    op.create_table(
        "digest_subscriptions",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("lang", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(create_constraint=False), nullable=False),
        sa.Column("last_sent_at", _TS, nullable=True),
        sa.CheckConstraint("lang IN ('fr', 'en')", name=op.f("ck_digest_subscriptions_lang")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_digest_subscriptions")),
    )


def downgrade() -> None:
    """Drop what this revision created."""
    for table in ("digest_subscriptions", "notification_reads", "notifications"):
        op.drop_table(table)
