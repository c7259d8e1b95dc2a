"""Reads for the provider's own pages and the write API: only what belongs to one organisation.

An object of another organisation reads as None, exactly like one that does not exist, so the
views answer both with the same 404.
"""

from __future__ import annotations

from sqlmodel import Session, select

from .models import Activity, ApiToken, Location


def own_activity(
    session: Session, organisation_id: int | None, activity_id: int
) -> Activity | None:
    """Return the activity if it belongs to the organisation, else None."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.organisation_id != organisation_id:
        return None
    return activity


def own_location(
    session: Session, organisation_id: int | None, location_id: int
) -> Location | None:
    """Return the location if it belongs to the organisation, else None."""
    location = session.get(Location, location_id)
    if location is None or location.organisation_id != organisation_id:
        return None
    return location


def own_api_token(session: Session, organisation_id: int | None, token_id: int) -> ApiToken | None:
    """Return the API token if it belongs to the organisation (revoked or not), else None."""
    token = session.get(ApiToken, token_id)
    if token is None or token.organisation_id != organisation_id:
        return None
    return token


def active_api_tokens(session: Session, organisation_id: int) -> list[ApiToken]:
    """The organisation's API tokens that still work (not revoked), in the database's order."""
    return list(
        session.exec(
            select(ApiToken).where(
                ApiToken.organisation_id == organisation_id, ApiToken.revoked_at.is_(None)
            )  # type: ignore[union-attr]
        ).all()
    )


def api_tokens(session: Session, organisation_id: int) -> list[ApiToken]:
    """All the organisation's API tokens, revoked ones too, the newest first."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.organisation_id == organisation_id)
            .order_by(ApiToken.created_at.desc())  # type: ignore[attr-defined]
        ).all()
    )
