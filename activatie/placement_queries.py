"""Reads for the aanmelding pages (``views/placement_pages``) once the aanmelding itself was read.

Who may see an aanmelding is decided by ``placements`` (``read``, audited, and
``visible_query``, which :func:`visible` runs for the list); the rest read what the detail page
and the take-home sheet show of an aanmelding already read.
"""

from __future__ import annotations

from sqlmodel import Session, select

from .models import Placement, PlacementEvent, PostcodeArea, Team, User
from .placements import visible_query


def visible(session: Session, user: User, limit: int) -> list[Placement]:
    """The newest ``limit`` aanmeldingen ``user`` may see (``placements.visible_query``)."""
    return list(session.exec(visible_query(user).limit(limit)).all())


def events(session: Session, placement: Placement) -> list[PlacementEvent]:
    """The aanmelding's history, oldest first."""
    return list(
        session.exec(
            select(PlacementEvent)
            .where(PlacementEvent.placement_id == placement.id)
            .order_by(PlacementEvent.at, PlacementEvent.id)  # type: ignore[arg-type]
        ).all()
    )


def consultant(session: Session, placement: Placement) -> User | None:
    """The consultant who made the aanmelding (None when unknown or erased)."""
    return session.get(User, placement.consultant_id) if placement.consultant_id else None


def team(session: Session, placement: Placement) -> Team | None:
    """The wijkteam the aanmelding belongs to (None when it has none)."""
    return session.get(Team, placement.team_id) if placement.team_id else None


def home_area(session: Session, placement: Placement) -> PostcodeArea | None:
    """The resident's PC4 area, for the distance on the sheet (None when not in the table)."""
    return session.get(PostcodeArea, placement.pc4)
