"""The pool pings a connection only after it sat idle, and a database restart is still survived.

A connection checked in less than ``DATABASE_PING_AFTER_IDLE`` seconds ago is used without a
ping (a round trip saved on every busy request); an older one is pinged and, when dead, replaced
(activatie/db.py, ``ping_when_idle``). A restart within that window is met by the public pages'
first statement, the catalogue version read, which retries once (caching.catalogue_stamp).

A restart is played by ``pg_terminate_backend`` on the app's own connections (only those, by
their backend pid, in the test database): to the app that is what a restarted server looks like.
SQLite has no server to lose and is never pinged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from activatie import caching, create_app, db
from tests.conftest import TEST_CONFIG
from tests.factories import Factory, login_as

DUTCH_503 = "Activatie is even niet bereikbaar"


class Watched:
    """An app with a given idle threshold, and what its engine did: statements, pings and the
    backend pids of the connections it opened."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = app
        self.engine: Engine = app.extensions["activatie.engine"]
        self.statements: list[str] = []
        self.pings = 0
        self.pids: list[int] = []
        dialect = self.engine.dialect
        do_ping = dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            self.pings += 1
            return do_ping(dbapi_connection)

        monkeypatch.setattr(dialect, "do_ping", counted_ping)
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "connect", self._connected)

    def _statement(self, _conn, _cursor, statement, _params, _context, _many) -> None:
        self.statements.append(statement)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        if self.engine.dialect.name == "postgresql":
            self.pids.append(dbapi_connection.info.backend_pid)

    def reset(self) -> None:
        self.statements.clear()
        self.pings = 0


@pytest.fixture
def watched(
    app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[float], Watched]]:
    """Make apps with a given ``DATABASE_PING_AFTER_IDLE`` (``app`` empties the tables after)."""
    made: list[Flask] = []

    def make(ping_after_idle: float) -> Watched:
        config = {
            **TEST_CONFIG,
            "DATABASE_URL": database_url,
            "DATABASE_PING_AFTER_IDLE": ping_after_idle,
        }
        made.append(create_app(config))
        return Watched(made[-1], monkeypatch)

    yield make
    for other in made:
        other.extensions["activatie.engine"].dispose()


def _restart(engine: Engine, watched: Watched) -> None:
    """End every server process the app connected to, from the test's own connection."""
    pids = list(watched.pids)
    assert pids, "the app has not connected yet"
    terminate = text(
        "select pg_terminate_backend(pid) from pg_stat_activity "
        "where datname = current_database() and pid = any(:pids) and pid <> pg_backend_pid()"
    )
    alive = text("select count(*) from pg_stat_activity where pid = any(:pids)")
    with engine.connect() as admin:
        admin.execute(terminate, {"pids": pids})
        admin.commit()
        deadline = time.monotonic() + 10
        while admin.execute(alive, {"pids": pids}).scalar():
            assert time.monotonic() < deadline, "the app's server processes did not end"
            time.sleep(0.02)
            admin.rollback()


def _postgresql_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: SQLite has no server connection to lose")


# --- How often the pool pings --------------------------------------------------------------


def test_a_connection_back_within_the_threshold_is_not_pinged(
    watched: Callable[[float], Watched], factory: Factory
) -> None:
    factory.activity(title="Koor De Zangvogels")
    app = watched(0.3)
    client = app.app.test_client()
    assert client.get("/").status_code == 200  # a new connection: never pinged
    assert app.pings == 0

    app.reset()
    response = client.get("/")  # at once: from the cache, the connection just checked in
    assert response.status_code == 200
    assert len(app.statements) == 1, app.statements  # the catalogue version, nothing else
    assert app.pings == 0

    time.sleep(0.4)
    app.reset()
    assert client.get("/").status_code == 200
    assert len(app.statements) == 1, app.statements  # a ping is no statement of the engine's
    assert app.pings == (1 if app.engine.dialect.name == "postgresql" else 0)


