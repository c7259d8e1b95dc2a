"""geocode_cache: answers of the online geocoder (GEOCODER=pdok), shared by every worker

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import activatie.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "geocode_cache",
        sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("found", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("district", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("precision", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
        sa.Column("fetched_at", activatie.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("postcode"),
    )


def downgrade() -> None:
    op.drop_table("geocode_cache")
