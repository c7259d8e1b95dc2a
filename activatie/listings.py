"""Changes to listings by providers, the write API and beheerders; one commit each, audited.

Lost updates are prevented in the database, not in Python: an edit names the version it was
based on (``UPDATE ... WHERE version = :seen``), and free places change with one conditional
``UPDATE`` that can never leave them below zero or above the capacity (security.md, 2 and 3).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from . import audit, geo
from .audit import Actor
from .catalogue import set_terms
from .models import (
    ACTIVITY_DETAILS,
    Activity,
    Location,
    LocationFeature,
    Organisation,
    Placement,
    confirmed_before,
    local_date,
    utcnow,
)
from .service_errors import Conflict, Duplicate, ServiceError
from .vocabulary import ACTIVITY_FACETS, ORGANISATION_KINDS

#: The audited fields of an activity.
ACTIVITY_FIELDS = (*ACTIVITY_DETAILS, "location_id", "cost_cents")
FACETS = tuple(ACTIVITY_FACETS)
ORGANISATION_FIELDS = ("name", "description", "website", "phone", "email")
LOCATION_FIELDS = (
    "name",
    "street",
    "house_number",
    "postcode",
    "pc4",
    "district",
    "district_code",
    "latitude",
    "longitude",
)


INCONSISTENT = "Deze gegevens passen niet bij elkaar. Controleer de getallen."


class ListingError(ServiceError):
    """A change that cannot be made; the message is Dutch."""


class TooManyFreePlaces(ListingError):
    """Free places would exceed the capacity minus the residents who have started."""

    def __init__(self, started: int, capacity: int) -> None:
        most = max(capacity - started, 0)
        super().__init__(
            f"Er {'is' if started == 1 else 'zijn'} al {started} "
            f"{'deelnemer' if started == 1 else 'deelnemers'} gestart op {capacity} plekken. "
            f"Er {'kan' if most == 1 else 'kunnen'} hoogstens {most} "
            f"{'plek' if most == 1 else 'plekken'} vrij zijn."
        )
        self.started, self.capacity = started, capacity


class _Unfit(ListingError):
    """The row is at the version seen, but an extra condition of the update does not hold."""


def activity_snapshot(activity: Activity) -> dict[str, Any]:
    data = audit.snapshot(activity, ACTIVITY_FIELDS)
    data.update({facet: sorted(activity.facet(facet)) for facet in FACETS})
    return data


def started_count(activity_id: Any) -> Any:
    """Return SQL for the number of residents started on the activity ``activity_id``."""
    return (
        select(func.count())
        .select_from(Placement)
        .where(Placement.activity_id == activity_id, Placement.status == "gestart")
        .scalar_subquery()
    )


def room_for(free_places: Any, capacity: Any = Activity.capacity) -> Any:
    """Return the SQL condition: ``free_places`` fit beside the residents already started.

    Part of the same conditional UPDATE that sets the free places, so no start that commits in
    between can be undone (starting takes a place with ``free_places > 0`` in its own UPDATE).
    """
    return free_places + started_count(Activity.id) <= capacity


def started_on(session: Session, activity_id: int) -> int:
    return session.exec(select(started_count(activity_id))).one()


def _versioned_update(
    session: Session,
    model: type,
    obj_id: int,
    seen_version: int,
    values: dict[str, Any],
    *conditions: Any,
) -> None:
    """Write ``values`` only if the row is still at ``seen_version``; raise Conflict if not.

    When the row is at that version but ``conditions`` do not hold, raise ListingError.
    """
    try:
        result = session.exec(  # type: ignore[call-overload]
            update(model)
            .where(model.id == obj_id, model.version == seen_version, *conditions)  # type: ignore[attr-defined]
            .values(**values, version=model.version + 1)  # type: ignore[attr-defined]
        )
    except IntegrityError:
        session.rollback()
        raise ListingError(
            "Deze gegevens passen niet bij elkaar. Controleer de getallen."
        ) from None
    if result.rowcount != 1:
        session.rollback()
        current = session.exec(select(model.version).where(model.id == obj_id)).first()  # type: ignore[attr-defined]
        if conditions and current == seen_version:
            raise _Unfit(INCONSISTENT)
        raise Conflict()


def _update_activity_row(
    session: Session, activity: Activity, seen_version: int, values: dict[str, Any]
) -> None:
    """Write ``values`` to the activity's row in one conditional UPDATE.

    The row must still be at ``seen_version`` (Conflict otherwise) and the free places must fit
    beside the residents started (TooManyFreePlaces otherwise).
    """
    capacity = values.get("capacity", activity.capacity)
    conditions = []
    if "free_places" in values or "capacity" in values:
        conditions.append(room_for(values.get("free_places", Activity.free_places), capacity))
    try:
        _versioned_update(
            session,
            Activity,
            activity.id,  # type: ignore[arg-type]
            seen_version,
            values,
            *conditions,
        )
    except _Unfit:
        started = started_on(session, activity.id)  # type: ignore[arg-type]
        raise TooManyFreePlaces(started, capacity) from None


def update_activity(
    session: Session,
    actor: Actor,
    activity: Activity,
    seen_version: int,
    values: dict[str, Any],
    facets: dict[str, Iterable[str]],
) -> None:
    """Save an edit of ``activity`` made from ``seen_version``; approved edits go live at once."""
    before = activity_snapshot(activity)
    location = session.get(Location, values.get("location_id", activity.location_id))
    if location is None or location.organisation_id != activity.organisation_id:
        raise ListingError("Kies een locatie van uw eigen organisatie.")
    now = utcnow()
    _update_activity_row(session, activity, seen_version, {**values, "updated_at": now})
    session.expire(activity)
    set_terms(activity, facets)
    session.flush()
    after = activity_snapshot(activity)
    audit.record(session, actor, "gewijzigd", "activity", activity.id, audit.changes(before, after))
    session.commit()


def create_activity(
    session: Session,
    actor: Actor,
    organisation: Organisation,
    slug: str,
    values: dict[str, Any],
    facets: dict[str, Iterable[str]],
    *,
    approved: bool = False,
) -> Activity:
    """Add an activity; one made by a provider waits for a beheerder's approval."""
    location = session.get(Location, values.get("location_id"))
    if location is None or location.organisation_id != organisation.id:
        raise ListingError("Kies een locatie van uw eigen organisatie.")
    activity = Activity(
        organisation_id=organisation.id,
        slug=_free_slug(session, Activity, organisation.id, slug),
        is_approved=approved,
        **values,
    )
    set_terms(activity, facets)
    session.add(activity)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ListingError(
            "Deze gegevens passen niet bij elkaar. Controleer de getallen."
        ) from None
    audit.record(
        session,
        actor,
        "aangemaakt",
        "activity",
        activity.id,
        audit.changes({}, activity_snapshot(activity)),
    )
    session.commit()
    return activity


