"""Use cases that write. Each takes a session, does its work and commits once (or not at all)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from . import audit, geo, signposts
from .accounts import AccountError
from .audit import Actor
from .models import (
    ACTIVITY_DETAILS,
    Activity,
    ActivityTerm,
    Location,
    LocationFeature,
    Organisation,
    PostcodeArea,
    Signpost,
    utcnow,
)
from .records import ActivityRecord, CatalogueRecord, LocationRecord, OrganisationRecord
from .service_errors import Conflict


class CatalogueError(ValueError):
    """The catalogue cannot be loaded; ``problems`` holds ``(where, Dutch message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))
        self.problems = problems


@dataclass
class LoadCounts:
    created: dict[str, int] = field(
        default_factory=lambda: {"aanbieders": 0, "locaties": 0, "activiteiten": 0}
    )
    updated: dict[str, int] = field(
        default_factory=lambda: {"aanbieders": 0, "locaties": 0, "activiteiten": 0}
    )


def load_postcodes(session: Session, areas: Iterable[PostcodeArea]) -> int:
    """Insert or update postcode areas by PC4; locations follow their PC4; commit.

    A location takes the wijk (name and code) of its PC4. A location that stands exactly on the
    previous centroid of its PC4 was placed there because only the PC4 was known, so it moves
    with the centroid; a location with its own coordinates keeps them.
    """
    count = 0
    for area in areas:
        existing = session.get(PostcodeArea, area.pc4)
        if existing is None:
            session.add(area)
        else:
            old_point = (existing.latitude, existing.longitude)
            existing.city, existing.district = area.city, area.district
            existing.district_code = area.district_code
            existing.latitude, existing.longitude = area.latitude, area.longitude
            for location in session.exec(select(Location).where(Location.pc4 == area.pc4)):
                location.district, location.district_code = area.district, area.district_code
                if (location.latitude, location.longitude) == old_point:
                    location.latitude, location.longitude = area.latitude, area.longitude
        count += 1
    session.commit()
    return count


def load_catalogue(
    session: Session,
    catalogue: CatalogueRecord,
    geocoder: geo.OfflineGeocoder,
    now: datetime | None = None,
) -> LoadCounts:
    """Insert or update every organisation, location and activity by its key; commit once.

    Nothing is deleted: a listing that is missing from the file stays as it is. On any problem
    nothing is written and :class:`CatalogueError` lists every problem found.
    """
    now = now or utcnow()
    counts = LoadCounts()
    problems: list[tuple[str, str]] = []
    try:
        for record in catalogue.organisations:
            _upsert_organisation(
                session, record, catalogue.is_example, geocoder, now, counts, problems
            )
        if problems:
            raise CatalogueError(problems)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def _upsert_organisation(
    session: Session,
    record: OrganisationRecord,
    is_example: bool,
    geocoder: geo.OfflineGeocoder,
    now: datetime,
    counts: LoadCounts,
    problems: list[tuple[str, str]],
) -> None:
    org = session.exec(select(Organisation).where(Organisation.slug == record.slug)).first()
    if org is None:
        org = Organisation(slug=record.slug, name=record.name, kind=record.kind, created_at=now)
        session.add(org)
        counts.created["aanbieders"] += 1
    else:
        counts.updated["aanbieders"] += 1
        org.version += 1
    org.name, org.kind, org.description = record.name, record.kind, record.description
    org.website, org.phone, org.email = record.website, record.phone, record.email
    org.is_example, org.is_approved, org.updated_at = is_example, True, now
    session.flush()

    locations: dict[str, Location] = {loc.slug: loc for loc in org.locations}
    for loc_record in record.locations:
        location = _upsert_location(
            session, org, locations.get(loc_record.slug), loc_record, geocoder, counts, problems
        )
        if location is not None:
            locations[loc_record.slug] = location
    session.flush()

    activities = {act.slug: act for act in org.activities}
    for act_record in record.activities:
        location = locations.get(act_record.location)
        if location is None:
            continue  # its location already produced a problem
        _upsert_activity(
            session, org, activities.get(act_record.slug), act_record, location, now, counts
        )


def _upsert_location(
    session: Session,
    org: Organisation,
    location: Location | None,
    record: LocationRecord,
    geocoder: geo.OfflineGeocoder,
    counts: LoadCounts,
    problems: list[tuple[str, str]],
) -> Location | None:
    try:
        hit = geo.resolve_postcode(geocoder, record.postcode)
    except ValueError as error:
        problems.append((f"aanbieder '{org.slug}', locatie '{record.slug}'", str(error)))
        return None
    if location is None:
        location = Location(
            organisation_id=org.id,
            slug=record.slug,
            name=record.name,
            street=record.street,
            postcode=record.postcode,
            pc4=geo.pc4_of(record.postcode),
            latitude=0.0,
            longitude=0.0,
        )
        session.add(location)
        counts.created["locaties"] += 1
    else:
        location.version += 1
        counts.updated["locaties"] += 1
    location.name, location.street, location.house_number = (
        record.name,
        record.street,
        record.house_number,
    )
    location.postcode, location.pc4, location.city = (
        record.postcode,
        geo.pc4_of(record.postcode),
        record.city,
    )
    location.district, location.district_code = hit.district, hit.district_code
    if record.latitude is not None and record.longitude is not None:
        location.latitude, location.longitude = record.latitude, record.longitude
    else:
        location.latitude, location.longitude = hit.point.latitude, hit.point.longitude
    wanted = set(record.accessibility)
    location.features = [f for f in location.features if f.feature in wanted] + [
        LocationFeature(feature=key)
        for key in record.accessibility
        if key not in location.accessibility
    ]
    return location


