"""Wijkteams: their name, the PC4 codes of their area and their phone number.

A consulent belongs to one team (``User.team_id``, set in :mod:`accounts`); an aanmelding is
made by a team and read only by that team (:mod:`placements`).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from . import audit
from .audit import Actor
from .models import Team
from .service_errors import Conflict, Duplicate, ServiceError


class TeamError(ServiceError):
    """A value a team cannot have; the message is Dutch."""


TEAM_FIELDS = ("name", "pc4_codes", "phone")
TEAM_PHONE_MAX = 40


def save_team(
    session: Session,
    actor: Actor,
    team: Team | None,
    name: str,
    pc4_codes: list[str],
    seen_version: int | None = None,
    phone: str = "",
) -> Team:
    """Create or change a wijkteam: its name, the PC4 codes of its area and its phone number.

    The phone number is the team's own (providers call it back about an aanmelding), never a
    resident's.

    A change names the version it was based on (``seen_version``) and is written with
    ``UPDATE ... WHERE version = :seen``, so a second beheerder's older form gets
    :class:`Conflict` instead of overwriting the first one's change.
    """
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise TeamError("Vul een naam in van hoogstens 80 tekens.")
    codes = " ".join(sorted(set(pc4_codes)))
    if len(codes) > 400 or any(not (len(c) == 4 and c.isdigit()) for c in pc4_codes):
        raise TeamError("Vul hoogstens 80 postcodes van 4 cijfers in.")
    phone = " ".join(phone.split())
    if len(phone) > TEAM_PHONE_MAX:
        raise TeamError(f"Gebruik voor het telefoonnummer hoogstens {TEAM_PHONE_MAX} tekens.")
    own_id = team.id if team is not None else None
    names = session.exec(select(Team.id, Team.name)).all()
    if any(other.casefold() == name.casefold() for i, other in names if i != own_id):
        raise Duplicate("Er is al een wijkteam met deze naam.")
    before = audit.snapshot(team, TEAM_FIELDS) if team is not None else {}
    after = {"name": name, "pc4_codes": codes, "phone": phone}
    details = audit.changes(before, after)
    if not details:
        return team  # type: ignore[return-value]  # nothing changed: team is not None here
    try:
        if team is None:
            team = Team(name=name, pc4_codes=codes, phone=phone)
            session.add(team)
            session.flush()
        else:
            changed = session.exec(  # type: ignore[call-overload]
                update(Team)
                .where(Team.id == team.id, Team.version == (seen_version or team.version))
                .values(name=name, pc4_codes=codes, phone=phone, version=Team.version + 1)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:
                session.rollback()
                raise Conflict()
            session.expire(team)
    except IntegrityError:
        session.rollback()
        raise Duplicate("Er is al een wijkteam met deze naam.") from None
    audit.record(session, actor, "gewijzigd" if before else "aangemaakt", "team", team.id, details)
    session.commit()
    return team
