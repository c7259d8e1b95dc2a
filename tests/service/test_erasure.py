"""Erased means gone: after the retention run an erased note is not in the database files.

SQLite: the database file and its WAL are read directly. PostgreSQL: the aanmelding table's
file(s), found with ``pg_relation_filepath``, when this test can read the data directory (the
test database runs on this machine); otherwise the test is skipped and says why.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text
from sqlmodel import Session

from activatie import stats
from activatie.models import Activity, Placement, local_today
from tests.factories import Factory


@pytest.fixture
def marker() -> bytes:
    return f"Zeldzame-notitie-{uuid.uuid4().hex}".encode()


def write_expired_note(session: Session, activity: Activity, marker: bytes) -> Placement:
    ended = stats.months_before(local_today(), 24) - timedelta(days=3)
    placement = Placement(
        activity_id=activity.id, reference="ZW-ERASE", note=marker.decode(),
        age_band="27_44", pc4="8011", status="afgerond", ladder_start=2, ladder_end=3,
        end_date=ended,
    )  # fmt: skip
    session.add(placement)
    session.commit()
    session.close()  # no open read transaction: the checkpoint must be able to finish
    return placement


def run_retention(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "Van 1 aanmelding zijn het kenmerk, de notitie en de consulent gewist" in result.output


def files_holding(paths: list[Path], marker: bytes) -> list[str]:
    return [str(p) for p in paths if p.exists() and marker in p.read_bytes()]


def test_an_erased_note_is_not_left_in_the_sqlite_files(
    app: Flask, engine: Engine, session: Session, factory: Factory, marker: bytes
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the SQLite file test; PostgreSQL has its own below")
    database = Path(engine.url.database or "")
    files = [database, Path(f"{database}-wal"), Path(f"{database}-journal")]
    write_expired_note(session, factory.activity(), marker)
    assert files_holding(files, marker), "the test must first find the note on disk"

    run_retention(app)

    assert files_holding(files, marker) == []
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    wal = Path(f"{database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL was checkpointed and emptied"


def _table_files(connection, data_directory: Path) -> list[Path]:
    relative = connection.execute(text("SELECT pg_relation_filepath('placement')")).scalar()
    base = data_directory / relative
    return [base, *sorted(base.parent.glob(base.name + ".*"))]


def test_an_erased_note_is_not_left_in_the_postgresql_table_file(
    app: Flask, engine: Engine, session: Session, factory: Factory, marker: bytes
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL file test; SQLite has its own above")
    with engine.connect() as connection:
        directory = Path(connection.execute(text("SHOW data_directory")).scalar())
        try:
            readable = directory.is_dir() and any(directory.iterdir())
        except OSError:
            readable = False
        if not readable:
            pytest.skip(f"cannot read PostgreSQL's data directory {directory} from this test")
        before = _table_files(connection, directory)
    write_expired_note(session, factory.activity(), marker)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CHECKPOINT"))
    assert files_holding(before, marker), "the test must first find the note in the table file"

    run_retention(app)

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CHECKPOINT"))
        after = _table_files(connection, directory)
        # A transaction left open elsewhere in this database keeps the old row for VACUUM FULL.
        open_elsewhere = connection.execute(
            text(
                "SELECT pid, state, backend_xmin, left(query, 80) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND (xact_start IS NOT NULL OR backend_xmin IS NOT NULL)"
            )
        ).all()
    assert after != before, "VACUUM FULL wrote the table to a new file"
    assert files_holding(before + after, marker) == [], (open_elsewhere, before, after)
