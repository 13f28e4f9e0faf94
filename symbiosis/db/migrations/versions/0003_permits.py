"""Quality specs, today's fate and Québec permits: new stream columns and the ``permits`` table.

Revision ID: 0003_permits
Revises: 0003_category_inference
Create Date: 2026-11-23 10:00:00

Streams gain the declared quality of a supply (contaminants, particle size), the specification a
demand accepts (minimum purity, maximum moisture, minimum temperature, maximum contaminants,
particle sizes, hazardous refused), a supply's current fate and a demand's current use with the gate
fee a treatment service charges. ``permits`` holds the authorisations of receiving firms (REAFIE
ministerial authorisation, declaration of compliance or exemption, MRF guide, hazardous materials
regulation, CFIA) with the categories and waste codes they cover.

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_permits"
down_revision: str | Sequence[str] | None = "0003_category_inference"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PERMIT_TYPES = (
    "('reafie_ministerial_authorisation', 'reafie_declaration_of_compliance', "
    "'reafie_exemption', 'mrf_guide', 'hazardous_materials', 'cfia_feed', 'cfia_food')"
)
_STREAM_COLUMNS = (
    ("contaminant_pct", sa.Float()),
    ("particle_size", sa.String()),
    ("min_purity_pct", sa.Float()),
    ("max_moisture_pct", sa.Float()),
    ("min_temperature_c", sa.Float()),
    ("max_contaminant_pct", sa.Float()),
    ("accepted_particle_sizes", sa.String()),
    ("rejects_hazardous", sa.Boolean()),
    ("current_fate", sa.String()),
    ("current_use", sa.String()),
    ("gate_fee_cad_per_unit", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("streams") as batch:
        for name, type_ in _STREAM_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        "permits",
        sa.Column("permit_id", sa.String(), nullable=False),
        sa.Column("firm_id", sa.String(), nullable=False),
        sa.Column("permit_type", sa.String(), nullable=False),
        sa.Column("reference", sa.String(), nullable=True),
        sa.Column("categories", sa.Text(), nullable=True),
        sa.Column("waste_codes", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.CheckConstraint(f"permit_type IN {_PERMIT_TYPES}", name=op.f("ck_permits_permit_type")),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.firm_id"], name=op.f("fk_permits_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("permit_id", name=op.f("pk_permits")),
    )
    op.create_index(op.f("ix_permits_firm_id"), "permits", ["firm_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_permits_firm_id"), table_name="permits")
    op.drop_table("permits")
    with op.batch_alter_table("streams") as batch:
        for name, _ in reversed(_STREAM_COLUMNS):
            batch.drop_column(name)
