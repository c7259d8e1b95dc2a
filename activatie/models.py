"""All database tables.

Multi-valued vocabulary facets (needs, activity types, target groups, weekly slots, accessibility)
are rows in small term tables, so every filter is an indexed ``EXISTS`` in SQL on SQLite and
PostgreSQL alike. Vocabulary keys are checked by the application (``records.py``), not by CHECK
constraints, so a list can change in ``vocabulary.py`` alone; structural rules are constraints.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Column, Field, Relationship, SQLModel

from . import activity_fields

LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Return today's date in Zwolle (ages and freshness are counted in local days)."""
    return datetime.now(LOCAL_TIMEZONE).date()


def local_date(moment: datetime) -> date:
    """Return the Zwolle date of a moment (a naive moment is taken as UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TIMEZONE).date()


def local_noon(day: date) -> datetime:
    """Return noon in Zwolle on ``day``, in UTC: a moment that is that Zwolle date for sure."""
    return datetime.combine(day, time(12), tzinfo=LOCAL_TIMEZONE).astimezone(UTC)


def confirmed_before(today: date, days: int) -> datetime:
    """Return the first moment of the Zwolle day ``days`` before ``today``, in UTC.

    The one rule for freshness: a listing last confirmed before this moment has not been
    confirmed for more than ``days`` days (counted in Zwolle dates, as matching counts them).
    """
    start = datetime.combine(today - timedelta(days=days), time.min, tzinfo=LOCAL_TIMEZONE)
    return start.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite returns naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _timestamp(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kwargs))


class PostcodeArea(SQLModel, table=True):
    """A four-digit postcode with its centroid: the offline geocoder's table."""

    __tablename__ = "postcode_area"

    pc4: str = Field(primary_key=True, max_length=4)
    city: str = Field(max_length=80)
    district: str | None = Field(default=None, max_length=80)  # CBS wijk name, "Aa-landen"
    district_code: str | None = Field(default=None, max_length=10)  # CBS wijk code, "WK019331"
    latitude: float
    longitude: float


class GeocodeCache(SQLModel, table=True):
    """Answers of the online geocoder (``GEOCODER=pdok``), shared by every worker process.

    A row without coordinates records that the geocoder did not know the postcode.
    """

    __tablename__ = "geocode_cache"

    postcode: str = Field(primary_key=True, max_length=6)  # normalised, as asked
    found: str | None = Field(default=None, max_length=6)  # the postcode of the hit
    latitude: float | None = None
    longitude: float | None = None
    district: str | None = Field(default=None, max_length=80)
    district_code: str | None = Field(default=None, max_length=10)
    precision: str | None = Field(default=None, max_length=4)
    fetched_at: datetime = _timestamp()


class Organisation(SQLModel, table=True):
    # The order of /aanbieders and /api/v1/aanbieders (queries.list_organisations).
    __table_args__ = (
        sa.Index("ix_organisation_name_lower", sa.func.lower(sa.column("name")), "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=160)
    kind: str = Field(max_length=30)
    description: str = Field(default="", max_length=2000)
    website: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    is_approved: bool = Field(default=True)
    is_example: bool = Field(default=False)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    version: int = Field(default=1)

    locations: list["Location"] = Relationship(
        back_populates="organisation",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "Location.id"},
    )
    activities: list["Activity"] = Relationship(
        back_populates="organisation",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "Activity.id"},
    )


def format_address(street: str, house_number: str, postcode: str, pc4: str, city: str) -> str:
    """Return an address as a page shows it: ``Street 12, 8011 AB Zwolle``."""
    number = f" {house_number}" if house_number else ""
    shown = postcode if len(postcode) == 4 else f"{pc4} {postcode[4:]}"
    return f"{street}{number}, {shown} {city}"


