"""Per-worker caches (activatie/caching.py): fast, and never a stale or someone else's answer.

Every write to a catalogue table bumps the catalogue version in its own transaction (triggers,
migration 0013), so a change shows at once in every worker: here two apps on one database stand
for two gunicorn workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlmodel import Session, func, select

from activatie import caching, create_app
from activatie.models import UnmetSearch
from tests.conftest import TEST_CONFIG
from tests.factories import Factory, login_as

MATCH = "/api/v1/matches?postcode=8043&leeftijd=45&behoeften=sociale_contacten"


@pytest.fixture
def other_worker(app: Flask, database_url: str) -> Iterator[FlaskClient]:
    """A second app on the same database: another worker, with its own caches."""
    other = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    yield other.test_client()
    other.extensions["activatie.engine"].dispose()


# --- Pages --------------------------------------------------------------------------------


def test_a_change_shows_at_once_in_every_worker(
    client: FlaskClient, other_worker: FlaskClient, session: Session, factory: Factory
) -> None:
    activity = factory.activity(title="Moestuin aan de Vecht")
    for worker in (client, other_worker):  # both keep the page
        for _ in range(2):
            assert "Moestuin aan de Vecht" in worker.get(f"/activiteiten/{activity.id}").text
    activity.title = "Moestuin aan de IJssel"
    activity.free_places = 0
    session.add(activity)
    session.commit()
    for worker in (client, other_worker):
        page = worker.get(f"/activiteiten/{activity.id}").text
        assert "Moestuin aan de IJssel" in page and "Vecht" not in page
        listed = worker.get("/api/v1/activiteiten").get_json()["activiteiten"]
        assert [a["titel"] for a in listed] == ["Moestuin aan de IJssel"]


def test_a_cached_page_costs_one_statement_and_keeps_its_headers(
    client: FlaskClient, factory: Factory, statements: list[str]
) -> None:
    activity = factory.activity(title="Fietsenmakerij")
    first = client.get(f"/activiteiten/{activity.id}")
    statements.clear()
    again = client.get(f"/activiteiten/{activity.id}")
    assert again.text == first.text and "Fietsenmakerij" in again.text
    assert len(statements) == 1 and "catalogue_version" in statements[0]
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type"):
        assert again.headers[header] == first.headers[header]


def test_a_new_day_is_a_new_page(
    client: FlaskClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freshness and ages are counted in days: yesterday's page is not served today."""
    activity = factory.activity(title="Buurtkeuken")
    client.get(f"/activiteiten/{activity.id}")
    stamps: list[caching.Stamp] = []
    real = caching.catalogue_stamp

    def spy() -> caching.Stamp | None:
        stamps.append(real())
        return stamps[-1]

    monkeypatch.setattr(caching, "catalogue_stamp", spy)
    monkeypatch.setattr(caching, "local_today", lambda: date(2099, 1, 1))
    client.get(f"/activiteiten/{activity.id}")
    assert stamps and stamps[-1][1] == date(2099, 1, 1)


def test_a_logged_in_page_is_never_kept_nor_served(
    client: FlaskClient, app: Flask, factory: Factory
) -> None:
    activity = factory.activity(title="Kringloopwinkel")
    anonymous = client.get(f"/activiteiten/{activity.id}").text
    assert "Uitloggen" not in anonymous
    staff = login_as(app.test_client(), factory.user("consulent"))
    assert "Uitloggen" in staff.get(f"/activiteiten/{activity.id}").text
    assert "Uitloggen" not in client.get(f"/activiteiten/{activity.id}").text
    # and the other way round: a page rendered for staff first is not kept for the public
    other = factory.activity(title="Zorgboerderij")
    assert "Uitloggen" in staff.get(f"/activiteiten/{other.id}").text
    assert "Uitloggen" not in client.get(f"/activiteiten/{other.id}").text


