"""Reads for the pages and the API: public listings, search, and the offline geocoder's table.

The geocoder the settings ask for is made in :mod:`geocoding`, from :func:`postcode_lookup`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    or_,
)
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from . import candidate_index, geo, matching
from .filters import ActivityFilters
from .models import (
    Activity,
    ActivityFacets,
    ActivityTerm,
    Location,
    LocationFeature,
    Organisation,
    PostcodeArea,
    Signpost,
    catalogue_version,
    confirmed_before,
    format_address,
    local_date,
)
from .signposts import SignpostInfo

T = TypeVar("T")


def by_id(session: Session, model: type[T], object_id: Any) -> T | None:
    """Return the row of ``model`` with this primary key, or None.

    The one plain load by key for the views (a row this session already holds costs no
    statement); a read with a rule (whose it is, what is public) has its own name.
    """
    return session.get(model, object_id)


_POSTCODE_AREA = PostcodeArea.__table__  # type: ignore[attr-defined]
_AREA = select(
    _POSTCODE_AREA.c.latitude,
    _POSTCODE_AREA.c.longitude,
    _POSTCODE_AREA.c.district,
    _POSTCODE_AREA.c.district_code,
).where(_POSTCODE_AREA.c.pc4 == bindparam("pc4"))


def _postcode_area(session: Session, pc4: str) -> Any:
    """Return the PC4 row (or None), read once per transaction however often it is asked (the
    service-area check and the geocoder ask for the same one)."""
    connection = session.connection()
    transaction = session.get_transaction()
    seen, areas = session.info.get("postcode_areas", (None, {}))
    if seen is not transaction:
        areas = {}
        session.info["postcode_areas"] = (transaction, areas)
    if pc4 not in areas:
        areas[pc4] = connection.execute(_AREA, {"pc4": pc4}).first()
    return areas[pc4]


def postcode_lookup(session: Session) -> Callable[[str], geo.PostcodeHit | None]:
    """Return a lookup for the offline geocoder: seeded addresses (PC6), then the PC4 table."""

    def lookup(postcode: str) -> geo.PostcodeHit | None:
        if len(postcode) == 6:
            location = session.exec(
                select(Location).where(Location.postcode == postcode).order_by(Location.id)
            ).first()
            if location is None:
                return None
            point = geo.Point(location.latitude, location.longitude)
            return geo.PostcodeHit(
                postcode, point, location.district, "pc6", location.district_code
            )
        area = _postcode_area(session, postcode)
        if area is None:
            return None
        return geo.PostcodeHit(
            postcode,
            geo.Point(area.latitude, area.longitude),
            area.district,
            "pc4",
            area.district_code,
        )

    return lookup


def in_service_area(session: Session) -> Callable[[str], bool]:
    """Return a check whether a normalised postcode lies in Zwolle: its PC4 is in the table."""

    def check(postcode: str) -> bool:
        return _postcode_area(session, geo.pc4_of(postcode)) is not None

    return check


def signposts(session: Session) -> dict[str, SignpostInfo]:
    """Return the gemeente's signposts by key (keys without a row fall back to the defaults)."""
    rows = session.connection().execute(_SIGNPOSTS)
    return {row.key: SignpostInfo(**row._mapping) for row in rows}


_SIGNPOST = Signpost.__table__.c  # type: ignore[attr-defined]
_SIGNPOSTS = select(
    *(
        _SIGNPOST[name]
        for name in (
            "key",
            "name",
            "purpose",
            "audience",
            "text",
            "phone",
            "website",
            "address",
            "is_example",
        )
    )
)


def hidden_before(today: date, hide_after_days: int) -> datetime:
    """Return the moment before which a listing's last confirmation hides it from the public.

    A listing not confirmed for ``hide_after_days`` (``HIDE_AFTER_DAYS``, 180) is left out of
    the public directory, the public API and matching; its provider and the beheerder still see
    it, and nothing is deleted.
    """
    return confirmed_before(today, hide_after_days)


def is_public(confirmed_since: datetime | None = None) -> ColumnElement[bool]:
    """Listings a resident may see: approved, of an approved organisation, running, and (when
    ``confirmed_since`` is given) confirmed since then."""
    conditions = [
        Activity.is_approved.is_(True),  # type: ignore[attr-defined]
        Organisation.is_approved.is_(True),  # type: ignore[attr-defined]
        Activity.status == "actief",
    ]
    if confirmed_since is not None:
        conditions.append(Activity.confirmed_at >= confirmed_since)
    return and_(*conditions)


def is_confirmed_since(activity: Activity, confirmed_since: datetime | None) -> bool:
    return confirmed_since is None or is_confirmed_at_or_after(
        activity.confirmed_at, confirmed_since
    )


def is_confirmed_at_or_after(confirmed_at: datetime, since: datetime) -> bool:
    return _as_utc(confirmed_at) >= since


