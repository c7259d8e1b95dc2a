"""HTTP benchmark: the app and a Flask hello-world under the same gunicorn command, side by side.

``make bench-http`` (or ``.venv/bin/python -m bench.http_load [--seconds 2] [--rounds 3]``)
builds a catalogue in a fresh database, starts ``gunicorn -c gunicorn.conf.py`` with as many
sync workers as the machine has cores on a free loopback port for the app and, with the
identical command, for a hello-world app, and loads each endpoint at concurrency 8 for a fixed
time, interleaved with hello-world, for three rounds. It prints req/s (median of the rounds),
p50 and p99 latency, the hello-world req/s measured beside each row, the share of hello-world,
and the machine's load average.

Sizes and databases (options, or the environment variables in brackets):

- ``--sizes seed,10000,100000`` (``BENCH_SIZES``, default ``seed``): the Zwolle example
  catalogue (what ``flask seed`` loads), or that many synthetic activities spread over the
  Netherlands (:func:`bench.matcher.build_synthetic`) with the Zwolle postcode table;
- ``--databases sqlite,postgresql`` (``BENCH_DB``, default both): SQLite in a temporary
  directory; PostgreSQL in a database of its own, ``--pg-database`` (``BENCH_PG_DATABASE``,
  default ``activatie_bench_http``), created through ``--pg-url`` (``BENCH_PG_URL``, default the
  local server's ``postgres`` database) and dropped afterwards. That database must not hold
  anything else: it is dropped first when it exists;
- ``--cache on,off`` (``BENCH_CACHE``, default both): with the app's per-worker caches
  (``activatie/caching.py``), where every request after the first of its kind is answered from
  what the worker kept for this catalogue version; and without them, where every request is
  computed as if it were the first (the worst case, and what a rare query gets).

The load generator is ``wrk`` when it is installed (Debian's ``wrk``; ``--client python`` for a
bounded Python client: threads and ``http.client``, which itself uses a core and so flatters the
app's share of hello-world). The consultant's match page is posted with a session cookie the
benchmark signs itself for a consultant account it creates (with a second factor, as the role
needs). Only the benchmark runs the app with ``ACTIVATIE_WTF_CSRF_ENABLED=false`` (to post the
forms without a session token); no configuration file changes. It also raises
``ACTIVATIE_MATCH_INDEX_BACKGROUND_FROM`` so that each worker builds its match index as it starts
(gunicorn.conf.py ``post_worker_init``), before it answers, rather than in a background thread
while the match endpoints are being timed: the figures are those of a worker that has its index
(README "Matching at scale").
The default run (Zwolle seed, both databases, cache on and off) takes about eight minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CONCURRENCY = 8
WORKERS = os.cpu_count() or 2
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

HELLO = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
"""

MATCH = {"postcode": "8043", "leeftijd": "45", "behoeften": "sociale_contacten"}


# The wizard's last answer: its results (as many steps as the wizard has questions).
def wizard_results() -> dict[str, str]:
    from activatie.views.public import STEPS

    return {"stap": str(len(STEPS)), **MATCH}


WRK_SCRIPT = """wrk.method = "{method}"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
{cookie}
"""


@dataclass(frozen=True)
class Endpoint:
    label: str
    method: str
    path: str
    body: bytes | None = None
    cookie: str | None = None


