"""Workers share nothing but the database: a change made through one shows at once in another.

Two app instances on the same database stand in for two gunicorn workers (or hosts). Whatever a
worker memoises for speed (issue 11) must never hide a change another one made.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlmodel import Session

from activatie import create_app
from activatie.models import Activity, PostcodeArea, Signpost
from tests.conftest import TEST_CONFIG
from tests.factories import Factory


@pytest.fixture
def other_worker(app: Flask, database_url: str) -> Iterator[Flask]:
    second = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    yield second
    second.extensions["activatie.engine"].dispose()


def test_a_change_through_one_worker_shows_at_once_in_the_other(
    app: Flask, other_worker: Flask, factory: Factory, session: Session
) -> None:
    activity = factory.activity(title="Tuinieren", free_places=3)
    first, second = app.test_client(), other_worker.test_client()
    for client in (first, second):  # both have read (and memoised) what they could
        assert "Tuinieren" in client.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
        assert "Tuinieren" in client.get("/activiteiten?postcode=8011").get_data(as_text=True)
        assert client.get("/api/v1/matches?postcode=8011&leeftijd=40").get_json()["totaal"] == 1

    changed = first.application  # a write in the first worker's database, committed
    with Session(changed.extensions["activatie.engine"]) as writer:
        row = writer.get(Activity, activity.id)
        assert row is not None
        row.title, row.free_places = "Moestuin", 0
        writer.commit()

    page = second.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert "Moestuin" in page and "Tuinieren" not in page
    listing = second.get("/api/v1/activiteiten?postcode=8011").get_json()["activiteiten"]
    assert [(a["titel"], a["vrije_plekken"]) for a in listing] == [("Moestuin", 0)]
    # Without free places it no longer matches (unless "ook vol" is asked).
    assert second.get("/api/v1/matches?postcode=8011&leeftijd=40").get_json()["totaal"] == 0


def test_postcodes_and_signposts_changed_elsewhere_show_at_once(
    app: Flask, other_worker: Flask, factory: Factory, session: Session
) -> None:
    factory.activity()
    client = other_worker.test_client()
    assert client.get("/activiteiten?postcode=8011").status_code == 200
    assert client.get("/activiteiten?postcode=9999").status_code == 422  # not in Zwolle

    session.add(PostcodeArea(pc4="9999", city="Zwolle", latitude=52.51, longitude=6.09))
    session.add(Signpost(key="goede_dagen", name="Goede dagen (gewijzigd)", text="Bel ons."))
    session.commit()
    assert client.get("/activiteiten?postcode=9999").status_code == 200
    aow = client.get("/api/v1/matches?postcode=8011&leeftijd=80").get_json()
    assert "Goede dagen (gewijzigd)" in str(aow)