def has_term(facet: str, keys: frozenset[str]) -> ColumnElement[bool]:
    return exists().where(
        ActivityTerm.activity_id == Activity.id,
        ActivityTerm.facet == facet,
        ActivityTerm.term.in_(sorted(keys)),  # type: ignore[attr-defined]
    )


def has_feature(key: str) -> ColumnElement[bool]:
    """Whether the activity's location has this feature (read by the activity's location_id, so
    a count of activities needs no join with their locations)."""
    return exists().where(
        LocationFeature.location_id == Activity.location_id, LocationFeature.feature == key
    )


@dataclass(frozen=True)
class LocalScale:
    """Kilometres per degree around a point: a flat map that is exact enough within ~50 km."""

    centre: geo.Point
    km_per_lat: float
    km_per_lon: float

    @classmethod
    def around(cls, centre: geo.Point) -> LocalScale:
        """Measure the scale at ``centre`` with the geodesic (as :class:`geo.LocalFrame` does)."""
        frame = geo.LocalFrame.around(centre)
        return cls(centre, frame.km_per_lat, frame.km_per_lon)

    def squared_km(self) -> Any:
        """Return a SQL expression for the squared distance in km² from the centre."""
        return self.squared_km_of(
            self.centre.latitude, self.centre.longitude, self.km_per_lat, self.km_per_lon
        )

    @staticmethod
    def squared_km_of(latitude: Any, longitude: Any, km_per_lat: Any, km_per_lon: Any) -> Any:
        """Return :meth:`squared_km` for a centre and scale given as values or bound parameters."""
        dlat = (Location.latitude - latitude) * km_per_lat
        dlon = (Location.longitude - longitude) * km_per_lon
        return dlat * dlat + dlon * dlon


@dataclass(frozen=True)
class OrganisationRef:
    """The provider as an activity's page shows it."""

    id: int
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class LocationView:
    """A location as pages and the API show it, with its accessibility features."""

    id: int
    name: str
    street: str
    house_number: str
    postcode: str
    pc4: str
    city: str
    district: str | None
    district_code: str | None
    latitude: float
    longitude: float
    accessibility: frozenset[str]

    @property
    def address(self) -> str:
        return format_address(self.street, self.house_number, self.postcode, self.pc4, self.city)


@dataclass(frozen=True)
class ActivityView(ActivityFacets):
    """An activity as the public pages and the API show it, read with SQLAlchemy Core.

    The same attributes as :class:`models.Activity` for what is shown, without ORM objects:
    a list page reads its rows, their terms and features in one statement (issue 11: hydrating
    ORM activities with their term collections was most of a list request's time).
    """

    id: int
    organisation_id: int
    location_id: int
    title: str
    summary: str
    description: str
    programme: str
    guidance: str
    min_age: int | None
    max_age: int | None
    schedule_note: str
    capacity: int
    free_places: int
    waiting_list: bool
    cost: str
    cost_cents: int | None
    access_route: str
    access_note: str
    status: str
    updated_at: datetime
    confirmed_at: datetime
    version: int
    organisation: OrganisationRef
    location: LocationView
    #: The keys per facet (behoeften, soorten, doelgroepen, dagdelen); a missing facet is empty.
    terms: Mapping[str, frozenset[str]]

    def facet(self, name: str) -> frozenset[str]:
        return self.terms.get(name, _EMPTY)


_A = Activity.__table__.c  # type: ignore[attr-defined]
_O = Organisation.__table__.c  # type: ignore[attr-defined]
_L = Location.__table__.c  # type: ignore[attr-defined]
_T = ActivityTerm.__table__.c  # type: ignore[attr-defined]
_F = LocationFeature.__table__.c  # type: ignore[attr-defined]
#: The activity columns an :class:`ActivityView` holds: its own attributes, less the joined ones.
_ACTIVITY_COLUMNS = tuple(
    f.name for f in fields(ActivityView) if f.name not in ("organisation", "location", "terms")
)
_LOCATION_COLUMNS = tuple(f.name for f in fields(LocationView) if f.name != "accessibility")


@cache
def _view_columns() -> tuple[Any, ...]:
    """Return the columns of :class:`ActivityView`, labelled, with terms and features as text
    (built once: statements share them)."""
    terms = (
        select(func.aggregate_strings(_T.facet + ":" + _T.term, ","))
        .where(_T.activity_id == _A.id)
        .correlate(Activity.__table__)
        .scalar_subquery()
    )
    features = (
        select(func.aggregate_strings(_F.feature, ","))
        .where(_F.location_id == _L.id)
        .correlate(Location.__table__)
        .scalar_subquery()
    )
    return (
        *(_A[name].label(f"a_{name}") for name in _ACTIVITY_COLUMNS),
        _O.name.label("o_name"),
        _O.phone.label("o_phone"),
        _O.email.label("o_email"),
        *(_L[name].label(f"l_{name}") for name in _LOCATION_COLUMNS),
        terms.label("terms"),
        features.label("features"),
    )


