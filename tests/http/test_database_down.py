"""A database that fails is a Dutch 503 for everyone, costs seconds, and is survived.

The test runs a PostgreSQL cluster of its own (initdb/pg_ctl of PostgreSQL 15, on a free port,
in a temporary directory), stops it, hangs it (SIGSTOP) and locks a table, and checks every
answer: status 503, Dutch text, Retry-After, one log line per request with its request id and no
traceback; then it starts the cluster again and measures how long until the app answers 200,
without a restart. It is skipped, saying why, where PostgreSQL's binaries are missing.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from activatie import create_app, migrations
from activatie.db import make_engine
from tests.conftest import TEST_CONFIG
from tests.factories import Factory, login_as

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DUTCH_503 = "Activatie is even niet bereikbaar"


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        _run([str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), *args])

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-w", "-t", "30", "-o", options, "-l", str(self.directory / "log"), "start")

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop")

    def postmaster_pid(self) -> int:
        return int((self.directory / "data" / "postmaster.pid").read_text().split()[0])


def _run(command: list[str]) -> None:
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"SKIPPED LOUDLY: no PostgreSQL binaries in {PG_BIN} (set PG_BIN)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("SKIPPED LOUDLY: running as root without runuser to start PostgreSQL")
    directory = Path(tempfile.mkdtemp(prefix="activatie-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    found = Cluster(directory, _free_port())
    _run([str(PG_BIN / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres",
          "--no-sync", "-E", "UTF8"])  # fmt: skip
    found.start()
    try:
        yield found
    finally:
        try:
            os.kill(found.postmaster_pid(), signal.SIGCONT)
            found.stop()
        except (OSError, subprocess.CalledProcessError):
            pass
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def down_app(cluster: Cluster) -> Iterator[tuple[Flask, Engine, dict[str, object]]]:
    engine = make_engine(cluster.url)
    migrations.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        factory = Factory(session)
        activity = factory.activity()
        users = {
            "beheerder": factory.user("beheerder"),
            "aanbieder": factory.user("aanbieder", organisation_id=activity.organisation_id),
        }
    config = {
        **TEST_CONFIG,
        "DATABASE_URL": cluster.url,
        "DATABASE_CONNECT_TIMEOUT": 2,
        "DATABASE_STATEMENT_TIMEOUT": 1,
        "DATABASE_POOL_TIMEOUT": 2,
    }
    app = create_app(config)
    yield app, engine, {"users": users, "activity": activity}
    app.extensions["activatie.engine"].dispose()
    engine.dispose()


def _clients(app: Flask, users: dict) -> dict[str, FlaskClient]:
    clients = {"anoniem": app.test_client()}
    for role, user in users.items():
        clients[role] = login_as(app.test_client(), user)
    return clients


REQUESTS = [
    ("anoniem", "GET", "/activiteiten"),
    ("anoniem", "GET", "/api/v1/activiteiten"),
    ("anoniem", "POST", "/inloggen"),
    ("beheerder", "GET", "/beheer/"),
    ("beheerder", "GET", "/activiteiten"),
    ("aanbieder", "GET", "/aanbieder/"),
    ("aanbieder", "POST", "/aanbieder/bevestigen"),
]


def _check_all_503(clients, caplog) -> list[float]:
    """Send every request; check each answer and its log lines; return the seconds each took."""
    took = []
    for role, method, path in REQUESTS:
        caplog.clear()
        began = time.monotonic()
        data = {"email": "iemand@voorbeeld.nl", "password": "fout"} if method == "POST" else None
        response = clients[role].open(path, method=method, data=data)
        took.append(time.monotonic() - began)
        where = f"{method} {path} as {role}"
        assert response.status_code == 503, where
        assert response.headers["Retry-After"] == "30", where
        body = response.get_data(as_text=True)
        assert DUTCH_503 in body and "Traceback" not in body, where
        if path.startswith("/api/"):
            assert response.mimetype == "application/problem+json", where
        else:
            assert '<html lang="nl">' in body and "Uitloggen" not in body, where
        request_id = response.headers["X-Request-ID"]
        lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1, (where, [r.getMessage() for r in lines])
        assert f"[request {request_id}]" in lines[0].getMessage(), where
        assert lines[0].exc_info is None and "\n" not in lines[0].getMessage(), where
    return took


def test_a_stopped_hung_or_locked_database_is_a_dutch_503_and_the_app_recovers(
    cluster: Cluster, down_app, caplog
) -> None:
    caplog.set_level(logging.WARNING)
    app, engine, world = down_app
    clients = _clients(app, world["users"])
    for role, _, path in REQUESTS:
        if "bevestigen" not in path and "inloggen" not in path:
            assert clients[role].get(path).status_code == 200, path

    # 1. Stopped.
    cluster.stop()
    stopped = _check_all_503(clients, caplog)

    # 2. Hanging: the postmaster accepts TCP connections but never answers.
    cluster.start()
    app.extensions["activatie.engine"].dispose()
    os.kill(cluster.postmaster_pid(), signal.SIGSTOP)
    try:
        hung = _check_all_503(clients, caplog)
    finally:
        os.kill(cluster.postmaster_pid(), signal.SIGCONT)
    assert max(hung) < 2 * 2 + 1.5, f"a hanging database took {max(hung):.1f} s"

    # 3. Locked: a statement waiting for a lock is cancelled by the statement timeout (1 s).
    # A page this worker kept for the current catalogue version needs no locked table: it is
    # still served (the lock holder has changed nothing yet); a search not asked before waits.
    assert clients["anoniem"].get("/activiteiten").status_code == 200
    with engine.connect() as holder:
        holder.execute(text("LOCK TABLE activity IN ACCESS EXCLUSIVE MODE"))
        kept = clients["anoniem"].get("/activiteiten")
        caplog.clear()
        began = time.monotonic()
        response = clients["anoniem"].get("/activiteiten?q=nooit+eerder+gezocht")
        locked = time.monotonic() - began
        holder.rollback()
    assert kept.status_code == 200
    assert response.status_code == 503 and DUTCH_503 in response.get_data(as_text=True)
    assert locked < 3, f"a locked table took {locked:.1f} s"

    # 4. Back: no restart of the app; measure until the first 200. The pooled connections died
    # with the server: the first public request after it is ready already answers, either
    # pinged and replaced (idle over DATABASE_PING_AFTER_IDLE) or by the version read's retry.
    cluster.stop()
    began = time.monotonic()
    cluster.start()
    ready = time.monotonic()
    answers = []
    while not answers or answers[-1] != 200:
        assert time.monotonic() - ready < 30, "the app did not recover within 30 s"
        if answers:
            time.sleep(0.05)
        answers.append(clients["anoniem"].get("/activiteiten").status_code)
    recovered = time.monotonic()
    assert answers == [200], f"answers after the restart: {answers}"
    for role, _, path in REQUESTS:
        if "bevestigen" not in path and "inloggen" not in path:
            assert clients[role].get(path).status_code == 200, path
    print(
        f"database down: stopped {max(stopped):.2f} s max per request, hung "
        f"{max(hung):.2f} s max, locked {locked:.2f} s; recovered {recovered - ready:.2f} s "
        f"after PostgreSQL was ready ({recovered - began:.2f} s after the start command)"
    )


def test_a_locked_sqlite_file_is_a_dutch_503(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.WARNING)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "DATABASE_BUSY_TIMEOUT": 0.5})
    client = app.test_client()
    with engine.connect() as holder:
        holder.exec_driver_sql("BEGIN EXCLUSIVE")
        holder.exec_driver_sql(
            "INSERT INTO job_run (name, ran_at, details) VALUES ('x', '2026-01-01', '{}')"
        )
        response = client.post(
            "/inloggen", data={"email": "iemand@voorbeeld.nl", "password": "fout"}
        )
        holder.rollback()
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert DUTCH_503 in response.get_data(as_text=True)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "database unavailable" in lines[0].getMessage()
    assert client.post("/inloggen", data={"email": "a@b.nl", "password": "x"}).status_code != 503
    app.extensions["activatie.engine"].dispose()
    engine.dispose()
