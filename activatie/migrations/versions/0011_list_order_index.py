"""indexes for the alphabetical order of the public activity and organisation lists

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_activity_title_lower", "activity", [sa.text("lower(title)"), "id"], unique=False
    )
    op.create_index(
        "ix_organisation_name_lower", "organisation", [sa.text("lower(name)"), "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_organisation_name_lower", table_name="organisation")
    op.drop_index("ix_activity_title_lower", table_name="activity")