def test_a_threshold_of_zero_pings_every_reused_postgresql_connection(
    watched: Callable[[float], Watched], factory: Factory
) -> None:
    factory.activity(title="Koor De Zangvogels")
    app = watched(0)
    client = app.app.test_client()
    for _ in range(3):
        assert client.get("/").status_code == 200
    app.reset()
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert len(app.statements) == 3
    assert app.pings == (3 if app.engine.dialect.name == "postgresql" else 0)


# --- A database restart ----------------------------------------------------------------------


def test_after_a_restart_the_ping_replaces_dead_connections(
    watched: Callable[[float], Watched], factory: Factory, engine: Engine
) -> None:
    _postgresql_only(engine)
    activity = factory.activity(title="Koor De Zangvogels")
    beheerder = factory.user("beheerder")
    app = watched(0)
    anonymous = app.app.test_client()
    staff = login_as(app.app.test_client(), beheerder)
    for client, path in ((anonymous, "/"), (anonymous, "/"), (staff, "/beheer/")):
        assert client.get(path).status_code == 200, path

    _restart(engine, app)
    app.reset()
    before = len(app.pids)
    assert anonymous.get("/").status_code == 200
    assert app.pings == 1 and len(app.pids) > before  # pinged, found dead, connected again

    _restart(engine, app)
    app.reset()
    before = len(app.pids)
    page = staff.get("/beheer/")
    assert page.status_code == 200 and "Uitloggen" in page.text
    assert app.pings == 1 and len(app.pids) > before

    _restart(engine, app)
    assert anonymous.get(f"/activiteiten/{activity.id}").status_code == 200


def test_after_a_restart_within_the_idle_window_public_pages_retry_their_first_read(
    watched: Callable[[float], Watched], factory: Factory, engine: Engine
) -> None:
    _postgresql_only(engine)
    activity = factory.activity(title="Koor De Zangvogels")
    beheerder = factory.user("beheerder")
    app = watched(3600)  # never pinged: every restart falls within the window
    anonymous = app.app.test_client()
    staff = login_as(app.app.test_client(), beheerder)
    for _ in range(2):
        assert anonymous.get("/").status_code == 200

    # A cached page: the version read fails on the dead connection and is read again.
    _restart(engine, app)
    app.reset()
    before = len(app.pids)
    assert anonymous.get("/").status_code == 200
    assert app.pings == 0 and len(app.pids) == before + 1
    assert len(app.statements) == 2  # the failed read and the one that answered

    # A page not cached yet: after the retry its own queries run on the new connection.
    _restart(engine, app)
    page = anonymous.get(f"/activiteiten/{activity.id}")
    assert page.status_code == 200 and "Koor De Zangvogels" in page.text

    # The window's limit: a staff page starts in its session (loading the user), which is not
    # retried. One Dutch 503; the failure dropped the pool, so the next request is served.
    _restart(engine, app)
    failed = staff.get("/beheer/")
    assert failed.status_code == 503 and DUTCH_503 in failed.text
    assert staff.get("/beheer/").status_code == 200
    assert app.pings == 0


# --- The retry itself, on both databases -----------------------------------------------------


def _failing_once(error: DBAPIError, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    read = caching._read_version

    def read_version() -> int | None:
        calls.append(1)
        if len(calls) == 1:
            raise error
        return read()

    monkeypatch.setattr(caching, "_read_version", read_version)
    return calls


def _dead(invalidated: bool) -> OperationalError:
    return OperationalError("SELECT", {}, Exception("gone"), connection_invalidated=invalidated)


def test_the_version_read_is_retried_once_only_on_a_connection_found_dead(
    app: Flask, client: FlaskClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory.activity(title="Koor De Zangvogels")
    calls = _failing_once(_dead(invalidated=True), monkeypatch)
    assert client.get("/").status_code == 200
    assert len(calls) == 2

    calls = _failing_once(_dead(invalidated=False), monkeypatch)
    failed = client.get("/")
    assert failed.status_code == 503 and DUTCH_503 in failed.text
    assert len(calls) == 1


def test_the_version_read_is_not_retried_when_the_request_session_is_open(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _failing_once(_dead(invalidated=True), monkeypatch)
    with app.test_request_context("/"):
        db.get_session()
        with pytest.raises(OperationalError):
            caching.catalogue_stamp()
    assert len(calls) == 1
