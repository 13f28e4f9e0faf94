"""Initial schema: firms, streams, users, import batches and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 04:08:07

Frozen: this file states the schema of revision 0001 and must not import the models. Later changes
go in new revisions (``alembic -c symbiosis/db/alembic.ini -x url=... revision --autogenerate``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_CONFIDENTIALITY = "confidentiality IN ('public', 'members', 'confidential')"

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
_POSTGRES_TRIGGERS = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def _firms() -> None:
    op.create_table(
        "firms",
        sa.Column("firm_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("scian_code", sa.String(), nullable=False),
        sa.Column("park_id", sa.String(), nullable=True),
        sa.Column("municipality", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("coord_source", sa.String(), nullable=False),
        sa.Column("contact_name", sa.String(), nullable=True),
        sa.Column("contact_email", sa.String(), nullable=True),
        sa.Column("contact_phone", sa.String(), nullable=True),
        sa.Column("accepts_hazardous", sa.Boolean(), nullable=False),
        sa.Column("confidentiality", sa.String(), nullable=False),
        sa.CheckConstraint(_CONFIDENTIALITY, name=op.f("ck_firms_confidentiality")),
        sa.CheckConstraint(
            "coord_source IN ('declared', 'park', 'municipality', 'geocoded')",
            name=op.f("ck_firms_coord_source"),
        ),
        sa.PrimaryKeyConstraint("firm_id", name=op.f("pk_firms")),
    )


def _stream_columns() -> list[sa.Column]:
    def col(name: str, type_: sa.types.TypeEngine, nullable: bool = True) -> sa.Column:
        return sa.Column(name, type_, nullable=nullable)

    return [
        col("stream_id", sa.String(), False),
        col("firm_id", sa.String(), False),
        col("direction", sa.String(), False),
        col("kind", sa.String(), False),
        col("category_id", sa.String(), False),
        col("waste_code", sa.String()),
        col("description", sa.Text()),
        col("quantity_as_typed", sa.String(), False),
        col("unit_as_typed", sa.String(), False),
        col("quantity_per_yr", sa.Float(), False),
        col("quantity_unit", sa.String(), False),
        col("mass_t_per_yr", sa.Float()),
        col("density_t_per_m3", sa.Float()),
        col("density_source", sa.String()),
        col("hazardous", sa.Boolean(), False),
        col("moisture_pct", sa.Float()),
        col("temperature_c", sa.Float()),
        col("purity_pct", sa.Float()),
        col("quality_notes", sa.Text()),
        col("availability", sa.String(), False),
        col("months_mask", sa.Integer(), False),
        col("start_date", sa.Date()),
        col("end_date", sa.Date()),
        col("disposal_cost_cad_per_unit", sa.Float()),
        col("purchase_price_cad_per_unit", sa.Float()),
        col("min_lot_per_yr", sa.Float()),
        col("max_distance_km", sa.Float()),
        col("confidentiality", sa.String(), False),
    ]


def _streams() -> None:
    op.create_table(
        "streams",
        *_stream_columns(),
        sa.CheckConstraint(
            "availability IN ('continuous', 'seasonal', 'one_off')", name=op.f("ck_streams_availability")
        ),
        sa.CheckConstraint(_CONFIDENTIALITY, name=op.f("ck_streams_confidentiality")),
        sa.CheckConstraint("direction IN ('supply', 'demand')", name=op.f("ck_streams_direction")),
        sa.CheckConstraint(
            "kind IN ('material', 'energy', 'water', 'logistics', 'capacity', 'service')",
            name=op.f("ck_streams_kind"),
        ),
        sa.CheckConstraint("months_mask BETWEEN 0 AND 4095", name=op.f("ck_streams_months_mask")),
        sa.CheckConstraint("quantity_per_yr >= 0", name=op.f("ck_streams_quantity_per_yr")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.firm_id"], name=op.f("fk_streams_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("stream_id", name=op.f("pk_streams")),
    )
    op.create_index(op.f("ix_streams_category_id"), "streams", ["category_id"])
    op.create_index("ix_streams_direction_category_id", "streams", ["direction", "category_id"])
    op.create_index(op.f("ix_streams_firm_id"), "streams", ["firm_id"])


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("firm_id", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'firm') = (firm_id IS NOT NULL)", name=op.f("ck_users_firm_role_has_firm")
        ),
        sa.CheckConstraint("role IN ('advisor', 'firm', 'program_manager')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.firm_id"], name=op.f("fk_users_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_firm_id"), "users", ["firm_id"])


def _import_batches() -> None:
    op.create_table(
        "import_batches",
        sa.Column("batch_id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(), nullable=False),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("firm_id", sa.String(), nullable=True),
        sa.Column("source_filename", sa.String(), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_import_batches")),
    )
    op.create_index(op.f("ix_import_batches_firm_id"), "import_batches", ["firm_id"])


def _audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("audit_id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(), nullable=False),
        sa.Column("actor_role", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=True),
        sa.Column("row_key", sa.String(), nullable=True),
        sa.Column("firm_id", sa.String(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "actor_role IN ('advisor', 'firm', 'program_manager', 'system', 'anonymous')",
            name=op.f("ck_audit_log_actor_role"),
        ),
        sa.PrimaryKeyConstraint("audit_id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_firm_id"), "audit_log", ["firm_id"])
    op.create_index("ix_audit_log_table_name_row_key", "audit_log", ["table_name", "row_key"])
    triggers = _SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else _POSTGRES_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def upgrade() -> None:
    """Create every table, its indexes, and the triggers that make the audit log append-only."""
    _firms()
    _streams()
    _users()
    _import_batches()
    _audit_log()


def downgrade() -> None:
    """Drop everything revision 0001 created."""
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE")
    for table in ("audit_log", "import_batches", "users", "streams", "firms"):
        op.drop_table(table)
