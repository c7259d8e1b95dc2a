"""Aanmeldingen (placements): create, move along the allowed steps, read; one commit each.

Capacity is part of the same transaction as the status change: starting takes a free place with
``UPDATE activity SET free_places = free_places - 1 WHERE free_places > 0``, ending gives it
back, and the status itself moves with ``WHERE status = :current AND version = :seen``, so two
people racing for the last place or the same aanmelding cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlmodel import Session, func, select

from . import audit, personal_data, workflow
from .audit import Actor
from .models import (
    LOCAL_TIMEZONE,
    Activity,
    Organisation,
    Placement,
    PlacementEvent,
    PlacementNeed,
    User,
    UserRole,
    utcnow,
)
from .vocabulary import (
    AGE_BANDS,
    COMPLETED_OUTCOMES,
    DECLINE_REASONS,
    NEEDS,
    OUTCOMES,
    PARTICIPATION_STEPS,
)

#: Tries to find a kenmerk nobody holds yet; with 614,656 codes a clash is already rare.
REFERENCE_TRIES = 50


class PlacementError(ValueError):
    """The change cannot be made.

    ``errors`` maps the names of the fields of :class:`NewPlacement` or :class:`Step` that are
    wrong (such as ``note`` or ``on``) to Dutch messages; the view puts them on its form.
    """

    def __init__(
        self, message: str, errors: dict[str, str] | None = None, status: int = 422
    ) -> None:
        super().__init__(message)
        self.errors = errors or {}
        self.status = status


@dataclass(frozen=True)
class NewPlacement:
    """What a consultant sends for a new aanmelding: coded facts, never a name."""

    activity_id: int
    age_band: str
    pc4: str
    needs: frozenset[str] = field(default_factory=frozenset)
    #: The step on the participatieladder now; None when the consultant does not know it (it
    #: then stays out of the ladder figures rather than a guess flowing into them).
    ladder_start: int | None = None
    preferred_start: date | None = None
    note: str = ""
    #: The consultant confirmed that the health words in the note are needed.
    health_words_confirmed: bool = False


def check_new_placement(new: NewPlacement) -> dict[str, str]:
    """Return Dutch messages by field of ``new``; empty when the aanmelding may be saved."""
    errors: dict[str, str] = {}
    note = personal_data.check_free_text(new.note)
    if note.problem:
        errors["note"] = note.problem
    elif len(new.note) > 500:
        errors["note"] = "Gebruik hoogstens 500 tekens."
    elif note.needs_confirmation and not new.health_words_confirmed:
        errors["health_words_confirmed"] = (
            f"Uw notitie noemt een diagnose of medicijn ({', '.join(note.health_words)}). "
            "Laat dat weg, tenzij de aanbieder het echt moet weten. Is het nodig? "
            "Vink dan aan dat u het bewust opschrijft."
        )
    if new.age_band not in AGE_BANDS:
        errors["age_band"] = "Kies een leeftijdsgroep."
    if not (len(new.pc4) == 4 and new.pc4.isdigit()):
        errors["pc4"] = "Vul de vier cijfers van de postcode in."
    unknown = NEEDS.unknown(new.needs)
    if unknown:
        errors["needs"] = "Kies alleen uit de lijst."
    if new.ladder_start is not None and str(new.ladder_start) not in PARTICIPATION_STEPS:
        errors["ladder_start"] = "Kies een trede van 1 tot en met 6."
    return errors


def refer(
    session: Session, consultant: User, new: NewPlacement, *, now: datetime | None = None
) -> Placement:
    """Create an aanmelding for a public, running activity; on a full one, join its waiting list.

    :param now: when it happens (default: now); the demo replays the past through this.
    """
    now = now or utcnow()
    errors = check_new_placement(new)
    if errors:
        raise PlacementError("Niet alles is goed ingevuld.", errors, status=400)
    activity = session.get(Activity, new.activity_id)
    if (
        activity is None
        or not activity.is_approved
        or activity.status != "actief"
        or not session.get(Organisation, activity.organisation_id).is_approved  # type: ignore[union-attr]
    ):
        raise PlacementError("Bij deze activiteit kunt u nu niemand aanmelden.", status=409)
    full = activity.free_places <= 0
    if full and not activity.waiting_list:
        raise PlacementError("Deze activiteit is vol en heeft geen wachtlijst.", status=409)
    placement = Placement(
        activity_id=activity.id,
        consultant_id=consultant.id,
        team_id=consultant.team_id,
        reference=_free_reference(session),
        age_band=new.age_band,
        pc4=new.pc4,
        preferred_start=new.preferred_start,
        note=new.note.strip() or None,
        ladder_start=new.ladder_start,
        on_waiting_list=full,
        created_at=now,
        updated_at=now,
    )
    placement.needs_rows = [PlacementNeed(need=need) for need in sorted(new.needs)]
    session.add(placement)
    session.flush()
    _event(session, placement, consultant, None, "aangemeld", now)
    audit.record(
        session,
        Actor.of(consultant),
        "aangemeld",
        "placement",
        placement.id,
        {"activity_id": activity.id, "wachtlijst": full},
    )
    session.commit()
    return placement


def _free_reference(session: Session) -> str:
    """Return a random kenmerk that no aanmelding holds (erased ones hold none)."""
    for _ in range(REFERENCE_TRIES):
        reference = workflow.make_reference()
        if (
            session.exec(select(Placement.id).where(Placement.reference == reference)).first()
            is None
        ):
            return reference
    raise PlacementError(
        "Er is nu geen vrij kenmerk te maken. Probeer het later nog eens.", status=503
    )


def record_notice(session: Session, user: User, placement: Placement, sent: bool) -> None:
    """Record whether the provider was e-mailed about a new aanmelding (the address is not kept)."""
    audit.record(
        session, Actor.of(user), "e-mail aanbieder", "placement", placement.id, {"verstuurd": sent}
    )
    session.commit()


@dataclass(frozen=True)
class Step:
    """The details a move needs: a date, and for the end an outcome and the ladder step."""

    target: str
    seen_version: int
    on: date | None = None
    decline_reason: str | None = None
    outcome: str | None = None
    ladder_end: int | None = None


def check_step(step: Step, made_on: date, started_on: date | None, today: date) -> dict[str, str]:
    """Return Dutch messages by field of ``step`` for what is wrong (empty when all is well).

    Dates must make sense, also because the figures and the retention period rest on them: no
    date before the aanmelding was made, no start or end in the future, no end before the start.
    """
    errors: dict[str, str] = {}
    if step.target in ("kennismaking", "gestart", "afgerond", "gestopt") and step.on is None:
        errors["on"] = "Vul een datum in, zoals 31-12-2026."
    elif step.on is not None:
        if step.on < made_on:
            errors["on"] = f"Kies een datum vanaf {made_on:%d-%m-%Y}, de dag van de aanmelding."
        elif step.target in ("gestart", "afgerond", "gestopt") and step.on > today:
            errors["on"] = "Kies vandaag of een dag in het verleden."
        elif step.target in ("afgerond", "gestopt") and started_on and step.on < started_on:
            errors["on"] = f"Kies een datum vanaf de start, {started_on:%d-%m-%Y}."
    if step.target == "afgewezen" and step.decline_reason not in DECLINE_REASONS:
        errors["decline_reason"] = "Kies een reden."
    if step.target in ("afgerond", "gestopt"):
        if step.outcome not in OUTCOMES:
            errors["outcome"] = "Kies een uitkomst."
        elif (step.outcome in COMPLETED_OUTCOMES) != (step.target == "afgerond"):
            errors["outcome"] = (
                "Kies een uitkomst die bij 'afgerond' past."
                if step.target == "afgerond"
                else "Kies een uitkomst die bij 'gestopt' past."
            )
        if step.ladder_end is None or str(step.ladder_end) not in PARTICIPATION_STEPS:
            errors["ladder_end"] = "Kies een trede van 1 tot en met 6."
    return errors


def move(
    session: Session, user: User, placement: Placement, step: Step, *, now: datetime | None = None
) -> None:
    """Move an aanmelding one allowed step, with its capacity change, in one transaction.

    :param now: when it happens (default: now); the demo replays the past through this.
    """
    now = now or utcnow()
    if not can_handle(user, placement):
        raise PlacementError("Deze aanmelding is niet van u.", status=404)
    try:
        workflow.check_transition(placement.status, step.target, user.role)
    except workflow.TransitionError as error:
        raise PlacementError(str(error), status=409) from None
    errors = check_step(
        step,
        placement.created_at.astimezone(LOCAL_TIMEZONE).date(),
        placement.start_date,
        now.astimezone(LOCAL_TIMEZONE).date(),
    )
    if errors:
        raise PlacementError("Niet alles is goed ingevuld.", errors, status=400)
    current = placement.status
    values: dict[str, object] = {"status": step.target, "updated_at": now}
    if step.target == "kennismaking":
        values["intro_date"] = step.on
    elif step.target == "afgewezen":
        values["decline_reason"] = step.decline_reason
    elif step.target == "gestart":
        values |= {"start_date": step.on, "on_waiting_list": False}
    elif step.target in ("afgerond", "gestopt"):
        values |= {"end_date": step.on, "outcome": step.outcome, "ladder_end": step.ladder_end}
    elif step.target == "ingetrokken":
        values["end_date"] = None
    claimed = session.exec(  # type: ignore[call-overload]
        update(Placement)
        .where(
            Placement.id == placement.id,
            Placement.status == current,
            Placement.version == step.seen_version,
        )
        .values(**values, version=Placement.version + 1)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise PlacementError(
            "Iemand anders heeft deze aanmelding intussen gewijzigd. Bekijk hem opnieuw.",
            status=409,
        )
    if step.target == "gestart":
        taken = session.exec(  # type: ignore[call-overload]
            update(Activity)
            .where(Activity.id == placement.activity_id, Activity.free_places > 0)
            .values(free_places=Activity.free_places - 1, version=Activity.version + 1)
        )
        if taken.rowcount != 1:
            session.rollback()
            raise PlacementError(
                "Er is geen vrije plek meer. Iemand anders was net eerder. De aanmelding blijft "
                "staan; zet de plek vrij of houd de aanmelding op de wachtlijst.",
                status=409,
            )
    elif current == "gestart":
        give_back_place(session, placement.activity_id)
    _event(session, placement, user, current, step.target, now)
    audit.record(
        session,
        Actor.of(user),
        "status",
        "placement",
        placement.id,
        {"status": {"oud": current, "nieuw": step.target}},
    )
    session.commit()
    session.expire(placement)


def give_back_place(session: Session, activity_id: int) -> None:
    """Free the place a started aanmelding held (never above the capacity); no commit."""
    session.exec(  # type: ignore[call-overload]
        update(Activity)
        .where(Activity.id == activity_id, Activity.free_places < Activity.capacity)
        .values(free_places=Activity.free_places + 1, version=Activity.version + 1)
    )


def _event(
    session: Session,
    placement: Placement,
    user: User,
    old: str | None,
    new: str,
    at: datetime,
) -> None:
    session.add(
        PlacementEvent(
            placement_id=placement.id,
            at=at,
            actor_id=user.id,
            actor_role=user.role,
            from_status=old,
            to_status=new,
        )
    )


def can_read(user: User, placement: Placement) -> bool:
    """Need to know: the provider of the activity, and the consultant's team."""
    if user.role == UserRole.PROVIDER:
        return placement.activity.organisation_id == user.organisation_id
    if user.role == UserRole.CONSULTANT:
        if user.team_id is not None and placement.team_id == user.team_id:
            return True
        return placement.consultant_id == user.id
    return False  # the gemeente sees figures, not people


