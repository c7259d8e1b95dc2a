"""drop ix_activity_status_approved

Almost every activity is ``actief`` and approved, so the index on (status, is_approved) selects
nothing, yet SQLite without statistics picked it to drive the matching query (reading every
public activity in the country before looking at the distance box). Without it the query starts
from ``ix_location_lat_lon``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_status_approved")


def downgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activity_status_approved", ["status", "is_approved"], unique=False
        )
