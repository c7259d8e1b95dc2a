"""Drop-ins: people who came to an activity without an aanmelding, counted per month.

Much of Sociale Activatie en Herstel is vrije inloop or signing up with the provider directly.
So the monitoring covers all of it, providers record per activity and month how many people took
part without an aanmelding through the wijkteam, and how many of them were new. Only numbers: no
person, no name, no date of a visit. One row per activity and month; recording again replaces
the figures (audited with old and new values).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from . import audit, stats
from .audit import Actor
from .models import Activity, DropInCount, utcnow

#: How far back a provider may still record or correct a month.
MONTHS_BACK = 24
MAX_PEOPLE = 10_000


class DropInError(ValueError):
    """The figures cannot be saved.

    ``errors`` maps the names of the figures that are wrong (``month``, ``people``,
    ``new_people``: the parameters of :func:`check_counts`) to Dutch messages; the view puts
    them on its form.
    """

    def __init__(self, message: str, errors: dict[str, str] | None = None, status: int = 422):
        super().__init__(message)
        self.errors = errors or {}
        self.status = status


def recordable_months(today: date) -> list[date]:
    """Return the first days of the months that may be recorded, newest first (this month too)."""
    this_month = today.replace(day=1)
    return [stats.months_before(this_month, n) for n in range(MONTHS_BACK + 1)]


def check_counts(month: date, people: int, new_people: int, today: date) -> dict[str, str]:
    """Return Dutch messages by parameter name for what is wrong (empty when they may be saved)."""
    errors: dict[str, str] = {}
    if month not in recordable_months(today):
        errors["month"] = f"Kies deze maand of een van de {MONTHS_BACK} maanden ervoor."
    if not 0 <= people <= MAX_PEOPLE:
        errors["people"] = f"Vul een aantal in van 0 tot en met {MAX_PEOPLE}."
    if not 0 <= new_people <= MAX_PEOPLE:
        errors["new_people"] = f"Vul een aantal in van 0 tot en met {MAX_PEOPLE}."
    elif new_people > people:
        errors["new_people"] = "Het aantal nieuwe mensen kan niet groter zijn dan het totaal."
    return errors


def record(
    session: Session,
    actor: Actor,
    activity: Activity,
    month: date,
    people: int,
    new_people: int,
    today: date,
) -> DropInCount:
    """Save the month's figures for one activity (insert or replace); one commit, audited."""
    errors = check_counts(month, people, new_people, today)
    if errors:
        raise DropInError("Niet alles is goed ingevuld.", errors, status=400)
    values = {"people": people, "new_people": new_people}
    for _ in range(2):  # a concurrent first save of the same month: update it instead
        row = session.exec(
            select(DropInCount).where(
                DropInCount.activity_id == activity.id, DropInCount.month == month
            )
        ).first()
        if row is not None:
            before = {"people": row.people, "new_people": row.new_people}
            session.exec(  # type: ignore[call-overload]
                update(DropInCount)
                .where(col(DropInCount.id) == row.id)
                .values(**values, updated_at=utcnow(), version=DropInCount.version + 1)
            )
            break
        before = {}
        try:
            with session.begin_nested():
                row = DropInCount(activity_id=activity.id, month=month, **values)
                session.add(row)
            break
        except IntegrityError:
            continue
    changes = audit.changes(before, values)
    if changes:
        audit.record(
            session,
            actor,
            "inloop geteld",
            "activity",
            activity.id,
            {"maand": month.isoformat(), **changes},
        )
    session.commit()
    session.expire_all()
    return row  # type: ignore[return-value]


def for_organisation(session: Session, organisation_id: int, since: date) -> list[DropInCount]:
    """Return the organisation's recorded months from ``since``, newest first."""
    return list(
        session.exec(
            select(DropInCount)
            .join(Activity, col(Activity.id) == DropInCount.activity_id)
            .where(Activity.organisation_id == organisation_id, DropInCount.month >= since)
            .order_by(col(DropInCount.month).desc(), col(DropInCount.activity_id))
        )
    )


@dataclass(frozen=True)
class OrganisationDropIns:
    people: int  # summed over the months: someone who came in three months counts three times
    new_people: int
    months: int  # how many activity-months were recorded


def totals(session: Session, start: date, end: date) -> dict[int, OrganisationDropIns]:
    """Return per organisation the figures of the months whose first day lies in start..end."""
    found: dict[int, OrganisationDropIns] = {}
    for organisation_id, people, new_people, months in session.exec(
        select(
            Activity.organisation_id,
            func.sum(DropInCount.people),
            func.sum(DropInCount.new_people),
            func.count(),
        )
        .join(Activity, col(Activity.id) == DropInCount.activity_id)
        .where(DropInCount.month >= start, DropInCount.month <= end)
        .group_by(Activity.organisation_id)
    ):
        found[organisation_id] = OrganisationDropIns(int(people), int(new_people), int(months))
    return found
