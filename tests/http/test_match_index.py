"""Each worker's match index (activatie/catalogue_snapshot.py): the same answers as the
database, a change at once in every worker, and a large catalogue built in the background while
the database answers. The result caches are off here, so every search is computed."""

from __future__ import annotations

import logging
import runpy
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlmodel import Session

from activatie import create_app
from activatie.caching import catalogue_stamp
from activatie.views.matching import _INDEX, warm_up
from tests.conftest import TEST_CONFIG
from tests.factories import Factory

MATCH = "/api/v1/matches?postcode=8043&leeftijd=45&behoeften=sociale_contacten"
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
NO_RESULT_CACHE = {"CATALOGUE_CACHE_MB": 0, "CATALOGUE_CACHE_MATCHES": 0}


@pytest.fixture
def worker(database_url: str) -> Iterator[callable]:
    """Make apps on the test database with their own settings: gunicorn workers."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        app = create_app({**TEST_CONFIG, **NO_RESULT_CACHE, "DATABASE_URL": database_url, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        snapshot = app.extensions.get(_INDEX)
        if snapshot is not None:
            snapshot.wait(30)
        app.extensions["activatie.engine"].dispose()


def titles(client: FlaskClient, url: str = MATCH) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return [m["activiteit"]["titel"] for m in response.get_json()["matches"]]


def test_with_and_without_the_index_the_answers_are_the_same(app: Flask, seeded, worker) -> None:
    indexed, asking = worker().test_client(), worker(MATCH_INDEX=False).test_client()
    searches = [
        MATCH,
        "/api/v1/matches?postcode=8011&leeftijd=30",
        "/api/v1/matches?postcode=8024&leeftijd=19&behoeften=dagritme&dagdelen=ma_ochtend",
        "/api/v1/matches?postcode=8043&leeftijd=60&vervoer=lopen&limiet=5",
    ]
    for url in searches:
        first = indexed.get(url)
        assert first.status_code == 200, (url, first.text[:300])
        assert first.get_json() == asking.get(url).get_json()
    assert titles(indexed)  # the seed has matches for this resident
    assert asking.application.extensions.get(_INDEX) is None


def test_a_change_shows_at_once_in_every_workers_index(
    app: Flask, session: Session, factory: Factory, worker, postcodes
) -> None:
    garden = factory.activity(title="Moestuin aan de Vecht")
    factory.activity(title="Buurtkeuken")
    one, two = worker().test_client(), worker().test_client()
    for client in (one, two):
        assert sorted(titles(client)) == ["Buurtkeuken", "Moestuin aan de Vecht"]
    garden.status = "gepauzeerd"
    session.add(garden)
    session.commit()
    for client in (one, two):
        assert titles(client) == ["Buurtkeuken"]
    garden.status = "actief"
    garden.title = "Moestuin aan de IJssel"
    session.add(garden)
    session.commit()
    for client in (one, two):
        assert sorted(titles(client)) == ["Buurtkeuken", "Moestuin aan de IJssel"]


def test_a_large_catalogue_is_built_in_the_background_meanwhile_the_database_answers(
    app: Flask, seeded, worker
) -> None:
    background = worker(MATCH_INDEX_BACKGROUND_FROM=1)
    statements: list[str] = []
    event.listen(
        background.extensions["activatie.engine"],
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    client = background.test_client()
    expected = titles(worker(MATCH_INDEX=False).test_client())
    assert titles(client) == expected  # answered by the query while the index is built
    snapshot = background.extensions[_INDEX]
    snapshot.wait(30)
    assert snapshot.version is not None
    statements.clear()
    assert titles(client) == expected  # now from the index: no candidate read
    assert not any("FROM activity JOIN organisation" in s for s in statements)
    assert statements  # the ones it does send are counted


def test_each_match_links_to_its_activity(app: Flask, seeded, client: FlaskClient) -> None:
    answer = client.get(MATCH).get_json()
    briefs = [m["activiteit"] for m in answer["matches"] + answer["bijna_passend"]]
    assert briefs
    for brief in briefs:
        assert brief["_links"]["self"]["href"] == f"/api/v1/activiteiten/{brief['id']}"
        assert client.get(brief["_links"]["self"]["href"]).get_json()["id"] == brief["id"]


def _current_version(app: Flask) -> int:
    with app.app_context():
        stamp = catalogue_stamp()
    assert stamp is not None
    return stamp[0]


@pytest.mark.parametrize("background_from", [5000, 1])
def test_a_worker_builds_its_index_when_it_starts(
    app: Flask, seeded, worker, background_from: int
) -> None:
    """gunicorn's post_worker_init (gunicorn.conf.py) builds the index before the first search:
    a small catalogue at once, a large one in the background."""
    started = worker(MATCH_INDEX_BACKGROUND_FROM=background_from)
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    hook(SimpleNamespace(wsgi=started))
    snapshot = started.extensions[_INDEX]
    snapshot.wait(30)
    assert snapshot.version == _current_version(started)
    statements: list[str] = []
    event.listen(
        started.extensions["activatie.engine"],
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    assert titles(started.test_client())  # the first search already uses the index
    assert not any("FROM activity JOIN organisation" in s for s in statements)
    assert statements


def test_a_worker_starts_when_its_index_cannot_be_built(
    tmp_path: Path, worker, caplog: pytest.LogCaptureFixture
) -> None:
    """A database without its tables (not migrated yet) does not stop a worker: a warning,
    and the first search tries again."""
    bare = worker(DATABASE_URL=f"sqlite:///{tmp_path / 'leeg.sqlite3'}")
    with caplog.at_level(logging.WARNING, logger="activatie.views.matching"):
        warm_up(bare)
    assert "the match index was not built at start: OperationalError" in caplog.text
    assert bare.extensions.get(_INDEX) is None or bare.extensions[_INDEX].version is None


def test_no_index_is_built_at_start_when_it_is_off(app: Flask, seeded, worker) -> None:
    off = worker(MATCH_INDEX=False)
    warm_up(off)
    assert off.extensions.get(_INDEX) is None
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    hook(SimpleNamespace(wsgi=lambda environ, start_response: []))  # a failed load: not Flask


def test_the_start_hook_leaves_another_app_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTTP benchmark runs a hello-world under the same gunicorn.conf.py: its workers must
    start (a hello-world has no match index, no database and none of our settings)."""
    hello = Flask("hello")
    built: list[Flask] = []
    monkeypatch.setattr("activatie.views.matching.warm_up", built.append)
    hook = runpy.run_path(str(GUNICORN_CONF))["post_worker_init"]
    hook(SimpleNamespace(wsgi=hello))
    assert built == []
    ours = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    hook(SimpleNamespace(wsgi=ours))
    assert built == [ours]
