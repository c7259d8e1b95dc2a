"""Load the catalogue: postcodes, organisations, locations and activities from the seed files.

Each loader takes a session, checks every row, writes and commits once (or not at all). The
day-to-day edits of providers and the beheerder are in :mod:`listings`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from . import geo
from .activity_fields import TERM_FIELDS
from .models import (
    ACTIVITY_DETAILS,
    Activity,
    ActivityTerm,
    Location,
    LocationFeature,
    Organisation,
    PostcodeArea,
    local_date,
    local_noon,
    utcnow,
)
from .records import ActivityRecord, CatalogueRecord, LocationRecord, OrganisationRecord


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
        # A date in the file is a Zwolle date (the time of the import would move it past
        # 22:00 UTC into the next day); days ago are Zwolle days, like freshness counts them.
        activity.confirmed_at = min(local_noon(record.confirmed_on), now)
    elif record.confirmed_days_ago is not None:
        today = local_date(now)
        activity.confirmed_at = min(
            local_noon(today - timedelta(days=record.confirmed_days_ago)), now
        )
    else:
        activity.confirmed_at = now
    set_terms(activity, {f.csv: getattr(record, f.attr) for f in TERM_FIELDS})  # type: ignore[misc]


def set_terms(activity: Activity, facets: dict[str, Iterable[str]]) -> None:
    """Replace the terms of the given facets, keeping rows that stay the same."""
    keep = [t for t in activity.terms if t.facet not in facets]
    current = {(t.facet, t.term): t for t in activity.terms}
    for facet, keys in facets.items():
        for key in keys:
            keep.append(current.get((facet, key)) or ActivityTerm(facet=facet, term=key))
    activity.terms = keep