def _view_of(row: Any) -> ActivityView:
    """Build an :class:`ActivityView` from a row of :func:`_view_columns` (named columns)."""
    values = row._mapping
    return ActivityView(
        **{name: values[f"a_{name}"] for name in _ACTIVITY_COLUMNS},
        organisation=OrganisationRef(
            values["a_organisation_id"], values["o_name"], values["o_phone"], values["o_email"]
        ),
        location=LocationView(
            **{name: values[f"l_{name}"] for name in _LOCATION_COLUMNS},
            accessibility=_split(values["features"]),
        ),
        terms=_facets(values["terms"]),
    )


@lru_cache(maxsize=4096)
def _facets(text: str | None) -> Mapping[str, frozenset[str]]:
    """Return ``facet:term,facet:term,...`` as keys per facet (cached: few combinations recur)."""
    if not text:
        return {}
    found: dict[str, set[str]] = {}
    for pair in text.split(","):
        facet, _, term = pair.partition(":")
        found.setdefault(facet, set()).add(term)
    return {facet: frozenset(keys) for facet, keys in found.items()}


def _of_approved(statement: Any) -> Any:
    """Join the activity's organisation (whose approval :func:`is_public` reads)."""
    return statement.join(Organisation.__table__, _O.id == _A.organisation_id)


def _joined(statement: Any) -> Any:
    return _of_approved(statement).join(Location.__table__, _L.id == _A.location_id)


@dataclass(frozen=True)
class ActivityHit:
    activity: ActivityView
    distance_km: float | None = None


#: A list counts its results up to this many (or up to the end of the page asked, if further):
#: counting all 90,000 of a national catalogue costs more than the rest of the request.
COUNT_CAP = 1000


class Paged:
    """The page arithmetic of :class:`Page` and :class:`OrganisationPage`.

    The class gives ``total``, ``size`` and ``more``.
    """

    if TYPE_CHECKING:
        total: int
        size: int
        more: bool

    @property
    def pages(self) -> int:
        """The number of pages; when ``more`` is true, at least this many (one beyond the count)."""
        return max(1, math.ceil(self.total / self.size)) + (1 if self.more else 0)


@dataclass(frozen=True)
class Page(Paged):
    items: list[ActivityHit]
    #: The number of results; when ``more`` is true, the count stopped there and there are more.
    total: int
    page: int
    size: int
    more: bool = False

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.size, self.total)


def filter_conditions(
    filters: ActivityFilters, confirmed_since: datetime | None = None
) -> list[ColumnElement[bool]]:
    """Return the SQL conditions for every filter except distance.

    They read the activity and its organisation only: a list counts its results without joining
    their locations (:func:`search_activities`).
    """
    conditions = [is_public(confirmed_since)]
    if filters.text:
        needle = filters.text.lower()
        conditions.append(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (
                        Activity.title,
                        Activity.summary,
                        Activity.description,
                        Organisation.name,
                    )
                )
            )
        )
    for facet, keys in (
        ("soorten", filters.types),
        ("behoeften", filters.needs),
        ("doelgroepen", filters.target_groups),
        ("dagdelen", filters.slots),
    ):
        if keys:
            conditions.append(has_term(facet, keys))
    conditions += [has_feature(key) for key in sorted(filters.accessibility)]
    if filters.only_free_places:
        conditions.append(Activity.free_places > 0)
    if filters.age is not None:
        conditions.append(or_(Activity.min_age.is_(None), Activity.min_age <= filters.age))  # type: ignore[union-attr]
        conditions.append(or_(Activity.max_age.is_(None), Activity.max_age >= filters.age))  # type: ignore[union-attr]
    if filters.programme:
        conditions.append(Activity.programme == filters.programme)
    return conditions


def within_distance(centre: geo.Point, radius_km: float) -> list[ColumnElement[bool]]:
    """Return conditions for locations within ``radius_km``: an indexed box, then the circle."""
    box = geo.bounding_box(centre, radius_km)
    scale = LocalScale.around(centre)
    return [
        Location.latitude.between(box.min_latitude, box.max_latitude),  # type: ignore[attr-defined]
        Location.longitude.between(box.min_longitude, box.max_longitude),  # type: ignore[attr-defined]
        scale.squared_km() <= radius_km * radius_km,
    ]


