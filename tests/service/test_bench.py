"""Smoke test of the benchmark machinery (``python -m bench.matcher``); no timing assertions."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from activatie import geo, matching
from activatie.db import make_engine
from activatie.models import utcnow
from bench import matcher

KEYS = {
    "case",
    "database",
    "activities",
    "build_s",
    "queries",
    "p50_ms",
    "p95_ms",
    "max_ms",
    "mean_candidates",
    "mean_matches",
    "mean_shown",
    "p95_sql_ms",
    "p95_match_ms",
    "peak_rss_mb",
    "tracemalloc_peak_mb",
}


def test_small_run_reports_sane_figures(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    reports = matcher.run([200], query_count=5, url=url, seed_value=3, tracemalloc_queries=2)

    assert [r["case"] for r in reports] == ["zwolle", "200"]
    for report in reports:
        assert report.keys() >= KEYS
        assert report["database"] == "sqlite"
        assert report["queries"] == 5
        assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["max_ms"]
        assert report["mean_candidates"] >= report["mean_matches"] >= report["mean_shown"] >= 0
        assert report["peak_rss_mb"] > 0
        assert report["tracemalloc_peak_mb"] >= 0
    assert reports[0]["activities"] == 64
    assert reports[1]["activities"] == 200
    assert reports[0]["mean_matches"] > 0  # Zwolle residents find something nearby
    assert list(tmp_path.iterdir()) == []  # every case's database is removed
    table = matcher.format_table(reports)
    assert "p95 ms" in table and "zwolle" in table


def test_synthetic_catalogue_follows_the_schema_and_the_spread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    try:
        stats = matcher.build_synthetic(engine, 300, seed_value=5, now=utcnow())
        with engine.connect() as connection:
            points = connection.exec_driver_sql("SELECT latitude, longitude FROM location").all()
    finally:
        engine.dispose()
    assert stats.activities == 300
    assert 100 <= stats.locations <= 300
    assert stats.terms >= 3 * 300
    assert all(50.0 < lat < 54.0 and 3.0 < lon < 7.5 for lat, lon in points)


def test_profiles_are_fixed_and_varied() -> None:
    places = matcher.national_places()
    first = matcher.make_profiles(places, 20, random.Random(1))
    again = matcher.make_profiles(places, 20, random.Random(1))
    assert first == again
    modes = {p.intake.travel_mode for p in first}
    assert modes == {"fiets", "lopen", "ov"}
    assert any(p.intake.age < matching.SAH_MIN_AGE for p in first)
    assert any(p.intake.slots for p in first) and any(p.intake.accessibility for p in first)
    assert all(isinstance(p.intake.point, geo.Point) for p in first)


@pytest.mark.parametrize("text", ["1000,10000", "1_000"])
def test_sizes_parse(text: str) -> None:
    assert all(size > 0 for size in matcher.parse_sizes(text))


#: What ``python -m bench.http_load`` reports on (README "HTTP performance").
HTTP_ENDPOINTS = (
    "/",
    "/activiteiten/<id>",
    "/activiteiten?postcode=8011",
    "/api/v1/activiteiten",
    "/api/v1/matches?postcode=8043&…",
    "wizard results (POST, last step)",
    "consultant match (GET)",
)


def test_the_http_benchmark_runs_and_reports_every_endpoint() -> None:
    """``make bench-http`` end to end, briefly: the app and the hello-world under the same
    gunicorn.conf.py, every endpoint answering 200 (the benchmark fails on any other answer),
    a row per endpoint with a rate and a share. No timing is asserted beyond "it served"."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "ACTIVATIE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "bench.http_load", "--sizes", "seed", "--databases", "sqlite"]
        + ["--cache", "on", "--client", "python", "--seconds", "0.3", "--rounds", "1"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    rows = {
        line.split("|")[1].strip().strip("`"): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in done.stdout.splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == set(HTTP_ENDPOINTS)
    for label, (rate, p50, _p99, hello, share, errors) in rows.items():
        assert float(rate) > 0 and float(hello) > 0 and float(p50) > 0, label
        assert share.endswith("%") and int(share[:-1]) > 0, label
        assert errors == "0", label
    assert "sqlite, Zwolle seed, cache on; load average" in done.stdout
