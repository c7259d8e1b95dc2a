"""the participatieladder step at the start may be unknown ("weet ik niet"): NULL, not a guess

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # resolve_fks=False: SQLite's table copy need not reflect the tables placement refers to
    # (activity has an expression index, 0011, which reflection cannot read and warns about).
    with op.batch_alter_table(
        "placement", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_constraint("ladder_start_range", type_="check")
        batch_op.alter_column("ladder_start", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            "ladder_start_range", "ladder_start IS NULL OR ladder_start BETWEEN 1 AND 6"
        )


def downgrade() -> None:
    # An unknown step cannot become a number without inventing one for the figures.
    unknown = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM placement WHERE ladder_start IS NULL"))
        .scalar_one()
    )
    if unknown:
        raise RuntimeError(
            f"{unknown} aanmeldingen have an unknown ladder step at the start; "
            "set them by hand before downgrading."
        )
    # resolve_fks=False: SQLite's table copy need not reflect the tables placement refers to
    # (activity has an expression index, 0011, which reflection cannot read and warns about).
    with op.batch_alter_table(
        "placement", schema=None, reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_constraint("ladder_start_range", type_="check")
        batch_op.alter_column("ladder_start", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint("ladder_start_range", "ladder_start BETWEEN 1 AND 6")
