"""Retention (AVG): erase what could point to a person once an aanmelding is long over.

After ``RETENTION_MONTHS`` (default 24) from the *end* of an aanmelding, its pseudonym
(``reference``) and free-text ``note`` are set to None and ``erased_at`` is set. The coded,
anonymous fields (age band, PC4, needs, status, dates, outcome, ladder steps) stay, so the
figures of "Leren van Resultaat" do not change.

The end is ``end_date`` for ``afgerond``/``gestopt`` (or, when that is missing, the last status
change) and the last status change (``updated_at``) for ``afgewezen``/``ingetrokken``. Open and
running aanmeldingen are never erased. "More than N months ago" means: ended before the same
calendar day N months back (in Zwolle's time zone).

``flask --app activatie retention`` does it in one transaction and records the run in
``JobRun("retention")``; it is safe to run every day: what is erased once is not touched again.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine, and_, func, or_, update
from sqlmodel import Session, col, select

from . import audit, stats
from .audit import SYSTEM
from .db import get_session
from .models import LOCAL_TIMEZONE, JobRun, Placement, utcnow

JOB_NAME = "retention"
MAX_MONTHS = 1200  # a hundred years; more would run off the calendar


def expired_condition(now: datetime, months: int):
    """Return the SQL condition for aanmeldingen whose end lies more than ``months`` back."""
    cutoff_day = stats.months_before(now.astimezone(LOCAL_TIMEZONE).date(), months)
    cutoff = datetime.combine(cutoff_day, time(0), LOCAL_TIMEZONE).astimezone(UTC)
    finished = col(Placement.status).in_(("afgerond", "gestopt"))
    closed = col(Placement.status).in_(("afgewezen", "ingetrokken"))
    return and_(
        col(Placement.erased_at).is_(None),
        or_(
            and_(finished, col(Placement.end_date) < cutoff_day),
            and_(finished, col(Placement.end_date).is_(None), col(Placement.updated_at) < cutoff),
            and_(closed, col(Placement.updated_at) < cutoff),
        ),
    )


def count_expired(session: Session, now: datetime, months: int) -> int:
    """Return how many aanmeldingen an erase would touch now."""
    return session.exec(
        select(func.count()).select_from(Placement).where(expired_condition(now, months))
    ).one()


def erase_expired(session: Session, now: datetime, months: int) -> int:
    """Erase pseudonym and note past the retention period and record the run; one commit.

    :param months: the retention period after the end of an aanmelding, in calendar months.
    :return: how many aanmeldingen were erased in this run.
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"the retention period is 1 to {MAX_MONTHS} months")
    result = session.exec(  # type: ignore[call-overload]
        update(Placement)
        .where(expired_condition(now, months))
        .values(reference=None, note=None, erased_at=now, version=Placement.version + 1)
        .execution_options(synchronize_session=False)
    )
    erased = result.rowcount
    details = {"gewist": erased, "bewaartermijn_maanden": months}
    run = session.get(JobRun, JOB_NAME)
    if run is None:
        session.add(JobRun(name=JOB_NAME, ran_at=now, details=details))
    else:
        run.ran_at, run.details = now, details
    if erased:
        audit.record(session, SYSTEM, "bewaartermijn", "placement", None, details)
    session.commit()
    return erased


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased; change nothing.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Erase pseudonym and note of aanmeldingen past the retention period (safe to run daily)."""
    months = current_app.config["RETENTION_MONTHS"]
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise click.ClickException(
            f"RETENTION_MONTHS moet een heel aantal maanden zijn, van 1 tot en met {MAX_MONTHS}."
        )
    session = get_session()
    now = utcnow()
    click.echo(f"Bewaartermijn: {months} maanden na het einde van een aanmelding.")
    if dry_run:
        count = count_expired(session, now, months)
        click.echo(f"Proef, er is niets gewist. Nu te wissen: {_aanmeldingen(count)}.")
        return
    erased = erase_expired(session, now, months)
    if erased:
        scrub_storage(session.get_bind())
        click.echo(f"Van {_aanmeldingen(erased)} zijn het kenmerk en de notitie gewist.")
    else:
        click.echo("Er was niets te wissen.")
    click.echo("Alleen anonieme gegevens voor de cijfers blijven bewaard.")


def _aanmeldingen(count: int) -> str:
    return f"{count} aanmelding" if count == 1 else f"{count} aanmeldingen"


def scrub_storage(engine: Engine) -> None:
    """Make erased text unreadable in the database files, after the erasing commit.

    ``SET note = NULL`` leaves the old bytes in place. PostgreSQL: ``VACUUM FULL`` rewrites the
    aanmelding table into a new file (the old one is truncated at commit); VACUUM cannot run in
    a transaction, so this uses an autocommit connection, without the statement timeout (the
    table is locked while it is rewritten: seconds for Zwolle's numbers). SQLite: every
    connection has ``secure_delete`` on (db.py), so freed bytes are zeroed; a ``TRUNCATE``
    checkpoint then writes the WAL into the file and empties it. What WAL archives and backups
    keep is described in the README.
    """
    table = Placement.__tablename__
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET statement_timeout = 0")
            connection.exec_driver_sql(f"VACUUM FULL {table}")
            connection.exec_driver_sql("RESET statement_timeout")
        elif engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