def slugify(text: str, fallback: str) -> str:
    """Return a readable ASCII key: ``Stichting Één & Ander`` -> ``stichting-een-ander``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return "-".join(words)[:70].strip("-") or fallback


def _free_slug(session: Session, model: type, organisation_id: int, wanted: str) -> str:
    """Return a readable key for a new activity or location, unique within the organisation."""
    base = slugify(wanted, model.__name__.lower())
    taken = set(
        session.exec(select(model.slug).where(model.organisation_id == organisation_id))  # type: ignore[attr-defined]
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def change_free_places(
    session: Session, actor: Actor, activity_id: int, organisation_id: int, delta: int
) -> int:
    """Add ``delta`` to the free places atomically; return the new number.

    Never goes below zero or above the capacity, however many people click at once.
    """
    result = session.exec(  # type: ignore[call-overload]
        update(Activity)
        .where(
            Activity.id == activity_id,
            Activity.organisation_id == organisation_id,
            Activity.free_places + delta >= 0,
            room_for(Activity.free_places + delta),
        )
        .values(
            free_places=Activity.free_places + delta,
            version=Activity.version + 1,
            updated_at=utcnow(),
        )
    )
    if result.rowcount != 1:
        session.rollback()
        if delta < 0:
            raise ListingError("Er zijn geen vrije plekken meer om af te halen.")
        capacity = session.exec(select(Activity.capacity).where(Activity.id == activity_id)).one()
        raise TooManyFreePlaces(started_on(session, activity_id), capacity)
    now_free = session.exec(select(Activity.free_places).where(Activity.id == activity_id)).one()
    audit.record(
        session,
        actor,
        "vrije_plekken",
        "activity",
        activity_id,
        {"free_places": {"oud": now_free - delta, "nieuw": now_free}},
    )
    session.commit()
    return now_free


def patch_activity(
    session: Session,
    actor: Actor,
    activity: Activity,
    seen_version: int,
    *,
    free_places: int | None = None,
    status: str | None = None,
    waiting_list: bool | None = None,
) -> None:
    """Change free places, status and waiting list together, in one conditional UPDATE.

    The row must still be at ``seen_version`` (the API's If-Match; Conflict otherwise), and free
    places must fit beside the residents started (TooManyFreePlaces otherwise).
    """
    values: dict[str, Any] = {}
    if free_places is not None:
        values["free_places"] = free_places
    if status is not None:
        values["status"] = status
    if waiting_list is not None:
        values["waiting_list"] = waiting_list
    before = audit.snapshot(activity, tuple(values))
    _update_activity_row(session, activity, seen_version, {**values, "updated_at": utcnow()})
    session.expire(activity)
    audit.record(
        session,
        actor,
        "gewijzigd",
        "activity",
        activity.id,
        audit.changes(before, audit.snapshot(activity, tuple(values))),
    )
    session.commit()


def set_status(session: Session, actor: Actor, activity: Activity, status: str) -> None:
    """Pause, resume or end an activity."""
    if activity.status == status:
        return
    old = activity.status
    session.exec(  # type: ignore[call-overload]
        update(Activity)
        .where(Activity.id == activity.id)
        .values(status=status, version=Activity.version + 1, updated_at=utcnow())
    )
    audit.record(
        session, actor, "status", "activity", activity.id, {"status": {"oud": old, "nieuw": status}}
    )
    session.commit()
    session.expire(activity)


def confirm_all(session: Session, actor: Actor, organisation_id: int) -> int:
    """Mark every listing of an organisation as checked today; return how many."""
    now = utcnow()
    result = session.exec(  # type: ignore[call-overload]
        update(Activity)
        .where(Activity.organisation_id == organisation_id, Activity.status != "beeindigd")
        .values(confirmed_at=now)
    )
    audit.record(
        session,
        actor,
        "alles_bevestigd",
        "organisation",
        organisation_id,
        {"aantal": result.rowcount},
    )
    session.commit()
    return result.rowcount


def update_organisation(
    session: Session,
    actor: Actor,
    organisation: Organisation,
    seen_version: int,
    values: dict[str, Any],
) -> None:
    before = audit.snapshot(organisation, ORGANISATION_FIELDS)
    _versioned_update(
        session,
        Organisation,
        organisation.id,
        seen_version,  # type: ignore[arg-type]
        {**values, "updated_at": utcnow()},
    )
    session.expire(organisation)
    audit.record(
        session,
        actor,
        "gewijzigd",
        "organisation",
        organisation.id,
        audit.changes(before, audit.snapshot(organisation, ORGANISATION_FIELDS)),
    )
    session.commit()


def save_location(
    session: Session,
    actor: Actor,
    organisation: Organisation,
    location: Location | None,
    seen_version: int | None,
    values: dict[str, Any],
    accessibility: Iterable[str],
    geocoder: geo.SupportsGeocode,
) -> Location:
    """Create or update a location; the point comes from the postcode (geocoded on save)."""
    hit = geo.resolve_postcode(geocoder, values["postcode"])
    point_values = {
        **values,
        "postcode": geo.normalise_postcode(values["postcode"]),
        "pc4": hit.postcode[:4],
        "district": hit.district,
        "district_code": hit.district_code,
        "latitude": hit.point.latitude,
        "longitude": hit.point.longitude,
    }
    if location is None:
        location = Location(
            organisation_id=organisation.id,
            slug=_free_slug(session, Location, organisation.id, values["name"]),
            **point_values,
        )
        session.add(location)
        session.flush()
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(location, LOCATION_FIELDS) | {
            "accessibility": sorted(location.accessibility)
        }
        _versioned_update(
            session,
            Location,
            location.id,
            seen_version or 0,  # type: ignore[arg-type]
            point_values,
        )
        session.expire(location)
    wanted = set(accessibility)
    location.features = [f for f in location.features if f.feature in wanted] + [
        LocationFeature(feature=key) for key in sorted(wanted - location.accessibility)
    ]
    session.flush()
    after = audit.snapshot(location, LOCATION_FIELDS) | {
        "accessibility": sorted(location.accessibility)
    }
    audit.record(
        session,
        actor,
        "gewijzigd" if before else "aangemaakt",
        "location",
        location.id,
        audit.changes(before, after),
    )
    session.commit()
    return location


def approve(session: Session, actor: Actor, obj: Activity | Organisation) -> None:
    """Make a new organisation or activity publicly visible."""
    if obj.is_approved:
        return
    obj.is_approved = True
    obj.version += 1
    kind = "activity" if isinstance(obj, Activity) else "organisation"
    audit.record(
        session, actor, "goedgekeurd", kind, obj.id, {"is_approved": {"oud": False, "nieuw": True}}
    )
    session.commit()


def stale_condition(now: datetime, days: int) -> Any:
    """Listings not confirmed for more than ``days`` Zwolle days (``models.confirmed_before``)."""
    return and_(
        Activity.confirmed_at < confirmed_before(local_date(now), days),
        Activity.status != "beeindigd",
    )


def count_stale(session: Session, organisation_id: int, now: datetime, days: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Activity)
        .where(Activity.organisation_id == organisation_id, stale_condition(now, days))
    ).one()


ORGANISATION_CREATE_FIELDS = ("name", "kind", "slug", "is_approved")


def create_organisation(session: Session, actor: Actor, name: str, kind: str) -> Organisation:
    """Add a provider that waits for approval, so a provider account can be linked to it."""
    name = " ".join(name.split())
    if not name or len(name) > 160:
        raise ListingError("Vul een naam in van hoogstens 160 tekens.")
    if kind not in ORGANISATION_KINDS:
        raise ListingError("Kies een soort aanbieder uit de lijst.")
    # Compared in Python: SQLite's lower() leaves letters such as "É" as they are.
    if any(
        other.casefold() == name.casefold() for other in session.exec(select(Organisation.name))
    ):
        raise Duplicate("Er is al een aanbieder met deze naam.")
    base = slugify(name, "aanbieder")
    taken = set(session.exec(select(Organisation.slug).where(Organisation.slug.startswith(base))))  # type: ignore[attr-defined]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    organisation = Organisation(slug=slug, name=name, kind=kind, is_approved=False)
    session.add(organisation)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Duplicate("Er is net een aanbieder met deze naam gemaakt.") from None
    audit.record(
        session,
        actor,
        "aangemaakt",
        "organisation",
        organisation.id,
        audit.changes({}, audit.snapshot(organisation, ORGANISATION_CREATE_FIELDS)),
    )
    session.commit()
    return organisation