def _upsert_activity(
    session: Session,
    org: Organisation,
    activity: Activity | None,
    record: ActivityRecord,
    location: Location,
    now: datetime,
    counts: LoadCounts,
) -> None:
    if activity is None:
        activity = Activity(
            organisation_id=org.id,
            slug=record.slug,
            title=record.title,
            guidance=record.guidance,
            access_route=record.access_route,
            location_id=location.id,
            created_at=now,
        )
        session.add(activity)
        counts.created["activiteiten"] += 1
    else:
        activity.version += 1
        counts.updated["activiteiten"] += 1
    activity.location = location
    for name in ACTIVITY_DETAILS:
        setattr(activity, name, getattr(record, name))
    activity.cost_cents = record.cost_cents
    activity.is_approved = True
    activity.updated_at = now
    if record.confirmed_on is not None:
        activity.confirmed_at = datetime.combine(record.confirmed_on, now.timetz())
    elif record.confirmed_days_ago is not None:
        activity.confirmed_at = now - timedelta(days=record.confirmed_days_ago)
    else:
        activity.confirmed_at = now
    set_terms(
        activity,
        {
            "behoeften": record.needs,
            "soorten": record.types,
            "doelgroepen": record.target_groups,
            "dagdelen": record.slots,
        },
    )


def set_terms(activity: Activity, facets: dict[str, Iterable[str]]) -> None:
    """Replace the terms of the given facets, keeping rows that stay the same."""
    keep = [t for t in activity.terms if t.facet not in facets]
    current = {(t.facet, t.term): t for t in activity.terms}
    for facet, keys in facets.items():
        for key in keys:
            keep.append(current.get((facet, key)) or ActivityTerm(facet=facet, term=key))
    activity.terms = keep


# --- Signposts (verwijzingen) -------------------------------------------------------------------

SIGNPOST_FIELDS = ("name", "purpose", "audience", "text", "phone", "website", "address")
_PHONE = re.compile(r"^[0-9+() -]{0,40}$")
#: https:// somewhere, or a path on this site ("//host" and "/\\host" are other sites).
_WEBSITE = re.compile(r"https://[^\s/]\S*|/(?![/\\])\S*")


def load_signposts(session: Session, entries: Iterable[signposts.SignpostInfo]) -> int:
    """Insert or update the example signposts from ``seeds/`` by key; commit; return the count.

    A row the gemeente has edited (no longer example data) is left as it is: running ``seed``
    again never undoes a beheerder's change.
    """
    count = 0
    for entry in entries:
        row = session.exec(select(Signpost).where(Signpost.key == entry.key)).first()
        if row is not None and not row.is_example:
            continue
        if row is None:
            row = Signpost(key=entry.key, name=entry.name)
            session.add(row)
        elif any(getattr(row, name) != getattr(entry, name) for name in SIGNPOST_FIELDS):
            row.version += 1
        for name in (*SIGNPOST_FIELDS, "is_example"):
            setattr(row, name, getattr(entry, name))
        row.updated_at = utcnow()
        count += 1
    session.commit()
    return count


def save_signpost(
    session: Session,
    actor: Actor,
    key: str,
    values: dict[str, str],
    seen_version: int | None,
) -> Signpost:
    """Change what a signpost says and how to reach it; audited, one commit.

    The first save of a key that has no row yet creates it from the values. A change names the
    version it was based on, so a second beheerder's older form gets :class:`Conflict`. Raises
    :class:`AccountError` with a Dutch message for a value that cannot be right.
    """
    if key not in signposts.DEFAULTS:
        raise AccountError("Deze verwijzing bestaat niet.")
    cleaned = {name: " ".join((values.get(name) or "").split()) for name in SIGNPOST_FIELDS}
    if not cleaned["name"]:
        raise AccountError("Vul een naam in.")
    if not _PHONE.match(cleaned["phone"]):
        raise AccountError("Een telefoonnummer bevat alleen cijfers, spaties, +, - en haakjes.")
    website = cleaned["website"]
    if website and not _WEBSITE.fullmatch(website):
        raise AccountError("Een website begint met https:// (of met / voor een pagina hier).")
    row = session.exec(select(Signpost).where(Signpost.key == key)).first()
    before = audit.snapshot(row, SIGNPOST_FIELDS) if row is not None else {}
    details = audit.changes(before, cleaned)
    if row is not None and not details:
        return row
    if row is None:
        row = Signpost(key=key, **cleaned, is_example=False, updated_at=utcnow())
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # another beheerder saved the first version of this key meanwhile
            session.rollback()
            raise Conflict() from None
    else:
        changed = session.exec(  # type: ignore[call-overload]
            update(Signpost)
            .where(Signpost.id == row.id, Signpost.version == (seen_version or row.version))
            .values(**cleaned, is_example=False, updated_at=utcnow(), version=Signpost.version + 1)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            session.rollback()
            raise Conflict()
        session.expire(row)
    audit.record(
        session, actor, "gewijzigd" if before else "aangemaakt", "signpost", row.id, details
    )
    session.commit()
    return row