class Location(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "slug"),
        sa.Index("ix_location_lat_lon", "latitude", "longitude"),
        sa.CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        sa.CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=80)
    name: str = Field(max_length=160)
    street: str = Field(max_length=120)
    house_number: str = Field(default="", max_length=20)
    postcode: str = Field(max_length=6)
    pc4: str = Field(max_length=4, index=True)
    city: str = Field(default="Zwolle", max_length=80)
    district: str | None = Field(default=None, max_length=80)
    district_code: str | None = Field(default=None, max_length=10)
    latitude: float
    longitude: float
    version: int = Field(default=1)

    organisation: "Organisation" = Relationship(back_populates="locations")
    features: list["LocationFeature"] = Relationship(
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": "selectin"},
    )
    activities: list["Activity"] = Relationship(back_populates="location")

    @property
    def accessibility(self) -> frozenset[str]:
        return frozenset(f.feature for f in self.features)

    @property
    def address(self) -> str:
        return format_address(self.street, self.house_number, self.postcode, self.pc4, self.city)


class LocationFeature(SQLModel, table=True):
    __tablename__ = "location_feature"

    location_id: int = Field(foreign_key="location.id", ondelete="CASCADE", primary_key=True)
    feature: str = Field(max_length=40, primary_key=True)


#: What a provider (or an import) says about an activity, the same in forms, import and audit.
ACTIVITY_DETAILS = activity_fields.DETAILS


class ActivityFacets:
    """The facet keys and confirmation day of an activity, by name.

    Shared by :class:`Activity` and :class:`queries.ActivityView`; the class gives ``facet`` and
    ``confirmed_at``.
    """

    if TYPE_CHECKING:
        confirmed_at: datetime

        def facet(self, name: str) -> frozenset[str]: ...

    @property
    def needs(self) -> frozenset[str]:
        return self.facet("behoeften")

    @property
    def types(self) -> frozenset[str]:
        return self.facet("soorten")

    @property
    def target_groups(self) -> frozenset[str]:
        return self.facet("doelgroepen")

    @property
    def slots(self) -> frozenset[str]:
        return self.facet("dagdelen")

    @property
    def confirmed_on(self) -> date:
        return local_date(self.confirmed_at)


