"""a catalogue version number that every write to the public catalogue bumps, in its transaction

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 00:15:00.000000

Each worker keeps what it computed from the public catalogue (pages, match results) for one
version (``activatie/caching.py``). The number is bumped by triggers, so every write counts: the
services, the importer, a migration, a fix typed in psql. A change therefore shows at once in
every worker and on every host, with no cache server and no sticky sessions.

PostgreSQL: a deferred constraint trigger bumps the row once per transaction, at commit, after
the transaction's other locks are taken: the version row is locked last and only for the commit,
so catalogue writers never wait for each other in a different order (no deadlock). SQLite has one
writer at a time: a plain trigger per row costs a few microseconds.

A later migration that copies a catalogue table on SQLite (``batch_alter_table``) drops that
table's triggers with the old copy: it must create them again (tests/service/test_catalogue_version.py writes every
catalogue table at head and checks the version moves).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every table a public page, the public API or a match reads.
CATALOGUE_TABLES = (
    "postcode_area",
    "organisation",
    "location",
    "location_feature",
    "activity",
    "activity_term",
    "signpost",
)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION bump_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('activatie.catalogue_bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('activatie.catalogue_bumped', 'on', true);
        UPDATE catalogue_version SET n = n + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="catalogue_version_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO catalogue_version (id, n) VALUES (1, 1)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in CATALOGUE_TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {table}_bumps_catalogue AFTER INSERT OR UPDATE "
                f"OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION bump_catalogue_version()"
            )
            # TRUNCATE has no row triggers: bump at once (it locks the whole table anyway).
            op.execute(
                f"CREATE TRIGGER {table}_truncate_bumps_catalogue AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version()"
            )
    else:
        for table in CATALOGUE_TABLES:
            for action in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_{action.lower()}_bumps_catalogue AFTER {action} "
                    f"ON {table} BEGIN UPDATE catalogue_version SET n = n + 1 WHERE id = 1; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in CATALOGUE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bumps_catalogue ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_truncate_bumps_catalogue ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_catalogue_version()")
    else:
        for table in CATALOGUE_TABLES:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{action}_bumps_catalogue")
    op.drop_table("catalogue_version")
