"""Security: a sealed hash chain on the audit log, sign-in throttle, sessions, disabled and demo accounts.

Revision ID: 0003_security
Revises: 0003_notifications
Create Date: 2026-12-06 12:00:00

Frozen: this file states the schema of this revision and must not import the models.

``audit_log`` gains ``prev_hash`` and ``entry_hash`` (see ``symbiosis.db.audit_chain``; entries
written before this revision keep no hash and are hashed as the chain's first links). New
triggers refuse an entry without a hash and, on SQLite, an ``INSERT OR REPLACE`` (which replaces a
row without firing the delete trigger). ``users`` gains ``disabled_at`` and ``is_demo``; new tables
``signin_throttle``, ``user_sessions`` and ``registry_settings``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_security"
down_revision: str | Sequence[str] | None = "0003_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)

_SQLITE_TRIGGERS = (
    # INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers: refuse any insert
    # whose id is taken (a normal insert leaves the id to SQLite, and NEW.audit_id is then -1).
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
    "WHEN EXISTS (SELECT 1 FROM audit_log WHERE audit_id = NEW.audit_id) "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log WHEN NEW.entry_hash IS NULL "
    "BEGIN SELECT RAISE(ABORT, 'audit_log entries are written by the repository only (no seal)'); END",
)
_POSTGRES_TRIGGERS = (
    "CREATE FUNCTION audit_log_sealed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF NEW.entry_hash IS NULL THEN "
    "RAISE EXCEPTION 'audit_log entries are written by the repository only (no seal)'; END IF; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_sealed()",
)


def upgrade() -> None:
    """Add the chain columns and triggers, the account columns and the three new tables."""
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(), nullable=True))
    op.add_column("audit_log", sa.Column("entry_hash", sa.String(), nullable=True))
    op.add_column("users", sa.Column("disabled_at", _TS, nullable=True))
    op.add_column("users", sa.Column("is_demo", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "signin_throttle",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", _TS, nullable=False),
        sa.Column("locked_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_signin_throttle")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_user_sessions")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_table(
        "registry_settings",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_registry_settings")),
    )
    triggers = _SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else _POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    """Drop what this revision added."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
        op.execute("DROP TRIGGER IF EXISTS audit_log_sealed")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_sealed ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_sealed()")
    for table in ("registry_settings", "user_sessions", "signin_throttle"):
        op.drop_table(table)
    op.drop_column("users", "is_demo")
    op.drop_column("users", "disabled_at")
    op.drop_column("audit_log", "entry_hash")
    op.drop_column("audit_log", "prev_hash")