@dataclass
class Run:
    rate: float
    p50: float
    p99: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn(module: str, pythonpath: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    """Start gunicorn with the production settings, WORKERS sync workers, on loopback."""
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--pythonpath",
        str(pythonpath),
        f"{module}:app",
    ]
    return subprocess.Popen(
        command, env=env, cwd=pythonpath, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def request(port: int, endpoint: Endpoint) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        headers = {"Host": f"{HOST}:{port}"}
        if endpoint.body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if endpoint.cookie:
            headers["Cookie"] = endpoint.cookie
        conn.request(endpoint.method, endpoint.path, body=endpoint.body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped (exit {process.returncode})")
        try:
            request(port, Endpoint("", "GET", "/"))
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on port {port} did not answer")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def load_python(port: int, endpoint: Endpoint, seconds: float) -> Run:
    """Send requests from CONCURRENCY threads for ``seconds``; each waits for its answer."""
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONCURRENCY)]
    errors = [0] * CONCURRENCY

    def client(slot: int) -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                status, _ = request(port, endpoint)
            except OSError:
                status = 0
            latencies[slot].append(time.perf_counter() - start)
            if status != 200:
                errors[slot] += 1

    begin = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    merged = [value for values in latencies for value in values]
    return Run(
        len(merged) / elapsed, percentile(merged, 0.5), percentile(merged, 0.99), sum(errors)
    )


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def load_wrk(port: int, endpoint: Endpoint, seconds: float, scripts: Path) -> Run:
    """Load with wrk (2 threads, CONCURRENCY connections) and read its summary."""
    command = [
        "wrk",
        "-t2",
        f"-c{CONCURRENCY}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if endpoint.method != "GET" or endpoint.cookie:
        script = scripts / f"{abs(hash(endpoint))}.lua"
        cookie = f'wrk.headers["Cookie"] = "{endpoint.cookie}"' if endpoint.cookie else ""
        script.write_text(
            WRK_SCRIPT.format(
                method=endpoint.method, body=(endpoint.body or b"").decode(), cookie=cookie
            )
        )
        command += ["-s", str(script)]
    command.append(f"http://{HOST}:{port}{endpoint.path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _seconds(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _seconds(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    return Run(rate, p50, p99, errors)


# --- Databases and catalogues -------------------------------------------------------------


@contextlib.contextmanager
def database(kind: str, size: str, tmpdir: Path, options: argparse.Namespace) -> Iterator[str]:
    """Yield the URL of a fresh, empty database; remove it afterwards."""
    if kind == "sqlite":
        path = tmpdir / f"bench-{size}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = options.pg_database
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit("--pg-database: lower-case letters, digits and _ only")
    admin = create_engine(options.pg_url, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as connection:
        connection.execute(drop)
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(options.pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


def build(url: str, size: str, env: dict[str, str]) -> None:
    """Fill the database: the Zwolle seed, or ``size`` synthetic activities and the postcodes."""
    if size == "seed":
        subprocess.run(
            [str(BIN / "flask"), "--app", "activatie", "seed"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return
    from sqlmodel import Session

    from activatie import catalogue, seed, signpost_store
    from activatie.db import make_engine
    from bench import matcher

    engine = make_engine(url)
    try:
        matcher.build_synthetic(engine, int(size), 1, datetime.now(UTC))
        with Session(engine) as session:
            catalogue.load_postcodes(session, seed.read_postcodes())
            signpost_store.load_signposts(session, seed.read_signposts())
    finally:
        engine.dispose()


def consultant_cookie(url: str, secret_key: str) -> str:
    """Create a consultant with a second factor and return a session cookie that has passed
    both steps (as tests.factories.login_as does), signed with the app's secret key."""
    import pyotp
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from sqlmodel import Session

    from activatie import mfa
    from activatie.db import make_engine
    from activatie.models import User

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            user = User(
                email=f"bench-{secrets.token_hex(4)}@voorbeeld.nl",
                name="Benchmark consulent",
                role="consulent",
                password_hash="!",  # no password: this account only exists for the benchmark
                totp_secret=mfa.seal(secret_key, pyotp.random_base32()),
            )
            session.add(user)
            session.commit()
            user_id, cookie_id = user.id, user.get_id()
    finally:
        engine.dispose()
    signer = Flask("bench")
    signer.secret_key = secret_key
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    value = serializer.dumps({"_user_id": cookie_id, "_fresh": True, "tweestaps": user_id})  # type: ignore[union-attr]
    return f"__Host-activatie={value}"


def endpoints(port: int, cookie: str) -> list[Endpoint]:
    status, body = request(port, Endpoint("", "GET", "/api/v1/activiteiten"))
    if status != 200:
        raise SystemExit(f"/api/v1/activiteiten answered {status}")
    activity_id = json.loads(body)["activiteiten"][0]["id"]
    return [
        Endpoint("/", "GET", "/"),
        Endpoint("/activiteiten/<id>", "GET", f"/activiteiten/{activity_id}"),
        Endpoint("/activiteiten?postcode=8011", "GET", "/activiteiten?postcode=8011"),
        Endpoint("/api/v1/activiteiten", "GET", "/api/v1/activiteiten"),
        Endpoint("/api/v1/matches?postcode=8043&…", "GET", f"/api/v1/matches?{urlencode(MATCH)}"),
        Endpoint(
            "wizard results (POST, last step)",
            "POST",
            "/wat-past-bij-mij",
            urlencode(wizard_results()).encode(),
        ),
        Endpoint(
            "consultant match (GET)", "GET", f"/consulent/matchen?{urlencode(MATCH)}", None, cookie
        ),
    ]


# --- Running --------------------------------------------------------------------------------


@dataclass
class Result:
    database: str
    size: str
    cache: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    runs: dict[str, list[tuple[Run, Run]]]


#: ``off``: the app's per-worker caches (activatie/caching.py) turned off, so every request is
#: answered as if it were the first of its kind (the worst case: a query nobody asked before).
CACHE_OFF = {"ACTIVATIE_CATALOGUE_CACHE_MB": "0", "ACTIVATIE_CATALOGUE_CACHE_MATCHES": "0"}


def run_case(
    kind: str, size: str, tmpdir: Path, hello_port: int, base_env: dict[str, str], options
) -> list[Result]:
    results = []
    with database(kind, size, tmpdir, options) as url:
        env = {**base_env, "DATABASE_URL": url}
        print(f"{kind}, {size}: building the catalogue", file=sys.stderr, flush=True)
        subprocess.run(
            [str(BIN / "flask"), "--app", "activatie", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        build(url, size, env)
        cookie = consultant_cookie(url, env["SECRET_KEY"])
        for cache in options.cache:
            server_env = env if cache == "on" else {**env, **CACHE_OFF}
            results.append(measure(kind, size, cache, hello_port, server_env, cookie, options))
    return results


def measure(
    kind: str, size: str, cache: str, hello_port: int, env: dict[str, str], cookie: str, options
) -> Result:
    port = free_port()
    server = gunicorn("wsgi", ROOT, port, env)
    try:
        wait_until_up(port, server)
        targets = endpoints(port, cookie)
        for target in targets:  # every one must answer 200 before it is timed
            status, body = request(port, target)
            if status != 200:
                raise SystemExit(f"{target.label} answered {status}: {body[:300]!r}")
        hello = Endpoint("hello", "GET", "/")
        for target in targets:  # warm every worker's caches and imports
            load_python(port, target, 0.3)
        print(f"{kind}, {size}, cache {cache}: measuring", file=sys.stderr, flush=True)
        load_before = os.getloadavg()
        runs: dict[str, list[tuple[Run, Run]]] = {t.label: [] for t in targets}
        for _ in range(options.rounds):
            for target in targets:
                app_run = options.load(port, target, options.seconds)
                hello_run = options.load(hello_port, hello, options.seconds)
                runs[target.label].append((app_run, hello_run))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return Result(kind, size, cache, load_before, load_after, runs)


def parse_list(text: str, allowed: set[str] | None = None) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    for item in items:
        if allowed is not None and item not in allowed:
            raise argparse.ArgumentTypeError(f"{item}: choose from {', '.join(sorted(allowed))}")
        if allowed is None and item != "seed" and not item.isdigit():
            raise argparse.ArgumentTypeError(f"{item}: 'seed' or a number of activities")
    return items


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.http_load", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--seconds", type=float, default=2, help="load per endpoint per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sizes", type=parse_list, default=parse_list(os.environ.get("BENCH_SIZES", "seed"))
    )
    parser.add_argument(
        "--databases",
        type=lambda text: parse_list(text, {"sqlite", "postgresql"}),
        default=parse_list(
            os.environ.get("BENCH_DB", "sqlite,postgresql"), {"sqlite", "postgresql"}
        ),
    )
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument(
        "--pg-database", default=os.environ.get("BENCH_PG_DATABASE", "activatie_bench_http")
    )
    parser.add_argument(
        "--client",
        choices=("wrk", "python"),
        default=os.environ.get("BENCH_CLIENT") or ("wrk" if shutil.which("wrk") else "python"),
    )
    parser.add_argument(
        "--cache",
        type=lambda text: parse_list(text, {"on", "off"}),
        default=parse_list(os.environ.get("BENCH_CACHE", "on,off"), {"on", "off"}),
        help="the app's per-worker caches: on (repeat asks), off (every ask the first), or both",
    )
    options = parser.parse_args()

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        tmpdir = Path(tmp)
        if options.client == "wrk":
            options.load = lambda port, endpoint, seconds: load_wrk(port, endpoint, seconds, tmpdir)
        else:
            options.load = load_python
        (tmpdir / "hello.py").write_text(HELLO)
        env = {
            **os.environ,
            "ACTIVATIE_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            # Only here, to post the forms without a session token: never in production.
            "ACTIVATIE_WTF_CSRF_ENABLED": "false",
            # Each worker builds its match index before it answers (see above).
            "ACTIVATIE_MATCH_INDEX_BACKGROUND_FROM": "1000000000",
        }
        env.pop("GUNICORN_CMD_ARGS", None)
        env.pop("ACTIVATIE_WORKERS", None)
        hello_port = free_port()
        hello_server = gunicorn("hello", tmpdir, hello_port, {**env, "DATABASE_URL": ""})
        try:
            wait_until_up(hello_port, hello_server)
            load_python(hello_port, Endpoint("hello", "GET", "/"), 0.3)
            for kind in options.databases:
                for size in options.sizes:
                    results.extend(run_case(kind, size, tmpdir, hello_port, env, options))
        finally:
            hello_server.terminate()
            hello_server.wait(timeout=30)
    report(results, options)


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in values)


def report(results: list[Result], options) -> None:
    failed = False
    print(
        f"gunicorn -c gunicorn.conf.py --workers {WORKERS} (sync), {os.cpu_count()} cores, "
        f"client {options.client}, concurrency {CONCURRENCY}, "
        f"{options.rounds} rounds x {options.seconds:g} s"
    )
    for result in results:
        size = "Zwolle seed" if result.size == "seed" else f"{int(result.size):,} activities"
        print()
        print(
            f"{result.database}, {size}, cache {result.cache}; load average (1/5/15 min) before "
            f"{_load(result.load_before)}, after {_load(result.load_after)}"
        )
        print()
        print("| endpoint | req/s | p50 ms | p99 ms | hello-world req/s | share | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, pairs in result.runs.items():
            rate = statistics.median(app.rate for app, _ in pairs)
            hello_rate = statistics.median(hello.rate for _, hello in pairs)
            p50 = statistics.median(app.p50 for app, _ in pairs)
            p99 = max(app.p99 for app, _ in pairs)
            errors = sum(app.errors + hello.errors for app, hello in pairs)
            failed = failed or errors > 0
            print(
                f"| `{label}` | {rate:.0f} | {p50 * 1000:.1f} | {p99 * 1000:.1f} | "
                f"{hello_rate:.0f} | {rate / hello_rate:.0%} | {errors} |"
            )
    if failed:
        raise SystemExit("some requests did not answer 200: the figures above are not valid")


if __name__ == "__main__":
    main()