def search_activities(
    session: Session,
    filters: ActivityFilters,
    size: int,
    centre: geo.Point | None = None,
    confirmed_since: datetime | None = None,
) -> Page:
    """Return one page of public activities matching ``filters``, nearest first from ``centre``.

    :param confirmed_since: leave out listings last confirmed before then (:func:`hidden_before`).
    """
    asked = replace(filters, page=1, params={})  # the statements hold no page (bound below)
    offset = (filters.page - 1) * size
    limit = max(COUNT_CAP, offset + size)
    connection = session.connection()
    count, page = _list_statements(asked, confirmed_since, centre, None)
    counted = connection.execute(count, {"count_limit": limit + 1}).scalar_one()
    total, more = min(counted, limit), counted > limit
    window = {"page_offset": offset, "page_size": size}
    rows = None
    if centre is not None and more:
        # Up to COUNT_CAP rows are sorted at once; beyond, sorting a national catalogue by
        # distance would read every row. The nearest ``offset + size`` lie within the smallest
        # circle (the same local distance the sort uses) that holds that many, and its bounding
        # box is what ix_location_lat_lon answers: the page is read in a circle at once, and
        # when it comes back full the circle held enough rows and these are the page's rows.
        for radius in _NEARBY_KM:
            if filters.max_distance_km is not None and radius >= filters.max_distance_km:
                break
            nearby = _list_statements(asked, confirmed_since, centre, radius)[1]
            rows = connection.execute(nearby, window).all()
            if len(rows) == size:
                break
            rows = None
    if rows is None:
        rows = connection.execute(page, window).all()
    items = []
    for row in rows:
        view = _view_of(row)
        distance = None
        if centre is not None:
            distance = geo.distance_km(
                centre, geo.Point(view.location.latitude, view.location.longitude)
            )
        items.append(ActivityHit(view, distance))
    return Page(items=items, total=total, page=filters.page, size=size, more=more)


#: Radii (km) tried, smallest first, for the nearest results of a search from a postcode.
_NEARBY_KM = (1.0, 3.0, 10.0, 30.0)