def test_a_remembered_login_is_asked_of_flask_login_not_served_a_kept_page(
    client: FlaskClient, app: Flask, factory: Factory
) -> None:
    """Only a visitor with an empty session and no remember-me cookie is known to be anonymous
    without Flask-Login; with a valid remember-me cookie the visitor is logged in."""
    activity = factory.activity(title="Fietsenmakerij")
    url = f"/activiteiten/{activity.id}"
    assert "Uitloggen" not in client.get(url).text  # kept for the public
    user = factory.user("consulent")
    remembered = app.test_client()
    with app.app_context():
        token = encode_cookie(str(user.get_id()))
    remembered.set_cookie("remember_token", token)
    assert "Uitloggen" in remembered.get(url).text
    assert "Uitloggen" not in client.get(url).text


def test_a_waiting_message_is_shown_not_a_kept_page(client: FlaskClient, factory: Factory):
    activity = factory.activity(title="Repair café")
    client.get(f"/activiteiten/{activity.id}")
    with client.session_transaction() as cookie:
        cookie["_flashes"] = [("info", "U bent uitgelogd.")]
    assert "U bent uitgelogd." in client.get(f"/activiteiten/{activity.id}").text


def test_no_cache_when_turned_off(database_url: str, factory: Factory) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "CATALOGUE_CACHE_MB": 0})
    try:
        activity = factory.activity()
        client = app.test_client()
        client.get(f"/activiteiten/{activity.id}")
        assert len(app.extensions[caching._PAGES]) == 0
    finally:
        app.extensions["activatie.engine"].dispose()


# --- Matches ------------------------------------------------------------------------------


def test_an_unmet_search_is_counted_every_time_it_is_asked(
    client: FlaskClient, app: Flask, session: Session, factory: Factory
) -> None:
    """The match is kept, the counting is not: every API call and every browser counts."""
    factory.activity(min_age=60)  # fits nobody of 45
    for _ in range(3):
        assert client.get(MATCH).get_json()["totaal"] == 0
    wizard = {"stap": "5", "postcode": "8043", "leeftijd": "45", "behoeften": "sociale_contacten"}
    for _ in range(2):  # two browsers
        assert "Geen plek die past" in app.test_client().post("/wat-past-bij-mij", data=wizard).text
    session.rollback()
    assert session.exec(select(func.sum(UnmetSearch.count))).one() == 5


def test_a_kept_match_follows_the_catalogue(client: FlaskClient, session: Session, factory):
    activity = factory.activity(title="Wandelgroep")
    wizard = {"stap": "5", "postcode": "8043", "leeftijd": "45", "behoeften": "sociale_contacten"}
    assert "Wandelgroep" in client.post("/wat-past-bij-mij", data=wizard).text
    assert client.get(MATCH).get_json()["totaal"] == 1
    activity.status = "gepauzeerd"
    session.add(activity)
    session.commit()
    assert "Wandelgroep" not in client.post("/wat-past-bij-mij", data=wizard).text
    assert client.get(MATCH).get_json()["totaal"] == 0


def test_kept_match_cards_carry_each_consultants_own_form_token(
    app: Flask, factory: Factory
) -> None:
    """The consultant's cards are kept with a hole for the form token; each page fills in the
    token of its own session (the same one its logout form carries)."""
    import re

    factory.activity(title="Samen koken")
    url = "/consulent/matchen?postcode=8043&leeftijd=45&behoeften=sociale_contacten"
    tokens = []
    for _ in range(2):
        page = login_as(app.test_client(), factory.user("consulent")).get(url).text
        assert "Samen koken" in page and "form-token-filled-in-per-request" not in page
        found = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert len(found) == 1  # the logout form and every card: this session's token
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]


def test_a_deprecated_name_gets_its_header_every_time(client: FlaskClient, app, factory):
    """The Deprecation header is added after the cache: such answers are not kept."""
    factory.activity(title="Tuinploeg")
    for path in (
        "/api/v1/activiteiten?postcode=8011&max_afstand_km=5",
        "/api/v1/matches?postcode=8043&geboortedatum=1980-05-01&behoeften=sociale_contacten",
    ):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200 and "Tuinploeg" in response.text
            assert response.headers["Deprecation"]
    kept = [key for key, _ in app.extensions[caching._PAGES]._entries.items()]
    assert not any("1980" in str(key) or "max_afstand_km" in str(key) for key in kept)
