"""HTTP benchmark: the app and a Flask hello-world under the same gunicorn command, side by side.

``make bench-http`` (or ``.venv/bin/python tools/bench_http.py [--seconds 3] [--rounds 3]``)
seeds the Zwolle example catalogue into SQLite in a temporary directory, starts
``gunicorn -c gunicorn.conf.py --workers 2`` on a free loopback port for the app and, with the
identical command, for a hello-world app, and loads each endpoint with a bounded Python client
(threads + ``http.client``, concurrency 8, a fixed duration), interleaved with hello-world, for
three rounds. It prints req/s (median of the rounds), p50 and p99 latency, the hello-world
req/s measured beside each row, the share of hello-world, and the machine's load average.

Only the benchmark runs the app with ``ACTIVATIE_WTF_CSRF_ENABLED=false`` (to post the wizard);
no configuration file changes. Only the Zwolle seed for now: 10k/100k catalogues are later work.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
CONCURRENCY = 8
WORKERS = 2

HELLO = """from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
"""

WIZARD = {
    "stap": "4",
    "postcode": "8043",
    "leeftijd": "45",
    "behoeften": "sociale_contacten",
}


@dataclass(frozen=True)
class Endpoint:
    label: str
    method: str
    path: str
    body: bytes | None = None


@dataclass
class Run:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn(module: str, pythonpath: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    """Start gunicorn with the production settings, two workers, on loopback."""
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
        conn.request(endpoint.method, endpoint.path, body=endpoint.body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped (exit {process.returncode})")
        try:
            request(port, Endpoint("", "GET", "/"))
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on port {port} did not answer")


def load(port: int, endpoint: Endpoint, seconds: float) -> Run:
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
    return Run(len(merged), sum(errors), elapsed, merged)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def seed(env: dict[str, str]) -> None:
    for args in (["db", "upgrade"], ["seed"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "activatie", *args],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def endpoints(port: int) -> list[Endpoint]:
    status, body = request(port, Endpoint("", "GET", "/api/v1/activiteiten"))
    if status != 200:
        raise SystemExit(f"/api/v1/activiteiten answered {status}")
    activity_id = json.loads(body)["activiteiten"][0]["id"]
    matches = "postcode=8043&leeftijd=45&behoeften=sociale_contacten"
    return [
        Endpoint("/", "GET", "/"),
        Endpoint("/activiteiten/<id>", "GET", f"/activiteiten/{activity_id}"),
        Endpoint("/activiteiten?postcode=8011", "GET", "/activiteiten?postcode=8011"),
        Endpoint("/api/v1/activiteiten", "GET", "/api/v1/activiteiten"),
        Endpoint("/api/v1/matches?postcode=8043&…", "GET", f"/api/v1/matches?{matches}"),
        Endpoint(
            "wizard results (POST stap=4)", "POST", "/wat-past-bij-mij", urlencode(WIZARD).encode()
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="load per endpoint per round")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "hello.py").write_text(HELLO)
        env = {
            **os.environ,
            "ACTIVATIE_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{tmpdir / 'bench.sqlite3'}",
            # Only here, to post the wizard without a session: never in production settings.
            "ACTIVATIE_WTF_CSRF_ENABLED": "false",
        }
        env.pop("GUNICORN_CMD_ARGS", None)
        seed(env)
        app_port, hello_port = free_port(), free_port()
        servers = [
            gunicorn("wsgi", ROOT, app_port, env),
            gunicorn("hello", tmpdir, hello_port, env),
        ]
        try:
            wait_until_up(app_port, servers[0])
            wait_until_up(hello_port, servers[1])
            targets = endpoints(app_port)
            hello = Endpoint("hello", "GET", "/")
            for target in targets:  # warm both workers' caches and imports
                load(app_port, target, 0.3)
            load(hello_port, hello, 0.3)
            load_before = os.getloadavg()
            runs: dict[str, list[tuple[Run, Run]]] = {t.label: [] for t in targets}
            for _ in range(options.rounds):
                for target in targets:
                    app_run = load(app_port, target, options.seconds)
                    hello_run = load(hello_port, hello, options.seconds)
                    runs[target.label].append((app_run, hello_run))
            load_after = os.getloadavg()
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
    report(runs, options, load_before, load_after)


def report(runs, options, load_before, load_after) -> None:
    print(
        f"gunicorn -c gunicorn.conf.py --workers {WORKERS}, SQLite, Zwolle seed, "
        f"concurrency {CONCURRENCY}, {options.rounds} rounds x {options.seconds:g} s, "
        f"{os.cpu_count()} cores"
    )
    print(
        "load average (1/5/15 min) before: "
        + " ".join(f"{x:.2f}" for x in load_before)
        + ", after: "
        + " ".join(f"{x:.2f}" for x in load_after)
    )
    print()
    print("| endpoint | req/s | p50 ms | p99 ms | hello-world req/s | share | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    failed = False
    for label, pairs in runs.items():
        rate = statistics.median(app.rate for app, _ in pairs)
        hello_rate = statistics.median(hello.rate for _, hello in pairs)
        latencies = [value for app, _ in pairs for value in app.latencies]
        errors = sum(app.errors + hello.errors for app, hello in pairs)
        failed = failed or errors > 0
        print(
            f"| `{label}` | {rate:.0f} | {percentile(latencies, 0.5) * 1000:.1f} | "
            f"{percentile(latencies, 0.99) * 1000:.1f} | {hello_rate:.0f} | "
            f"{rate / hello_rate:.0%} | {errors} |"
        )
    if failed:
        raise SystemExit("some requests did not answer 200: the figures above are not valid")


if __name__ == "__main__":
    main()