class Activity(ActivityFacets, SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "slug"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("free_places >= 0", name="free_places_not_negative"),
        sa.CheckConstraint("free_places <= capacity", name="free_places_within_capacity"),
        sa.CheckConstraint("min_age IS NULL OR min_age >= 0", name="min_age_not_negative"),
        sa.CheckConstraint(
            "max_age IS NULL OR min_age IS NULL OR max_age >= min_age", name="age_range_ordered"
        ),
        sa.CheckConstraint("cost_cents IS NULL OR cost_cents >= 0", name="cost_not_negative"),
        sa.CheckConstraint("status IN ('actief', 'gepauzeerd', 'beeindigd')", name="status_known"),
        sa.CheckConstraint("programme IN ('sah', 'inclusief_sporten')", name="programme_known"),
        # The alphabetical order of the public list (queries.search_activities): a page is read
        # from the index instead of sorting the whole catalogue.
        sa.Index("ix_activity_title_lower", sa.func.lower(sa.column("title")), "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    location_id: int = Field(foreign_key="location.id", ondelete="RESTRICT", index=True)
    slug: str = Field(max_length=80)
    title: str = Field(max_length=160)
    summary: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=4000)
    programme: str = Field(default="sah", max_length=30)
    guidance: str = Field(max_length=30)
    min_age: int | None = Field(default=None)
    max_age: int | None = Field(default=None)
    schedule_note: str = Field(default="", max_length=300)
    capacity: int = Field(default=0)
    free_places: int = Field(default=0)
    waiting_list: bool = Field(default=False)
    cost: str = Field(default="gratis", max_length=30)
    cost_cents: int | None = Field(default=None)
    access_route: str = Field(max_length=30)
    access_note: str = Field(default="", max_length=600)
    status: str = Field(default="actief", max_length=20)
    is_approved: bool = Field(default=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    confirmed_at: datetime = _timestamp()
    version: int = Field(default=1)

    organisation: "Organisation" = Relationship(back_populates="activities")
    location: "Location" = Relationship(back_populates="activities")
    terms: list["ActivityTerm"] = Relationship(
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": "selectin"},
    )

    def facet(self, name: str) -> frozenset[str]:
        """Return the keys of one facet: behoeften, soorten, doelgroepen or dagdelen."""
        return frozenset(t.term for t in self.terms if t.facet == name)


class ActivityTerm(SQLModel, table=True):
    __tablename__ = "activity_term"
    __table_args__ = (sa.Index("ix_activity_term_facet_term", "facet", "term", "activity_id"),)

    activity_id: int = Field(foreign_key="activity.id", ondelete="CASCADE", primary_key=True)
    facet: str = Field(max_length=20, primary_key=True)
    term: str = Field(max_length=40, primary_key=True)


class Team(SQLModel, table=True):
    """A Sociaal Wijkteam; its area is a set of PC4 codes the beheerder edits (data, not code)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    pc4_codes: str = Field(default="", max_length=400)  # space-separated PC4 codes
    phone: str = Field(default="", max_length=40)  # where a provider calls the team back
    version: int = Field(default=1)  # optimistic locking: two beheerders editing one team

    @property
    def area(self) -> list[str]:
        return self.pc4_codes.split()


class UserRole:
    PROVIDER = "aanbieder"
    CONSULTANT = "consulent"
    ADMIN = "beheerder"


class User(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("role IN ('aanbieder', 'consulent', 'beheerder')", name="role_known"),
        sa.CheckConstraint(
            "role != 'aanbieder' OR organisation_id IS NOT NULL", name="provider_has_organisation"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True)  # stored lower-case
    name: str = Field(max_length=120)
    password_hash: str = Field(default="", max_length=300)
    role: str = Field(max_length=20)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="RESTRICT", index=True
    )
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    is_active: bool = Field(default=True)
    #: Part of the login cookie; raised on logout, password change and deactivation so that an
    #: old cookie stops working (security.md, point 1).
    session_version: int = Field(default=1)
    created_at: datetime = _timestamp()
    last_login_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    version: int = Field(default=1)
    #: The second factor (TOTP), encrypted with a key derived from SECRET_KEY (``mfa.py``);
    #: ``totp_pending`` holds a secret during enrolment until its first code is confirmed.
    totp_secret: str | None = Field(default=None, max_length=300)
    totp_pending: str | None = Field(default=None, max_length=300)
    #: The last TOTP time step used, so one code cannot be used twice.
    totp_last_step: int = Field(default=0)

    organisation: Optional["Organisation"] = Relationship()
    team: Optional["Team"] = Relationship()

    # Flask-Login's user interface; the id carries the session version.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class LoginAttempt(SQLModel, table=True):
    """A failed login, counted per account and per address (both as keyed hashes).

    Counting per account works the same for an e-mail address that has no account, so the
    throttle does not reveal which accounts exist. It lives in the database, so every worker
    sees the same counts.
    """

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    account_hash: str = Field(max_length=64, index=True)
    address_hash: str = Field(max_length=64, index=True)
    at: datetime = _timestamp()


class PasswordToken(SQLModel, table=True):
    """A one-time link to set a password (invitation or reset); only its hash is stored."""

    __tablename__ = "password_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _timestamp()
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class RecoveryCode(SQLModel, table=True):
    """A single-use code for when the authenticator app is lost; only its hash is stored."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ApiToken(SQLModel, table=True):
    """A provider's token for the write API; only its hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
    last_used_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class AuditEvent(SQLModel, table=True):
    """Who changed (or, for placements, read) which object when, with old and new values."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_object", "object_type", "object_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp()
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    actor: str = Field(max_length=200)  # "user:12 (beheerder)", "api-token:3", "cli"
    action: str = Field(max_length=40)
    object_type: str = Field(max_length=40)
    object_id: int | None = Field(default=None)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False))


