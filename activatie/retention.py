"""Retention (AVG): close what was forgotten, erase what could point to a person.

Two steps, each one transaction, both in the daily ``flask --app activatie retention``:

1. **Expire.** An aanmelding that is still open or running (``aangemeld``, ``kennismaking``,
   ``gestart``) without any status change for ``EXPIRE_MONTHS`` (default 12) is closed as
   ``vervallen``; a started one gives its place back. So nothing stays open for ever, and the
   erasure below reaches every aanmelding in the end.
2. **Erase.** After ``RETENTION_MONTHS`` (default 24) from the *end* of an aanmelding, its
   pseudonym (``reference``) and free-text ``note`` are set to None, and so are who made it
   (``consultant_id``, ``team_id``, the actors of its status events); its dates are coarsened to
   the first of their month (``created_at``, ``updated_at``, the intro, start, end and preferred
   dates, the event times), after the days from aanmelding to start are kept in
   ``days_to_start``. What is left is anonymous: age band, PC4, needs, status, month, outcome and
   ladder steps. The figures of "Leren van Resultaat" stay the same for every period of whole
   months.

The end is ``end_date`` for ``afgerond``/``gestopt`` (or, when that is missing, the last status
change) and the last status change (``updated_at``) for ``afgewezen``/``ingetrokken``/
``vervallen``. "More than N months ago" means: before the same calendar day N months back (in
Zwolle's time zone).

The run is recorded in ``JobRun("retention")``; it is safe to run every day: what is closed or
erased once is not touched again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Engine, and_, func, or_, update
from sqlmodel import Session, col, select

from . import audit, placements, reports, stats, workflow
from .audit import SYSTEM
from .models import LOCAL_TIMEZONE, AuditEvent, JobRun, Placement, PlacementEvent

JOB_NAME = "retention"
MAX_MONTHS = 1200  # a hundred years; more would run off the calendar


#: The statuses the expiry closes: nobody has ended them yet.
UNFINISHED = ("aangemeld", "kennismaking", "gestart")


def _cutoff(now: datetime, months: int) -> tuple[date, datetime]:
    """Return the day ``months`` back in Zwolle and its midnight in UTC."""
    cutoff_day = stats.months_before(now.astimezone(LOCAL_TIMEZONE).date(), months)
    return cutoff_day, datetime.combine(cutoff_day, time(0), LOCAL_TIMEZONE).astimezone(UTC)


def expire_stale(session: Session, now: datetime, months: int) -> int:
    """Close as "vervallen" what has had no status change for ``months``; one commit.

    Each row moves with ``WHERE status = :seen AND version = :seen`` like a person's step, so an
    aanmelding someone moves at this very moment is left alone (it is no longer stale).

    :param months: calendar months without a status change.
    :return: how many aanmeldingen were closed.
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"the expiry period is 1 to {MAX_MONTHS} months")
    _, cutoff = _cutoff(now, months)
    stale = session.exec(
        select(Placement.id, Placement.activity_id, Placement.status, Placement.version).where(
            col(Placement.status).in_(UNFINISHED), col(Placement.updated_at) < cutoff
        )
    ).all()
    closed = 0
    for placement_id, activity_id, status, version in stale:
        moved = session.exec(  # type: ignore[call-overload]
            update(Placement)
            .where(
                col(Placement.id) == placement_id,
                col(Placement.status) == status,
                col(Placement.version) == version,
            )
            .values(
                status=workflow.EXPIRED,
                on_waiting_list=False,
                updated_at=now,
                version=Placement.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            continue
        if status == "gestart":
            placements.give_back_place(session, activity_id)
        session.add(
            PlacementEvent(
                placement_id=placement_id,
                at=now,
                actor_role=SYSTEM.label,
                from_status=status,
                to_status=workflow.EXPIRED,
            )
        )
        closed += 1
    if closed:
        audit.record(
            session, SYSTEM, workflow.EXPIRED, "placement", None,
            {"vervallen": closed, "zonder_wijziging_maanden": months},
        )  # fmt: skip
    session.commit()
    return closed


def expired_condition(now: datetime, months: int):
    """Return the SQL condition for aanmeldingen whose end lies more than ``months`` back."""
    cutoff_day, cutoff = _cutoff(now, months)
    finished = col(Placement.status).in_(("afgerond", "gestopt"))
    closed = col(Placement.status).in_(("afgewezen", "ingetrokken", workflow.EXPIRED))
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


def month_start(day: date) -> date:
    return day.replace(day=1)


def _month_moment(moment: datetime) -> datetime:
    """Return midnight (Zwolle time) on the first of the month of ``moment``, in UTC."""
    local = moment.astimezone(LOCAL_TIMEZONE).date()
    return datetime.combine(month_start(local), time(0), LOCAL_TIMEZONE).astimezone(UTC)


def erased_values(placement: Placement, now: datetime) -> dict[str, object]:
    """Return what an erased aanmelding keeps instead of what could point to a person (pure)."""
    days_to_start = placement.days_to_start
    if days_to_start is None:
        made = placement.created_at.astimezone(LOCAL_TIMEZONE).date()
        days_to_start = reports.wait_days(made, placement.start_date)
    coarse = {
        name: month_start(value)
        for name in ("preferred_start", "intro_date", "start_date", "end_date")
        if (value := getattr(placement, name)) is not None
    }
    return coarse | {
        "reference": None,
        "note": None,
        "consultant_id": None,
        "team_id": None,
        "days_to_start": days_to_start,
        "created_at": _month_moment(placement.created_at),
        "updated_at": _month_moment(placement.updated_at),
        "erased_at": now,
    }


#: Who did it, in the audit trail of an erased aanmelding.
ERASED_ACTOR = "gewist"


def erase_expired(session: Session, now: datetime, months: int) -> int:
    """Erase past the retention period and record the run; one commit.

    :param months: the retention period after the end of an aanmelding, in calendar months.
    :return: how many aanmeldingen were erased in this run.
    """
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"the retention period is 1 to {MAX_MONTHS} months")
    expired = session.exec(select(Placement).where(expired_condition(now, months))).all()
    for placement in expired:
        session.exec(  # type: ignore[call-overload]
            update(Placement)
            .where(col(Placement.id) == placement.id, col(Placement.erased_at).is_(None))
            .values(**erased_values(placement, now), version=Placement.version + 1)
            .execution_options(synchronize_session=False)
        )
        for event in session.exec(
            select(PlacementEvent).where(PlacementEvent.placement_id == placement.id)
        ):
            event.actor_id = None
            event.at = _month_moment(event.at)
        # The audit trail of the aanmelding (made, read, moved, e-mailed) would still say who
        # did it and when to the minute: it keeps what happened, by nobody, in its month.
        for record in session.exec(
            select(AuditEvent).where(
                AuditEvent.object_type == "placement", AuditEvent.object_id == placement.id
            )
        ):
            record.actor_id, record.actor = None, ERASED_ACTOR
            record.at = _month_moment(record.at)
    erased = len(expired)
    details = {"gewist": erased, "bewaartermijn_maanden": months}
    run = session.get(JobRun, JOB_NAME)
    if run is None:
        session.add(JobRun(name=JOB_NAME, ran_at=now, details=details))
    else:
        run.ran_at, run.details = now, details
    if erased:
        audit.record(session, SYSTEM, "bewaartermijn", "placement", None, details)
    session.commit()
    session.expire_all()
    return erased


def count_stale(session: Session, now: datetime, months: int) -> int:
    """Return how many aanmeldingen the expiry would close now."""
    _, cutoff = _cutoff(now, months)
    return session.exec(
        select(func.count())
        .select_from(Placement)
        .where(col(Placement.status).in_(UNFINISHED), col(Placement.updated_at) < cutoff)
    ).one()


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
