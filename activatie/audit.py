"""The audit trail: who changed which object when, with old and new values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from .models import AuditEvent, User, utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, a provider's API token, or a command on the server."""

    user_id: int | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, f"gebruiker {user.id} ({user.role})")

    @classmethod
    def token(cls, token_id: int, organisation_id: int) -> Actor:
        return cls(None, f"API-sleutel {token_id} (aanbieder {organisation_id})")


SYSTEM = Actor(None, "systeem")


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the values of ``fields`` as JSON-friendly data."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Return ``{field: {"oud": ..., "nieuw": ...}}`` for the fields that differ."""
    return {
        name: {"oud": old.get(name), "nieuw": new.get(name)}
        for name in new
        if old.get(name) != new.get(name)
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the session; the caller's commit writes it with the change."""
    session.add(
        AuditEvent(
            at=utcnow(),
            actor_id=actor.user_id,
            actor=actor.label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=details or {},
        )
    )


def events_for(session: Session, object_type: str, object_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())  # type: ignore[attr-defined]
        )
    )
