"""Notifications of a place to confirm: a firm's site typed at a place the offline gazetteer lacks.

Revision ID: 0005_place_to_confirm
Revises: 0004_mutual_inputs
Create Date: 2026-12-07 02:30:00

Frozen: this file states the schema of this revision and must not import the models. Only the check
of ``notifications.kind`` changes: it admits ``place_to_confirm``.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_place_to_confirm"
down_revision: str | Sequence[str] | None = "0004_mutual_inputs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "('new_proposal', 'counterpart_decision', 'stage_changed', 'firm_decision')"
_AFTER = "('new_proposal', 'counterpart_decision', 'stage_changed', 'firm_decision', 'place_to_confirm')"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), f"kind IN {kinds}")


def upgrade() -> None:
    """Admit the ``place_to_confirm`` notifications."""
    _kinds(_AFTER)


def downgrade() -> None:
    """Drop the ``place_to_confirm`` notifications, then admit only the former kinds."""
    op.execute("DELETE FROM notifications WHERE kind = 'place_to_confirm'")
    _kinds(_BEFORE)
