"""Shared fixtures: an app per test on a migrated database (SQLite, or TEST_DATABASE_URL).

Every test starts from empty tables. pytest-flask's autouse request context is switched off
(security.md, point 4): requests in one test must not share ``g``, the session or the user.

Today is the services' own ``local_today()`` (``add_placement`` in ``factories`` counts back from
it), read where a test needs it and never kept in a module constant: a constant read at import
kept yesterday's date in a suite that ran past midnight in Zwolle, while the services already
used the new day. A fixed ``TODAY = date(...)`` is fine for pure code that takes the day as an
argument.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, MetaData, event, text
from sqlmodel import Session, SQLModel

from activatie import catalogue, create_app, migrations, seed
from activatie.config import database_url as normalise_url
from activatie.db import make_engine
from activatie.geocoding import make_geocoder

from .factories import SECRET_KEY, Factory


@pytest.fixture(autouse=True)
def _push_request_context() -> Iterator[None]:
    """Replace pytest-flask's fixture that shares one request context for a whole test."""
    yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_url(url, "")
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    reset_schema(engine)
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


def reset_schema(engine: Engine) -> None:
    """Drop every table, including Alembic's own, so migrations run from the start."""
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


TEST_CONFIG = {
    "TESTING": True,
    "ENV_NAME": "testing",
    "SECRET_KEY": SECRET_KEY,
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # fast in tests; production uses OWASP's minimum
}


@pytest.fixture
def app(engine: Engine, database_url: str) -> Iterator[Flask]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    yield app
    app.extensions["activatie.engine"].dispose()
    empty_tables(engine)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session of the test itself, separate from the app's request sessions."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def postcodes(app: Flask, session: Session) -> None:
    catalogue.load_postcodes(session, seed.read_postcodes())


@pytest.fixture
def seeded(postcodes: None, session: Session) -> catalogue.LoadCounts:
    """Load the example catalogue from ``seeds/``."""
    records = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
    return catalogue.load_catalogue(session, records, make_geocoder(session))


@pytest.fixture
def factory(postcodes: None, session: Session) -> Factory:
    return Factory(session)


@pytest.fixture
def seeds_dir() -> Path:
    return seed.SEEDS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when browser or HTML-checker tests were skipped: a skip is not a pass."""
    missing = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "MISSING" in str(report.longrepr[2])
    ]
    if missing:
        terminalreporter.write_sep("!", "TESTS THAT DID NOT RUN", red=True, bold=True)
        for reason in sorted({str(report.longrepr[2]) for report in missing}):
            terminalreporter.write_line(reason, red=True, bold=True)


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Collect every SQL statement the app's engine sends while the test runs."""
    seen: list[str] = []
    engine = app.extensions["activatie.engine"]

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