@lru_cache(maxsize=128)
def _list_statements(
    filters: ActivityFilters,
    confirmed_since: datetime | None,
    centre: geo.Point | None,
    within_km: float | None,
) -> tuple[Any, Any]:
    """Return the count and the page statement of a list, ``within_km`` of ``centre`` if given.

    The count stops at the bound ``count_limit``; the page takes ``page_offset`` and
    ``page_size``. Kept per worker for the lists asked most (a pure function of its arguments):
    building a statement and its SQL cache key cost more than half of a list's time in Python.
    """
    conditions = filter_conditions(filters, confirmed_since)
    # Counted without the locations unless a distance reads them: the join costs more than
    # half of counting a thousand rows.
    counted_from = _of_approved(select(Activity.id))
    if centre is not None and filters.max_distance_km is not None:
        conditions += within_distance(centre, filters.max_distance_km)
        counted_from = _joined(select(Activity.id))
    limited = counted_from.where(*conditions).limit(bindparam("count_limit", type_=Integer))
    count = select(func.count()).select_from(limited.subquery())
    key: Any = func.lower(Activity.title)  # ix_activity_title_lower
    if centre is not None:
        key = LocalScale.around(centre).squared_km()
        if within_km is not None:
            conditions += within_distance(centre, within_km)
    # The page's ids first (sorted, limited), then its columns, terms and features: the
    # aggregates are computed for the rows shown only.
    shown = (
        _joined(select(Activity.id, key.label("sort_key")))
        .where(*conditions)
        .order_by(key, Activity.id)
        .limit(bindparam("page_size", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
        .subquery()
    )
    page = select(*_view_columns()).select_from(shown).join(Activity.__table__, _A.id == shown.c.id)
    return count, _joined(page).order_by(shown.c.sort_key, shown.c.id)


def public_activity_view(
    session: Session, activity_id: int, confirmed_since: datetime | None = None
) -> ActivityView | None:
    """Return what :func:`get_public_activity` returns, as an :class:`ActivityView`, in one
    statement (its organisation, location, terms and features included)."""
    conditions = [_A.id == activity_id, _A.is_approved.is_(True), _O.is_approved.is_(True)]
    if confirmed_since is not None:
        conditions.append(_A.confirmed_at >= confirmed_since)
    row = (
        session.connection()
        .execute(
            _joined(select(*_view_columns()).select_from(Activity.__table__)).where(*conditions)
        )
        .first()
    )
    return None if row is None else _view_of(row)


def get_public_activity(
    session: Session, activity_id: int, confirmed_since: datetime | None = None
) -> Activity | None:
    """Return an approved activity of an approved organisation, whatever its status, unless it
    was last confirmed before ``confirmed_since``."""
    activity = session.get(Activity, activity_id)
    if activity is None or not activity.is_approved or not activity.organisation.is_approved:
        return None
    if not is_confirmed_since(activity, confirmed_since):
        return None
    return activity


def get_public_organisation(session: Session, organisation_id: int) -> Organisation | None:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or not organisation.is_approved:
        return None
    return organisation


def public_activities_of(
    organisation: Organisation, confirmed_since: datetime | None = None
) -> list[Activity]:
    return [
        a
        for a in organisation.activities
        if a.is_approved and a.status != "beeindigd" and is_confirmed_since(a, confirmed_since)
    ]


@dataclass(frozen=True)
class OrganisationPage(Paged):
    """One page of organisations with their number of public activities, by name."""

    rows: list[tuple[Organisation, int]]
    total: int
    page: int
    size: int
    more: bool = False


def list_organisations(
    session: Session,
    kind: str | None = None,
    exclude_kind: str | None = None,
    confirmed_since: datetime | None = None,
    *,
    page: int = 1,
    size: int | None = None,
) -> OrganisationPage:
    """Return approved organisations with their number of public activities, by name.

    :param size: organisations per page (None: all on one page). Only the page's rows are read,
        with their locations and counts; a catalogue of 100,000 activities has about 11,000.
    """
    count = (
        select(func.count())
        .select_from(Activity)
        .where(Activity.organisation_id == Organisation.id, is_public(confirmed_since))
        .correlate(Organisation)
        .scalar_subquery()
    )
    conditions = [Organisation.is_approved.is_(True)]  # type: ignore[attr-defined]
    if kind:
        conditions.append(Organisation.kind == kind)
    if exclude_kind:
        conditions.append(Organisation.kind != exclude_kind)
    stmt = (
        select(Organisation, count)
        .where(*conditions)
        .options(selectinload(Organisation.locations))  # type: ignore[arg-type]
        .order_by(func.lower(Organisation.name), Organisation.id)  # ix_organisation_name_lower
    )
    if size is None:
        rows = [(org, n) for org, n in session.exec(stmt)]
        return OrganisationPage(rows, len(rows), 1, max(len(rows), 1))
    total = session.exec(select(func.count()).select_from(Organisation).where(*conditions)).one()
    rows = [(org, n) for org, n in session.exec(stmt.limit(size).offset((page - 1) * size))]
    return OrganisationPage(rows, total, page, size)


def catalogue_counts(session: Session) -> dict[str, int]:
    return {
        "aanbieders": session.exec(select(func.count()).select_from(Organisation)).one(),
        "activiteiten": session.exec(select(func.count()).select_from(Activity)).one(),
        "locaties": session.exec(select(func.count()).select_from(Location)).one(),
    }


#: Whether any example organisation is loaded (Core: no ORM session or hydration needed).
_EXAMPLE_DATA = (
    exists().where(Organisation.__table__.c.is_example.is_(True)).select()  # type: ignore[attr-defined]
)


def has_example_data(connection: Connection) -> bool:
    """Tell whether the example catalogue is loaded (every page says so in its footer).

    A Core statement on a plain connection: on a page that reads nothing else this costs about
    a fifth of the ORM query it replaces (35 against 190 µs here).
    """
    return bool(connection.execute(_EXAMPLE_DATA).scalar())


#: At most this many candidates are read for one match (``find_matches(max_candidates=...)``,
#: app config ``MATCH_MAX_CANDIDATES``): the nearest ones.
MAX_CANDIDATES = 500


def match_candidates(
    session: Session,
    centre: geo.Point,
    radius_km: float,
    age: int,
    sah_eligible: bool,
    confirmed_since: datetime,
    max_candidates: int | None = MAX_CANDIDATES,
) -> list[matching.Candidate]:
    """Return the activities that matching must look at, flattened into candidates.

    Matching must not scan everything: the database keeps only public, running, recently
    confirmed activities for this age within ``radius_km`` (an indexed box, then the circle, as
    :func:`within_distance`). Those rules never produce a near miss, so filtering them here
    changes no result.

    Of those, only the nearest ``max_candidates`` are returned (on the local squared distance,
    :meth:`LocalScale.squared_km`; None for all). That is a trade-off: where even more open
    activities lie within the search radius (the centre of a big city with a large radius), the
    ones further away are never considered, so a further activity that would score higher
    (because it fits more needs or interests) is not found, and ``total_matches`` and the near
    misses count only among the nearest ``max_candidates``. A catalogue the size of Zwolle's
    never reaches the cap; in the 100,000-activity benchmark dense-city residents with a radius
    of a few km or more do.

    One query does it all: each row carries its activity's terms per facet and its location's
    features as text (``term,term,...``), so there is no second round trip and no row per term;
    they are gathered only for the rows kept. The query starts from ``ix_location_lat_lon``. Its
    statement is built once and run with bound parameters (:func:`_candidates_statement`).
    """
    search = candidate_search(centre, radius_km, age, sah_eligible, confirmed_since, max_candidates)
    # The statement binds the search's values by their names (the cap as max_candidates).
    parameters: dict[str, Any] = {
        field.name: getattr(search, field.name)
        for field in fields(search)
        if field.name not in ("sah_eligible", "limit")
    }
    if max_candidates is not None:
        parameters["max_candidates"] = max_candidates
    statement = _candidates_statement(sah_eligible, capped=max_candidates is not None)
    rows = session.connection().execute(statement, parameters).all()
    return [_candidate(row) for row in rows]


def candidate_search(
    centre: geo.Point,
    radius_km: float,
    age: int,
    sah_eligible: bool,
    confirmed_since: datetime,
    max_candidates: int | None = MAX_CANDIDATES,
) -> candidate_index.Search:
    """Return what :func:`match_candidates` asks, as values: the query binds them, and a
    :class:`candidate_index.CandidateIndex` answers them in memory."""
    scale = LocalScale.around(centre)
    reach_km = _prefilter_radius_km(centre, radius_km)
    box = geo.bounding_box(centre, reach_km)
    return candidate_index.Search(
        min_latitude=box.min_latitude,
        max_latitude=box.max_latitude,
        min_longitude=box.min_longitude,
        max_longitude=box.max_longitude,
        centre_latitude=centre.latitude,
        centre_longitude=centre.longitude,
        km_per_lat=scale.km_per_lat,
        km_per_lon=scale.km_per_lon,
        squared_radius=reach_km * reach_km,
        age=age,
        sah_eligible=sah_eligible,
        confirmed_since=confirmed_since,
        limit=max_candidates,
    )


def _candidate(row: Any) -> matching.Candidate:
    """Flatten a candidate row; its terms and features come as ``term,term,...`` columns."""
    return matching.Candidate(
        id=row.id,
        title=row.title,
        organisation_name=row.organisation_name,
        programme=row.programme,
        point=geo.Point(row.latitude, row.longitude),
        status=row.status,
        min_age=row.min_age,
        max_age=row.max_age,
        slots=_split(row.slots),
        needs=_split(row.needs),
        types=_split(row.types),
        guidance=row.guidance,
        accessibility=_split(row.accessibility),
        capacity=row.capacity,
        free_places=row.free_places,
        waiting_list=row.waiting_list,
        cost=row.cost,
        last_confirmed=local_date(row.confirmed_at),
        target_groups=_split(row.target_groups),
    )


def _facet_terms(facet: str) -> Any:
    return func.aggregate_strings(case((_T.facet == facet, _T.term)), ",")


#: Every public activity as a candidate row (:func:`open_candidates`): the terms and features
#: aggregated in two grouped reads joined once, not per row as in :func:`match_candidates`.
_OPEN_TERMS = (
    select(  # type: ignore[call-overload]
        _T.activity_id,
        _facet_terms("dagdelen").label("slots"),
        _facet_terms("behoeften").label("needs"),
        _facet_terms("soorten").label("types"),
        _facet_terms("doelgroepen").label("target_groups"),
    )
    .group_by(_T.activity_id)
    .subquery()
)
_OPEN_FEATURES = (
    select(_F.location_id, func.aggregate_strings(_F.feature, ",").label("accessibility"))  # type: ignore[call-overload]
    .group_by(_F.location_id)
    .subquery()
)
_OPEN = (
    select(  # type: ignore[call-overload]
        _A.id,
        _A.title,
        _O.name.label("organisation_name"),
        _A.programme,
        _L.latitude,
        _L.longitude,
        _A.status,
        _A.min_age,
        _A.max_age,
        _A.guidance,
        _A.capacity,
        _A.free_places,
        _A.waiting_list,
        _A.cost,
        _A.confirmed_at,
        _OPEN_TERMS.c.slots,
        _OPEN_TERMS.c.needs,
        _OPEN_TERMS.c.types,
        _OPEN_TERMS.c.target_groups,
        _OPEN_FEATURES.c.accessibility,
    )
    .select_from(Activity.__table__)  # type: ignore[attr-defined]
    .join(Organisation.__table__, _O.id == _A.organisation_id)  # type: ignore[attr-defined]
    .join(Location.__table__, _L.id == _A.location_id)  # type: ignore[attr-defined]
    .outerjoin(_OPEN_TERMS, _OPEN_TERMS.c.activity_id == _A.id)
    .outerjoin(_OPEN_FEATURES, _OPEN_FEATURES.c.location_id == _L.id)
    .where(is_public())
)
_VERSION = select(catalogue_version.c.n).where(catalogue_version.c.id == 1)


_OPEN_COUNT = (
    select(func.count())
    .select_from(Activity.__table__)  # type: ignore[attr-defined]
    .join(Organisation.__table__, _O.id == _A.organisation_id)  # type: ignore[attr-defined]
    .where(is_public())
)


def count_open(connection: Connection) -> int:
    """Return how many activities :func:`open_candidates` would return."""
    return int(connection.execute(_OPEN_COUNT).scalar() or 0)


def open_candidates(
    connection: Connection,
) -> tuple[int | None, list[tuple[matching.Candidate, datetime]]]:
    """Return the catalogue version and every public activity as a candidate with the moment
    it was last confirmed: what a :class:`candidate_index.CandidateIndex` is built from.

    The version is read first: the catalogue read after it is that version or newer, so an
    index labelled with it is never older than its label (a newer one is replaced at the next
    search, which sees the newer version).
    """
    version = connection.execute(_VERSION).scalar()
    entries = [(_candidate(row), _as_utc(row.confirmed_at)) for row in connection.execute(_OPEN)]
    return (None if version is None else int(version)), entries


@cache
def _candidates_statement(sah_eligible: bool, capped: bool) -> Any:
    """Return the statement of :func:`match_candidates`, with its values as bound parameters.

    Building a statement this size costs SQLAlchemy more than running it on a small catalogue,
    so each of its four shapes is built once.
    """
    squared_km = LocalScale.squared_km_of(
        bindparam("centre_latitude", type_=Float),
        bindparam("centre_longitude", type_=Float),
        bindparam("km_per_lat", type_=Float),
        bindparam("km_per_lon", type_=Float),
    )
    age = bindparam("age", type_=Integer)
    conditions = [
        is_public(),
        Activity.confirmed_at >= bindparam("confirmed_since"),
        or_(Activity.min_age.is_(None), Activity.min_age <= age),  # type: ignore[union-attr]
        or_(Activity.max_age.is_(None), Activity.max_age >= age),  # type: ignore[union-attr]
        # The box is what ix_location_lat_lon answers; then the circle (see within_distance).
        Location.latitude.between(  # type: ignore[attr-defined]
            bindparam("min_latitude", type_=Float), bindparam("max_latitude", type_=Float)
        ),
        Location.longitude.between(  # type: ignore[attr-defined]
            bindparam("min_longitude", type_=Float), bindparam("max_longitude", type_=Float)
        ),
        squared_km <= bindparam("squared_radius", type_=Float),
    ]
    if not sah_eligible:
        conditions.append(Activity.programme != "sah")
    ids = (
        select(Activity.id)
        .join(Organisation, Organisation.id == Activity.organisation_id)  # type: ignore[arg-type]
        .join(Location, Location.id == Activity.location_id)  # type: ignore[arg-type]
        .where(*conditions)
    )
    if capped:
        # The trade-off of match_candidates: in very dense areas only the nearest open
        # activities are considered. The terms and features below are gathered for these only.
        ids = ids.order_by(squared_km, Activity.id).limit(
            bindparam("max_candidates", type_=Integer)
        )
    nearest = ids.subquery()

    def terms(facet: str) -> Any:
        return (
            select(func.aggregate_strings(ActivityTerm.term, ","))
            .where(ActivityTerm.activity_id == Activity.id, ActivityTerm.facet == facet)
            .correlate(Activity)
            .scalar_subquery()
        )

    features = (
        select(func.aggregate_strings(LocationFeature.feature, ","))
        .where(LocationFeature.location_id == Location.id)
        .correlate(Location)
        .scalar_subquery()
    )
    return (
        select(  # type: ignore[call-overload]
            Activity.id,
            Activity.title,
            Organisation.name.label("organisation_name"),  # type: ignore[attr-defined]
            Activity.programme,
            Location.latitude,
            Location.longitude,
            Activity.status,
            Activity.min_age,
            Activity.max_age,
            Activity.guidance,
            Activity.capacity,
            Activity.free_places,
            Activity.waiting_list,
            Activity.cost,
            Activity.confirmed_at,
            terms("dagdelen").label("slots"),
            terms("behoeften").label("needs"),
            terms("soorten").label("types"),
            features.label("accessibility"),
            terms("doelgroepen").label("target_groups"),
        )
        .select_from(nearest)
        .join(Activity, Activity.id == nearest.c.id)
        .join(Organisation, Organisation.id == Activity.organisation_id)
        .join(Location, Location.id == Activity.location_id)
    )


_EMPTY: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _split(text: str | None) -> frozenset[str]:
    """Return the keys in ``key,key,...`` (an aggregate of terms or features; None when none).

    Cached: the same few combinations of terms come back on many rows.
    """
    return frozenset(text.split(",")) if text else _EMPTY


_EARTH_RADIUS_KM = 6371.0


def _prefilter_radius_km(centre: geo.Point, radius_km: float) -> float:
    """Return ``radius_km`` widened so that the circle of :func:`within_distance` drops nothing.

    That circle uses one km-per-degree of longitude, the centre's; north of the centre (in the
    Netherlands) a degree of longitude is shorter, so the circle overestimates distances there:
    by up to about 20 m at 22.5 km and 4 km at 300 km. Widening by twice the first-order bound
    (``r² tan(latitude) / R``) keeps every candidate within ``radius_km``; the matcher measures
    each candidate itself, so the few extra ones change nothing.
    """
    tan_lat = abs(math.tan(math.radians(max(min(centre.latitude, 85.0), -85.0))))
    return radius_km + radius_km * radius_km * tan_lat / _EARTH_RADIUS_KM + geo.LOCAL_MARGIN_KM


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Address:
    address: str
    district: str | None = None


@dataclass(frozen=True)
class MatchedActivity:
    """What a match result card shows beyond its candidate: what you do, where, when, cost."""

    id: int
    location: Address
    summary: str
    schedule_note: str
    cost: str
    cost_cents: int | None


_CARDS = (
    select(
        _A.id,
        _A.summary,
        _A.schedule_note,
        _A.cost,
        _A.cost_cents,
        _L.street,
        _L.house_number,
        _L.postcode,
        _L.pc4,
        _L.city,
        _L.district,
    )
    .select_from(Activity.__table__)
    .join(Location.__table__, _L.id == _A.location_id)
    .where(_A.id.in_(bindparam("ids", expanding=True)))
)


def matched_activities(session: Session, ids: list[int]) -> dict[int, MatchedActivity]:
    """Return what the result card of each matched activity shows (one query)."""
    if not ids:
        return {}
    rows = session.connection().execute(_CARDS, {"ids": ids})
    return {
        row.id: MatchedActivity(
            row.id,
            Address(
                format_address(row.street, row.house_number, row.postcode, row.pc4, row.city),
                row.district,
            ),
            row.summary,
            row.schedule_note,
            row.cost,
            row.cost_cents,
        )
        for row in rows
    }


def find_matches(
    session: Session,
    intake: matching.Intake,
    today: date,
    hide_after_days: int,
    *,
    match_limit: int | None = matching.DEFAULT_MATCH_LIMIT,
    max_candidates: int | None = MAX_CANDIDATES,
    unchecked_after_days: int = matching.Options.unchecked_after_days,
    index: candidate_index.CandidateIndex | None = None,
) -> matching.MatchResult:
    """Prefilter candidates in the database (or in ``index``), then rank them with the pure
    matcher.

    :param unchecked_after_days: a match not confirmed for longer says so (``STALE_AFTER_DAYS``).
    :param match_limit: how many matches the result holds, the best first (``total_matches``
        counts them all).
    :param max_candidates: read at most this many candidates, the nearest (see
        :func:`match_candidates` for the trade-off); None for all.
    :param index: the public catalogue of this catalogue version in memory, which answers what
        :func:`match_candidates` would read (the same candidates) without a query.
    """
    options = matching.Options(
        stale_after_days=hide_after_days,
        unchecked_after_days=unchecked_after_days,
        match_limit=match_limit,
    )
    confirmed_since = hidden_before(today, hide_after_days)

    def read(cap: int | None) -> list[matching.Candidate]:
        if index is not None:
            return index.nearest(
                candidate_search(
                    intake.point,
                    matching.search_radius_km(intake, options),
                    intake.age,
                    intake.sah_eligible,
                    confirmed_since,
                    cap,
                )
            )
        return match_candidates(
            session,
            intake.point,
            matching.search_radius_km(intake, options),
            intake.age,
            sah_eligible=intake.sah_eligible,
            confirmed_since=confirmed_since,
            max_candidates=cap,
        )

    candidates = read(max_candidates)
    result = matching.match(intake, candidates, today, options)
    if not result.matches and max_candidates is not None and len(candidates) >= max_candidates:
        # The nearest ones all broke a rule the database does not check (days, accessibility,
        # free places): rather than a false "nothing found", look at every one in reach.
        result = matching.match(intake, read(None), today, options)
    return result


def feed_activities(session: Session, today: date, hide_after_days: int) -> list[Activity]:
    """Return the listings open data may publish: approved, not ended, recently confirmed.

    Paused listings stay in (open data says they are paused); stale ones, unapproved ones and
    those of unapproved organisations stay out.
    """
    confirmed_since = confirmed_before(today, hide_after_days)
    stmt = (
        select(Activity)
        .join(Organisation, Organisation.id == Activity.organisation_id)  # type: ignore[arg-type]
        .where(
            Activity.is_approved.is_(True),  # type: ignore[attr-defined]
            Organisation.is_approved.is_(True),  # type: ignore[attr-defined]
            Activity.status != "beeindigd",
            Activity.confirmed_at >= confirmed_since,
        )
        .options(selectinload(Activity.organisation), selectinload(Activity.location))  # type: ignore[arg-type]
        .order_by(Activity.id)
    )
    return list(session.exec(stmt))


def all_activities(session: Session) -> list[Activity]:
    """Return every activity, hidden ones included, with its provider and location loaded."""
    stmt = select(Activity).options(
        selectinload(Activity.organisation),  # type: ignore[arg-type]
        selectinload(Activity.location),  # type: ignore[arg-type]
    )
    return list(session.exec(stmt.order_by(Activity.id)))
