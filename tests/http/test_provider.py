"""Provider self-service: own listings only, atomic free places, no lost updates, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from activatie import listings
from activatie.audit import Actor
from activatie.models import (
    Activity,
    AuditEvent,
    Location,
    Organisation,
    local_noon,
    local_today,
    utcnow,
)
from tests.factories import Factory, login_as, redirected_to, reload


@pytest.fixture
def own(factory: Factory) -> Activity:
    return factory.activity(title="Eigen tuin", capacity=5, free_places=2)


@pytest.fixture
def provider(app: Flask, factory: Factory, own: Activity) -> FlaskClient:
    user = factory.user("aanbieder", organisation_id=own.organisation_id)
    return login_as(app.test_client(), user)


@pytest.fixture
def foreign(factory: Factory) -> Activity:
    return factory.activity(title="Andermans klus", capacity=5, free_places=2)


def audit_rows(session: Session, activity: Activity) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.exec(
            select(AuditEvent).where(
                AuditEvent.object_id == activity.id, AuditEvent.object_type == "activity"
            )
        )
    )


def edit_data(activity: Activity, **changes) -> dict:
    return {
        "version": str(activity.version),
        "title": activity.title,
        "summary": "Kort.",
        "description": "Lang.",
        "location_id": str(activity.location_id),
        "programme": "sah",
        "types": ["groen"],
        "needs": ["herstel"],
        "guidance": "licht",
        "min_age": "18",
        "max_age": "",
        "slots": ["di_ochtend"],
        "schedule_note": "dinsdag",
        "capacity": "5",
        "free_places": "2",
        "cost": "gratis",
        "cost_euro": "",
        "access_route": "bij_aanbieder",
        "access_note": "Bel ons.",
        "status": "actief",
    } | changes


def test_dashboard_shows_own_listings_and_stale_warning(
    provider: FlaskClient, factory: Factory, own: Activity, foreign: Activity
) -> None:
    factory.activity(own.location, title="Oude klus", confirmed_days_ago=100)
    html = provider.get("/aanbieder/").get_data(as_text=True)
    assert "Eigen tuin" in html and "Oude klus" in html
    assert "Andermans klus" not in html
    assert "1 activiteit is al meer dan 90 dagen niet gecontroleerd." in html
    assert "Lang niet gecontroleerd" in html
    assert "Alles klopt nog" in html


def test_free_places_change_in_one_click(provider: FlaskClient, own, session) -> None:
    response = provider.post(f"/aanbieder/activiteiten/{own.id}/plekken", data={"wijziging": "min"})
    assert response.location == f"/aanbieder/#activiteit-{own.id}"
    assert reload(session, own).free_places == 1
    provider.post(f"/aanbieder/activiteiten/{own.id}/plekken", data={"wijziging": "plus"})
    provider.post(f"/aanbieder/activiteiten/{own.id}/plekken", data={"wijziging": "plus"})
    assert reload(session, own).free_places == 3
    [first, *_] = audit_rows(session, own)
    assert first.action == "vrije_plekken"
    assert first.changes == {"free_places": {"oud": 2, "nieuw": 1}}


def test_free_places_stay_within_zero_and_capacity(provider: FlaskClient, own, session) -> None:
    for _ in range(4):
        provider.post(f"/aanbieder/activiteiten/{own.id}/plekken", data={"wijziging": "min"})
    assert reload(session, own).free_places == 0
    page = provider.get("/aanbieder/").get_data(as_text=True)
    assert "Er zijn geen vrije plekken meer om af te halen." in page
    for _ in range(7):
        provider.post(f"/aanbieder/activiteiten/{own.id}/plekken", data={"wijziging": "plus"})
    assert reload(session, own).free_places == 5


def test_pause_resume_and_confirm_all(provider: FlaskClient, own, session) -> None:
    provider.post(f"/aanbieder/activiteiten/{own.id}/status", data={"status": "gepauzeerd"})
    assert reload(session, own).status == "gepauzeerd"
    provider.post(f"/aanbieder/activiteiten/{own.id}/status", data={"status": "actief"})
    assert reload(session, own).status == "actief"
    assert (
        provider.post(
            f"/aanbieder/activiteiten/{own.id}/status", data={"status": "weg"}
        ).status_code
        == 400
    )
    old = reload(session, own)
    old.confirmed_at = local_noon(local_today() - timedelta(days=120))
    session.commit()
    provider.post("/aanbieder/bevestigen")
    assert (utcnow() - reload(session, own).confirmed_at).total_seconds() < 60
    assert [e.action for e in audit_rows(session, own)] == ["status", "status"]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/aanbieder/activiteiten/{id}/bewerken", None),
        ("post", "/aanbieder/activiteiten/{id}/bewerken", "edit"),
        ("post", "/aanbieder/activiteiten/{id}/plekken", {"wijziging": "min"}),
        ("post", "/aanbieder/activiteiten/{id}/status", {"status": "gepauzeerd"}),
    ],
)
def test_another_providers_activity_is_404_and_unchanged(
    provider: FlaskClient, foreign: Activity, session: Session, method, path, data
) -> None:
    body = edit_data(foreign, title="Gekaapt") if data == "edit" else data
    response = getattr(provider, method)(path.format(id=foreign.id), data=body)
    assert response.status_code == 404
    after = reload(session, foreign)
    assert (after.title, after.free_places, after.status) == ("Andermans klus", 2, "actief")
    assert audit_rows(session, foreign) == []


def test_another_providers_location_cannot_be_used_or_edited(
    provider: FlaskClient, own: Activity, foreign: Activity, session: Session
) -> None:
    assert provider.get(f"/aanbieder/locaties/{foreign.location_id}/bewerken").status_code == 404
    response = provider.post(
        f"/aanbieder/activiteiten/{own.id}/bewerken",
        data=edit_data(own, location_id=str(foreign.location_id)),
    )
    assert response.status_code == 400  # not one of the offered choices
    assert reload(session, own).location_id == own.location_id


def test_editing_an_activity_goes_live_and_is_audited(
    provider: FlaskClient, own: Activity, session: Session
) -> None:
    version_before = own.version
    response = provider.post(
        f"/aanbieder/activiteiten/{own.id}/bewerken",
        data=edit_data(
            own, title="Tuin aan de Vecht", capacity="8", slots=["di_ochtend", "do_ochtend"]
        ),
    )
    assert redirected_to(response) == f"/aanbieder/#activiteit-{own.id}"
    after = reload(session, own)
    assert after.title == "Tuin aan de Vecht" and after.capacity == 8
    assert after.slots == {"di_ochtend", "do_ochtend"}
    assert after.version == version_before + 1 and after.is_approved
    [event] = audit_rows(session, own)
    assert event.action == "gewijzigd"
    assert event.changes["title"] == {"oud": "Eigen tuin", "nieuw": "Tuin aan de Vecht"}
    assert event.changes["dagdelen"] == {
        "oud": ["di_ochtend"],
        "nieuw": ["di_ochtend", "do_ochtend"],
    }


def test_the_second_of_two_concurrent_edits_gets_a_conflict(
    app: Flask, factory: Factory, own: Activity, session: Session
) -> None:
    user = factory.user("aanbieder", organisation_id=own.organisation_id)
    alice, bob = (login_as(app.test_client(), user) for _ in range(2))
    seen = edit_data(own)  # both opened the form at the same version
    first = alice.post(
        f"/aanbieder/activiteiten/{own.id}/bewerken", data=seen | {"title": "Van Alice"}
    )
    assert redirected_to(first) == f"/aanbieder/#activiteit-{own.id}"
    response = bob.post(
        f"/aanbieder/activiteiten/{own.id}/bewerken", data=seen | {"title": "Van Bob"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft dit intussen gewijzigd." in html
    assert 'value="Van Alice"' in html  # the current values, to check again
    assert reload(session, own).title == "Van Alice"


def hidden_version(html: str) -> str:
    return html.split('name="version" type="hidden" value="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("what", ["organisation", "location"])
def test_after_a_conflict_the_form_shows_what_is_stored_now(
    provider: FlaskClient, own: Activity, session: Session, what: str
) -> None:
    if what == "organisation":
        stored: Organisation | Location = own.organisation
        url = "/aanbieder/organisatie"
        data = {"description": "", "website": "", "phone": "", "email": ""}
    else:
        stored = own.location
        url = f"/aanbieder/locaties/{stored.id}/bewerken"
        data = {"street": "Grote Kerkplein", "house_number": "1", "postcode": "8011"}
    seen = {**data, "version": str(stored.version)}
    assert redirected_to(provider.post(url, data=seen | {"name": "Van Alice"})) == "/aanbieder/"
    response = provider.post(url, data=seen | {"name": "Van Bob"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders heeft dit intussen gewijzigd." in html
    assert 'value="Van Alice"' in html and "Van Bob" not in html  # the values as stored now
    assert hidden_version(html) == str(int(seen["version"]) + 1)  # so saving again works
    again = provider.post(url, data=seen | {"name": "Van Bob", "version": hidden_version(html)})
    assert redirected_to(again) == "/aanbieder/"


def test_a_one_click_change_also_invalidates_an_open_edit_form(
    provider: FlaskClient, own: Activity, session: Session
) -> None:
    seen = edit_data(own)
    provider.post(f"/aanbieder/activiteiten/{own.id}/plekken", data={"wijziging": "min"})
    response = provider.post(f"/aanbieder/activiteiten/{own.id}/bewerken", data=seen)
    assert response.status_code == 409
    assert reload(session, own).free_places == 1  # not overwritten with the stale 2


def test_bad_form_input_gets_dutch_messages(provider: FlaskClient, own, session) -> None:
    response = provider.post(
        f"/aanbieder/activiteiten/{own.id}/bewerken",
        data=edit_data(own, title="", free_places="9", types=[]),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert "Titel: Vul dit in." in html
    assert "Er kunnen niet meer vrije plekken zijn dan plekken." in html
    assert "Kies minstens één soort." in html
    assert reload(session, own).title == "Eigen tuin"


def test_a_new_activity_waits_for_approval(
    provider: FlaskClient, own: Activity, session: Session, client: FlaskClient
) -> None:
    response = provider.post(
        "/aanbieder/activiteiten/nieuw", data=edit_data(own, title="Nieuwe moestuin", version="0")
    )
    session.expire_all()
    new = session.exec(select(Activity).where(Activity.title == "Nieuwe moestuin")).one()
    assert redirected_to(response) == f"/aanbieder/#activiteit-{new.id}"
    assert new.is_approved is False and new.organisation_id == own.organisation_id
    assert "Nieuwe moestuin" not in client.get("/activiteiten").get_data(as_text=True)
    listings.approve(session, Actor(None, "test"), new)
    assert "Nieuwe moestuin" in client.get("/activiteiten").get_data(as_text=True)


def test_organisation_and_location_edits(provider: FlaskClient, own, session) -> None:
    org = session.get(Organisation, own.organisation_id)
    response = provider.post(
        "/aanbieder/organisatie",
        data={
            "version": str(org.version),
            "name": "De Nieuwe Naam",
            "description": "Wij doen veel.",
            "website": "https://voorbeeld.nl",
            "phone": "038 555 00 11",
            "email": "a@voorbeeld.nl",
        },
    )
    assert redirected_to(response) == "/aanbieder/"
    session.expire_all()
    assert session.get(Organisation, org.id).name == "De Nieuwe Naam"
    bad = provider.post(
        "/aanbieder/locaties/nieuw",
        data={"version": "0", "name": "Schuur", "street": "Marsweg", "postcode": "9999 ZZ"},
    )
    assert bad.status_code == 422
    assert "We kennen postcode 9999 ZZ niet" in bad.get_data(as_text=True)
    good = provider.post(
        "/aanbieder/locaties/nieuw",
        data={
            "version": "0",
            "name": "Schuur",
            "street": "Marsweg",
            "house_number": "3",
            "postcode": "8013",
            "accessibility": ["rolstoel"],
        },
    )
    assert redirected_to(good) == "/aanbieder/"
    session.expire_all()
    shed = session.exec(select(Location).where(Location.name == "Schuur")).one()
    assert shed.accessibility == {"rolstoel"} and shed.pc4 == "8013"
    # Marslanden (8013) is mainly Assendorp by CBS wijk, not Kamperpoort-Veerallee.
    assert (shed.district, shed.district_code) == ("Assendorp", "WK019313")
    assert (shed.latitude, shed.longitude) == (52.4957, 6.1232)  # the GeoNames centroid


# --- the write API ---------------------------------------------------------------------------


def create_token(provider: FlaskClient) -> str:
    html = provider.post("/aanbieder/api-sleutels", data={"name": "Planning"}).get_data(
        as_text=True
    )
    start = html.index('<p class="token">') + len('<p class="token">')
    return html[start : html.index("</p>", start)]


def test_token_is_shown_once_and_patch_updates_free_places(
    provider: FlaskClient, client: FlaskClient, own: Activity, session: Session
) -> None:
    token = create_token(provider)
    assert token.startswith("act_")
    assert token not in provider.get("/aanbieder/api-sleutels").get_data(as_text=True)
    response = client.patch(
        f"/api/v1/activiteiten/{own.id}",
        json={"vrije_plekken": 4, "status": "gepauzeerd"},
        headers={"Authorization": f"Bearer {token}", "If-Match": f'"{own.version}"'},
    )
    assert response.status_code == 200
    assert response.get_json()["vrije_plekken"] == 4
    after = reload(session, own)
    assert (after.free_places, after.status) == (4, "gepauzeerd")
    [event] = audit_rows(session, own)
    assert event.actor.startswith("API-sleutel")
    assert event.changes == {
        "free_places": {"oud": 2, "nieuw": 4},
        "status": {"oud": "actief", "nieuw": "gepauzeerd"},
    }


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"vrije_plekken": 9}, 422, "vrije_plekken"),
        ({"vrije_plekken": -1}, 422, "vrije_plekken"),
        ({"vrije_plekken": "3"}, 422, "vrije_plekken"),
        ({"titel": "Nieuw"}, 422, "titel"),
        ({"status": "beeindigd"}, 422, "status"),
    ],
)
def test_patch_bad_input(provider, client, own, session, body, status, field) -> None:
    token = create_token(provider)
    response = client.patch(
        f"/api/v1/activiteiten/{own.id}",
        json=body,
        headers={"Authorization": f"Bearer {token}", "If-Match": f'"{own.version}"'},
    )
    assert response.status_code == status
    assert field in {p["name"] for p in response.get_json()["invalid_params"]}
    assert reload(session, own).free_places == 2


def test_patch_needs_a_valid_token_of_the_same_organisation(
    provider: FlaskClient, client: FlaskClient, own, foreign, session
) -> None:
    token = create_token(provider)
    no_token = client.patch(f"/api/v1/activiteiten/{own.id}", json={"vrije_plekken": 1})
    assert no_token.status_code == 401 and no_token.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.patch(
        f"/api/v1/activiteiten/{own.id}",
        json={"vrije_plekken": 1},
        headers={"Authorization": "Bearer act_verzonnen"},
    )
    assert wrong.status_code == 401
    other = client.patch(
        f"/api/v1/activiteiten/{foreign.id}",
        json={"vrije_plekken": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert other.status_code == 404
    not_json = client.patch(
        f"/api/v1/activiteiten/{own.id}",
        data="vrije_plekken=1",
        headers={"Authorization": f"Bearer {token}", "If-Match": f'"{own.version}"'},
    )
    assert not_json.status_code == 415
    assert reload(session, foreign).free_places == 2 and reload(session, own).free_places == 2


def test_a_revoked_token_stops_working(provider: FlaskClient, client: FlaskClient, own) -> None:
    token = create_token(provider)
    html = provider.get("/aanbieder/api-sleutels").get_data(as_text=True)
    token_id = html.split("/aanbieder/api-sleutels/")[1].split("/intrekken")[0]
    provider.post(f"/aanbieder/api-sleutels/{token_id}/intrekken")
    response = client.patch(
        f"/api/v1/activiteiten/{own.id}",
        json={"vrije_plekken": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401


# --- concurrency, on SQLite and PostgreSQL alike ------------------------------------------------
