"""The mutualisation levers' inputs in the registry: purchases, capacities, treatment, pickups, receivers.

Revision ID: 0004_mutual_inputs
Revises: 0003_security
Create Date: 2026-12-06 17:30:00

Until this revision the levers' tables lived in an advisor's app session only. Each table has the
columns of its frame schema (``symbiosis.mutual.tables``) and the frame's key as primary key; the
rows a firm declares reference ``firms`` with ``ON DELETE CASCADE``.

Frozen: this file states the schema of this revision and must not import the models.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_mutual_inputs"
down_revision: str | Sequence[str] | None = "0003_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_S, _F, _I, _T = sa.String, sa.Float, sa.Integer, sa.Text


def _owned(name: str, key: str, *columns: sa.Column) -> None:
    """A table of rows a firm declares: key, firm, then its own columns."""
    op.create_table(
        name,
        sa.Column(key, _S(), nullable=False),
        sa.Column("firm_id", _S(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.firm_id"], name=op.f(f"fk_{name}_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_firm_id"), name, ["firm_id"])


def _slots() -> list[sa.Column]:
    return [
        sa.Column("hours_per_week", _F(), nullable=False),
        sa.Column("days_mask", _I(), nullable=False),
        sa.Column("periods_mask", _I(), nullable=False),
        sa.Column("months_mask", _I(), nullable=False),
    ]


def upgrade() -> None:
    """Create the six ``mutual_*`` tables."""
    _owned(
        "mutual_purchases",
        "purchase_id",
        sa.Column("category_id", _S(), nullable=False),
        sa.Column("description", _T(), nullable=True),
        sa.Column("quantity_per_yr", _F(), nullable=False),
        sa.Column("unit", _S(), nullable=False),
        sa.Column("months_mask", _I(), nullable=False),
        sa.Column("price_cad_per_unit", _F(), nullable=False),
        sa.Column("max_distance_km", _F(), nullable=True),
    )
    _owned(
        "mutual_capacity_offers",
        "offer_id",
        sa.Column("asset_type", _S(), nullable=False),
        sa.Column("description", _T(), nullable=True),
        *_slots(),
        sa.Column("cost_cad_per_h", _F(), nullable=False),
        sa.Column("fixed_cost_cad_per_yr", _F(), nullable=True),
        sa.Column("host_hours_per_yr", _F(), nullable=True),
        sa.Column("max_distance_km", _F(), nullable=True),
    )
    _owned(
        "mutual_capacity_needs",
        "need_id",
        sa.Column("asset_type", _S(), nullable=False),
        sa.Column("description", _T(), nullable=True),
        *_slots(),
        sa.Column("alternative_cost_cad_per_h", _F(), nullable=False),
        sa.Column("max_distance_km", _F(), nullable=True),
    )
    _owned(
        "mutual_treatment_needs",
        "need_id",
        sa.Column("treatment_type", _S(), nullable=False),
        sa.Column("description", _T(), nullable=True),
        sa.Column("quantity_per_yr", _F(), nullable=False),
        sa.Column("unit", _S(), nullable=False),
        sa.Column("current_cost_cad_per_unit", _F(), nullable=False),
    )
    _owned(
        "mutual_pickups",
        "pickup_id",
        sa.Column("residue_id", _S(), nullable=False),
        sa.Column("description", _T(), nullable=True),
        sa.Column("quantity_t_per_yr", _F(), nullable=False),
        sa.Column("period_weeks", _I(), nullable=False),
        sa.Column("window_start_min", _I(), nullable=False),
        sa.Column("window_end_min", _I(), nullable=False),
        sa.Column("receiver_id", _S(), nullable=True),
        sa.Column("current_cost_cad_per_pickup", _F(), nullable=True),
    )
    op.create_table(
        "mutual_receivers",
        sa.Column("receiver_id", _S(), nullable=False),
        sa.Column("name", _S(), nullable=False),
        sa.Column("firm_id", _S(), nullable=True),
        sa.Column("lat", _F(), nullable=False),
        sa.Column("lon", _F(), nullable=False),
        sa.Column("residues", _S(), nullable=False),
        sa.Column("trucks", _I(), nullable=False),
        sa.PrimaryKeyConstraint("receiver_id", name=op.f("pk_mutual_receivers")),
    )


def downgrade() -> None:
    """Drop what this revision created."""
    for name in ("receivers", "pickups", "treatment_needs", "capacity_needs", "capacity_offers", "purchases"):
        op.drop_table(f"mutual_{name}")
