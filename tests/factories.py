"""Test data builders: ``factory.activity(free_places=0)`` with sensible defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from typing import Any

import pyotp
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from activatie import mfa
from activatie.catalogue import set_terms
from activatie.models import (
    LOCAL_TIMEZONE,
    Activity,
    Location,
    LocationFeature,
    Organisation,
    Placement,
    PlacementEvent,
    PlacementNeed,
    User,
    local_noon,
    local_today,
    utcnow,
)

_numbers = count(1)

PASSWORD = "een lang wachtwoord voor tests"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
#: Every consulent and beheerder of the factory has this second factor (their role needs one).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_SEALED_TOTP = mfa.seal(SECRET_KEY, TOTP_SECRET)


def totp_code(at: datetime | None = None, secret: str = TOTP_SECRET) -> str:
    """Return the code an authenticator app shows at ``at`` (default now): no waiting."""
    return pyotp.TOTP(secret).at(at or utcnow())


# Grote Kerkplein, Binnenstad (PC4 8011).
CENTRE = (52.5125, 6.0907)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def organisation(self, **overrides: Any) -> Organisation:
        n = next(_numbers)
        values = {"slug": f"org-{n}", "name": f"Aanbieder {n}", "kind": "welzijn"} | overrides
        org = Organisation(**values)
        self.session.add(org)
        self.session.commit()
        return org

    def location(self, organisation: Organisation | None = None, **overrides: Any) -> Location:
        organisation = organisation or self.organisation()
        features = overrides.pop("accessibility", [])
        n = next(_numbers)
        values = {
            "organisation_id": organisation.id,
            "slug": f"loc-{n}",
            "name": f"Locatie {n}",
            "street": "Grote Kerkplein",
            "house_number": "1",
            "postcode": "8011",
            "pc4": "8011",
            "district": "Binnenstad",
            "district_code": "WK019310",
            "latitude": CENTRE[0],
            "longitude": CENTRE[1],
        } | overrides
        location = Location(**values)
        location.features = [LocationFeature(feature=f) for f in features]
        self.session.add(location)
        self.session.commit()
        return location

    def activity(self, location: Location | None = None, **overrides: Any) -> Activity:
        """Create an active, approved SAH activity; facets are given as lists."""
        if location is None:
            location = self.location(overrides.pop("organisation", None))
        facets = {
            "behoeften": overrides.pop("needs", ["sociale_contacten"]),
            "soorten": overrides.pop("types", ["groen"]),
            "doelgroepen": overrides.pop("target_groups", ["psychisch"]),
            "dagdelen": overrides.pop("slots", ["di_ochtend"]),
        }
        confirmed_days_ago = overrides.pop("confirmed_days_ago", 1)
        n = next(_numbers)
        values = {
            "organisation_id": location.organisation_id,
            "location_id": location.id,
            "slug": f"act-{n}",
            "title": f"Activiteit {n}",
            "summary": "Samen in de tuin werken.",
            "guidance": "licht",
            "min_age": 18,
            "capacity": 10,
            "free_places": 3,
            "access_route": "bij_aanbieder",
            # Zwolle days, as freshness counts them (never later than now).
            "confirmed_at": min(
                local_noon(local_today() - timedelta(days=confirmed_days_ago)), utcnow()
            ),
        } | overrides
        activity = Activity(**values)
        set_terms(activity, facets)
        self.session.add(activity)
        self.session.commit()
        return activity

    def user(self, role: str = "beheerder", **overrides: Any) -> User:
        """Create an account with password :data:`PASSWORD`; a second factor where required."""
        n = next(_numbers)
        if role == "aanbieder" and "organisation_id" not in overrides:
            overrides["organisation_id"] = self.organisation().id
        values = {
            "email": f"{role}{n}@voorbeeld.nl",
            "name": f"{role.title()} {n}",
            "role": role,
            "password_hash": _PASSWORD_HASH,
            "totp_secret": _SEALED_TOTP if mfa.is_required(role) else None,
        } | overrides
        user = User(**values)
        self.session.add(user)
        self.session.commit()
        return user


def at_local(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day`` in Zwolle, as the aware UTC time the database keeps."""
    return datetime.combine(day, time(hour), LOCAL_TIMEZONE).astimezone(UTC)


def add_placement(
    session: Session,
    activity: Activity,
    *,
    pc4: str = "8011",
    days_ago: int = 30,
    status: str = "aangemeld",
    accepted: bool | None = None,
    start_after: int | None = None,
    end_date: date | None = None,
    ladder_start: int | None = 2,
    ladder_end: int | None = None,
    outcome: str | None = None,
    needs: tuple[str, ...] = ("sociale_contacten",),
    **extra: Any,
) -> Placement:
    """Write an aanmelding with the dates given, as if it had gone through its steps.

    ``days_ago`` counts back from today in Zwolle, read at the call (``local_today()``).
    """
    created = local_today() - timedelta(days=days_ago)
    started = status in ("gestart", "afgerond", "gestopt")
    if started and start_after is None:
        start_after = 10
    placement = Placement(
        activity_id=activity.id,
        reference=f"T-{days_ago}",
        note="Voorbeeldnotitie",
        age_band="27_44",
        pc4=pc4,
        status=status,
        ladder_start=ladder_start,
        ladder_end=ladder_end,
        outcome=outcome,
        start_date=created + timedelta(days=start_after) if started else None,
        end_date=end_date,
        created_at=at_local(created),
        updated_at=at_local(created),
        **extra,
    )
    placement.needs_rows = [PlacementNeed(need=n) for n in needs]
    session.add(placement)
    session.flush()
    session.add(
        PlacementEvent(
            placement_id=placement.id, at=placement.created_at, actor_role="consulent",
            to_status="aangemeld",
        )
    )  # fmt: skip
    if accepted if accepted is not None else started or status == "kennismaking":
        session.add(
            PlacementEvent(
                placement_id=placement.id, actor_role="aanbieder", from_status="aangemeld",
                to_status="kennismaking",
            )
        )  # fmt: skip
    session.commit()
    return placement


def reload(session: Session, activity: Activity) -> Activity:
    """The activity as the database holds it now (another session may have changed it)."""
    session.expire_all()
    return session.get(Activity, activity.id)  # type: ignore[return-value]


def redirected_to(response: TestResponse) -> str:
    """Return where a redirect answer sends the browser; fail when the answer is not a redirect.

    Accepts 302 and 303 (Flask 3.2 answers ``redirect()`` with 303), so a test names the target
    instead of a status code that says nothing about where the redirect goes.
    """
    assert response.status_code in (302, 303), f"no redirect: {response.status_code}"
    assert response.location, "a redirect without a Location header"
    return response.location


def login_as(client: FlaskClient, user: User) -> FlaskClient:
    """Log ``client`` in as ``user`` without the login form (that has its own tests).

    The cookie says the second step was passed when the user has a second factor; a
    consulent or beheerder without one is logged out by the app (as in real life).
    """
    with client.session_transaction() as cookie:
        cookie["_user_id"] = user.get_id()
        cookie["_fresh"] = True
        cookie["tweestaps"] = user.id if user.totp_secret else None
    return client
