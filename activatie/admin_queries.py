"""Reads for the gemeente's pages (beheerder): counts, accounts, approvals, stale listings, teams.

Each page of ``views/admin`` reads through one of these; none writes. Names are ordered the way
the pages show them (case-insensitive by name, the newest or longest-waiting first where said).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from .listings import stale_condition
from .models import Activity, Location, Organisation, Signpost, Team, User

#: The object_type stored in the audit trail -> its table.
AUDITED_MODELS: dict[str, type] = {
    "activity": Activity,
    "organisation": Organisation,
    "location": Location,
    "user": User,
    "team": Team,
    "signpost": Signpost,
}


def audited_object(session: Session, object_type: str, object_id: int) -> Any:
    """Return the object an audit trail is about (``AUDITED_MODELS``), or None when it is gone."""
    return session.get(AUDITED_MODELS[object_type], object_id)


def _count(session: Session, model: type, *conditions: Any) -> int:
    return session.exec(select(func.count()).select_from(model).where(*conditions)).one()


def _waiting_activity() -> tuple[Any, ...]:
    """An activity waits for approval until it is approved, unless it has ended."""
    return (Activity.is_approved.is_(False), Activity.status != "beeindigd")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DashboardCounts:
    """The figures on the beheerder's overview page."""

    accounts: int
    inactive_accounts: int
    waiting_organisations: int
    waiting_activities: int
    stale: int  # not confirmed for STALE_AFTER_DAYS: flagged
    hidden: int  # not confirmed for HIDE_AFTER_DAYS: no longer public
    teams: int


def dashboard_counts(
    session: Session, now: datetime, stale_after_days: int, hide_after_days: int
) -> DashboardCounts:
    """Count accounts, what waits for approval, stale and hidden listings and teams (7 SELECTs)."""
    return DashboardCounts(
        accounts=_count(session, User),
        inactive_accounts=_count(session, User, User.is_active.is_(False)),  # type: ignore[attr-defined]
        waiting_organisations=_count(
            session,
            Organisation,
            Organisation.is_approved.is_(False),  # type: ignore[attr-defined]
        ),
        waiting_activities=_count(session, Activity, *_waiting_activity()),
        stale=_count(session, Activity, stale_condition(now, stale_after_days)),
        hidden=_count(session, Activity, stale_condition(now, hide_after_days)),
        teams=_count(session, Team),
    )


def accounts(session: Session) -> list[User]:
    """Every account with its organisation and team: active ones first, then by name."""
    return list(
        session.exec(
            select(User)
            .options(selectinload(User.organisation), selectinload(User.team))  # type: ignore[arg-type]
            .order_by(User.is_active.desc(), func.lower(User.name), User.id)  # type: ignore[attr-defined]
        ).all()
    )


def email_taken(session: Session, email: str) -> bool:
    """Whether an account has this (normalised) e-mail address."""
    return session.exec(select(User.id).where(User.email == email)).first() is not None


def organisations_by_name(session: Session) -> list[Organisation]:
    """Every organisation, approved or not, by name (case-insensitive)."""
    return list(session.exec(select(Organisation).order_by(func.lower(Organisation.name))).all())


def teams_by_name(session: Session) -> list[Team]:
    """Every wijkteam by name (case-insensitive)."""
    return list(session.exec(select(Team).order_by(func.lower(Team.name))).all())


def consultants_per_team(session: Session) -> dict[int, int]:
    """Team id -> how many accounts belong to it (teams without any are left out)."""
    return dict(
        session.exec(  # type: ignore[arg-type]
            select(User.team_id, func.count())
            .where(User.team_id.is_not(None))  # type: ignore[union-attr]
            .group_by(User.team_id)
        ).all()
    )


def waiting_organisations(session: Session) -> list[Organisation]:
    """Organisations that wait for approval, the longest-waiting first."""
    return list(
        session.exec(
            select(Organisation)
            .where(Organisation.is_approved.is_(False))  # type: ignore[attr-defined]
            .order_by(Organisation.created_at, Organisation.id)
        ).all()
    )


def waiting_activities(session: Session) -> list[Activity]:
    """Activities waiting for approval (not ended), with organisation and location, oldest first."""
    return list(
        session.exec(
            select(Activity)
            .where(*_waiting_activity())
            .options(selectinload(Activity.organisation), selectinload(Activity.location))  # type: ignore[arg-type]
            .order_by(Activity.created_at, Activity.id)
        ).all()
    )


def stale_activities(session: Session, now: datetime, stale_after_days: int) -> list[Activity]:
    """Listings not confirmed for ``stale_after_days`` (not ended), longest-unconfirmed first."""
    return list(
        session.exec(
            select(Activity)
            .where(stale_condition(now, stale_after_days))
            .options(selectinload(Activity.organisation))  # type: ignore[arg-type]
            .order_by(Activity.confirmed_at, Activity.id)
        ).all()
    )


def signpost_ids(session: Session) -> dict[str, int]:
    """Signpost key -> id of its stored row (keys still on their default text are left out)."""
    return {row.key: row.id for row in session.exec(select(Signpost))}  # type: ignore[misc]


def signpost_row(session: Session, key: str) -> Signpost | None:
    """Return the stored row of a signpost, or None while it shows its default text."""
    return session.exec(select(Signpost).where(Signpost.key == key)).first()


def signpost_version(session: Session, key: str) -> int:
    """Return the version of a signpost's stored row (it must exist)."""
    return session.exec(select(Signpost.version).where(Signpost.key == key)).one()
