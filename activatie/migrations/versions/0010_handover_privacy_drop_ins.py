"""warm handover, privacy to the end, drop-ins: team phone, 'vervallen', days to start, drop-in counts

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import activatie.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = (
    "'aangemeld', 'kennismaking', 'gestart', 'afgerond', 'gestopt', 'afgewezen', 'ingetrokken'"
)
NEW_STATUSES = OLD_STATUSES + ", 'vervallen'"


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "phone",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("days_to_start", sa.Integer(), nullable=True))
        batch_op.drop_constraint("placement_status_known", type_="check")
        batch_op.create_check_constraint("placement_status_known", f"status IN ({NEW_STATUSES})")
    op.create_table(
        "drop_in_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("new_people", sa.Integer(), nullable=False),
        sa.Column("updated_at", activatie.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("people >= 0", name="drop_in_people_not_negative"),
        sa.CheckConstraint(
            "new_people >= 0 AND new_people <= people", name="drop_in_new_within_people"
        ),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("activity_id", "month"),
    )
    with op.batch_alter_table("drop_in_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drop_in_count_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("drop_in_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drop_in_count_month"))
    op.drop_table("drop_in_count")
    op.execute("UPDATE placement SET status = 'ingetrokken' WHERE status = 'vervallen'")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_constraint("placement_status_known", type_="check")
        batch_op.create_check_constraint("placement_status_known", f"status IN ({OLD_STATUSES})")
        batch_op.drop_column("days_to_start")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("phone")