can_handle = can_read


def read(session: Session, user: User, placement_id: int) -> Placement | None:
    """Return an aanmelding the user may see, and record that it was read."""
    placement = session.get(Placement, placement_id)
    if placement is None or not can_read(user, placement):
        return None
    audit.record(session, Actor.of(user), "gelezen", "placement", placement.id)
    session.commit()
    return placement


def visible_query(user: User):
    """Return a select of the aanmeldingen ``user`` may see, newest first."""
    query = select(Placement).join(Activity, Activity.id == Placement.activity_id)
    if user.role == UserRole.PROVIDER:
        query = query.where(Activity.organisation_id == user.organisation_id)
    elif user.role == UserRole.CONSULTANT:
        mine = Placement.consultant_id == user.id
        query = query.where(or_(mine, Placement.team_id == user.team_id) if user.team_id else mine)
    else:
        query = query.where(Placement.id.is_(None))  # type: ignore[union-attr]
    return query.order_by(Placement.created_at.desc(), Placement.id.desc())  # type: ignore[attr-defined]


def count_new(session: Session, organisation_id: int) -> int:
    """Return how many aanmeldingen for the organisation's activities wait for a first answer."""
    return session.exec(
        select(func.count())
        .select_from(Placement)
        .join(Activity, Activity.id == Placement.activity_id)
        .where(Activity.organisation_id == organisation_id, Placement.status == "aangemeld")
    ).one()


def waiting_position(session: Session, placement: Placement) -> int | None:
    """Return the place in the activity's waiting list (1 = first), in order of arrival."""
    if not placement.on_waiting_list or placement.status not in workflow.OPEN_STATUSES:
        return None
    ahead = session.exec(
        select(Placement.id).where(
            Placement.activity_id == placement.activity_id,
            Placement.on_waiting_list.is_(True),  # type: ignore[attr-defined]
            Placement.status.in_(workflow.OPEN_STATUSES),  # type: ignore[attr-defined]
            or_(
                Placement.created_at < placement.created_at,
                (Placement.created_at == placement.created_at) & (Placement.id < placement.id),
            ),
        )
    ).all()
    return len(ahead) + 1
