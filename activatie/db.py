"""The database engine and a request-scoped session.

The engine lives in ``app.extensions``; a session is opened on first use in a request (or CLI
command) and always closed when the request ends, committed only by the service that wrote.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlmodel import Session

_EXTENSION = "activatie.engine"


def make_engine(url: str, *, ping_after_idle: float = 1.0, **kwargs: Any) -> Engine:
    """Create an engine that never puts bound parameters in error text (security.md, 6).

    A pooled connection that has been idle for more than ``ping_after_idle`` seconds is pinged
    before use (see :func:`ping_when_idle`); SQLite has no server to lose and is never pinged.
    Other keyword arguments go to ``create_engine``.
    """
    options: dict[str, Any] = {"hide_parameters": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    options.update(kwargs)
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        ping_when_idle(engine, ping_after_idle)
    return engine


_CHECKED_IN_AT = "activatie.checked_in_at"


def ping_when_idle(engine: Engine, after: float) -> None:
    """Ping a pooled connection at checkout only when it was checked in over ``after`` s ago.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: on PostgreSQL a round trip before
    each request's first statement, half the cost of a page served from the catalogue cache.
    Under load a connection comes back within microseconds and is not pinged; after a quiet
    moment (when a database restart can have happened unseen) it is. A dead connection found
    here invalidates the whole pool, as ``pool_pre_ping`` does (after a restart every older
    connection is dead too), and the pool connects again: SQLAlchemy's "pessimistic disconnect
    handling" with a checkout event. A restart within the idle window is found by the first
    statement instead; the catalogue version read, the first statement of every public page,
    then retries once (caching.catalogue_stamp). A new connection is never pinged (its record
    has no checkin time: the pool clears ``info`` when it connects again).
    """
    dialect = engine.dialect

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN_AT] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at <= after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            raise exc.InvalidatePoolError("the pooled connection was dead") from error

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # The busy timeout is the driver's ``timeout`` (see timeout_options).
    cursor.execute("PRAGMA journal_mode=WAL")
    # Deleted and overwritten content is zeroed on disk, not just marked free: erased notes
    # must not stay readable in the file (see retention.scrub_storage).
    cursor.execute("PRAGMA secure_delete=ON")
    # Read the database file through a memory map (up to 256 MB) instead of copying pages into
    # each connection's small page cache: the OS cache is shared by every connection. On the
    # 100,000-activity benchmark (a 120 MB file) the matching query's p50 went from 25 to 20 ms
    # and its p95 from 34 to 27 ms; a larger cache_size (32 MB) added nothing.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def timeout_options(url: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """Return engine options that make a slow or absent database cost seconds, not workers.

    PostgreSQL: ``connect_timeout`` and a ``statement_timeout`` (the server cancels a statement
    that runs or waits for a lock longer), TCP keepalives and ``tcp_user_timeout`` (a server
    that vanished from the network), and how long a request waits for a pooled connection.
    SQLite: how long a writer waits for another writer's lock (the busy timeout).
    """
    if url.startswith("sqlite"):
        busy = float(config["DATABASE_BUSY_TIMEOUT"])
        return {"connect_args": {"check_same_thread": False, "timeout": busy}}
    pool = {"pool_timeout": float(config["DATABASE_POOL_TIMEOUT"])}
    if not url.startswith("postgresql"):
        return pool
    statement_ms = int(float(config["DATABASE_STATEMENT_TIMEOUT"]) * 1000)
    connect_args = {
        "connect_timeout": max(int(config["DATABASE_CONNECT_TIMEOUT"]), 2),  # libpq's minimum
        "options": f"-c statement_timeout={statement_ms}",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": statement_ms,
    }
    return pool | {"connect_args": connect_args}


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    app.extensions[_EXTENSION] = make_engine(
        url,
        ping_after_idle=float(app.config["DATABASE_PING_AFTER_IDLE"]),
        **timeout_options(url, app.config),
    )
    app.teardown_request(close_session)
    app.teardown_appcontext(close_session)


def get_engine() -> Engine:
    return current_app.extensions[_EXTENSION]


def get_session() -> Session:
    """Return this request's session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def open_session() -> Session | None:
    """Return this request's session if something opened it already, without opening one."""
    return g.get("db_session")


@contextlib.contextmanager
def read_connection() -> Iterator[Connection]:
    """Yield a connection for a small read: this request's session's, when it has one, else a
    pooled connection outside a transaction (no BEGIN before the read and no ROLLBACK after it:
    on PostgreSQL each would be a round trip)."""
    session = open_session()
    if session is not None:
        yield session.connection()
        return
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection


def discard_session() -> None:
    """Drop this request's session without a rollback: its connection may be dead."""
    session = g.pop("db_session", None)
    if session is not None:
        with contextlib.suppress(Exception):
            session.invalidate()


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
