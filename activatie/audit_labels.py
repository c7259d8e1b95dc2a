"""The audit trail as the beheerder reads it: Dutch names for fields, actions and values.

:mod:`audit` writes and reads the events; this module turns them into table rows for
``templates/admin/_audit_table.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from . import activity_fields, vocabulary
from .models import AuditEvent, User

#: Field -> Dutch name: an activity's from its registry, then those of other objects.
FIELD_LABELS = {
    **activity_fields.LABELS,
    "is_approved": "goedgekeurd",
    "is_active": "account aan",
    "name": "naam",
    "email": "e-mailadres",
    "role": "rol",
    "organisation_id": "aanbieder (nummer)",
    "team_id": "wijkteam (nummer)",
    "kind": "soort aanbieder",
    "slug": "korte naam in de link",
    "website": "website",
    "phone": "telefoon",
    "purpose": "waarvoor",
    "audience": "voor wie",
    "text": "tekst voor de inwoner",
    "address": "adres",
    "street": "straat",
    "house_number": "huisnummer",
    "postcode": "postcode",
    "pc4": "postcode (4 cijfers)",
    "district": "wijk",
    "district_code": "wijkcode",
    "latitude": "breedtegraad",
    "longitude": "lengtegraad",
    "accessibility": "toegankelijkheid",
    "pc4_codes": "postcodes",
    "aantal": "aantal",
    "sleutel": "sleutel",
    "naam": "naam",
    "gevoelig": "gevoelige wijziging (toegang tot aanmeldingen)",
}

ACTION_LABELS = {
    "aangemaakt": "aangemaakt",
    "gewijzigd": "gewijzigd",
    "vrije_plekken": "vrije plekken aangepast",
    "status": "status veranderd",
    "goedgekeurd": "goedgekeurd",
    "alles_bevestigd": "alles gecontroleerd",
    "account_aangemaakt": "account aangemaakt",
    "account_aan": "account aangezet",
    "account_uit": "account uitgezet",
    "wachtwoordlink_gemaakt": "wachtwoordlink gemaakt",
    "wachtwoord_gezet": "wachtwoord gekozen",
    "api_sleutel_gemaakt": "API-sleutel gemaakt",
    "api_sleutel_ingetrokken": "API-sleutel ingetrokken",
    "tweestaps_aangezet": "tweestapsverificatie ingesteld",
    "tweestaps_hersteld": "tweestapsverificatie uitgezet door beheerder",
    "herstelcode_gebruikt": "ingelogd met een herstelcode",
}

#: Fields whose values are vocabulary keys, shown with their Dutch label.
_FIELD_VOCABULARIES = {
    **{f.attr: f.vocabulary for f in activity_fields.FIELDS if f.kind == activity_fields.CHOICE},
    "role": vocabulary.ROLES,
    "kind": vocabulary.ORGANISATION_KINDS,
}


@dataclass(frozen=True)
class Change:
    field: str
    new: str
    old: str | None = None  # None: a plain value, not an old -> new change


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    action: str
    changes: list[Change]


def _show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(leeg)"
    if name in _FIELD_VOCABULARIES and isinstance(value, str):
        return _FIELD_VOCABULARIES[name].label_of(value)
    return str(value)


def _changes(details: dict[str, Any]) -> list[Change]:
    found = []
    for name, value in details.items():
        label = FIELD_LABELS.get(name, name.replace("_", " "))
        if isinstance(value, dict) and set(value) == {"oud", "nieuw"}:
            found.append(Change(label, _show(name, value["nieuw"]), _show(name, value["oud"])))
        else:
            found.append(Change(label, _show(name, value)))
    return found


def audit_rows(session: Session, events: list[AuditEvent]) -> list[AuditRow]:
    """Return events for a table: the actor's current name where we know the account."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    names = (
        dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())  # type: ignore[union-attr,arg-type]
        if ids
        else {}
    )
    return [
        AuditRow(
            at=event.at,
            who=names.get(event.actor_id, event.actor),
            action=ACTION_LABELS.get(event.action, event.action.replace("_", " ")),
            changes=_changes(event.changes or {}),
        )
        for event in events
    ]
