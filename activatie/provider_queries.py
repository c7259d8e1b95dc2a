"""Reads for the provider's own pages and the write API: only what belongs to one organisation.

An object of another organisation reads as None, exactly like one that does not exist, so the
views answer both with the same 404.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, select

from .models import Activity, ApiToken, Location

_Owned = TypeVar("_Owned", Activity, Location, ApiToken)


def _owned(
    session: Session, model: type[_Owned], organisation_id: int | None, row_id: int
) -> _Owned | None:
    """Return the row if it belongs to the organisation, else None."""
    row = session.get(model, row_id)
    if row is None or row.organisation_id != organisation_id:
        return None
    return row


def own_activity(
    session: Session, organisation_id: int | None, activity_id: int
) -> Activity | None:
    """Return the activity if it belongs to the organisation, else None."""
    return _owned(session, Activity, organisation_id, activity_id)


def own_location(
    session: Session, organisation_id: int | None, location_id: int
) -> Location | None:
    """Return the location if it belongs to the organisation, else None."""
    return _owned(session, Location, organisation_id, location_id)


def own_api_token(session: Session, organisation_id: int | None, token_id: int) -> ApiToken | None:
    """Return the API token if it belongs to the organisation (revoked or not), else None."""
    return _owned(session, ApiToken, organisation_id, token_id)


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
