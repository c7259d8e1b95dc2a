"""The production geocoder (GEOCODER=pdok): offline table first, PDOK second, answers cached.

No network: PDOK answers through a canned geopy adapter (see tests/unit/test_geo.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from geopy.exc import GeocoderTimedOut
from sqlmodel import Session, select

from activatie import create_app, geo, geocoding
from activatie.models import GeocodeCache
from tests.conftest import TEST_CONFIG
from tests.unit.test_geo import PDOK_DOC, CannedAdapter, pdok_response

DEVENTER = {
    **PDOK_DOC,
    "weergavenaam": "Brink, 7411BR Deventer",
    "postcode": "7411BR",
    "woonplaatsnaam": "Deventer",
    "wijknaam": "Binnenstad",
    "wijkcode": "WK015001",  # an example code of gemeente Deventer (GM0150)
    "centroide_ll": "POINT(6.16000 52.25100)",
}


class DeventerAdapter(CannedAdapter):
    response = pdok_response(DEVENTER)
    instances: list[CannedAdapter] = []

    def __init__(self, *, proxies, ssl_context):
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        DeventerAdapter.instances.append(self)


class DownAdapter(DeventerAdapter):
    error = GeocoderTimedOut("timed out")


def asked(adapter: type[DeventerAdapter]) -> list[str]:
    return [url for instance in adapter.instances for url in instance.urls]


@pytest.fixture
def pdok(app: Flask, postcodes: None) -> dict:
    DeventerAdapter.instances = []
    settings = {"GEOCODER": "pdok", "GEOCODER_ADAPTER": DeventerAdapter}
    app.config.update(settings)
    return {**app.config, **settings}


def test_offline_is_the_default_and_never_asks_anyone(session: Session, postcodes: None) -> None:
    geocoder = geocoding.make_geocoder(session)
    assert isinstance(geocoder, geo.OfflineGeocoder)
    hit = geo.resolve_postcode(geocoder, "8011")
    assert (hit.district, hit.district_code) == ("Binnenstad", "WK019310")
    with pytest.raises(geo.UnknownPostcode):
        geo.resolve_postcode(geocoder, "7411 BR")


def test_a_zwolle_postcode_never_leaves_the_server(session: Session, pdok: dict) -> None:
    geocoder = geocoding.make_geocoder(session, pdok)
    assert isinstance(geocoder, geocoding.FallbackGeocoder)
    assert (
        geo.resolve_postcode(geocoder, "8011").point
        == geo.resolve_postcode(geocoding.make_geocoder(session), "8011").point
    )
    assert asked(DeventerAdapter) == []


def test_another_postcode_is_asked_once_and_kept_for_every_worker(
    session: Session, pdok: dict
) -> None:
    hit = geo.resolve_postcode(geocoding.make_geocoder(session, pdok), "7411 br")
    # Only the four-digit area is asked and kept: a resident's PC6 is personal data.
    assert (hit.postcode, hit.precision, hit.district) == ("7411", "pc4", "Binnenstad")
    assert hit.district_code == "WK015001"
    assert hit.point == geo.Point(52.251, 6.16)
    [url] = asked(DeventerAdapter)
    assert "q=7411&" in url and "7411BR" not in url

    # A new geocoder (another request or worker) reads the database, not PDOK; so does
    # another PC6 in the same area.
    again = geo.resolve_postcode(geocoding.make_geocoder(session, pdok), "7411CD")
    assert again == hit
    assert len(asked(DeventerAdapter)) == 1
    assert [row.postcode for row in session.exec(select(GeocodeCache))] == ["7411"]
    row = session.get(GeocodeCache, "7411")
    assert (row.found, row.latitude, row.precision) == ("7411", 52.251, "pc4")


def test_an_unknown_postcode_is_cached_as_unknown(session: Session, pdok: dict) -> None:
    for _ in range(2):
        with pytest.raises(geo.UnknownPostcode) as error:
            geo.resolve_postcode(geocoding.make_geocoder(session, pdok), "1012 AB")
        assert str(error.value).startswith("We kennen postcode 1012 AB niet.")
    assert len(asked(DeventerAdapter)) == 1  # PDOK answered with another area: unknown
    row = session.get(GeocodeCache, "1012")
    assert row is not None and row.latitude is None


def test_an_old_answer_is_asked_again(session: Session, pdok: dict) -> None:
    old = datetime.now(UTC) - timedelta(days=91)
    session.add(GeocodeCache(postcode="7411", fetched_at=old))  # "unknown", 91 days ago
    session.commit()
    hit = geo.resolve_postcode(geocoding.make_geocoder(session, pdok), "7411BR")
    assert hit.postcode == "7411"
    assert len(asked(DeventerAdapter)) == 1
    session.expire_all()
    assert session.get(GeocodeCache, "7411").latitude == 52.251


def test_pdok_down_gives_a_clear_message_and_caches_nothing(
    app: Flask, session: Session, pdok: dict, caplog
) -> None:
    # PDOK serves addresses outside Zwolle (a provider's location, on import).
    app.config["GEOCODER_ADAPTER"] = DownAdapter
    with pytest.raises(geocoding.GeocoderUnavailable) as error:
        geo.resolve_postcode(geocoding.make_geocoder(session, app.config), "7411BR")
    assert str(error.value).startswith("We kunnen postcode 7411 BR nu niet opzoeken.")
    assert session.exec(select(GeocodeCache)).all() == []
    assert "GeocoderTimedOut" in caplog.text and "7411" not in caplog.text


def test_a_resident_outside_zwolle_is_told_so_and_pdok_is_never_asked(
    app: Flask, client: FlaskClient, session: Session, pdok: dict
) -> None:
    app.config["GEOCODER_ADAPTER"] = DownAdapter
    response = client.get("/activiteiten?postcode=7411BR")
    assert response.status_code == 422
    assert "Activatie is voor inwoners van Zwolle." in response.get_data(as_text=True)
    api = client.get("/api/v1/matches?postcode=7411BR&leeftijd=40")
    assert api.status_code == 422
    assert api.get_json()["invalid_params"][0]["reason"].startswith(
        "Activatie is voor inwoners van Zwolle."
    )
    assert asked(DownAdapter) == [] and asked(DeventerAdapter) == []
    assert session.exec(select(GeocodeCache)).all() == []


def test_an_unknown_geocoder_setting_refuses_to_start(tmp_path) -> None:
    with pytest.raises(RuntimeError, match="GEOCODER"):
        create_app(
            {**TEST_CONFIG, "GEOCODER": "google", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}"}
        )


def test_a_locked_sqlite_database_skips_the_cache_instead_of_waiting(
    app: Flask, session: Session, pdok: dict
) -> None:
    """An import holds the write lock while it geocodes: the cache must not wait 30 s for it."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's database lock")
    from activatie.models import Organisation

    session.add(Organisation(slug="bezig", name="Bezig", kind="welzijn"))
    session.flush()  # this session now holds the write lock
    started = datetime.now(UTC)
    hit = geo.resolve_postcode(geocoding.make_geocoder(session, pdok), "7411BR")
    assert hit.postcode == "7411"
    assert datetime.now(UTC) - started < timedelta(seconds=5)
    session.rollback()
    assert session.exec(select(GeocodeCache)).all() == []  # not cached, and no error