class Placement(SQLModel, table=True):
    """An aanmelding (placement): a resident, by pseudonym, referred to one activity.

    It holds the least data that does the job: never a name, BSN, address, phone, e-mail or
    diagnosis. The pseudonym and the note are erased after the retention period.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('aangemeld', 'kennismaking', 'gestart', 'afgerond', 'gestopt', "
            "'afgewezen', 'ingetrokken', 'vervallen')",
            name="placement_status_known",
        ),
        sa.CheckConstraint(
            "ladder_start IS NULL OR ladder_start BETWEEN 1 AND 6", name="ladder_start_range"
        ),
        sa.CheckConstraint(
            "ladder_end IS NULL OR ladder_end BETWEEN 1 AND 6", name="ladder_end_range"
        ),
        sa.Index("ix_placement_activity_status", "activity_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", ondelete="RESTRICT", index=True)
    consultant_id: int | None = Field(
        default=None, foreign_key="user.id", ondelete="SET NULL", index=True
    )
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    reference: str | None = Field(default=None, max_length=40)  # pseudonym; erased later
    age_band: str = Field(max_length=20)
    pc4: str = Field(max_length=4, index=True)
    preferred_start: date | None = Field(default=None)
    note: str | None = Field(default=None, max_length=500)  # erased later
    status: str = Field(default="aangemeld", max_length=20)
    on_waiting_list: bool = Field(default=False)
    ladder_start: int | None = Field(default=None)  # None: "weet ik niet", not in the figures
    ladder_end: int | None = Field(default=None)
    intro_date: date | None = Field(default=None)
    start_date: date | None = Field(default=None)
    end_date: date | None = Field(default=None)
    decline_reason: str | None = Field(default=None, max_length=40)
    outcome: str | None = Field(default=None, max_length=40)
    # Kept when the dates are coarsened to the month on erasure, so the median stays the same.
    days_to_start: int | None = Field(default=None)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    erased_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    version: int = Field(default=1)

    activity: "Activity" = Relationship()
    needs_rows: list["PlacementNeed"] = Relationship(
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": "selectin"},
    )

    @property
    def needs(self) -> frozenset[str]:
        return frozenset(row.need for row in self.needs_rows)


class PlacementNeed(SQLModel, table=True):
    __tablename__ = "placement_need"

    placement_id: int = Field(foreign_key="placement.id", ondelete="CASCADE", primary_key=True)
    need: str = Field(max_length=40, primary_key=True, index=True)


class PlacementEvent(SQLModel, table=True):
    """Each status change of an aanmelding: from, to, who and when."""

    __tablename__ = "placement_event"

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", ondelete="CASCADE", index=True)
    at: datetime = _timestamp()
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    actor_role: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)


class UnmetSearch(SQLModel, table=True):
    """A count of searches that found nothing, by day, PC4 and need: no person in it."""

    __tablename__ = "unmet_search"

    day: date = Field(primary_key=True)
    pc4: str = Field(max_length=4, primary_key=True)
    need: str = Field(max_length=40, primary_key=True)  # "-" when no need was given
    count: int = Field(default=0)


class DropInCount(SQLModel, table=True):
    """How many people came to an activity in a month without an aanmelding: no person in it.

    Vrije inloop and "zelf aangemeld" (signed up with the provider): the provider counts the
    people who took part that month and how many of them were new.
    """

    __tablename__ = "drop_in_count"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "month"),
        sa.CheckConstraint("people >= 0", name="drop_in_people_not_negative"),
        sa.CheckConstraint(
            "new_people >= 0 AND new_people <= people", name="drop_in_new_within_people"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activity.id", ondelete="RESTRICT")
    month: date = Field(index=True)  # the first day of the month
    people: int = Field()
    new_people: int = Field()
    updated_at: datetime = _timestamp()
    version: int = Field(default=1)


class JobRun(SQLModel, table=True):
    """When a scheduled command last ran (for example the retention clean-up)."""

    __tablename__ = "job_run"

    name: str = Field(primary_key=True, max_length=40)
    ran_at: datetime = _timestamp()
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False))


class Signpost(SQLModel, table=True):
    """A neighbouring provision we point people to (``activatie.signposts``), kept by the gemeente.

    The key is fixed by the matcher (when it applies); everything a person reads is data here.
    """

    __tablename__ = "signpost"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=30, unique=True)
    name: str = Field(max_length=120)
    purpose: str = Field(default="", max_length=300)
    audience: str = Field(default="", max_length=300)
    text: str = Field(default="", max_length=1000)
    phone: str = Field(default="", max_length=40)
    website: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=200)
    is_example: bool = Field(default=False)
    updated_at: datetime = _timestamp()
    version: int = Field(default=1)


#: The public catalogue's version: one row, bumped by database triggers in the same transaction
#: as every write to a catalogue table (migration 0013). Not a SQLModel table: it has its own
#: metadata, so no model code (or test clean-up) writes it by hand.
catalogue_version = sa.Table(
    "catalogue_version",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
