"""Benchmark of matching at national scale: ``python -m bench.matcher``.

Builds a synthetic catalogue of activities spread over the Netherlands in a fresh, temporary
database (the real schema, through the migrations), then times the full matching path,
:func:`queries.find_matches` (SQL prefilter plus the pure matcher), for a fixed, varied set of
resident profiles. A "zwolle" case loads the real example catalogue (what ``flask seed`` loads)
and asks from Zwolle postcodes.

This is a benchmark, not a test: it reports p50/p95/max latency over warm runs, the mean number
of candidates and matches per query (all matches, ``MatchResult.total_matches``; a result holds the
best 50), the split between database and matcher, and memory (the process's peak RSS, and
tracemalloc's peak per query in a separate, untimed pass). Matching runs with its defaults: at
most ``queries.MAX_CANDIDATES`` (500) candidates, the nearest, and the best 50 matches.

Each case gets its own database: a temporary SQLite file by default; with ``--database-url
postgresql+psycopg://...`` a schema of its own (``bench_<pid>_<case>``) that is dropped
afterwards, so the tables of the database itself are never touched.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from activatie import catalogue, geo, geocoding, matching, migrations, queries, seed
from activatie.db import make_engine
from activatie.models import (
    Activity,
    ActivityTerm,
    Location,
    LocationFeature,
    Organisation,
    local_today,
    utcnow,
)
from activatie.vocabulary import (
    ACCESS_ROUTES,
    ACCESSIBILITY,
    ACTIVITY_TYPES,
    GUIDANCE,
    NEEDS,
    ORGANISATION_KINDS,
    SLOTS,
    TARGET_GROUPS,
)

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_QUERIES = 200
WARMUP_QUERIES = 5
TRACEMALLOC_QUERIES = 40
HIDE_AFTER_DAYS = 180

#: (name, latitude, longitude) of the 25 largest municipalities' centres.
CITIES: tuple[tuple[str, float, float], ...] = (
    ("Amsterdam", 52.3728, 4.8936),
    ("Rotterdam", 51.9225, 4.4792),
    ("Den Haag", 52.0705, 4.3007),
    ("Utrecht", 52.0907, 5.1214),
    ("Eindhoven", 51.4416, 5.4697),
    ("Groningen", 53.2194, 6.5665),
    ("Tilburg", 51.5555, 5.0913),
    ("Almere", 52.3508, 5.2647),
    ("Breda", 51.5719, 4.7683),
    ("Nijmegen", 51.8126, 5.8372),
    ("Apeldoorn", 52.2112, 5.9699),
    ("Arnhem", 51.9851, 5.8987),
    ("Haarlem", 52.3874, 4.6462),
    ("Enschede", 52.2215, 6.8937),
    ("Amersfoort", 52.1561, 5.3878),
    ("Zaanstad", 52.4389, 4.8258),
    ("Den Bosch", 51.6978, 5.3037),
    ("Zwolle", 52.5168, 6.0830),
    ("Leiden", 52.1601, 4.4970),
    ("Maastricht", 50.8514, 5.6910),
    ("Dordrecht", 51.8133, 4.6901),
    ("Ede", 52.0402, 5.6649),
    ("Leeuwarden", 53.2012, 5.7999),
    ("Alkmaar", 52.6324, 4.7534),
    ("Deventer", 52.2661, 6.1552),
)

#: Residents in the countryside: few activities nearby.
RURAL: tuple[tuple[str, float, float], ...] = (
    ("Noordoostpolder", 52.70, 5.75),
    ("Drenthe", 52.85, 6.55),
    ("Achterhoek", 52.00, 6.55),
    ("Zeeland", 51.50, 3.90),
    ("Friesland", 53.05, 5.65),
    ("Oost-Groningen", 53.10, 7.00),
    ("Peel", 51.40, 5.85),
    ("Betuwe", 51.90, 5.35),
)

#: Standard deviation in km of activities around a city centre.
CITY_SPREAD_KM = 3.0
#: Share of activities clustered around the city centres; the rest is spread over the land.
CLUSTERED_SHARE = 0.4

_LAT_RANGE = (51.3, 53.4)
_LON_RANGE = (3.6, 7.1)
# A rough coastline, (latitude, longitude) from south to north: west of it is sea.
_COAST = ((51.3, 3.35), (51.9, 4.0), (52.45, 4.55), (52.95, 4.7), (53.2, 4.9), (53.4, 5.6))
_KM_PER_DEGREE = 111.32
_CHUNK = 5_000
_WEEKDAY_SLOTS = tuple(
    f"{day}_{part}" for day in ("ma", "di", "wo", "do", "vr") for part in ("ochtend", "middag")
)


# --- Building a catalogue -------------------------------------------------------------------


@dataclass
class BuildStats:
    seconds: float
    organisations: int = 0
    locations: int = 0
    activities: int = 0
    terms: int = 0
    features: int = 0


def _on_land(latitude: float, longitude: float) -> bool:
    for (lat1, lon1), (lat2, lon2) in zip(_COAST, _COAST[1:], strict=False):
        if lat1 <= latitude <= lat2:
            coast = lon1 + (lon2 - lon1) * (latitude - lat1) / (lat2 - lat1)
            return longitude >= coast
    return True


def random_point(rng: random.Random) -> tuple[float, float]:
    """Return a point: near a city centre (40%) or anywhere on (roughly) Dutch land."""
    if rng.random() < CLUSTERED_SHARE:
        _name, lat, lon = rng.choice(CITIES)
        latitude = lat + rng.gauss(0.0, CITY_SPREAD_KM) / _KM_PER_DEGREE
        longitude = lon + rng.gauss(0.0, CITY_SPREAD_KM) / (
            _KM_PER_DEGREE * math.cos(math.radians(latitude))
        )
        return latitude, longitude
    while True:
        latitude = rng.uniform(*_LAT_RANGE)
        longitude = rng.uniform(*_LON_RANGE)
        if _on_land(latitude, longitude):
            return latitude, longitude


def _sample(rng: random.Random, keys: Sequence[str], low: int, high: int) -> list[str]:
    return rng.sample(list(keys), rng.randint(low, high))


def _slots(rng: random.Random) -> list[str]:
    if rng.random() < 0.85:
        return _sample(rng, _WEEKDAY_SLOTS, 1, 5)
    return _sample(rng, SLOTS.keys, 1, 4)


def _confirmed_days_ago(rng: random.Random) -> int:
    draw = rng.random()
    if draw < 0.90:
        return rng.randint(0, 150)
    if draw < 0.95:
        return rng.randint(151, HIDE_AFTER_DAYS)
    return rng.randint(HIDE_AFTER_DAYS + 1, 720)  # stale: hidden from matching


def _activity_values(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.1:
        programme = "inclusief_sporten"
        min_age = rng.randint(6, 12)
        max_age = rng.randint(max(min_age, 12), 18)
    else:
        programme = "sah"
        min_age = rng.choice((None, None, None, 18, 21, 23))
        max_age = rng.choice((None,) * 8 + (27, 50))
    capacity = rng.randint(4, 30)
    full = rng.random() < 0.25
    paid = rng.random() < 0.2
    draw = rng.random()
    status = "actief" if draw < 0.95 else ("gepauzeerd" if draw < 0.98 else "beeindigd")
    return {
        "programme": programme,
        "min_age": min_age,
        "max_age": max_age,
        "guidance": rng.choice(GUIDANCE.keys),
        "capacity": capacity,
        "free_places": 0 if full else rng.randint(1, capacity),
        "waiting_list": full and rng.random() < 0.5,
        "cost": "eigen_bijdrage" if paid else "gratis",
        "cost_cents": rng.choice((150, 250, 500)) if paid else None,
        "access_route": rng.choice(ACCESS_ROUTES.keys),
        "status": status,
        "is_approved": rng.random() < 0.97,
    }


def _nearest_city(latitude: float, longitude: float) -> str:
    name, lat, lon = min(CITIES, key=lambda c: (c[1] - latitude) ** 2 + (c[2] - longitude) ** 2)
    return name if abs(lat - latitude) < 0.1 and abs(lon - longitude) < 0.15 else "Buitengebied"


def synthetic_chunks(
    size: int, rng: random.Random, now: datetime
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Yield rows for the catalogue tables, a few thousand activities at a time.

    Ids are given explicitly (1, 2, ...), so plain ``executemany`` inserts need no RETURNING.
    A location holds one to three activities; an organisation one to five locations.
    """
    org_id = location_id = 0
    activity_id = 0
    locations_left = activities_left = 0
    org_name = ""
    while activity_id < size:
        rows: dict[str, list[dict[str, Any]]] = {
            "organisation": [],
            "location": [],
            "activity": [],
            "activity_term": [],
            "location_feature": [],
        }
        for _ in range(min(_CHUNK, size - activity_id)):
            if activities_left == 0:
                if locations_left == 0:
                    org_id += 1
                    locations_left = rng.randint(1, 5)
                    kind = rng.choice(ORGANISATION_KINDS.keys)
                    org_name = f"Aanbieder {org_id}"
                    rows["organisation"].append(
                        {
                            "id": org_id,
                            "slug": f"bench-{org_id}",
                            "name": org_name,
                            "kind": kind,
                            "description": "Synthetisch aanbod voor de benchmark.",
                            "website": "",
                            "phone": "",
                            "email": "",
                            "is_approved": rng.random() < 0.99,
                            "is_example": True,
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                        }
                    )
                locations_left -= 1
                location_id += 1
                activities_left = rng.choice((1, 1, 1, 2, 2, 3))
                latitude, longitude = random_point(rng)
                pc4 = str(rng.randint(1000, 9999))
                rows["location"].append(
                    {
                        "id": location_id,
                        "organisation_id": org_id,
                        "slug": f"l{location_id}",
                        "name": f"Locatie {location_id}",
                        "street": "Dorpsstraat",
                        "house_number": str(rng.randint(1, 200)),
                        "postcode": f"{pc4}AB",
                        "pc4": pc4,
                        "city": _nearest_city(latitude, longitude),
                        "district": None,
                        "district_code": None,
                        "latitude": latitude,
                        "longitude": longitude,
                        "version": 1,
                    }
                )
                rows["location_feature"] += [
                    {"location_id": location_id, "feature": key}
                    for key in ACCESSIBILITY.keys
                    if rng.random() < 0.4
                ]
            activities_left -= 1
            activity_id += 1
            types = _sample(rng, ACTIVITY_TYPES.keys, 1, 2)
            confirmed = now - timedelta(days=_confirmed_days_ago(rng))
            rows["activity"].append(
                {
                    "id": activity_id,
                    "organisation_id": org_id,
                    "location_id": location_id,
                    "slug": f"a{activity_id}",
                    "title": f"{ACTIVITY_TYPES.label_of(types[0]).capitalize()} {activity_id}",
                    "summary": "Samen aan de slag.",
                    "description": "",
                    "schedule_note": "",
                    "access_note": "",
                    "created_at": now,
                    "updated_at": now,
                    "confirmed_at": confirmed,
                    "version": 1,
                    **_activity_values(rng),
                }
            )
            facets = {
                "behoeften": _sample(rng, NEEDS.keys, 1, 3),
                "soorten": types,
                "doelgroepen": _sample(rng, TARGET_GROUPS.keys, 0, 2),
                "dagdelen": _slots(rng),
            }
            rows["activity_term"] += [
                {"activity_id": activity_id, "facet": facet, "term": term}
                for facet, terms in facets.items()
                for term in terms
            ]
        yield rows


_TABLES = {
    "organisation": Organisation.__table__,  # type: ignore[attr-defined]
    "location": Location.__table__,  # type: ignore[attr-defined]
    "activity": Activity.__table__,  # type: ignore[attr-defined]
    "activity_term": ActivityTerm.__table__,  # type: ignore[attr-defined]
    "location_feature": LocationFeature.__table__,  # type: ignore[attr-defined]
}


def build_synthetic(engine: Engine, size: int, seed_value: int, now: datetime) -> BuildStats:
    """Migrate the empty database and fill it with ``size`` synthetic activities."""
    started = time.perf_counter()
    migrations.upgrade(engine)
    rng = random.Random(seed_value)
    stats = BuildStats(seconds=0.0)
    with engine.begin() as connection:
        for rows in synthetic_chunks(size, rng, now):
            for name, table in _TABLES.items():
                if rows[name]:
                    connection.execute(table.insert(), rows[name])
            stats.organisations += len(rows["organisation"])
            stats.locations += len(rows["location"])
            stats.activities += len(rows["activity"])
            stats.terms += len(rows["activity_term"])
            stats.features += len(rows["location_feature"])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    stats.seconds = time.perf_counter() - started
    return stats


def build_zwolle(engine: Engine, now: datetime) -> BuildStats:
    """Migrate the empty database and load what ``flask seed`` loads."""
    started = time.perf_counter()
    migrations.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        catalogue.load_postcodes(session, seed.read_postcodes())
        records = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
        catalogue.load_catalogue(session, records, geocoding.make_geocoder(session), now=now)
        counts = queries.catalogue_counts(session)
    return BuildStats(
        seconds=time.perf_counter() - started,
        organisations=counts["aanbieders"],
        locations=counts["locaties"],
        activities=counts["activiteiten"],
    )


def zwolle_places() -> list[tuple[str, float, float]]:
    return [(f"Zwolle {area.pc4}", area.latitude, area.longitude) for area in seed.read_postcodes()]


def national_places() -> list[tuple[str, float, float]]:
    return list(CITIES) + list(RURAL)


# --- Residents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    label: str
    intake: matching.Intake


def _template(index: int) -> tuple[str, dict[str, Any]]:
    """Return one of a fixed set of resident situations (without a point)."""
    templates: list[tuple[str, dict[str, Any]]] = [
        ("fiets 20 min", {"age": 45}),
        (
            "lopen, behoeften",
            {"age": 30, "travel_mode": "lopen", "needs": {"sociale_contacten", "dagritme"}},
        ),
        (
            "ov 10 km, interesses",
            {"age": 60, "travel_mode": "ov", "max_distance_km": 10.0, "interests": {"groen"}},
        ),
        (
            "fiets, dagdelen, behoefte",
            {
                "age": 45,
                "slots": {"di_ochtend", "do_middag"},
                "needs": {"herstel"},
                "guidance": "licht",
            },
        ),
        ("fiets, rolstoel", {"age": 60, "accessibility": {"rolstoel", "toilet_aangepast"}}),
        (
            "fiets, ook vol, gratis",
            {"age": 30, "include_full": True, "only_free": True, "interests": {"koken"}},
        ),
        ("kind van 10", {"age": 10}),
        (
            "fiets 30 min, veel dagdelen",
            {
                "age": 60,
                "max_minutes": 30,
                "slots": {"ma_ochtend", "di_ochtend", "wo_ochtend", "do_ochtend", "vr_ochtend"},
                "guidance": "intensief",
            },
        ),
        (
            "lopen, prikkelarm, maandag",
            {
                "age": 30,
                "travel_mode": "lopen",
                "accessibility": {"prikkelarm"},
                "slots": {"ma_ochtend", "ma_middag"},
            },
        ),
        (
            "ov, ook vol, alles",
            {
                "age": 45,
                "travel_mode": "ov",
                "include_full": True,
                "needs": {"werkvaardigheden", "meedoen"},
                "interests": {"hout_techniek", "fietsen", "administratie"},
                "guidance": "zelfstandig",
            },
        ),
    ]
    name, values = templates[index % len(templates)]
    frozen = {k: frozenset(v) if isinstance(v, set) else v for k, v in values.items()}
    return name, frozen


def make_profiles(
    places: Sequence[tuple[str, float, float]], count: int, rng: random.Random
) -> list[Profile]:
    """Return ``count`` residents: every template in turn, at places in a shuffled cycle.

    A resident lives up to about a kilometre from the place's centre.
    """
    order = list(places)
    rng.shuffle(order)
    profiles = []
    for i in range(count):
        name, values = _template(i)
        place, lat, lon = order[i % len(order)]
        point = geo.Point(lat + rng.uniform(-0.008, 0.008), lon + rng.uniform(-0.012, 0.012))
        intake = matching.Intake(point=point, aow_reached=False, **values)
        profiles.append(Profile(f"{place}: {name}", intake))
    return profiles


# --- Measuring ------------------------------------------------------------------------------


def _percentile(values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def measure(
    engine: Engine, profiles: Sequence[Profile], today: date, tracemalloc_queries: int
) -> dict[str, Any]:
    """Time ``find_matches`` per profile (warm), then a breakdown pass, then a tracemalloc pass."""

    def find(profile: Profile) -> matching.MatchResult:
        with Session(engine) as session:
            return queries.find_matches(session, profile.intake, today, HIDE_AFTER_DAYS)

    for profile in profiles[:WARMUP_QUERIES]:
        find(profile)

    gc.collect()
    timings: list[float] = []
    matches: list[int] = []
    shown: list[int] = []
    slowest = ("", 0.0)
    for profile in profiles:
        with Session(engine) as session:
            started = time.perf_counter()
            result = queries.find_matches(session, profile.intake, today, HIDE_AFTER_DAYS)
            elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        matches.append(result.total_matches)
        shown.append(len(result.matches))
        if elapsed > slowest[1]:
            slowest = (profile.label, elapsed)

    # Breakdown: the same calls as find_matches makes, timed apart (untimed in the figures above).
    options = matching.Options(stale_after_days=HIDE_AFTER_DAYS)
    since = datetime.combine(today, clock.min, tzinfo=UTC) - timedelta(days=HIDE_AFTER_DAYS)
    candidates: list[int] = []
    sql_ms: list[float] = []
    match_ms: list[float] = []
    for profile in profiles:
        intake = profile.intake
        with Session(engine) as session:
            started = time.perf_counter()
            found = queries.match_candidates(
                session,
                intake.point,
                matching.search_radius_km(intake, options),
                intake.age,
                sah_eligible=intake.sah_eligible,
                confirmed_since=since,
            )
            middle = time.perf_counter()
            matching.match(intake, found, today, options)
            ended = time.perf_counter()
        candidates.append(len(found))
        sql_ms.append((middle - started) * 1000)
        match_ms.append((ended - middle) * 1000)

    peaks: list[float] = []
    tracemalloc.start()
    try:
        for profile in profiles[:tracemalloc_queries]:
            tracemalloc.reset_peak()
            base, _ = tracemalloc.get_traced_memory()
            find(profile)
            _, peak = tracemalloc.get_traced_memory()
            peaks.append((peak - base) / 1024 / 1024)
    finally:
        tracemalloc.stop()

    return {
        "queries": len(timings),
        "p50_ms": _percentile(timings, 0.50),
        "p95_ms": _percentile(timings, 0.95),
        "max_ms": max(timings),
        "mean_ms": statistics.fmean(timings),
        "slowest": slowest[0],
        "mean_candidates": statistics.fmean(candidates),
        "max_candidates": max(candidates),
        "mean_matches": statistics.fmean(matches),
        "max_matches": max(matches),
        "mean_shown": statistics.fmean(shown),
        "p50_sql_ms": _percentile(sql_ms, 0.50),
        "p95_sql_ms": _percentile(sql_ms, 0.95),
        "p50_match_ms": _percentile(match_ms, 0.50),
        "p95_match_ms": _percentile(match_ms, 0.95),
        "tracemalloc_peak_mb": max(peaks) if peaks else 0.0,
        "peak_rss_mb": _peak_rss_mb(),
    }


# --- Databases ------------------------------------------------------------------------------


@contextmanager
def case_database(url: str | None, case: str, workdir: Path) -> Iterator[Engine]:
    """Yield an engine on an empty database for one case, and remove it afterwards.

    SQLite (``url`` None or ``sqlite:///...``): a new file, deleted afterwards. PostgreSQL: a new
    schema in that database, first on the search path, dropped afterwards (CASCADE).
    """
    if url is None or make_url(url).get_backend_name() == "sqlite":
        if url is None:
            path = workdir / f"bench-{case}.sqlite3"
        else:
            given = Path(make_url(url).database or "bench.sqlite3")
            path = given.with_name(f"{given.stem}-{case}{given.suffix or '.sqlite3'}")
        if path.exists():
            raise SystemExit(f"{path} bestaat al; kies een ander pad.")
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("Alleen SQLite en PostgreSQL worden ondersteund.")
    schema = f"bench_{os.getpid()}_{case}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- Running --------------------------------------------------------------------------------


def run_case(
    case: str,
    build: Callable[[Engine], BuildStats],
    places: Sequence[tuple[str, float, float]],
    *,
    url: str | None,
    workdir: Path,
    query_count: int,
    seed_value: int,
    today: date,
    tracemalloc_queries: int = TRACEMALLOC_QUERIES,
) -> dict[str, Any]:
    """Build one catalogue in its own database and measure matching on it."""
    with case_database(url, case, workdir) as engine:
        stats = build(engine)
        profiles = make_profiles(places, query_count, random.Random(seed_value))
        figures = measure(engine, profiles, today, tracemalloc_queries)
        backend = engine.dialect.name
    return {
        "case": case,
        "database": backend,
        "activities": stats.activities,
        "locations": stats.locations,
        "organisations": stats.organisations,
        "build_s": stats.seconds,
        **figures,
    }


def run(
    sizes: Sequence[int],
    *,
    query_count: int = DEFAULT_QUERIES,
    url: str | None = None,
    seed_value: int = 1,
    zwolle: bool = True,
    tracemalloc_queries: int = TRACEMALLOC_QUERIES,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the benchmark: the Zwolle catalogue (optional), then each synthetic size."""
    now = utcnow()
    today = local_today()
    reports = []
    with tempfile.TemporaryDirectory(prefix="activatie-bench-") as tmp:
        common = {
            "url": url,
            "workdir": Path(tmp),
            "query_count": query_count,
            "seed_value": seed_value,
            "today": today,
            "tracemalloc_queries": tracemalloc_queries,
        }
        cases: list[tuple[str, Callable[[Engine], BuildStats], Any]] = []
        if zwolle:
            cases.append(("zwolle", lambda engine: build_zwolle(engine, now), zwolle_places()))
        for size in sizes:
            cases.append(
                (
                    str(size),
                    lambda engine, size=size: build_synthetic(engine, size, seed_value, now),
                    national_places(),
                )
            )
        for case, build, places in cases:
            if progress:
                progress(f"{case}: bouwen en meten ...")
            report = run_case(case, build, places, **common)
            if progress:
                progress(format_table([report], header=False))
            reports.append(report)
    return reports


_COLUMNS = (
    ("case", "case", "{}"),
    ("activities", "activities", "{}"),
    ("build_s", "build s", "{:.1f}"),
    ("p50_ms", "p50 ms", "{:.2f}"),
    ("p95_ms", "p95 ms", "{:.2f}"),
    ("max_ms", "max ms", "{:.2f}"),
    ("p95_sql_ms", "p95 sql", "{:.2f}"),
    ("p95_match_ms", "p95 match", "{:.2f}"),
    ("mean_candidates", "cand.", "{:.0f}"),
    ("max_candidates", "max cand.", "{}"),
    ("mean_matches", "matches", "{:.0f}"),
    ("mean_shown", "shown", "{:.0f}"),
    ("peak_rss_mb", "RSS MB", "{:.0f}"),
    ("tracemalloc_peak_mb", "tracemalloc MB", "{:.2f}"),
)


def format_table(reports: Sequence[dict[str, Any]], header: bool = True) -> str:
    """Return the reports as a plain-text table, one row per case."""
    rows = [[fmt.format(report[key]) for key, _title, fmt in _COLUMNS] for report in reports]
    titles = [title for _key, title, _fmt in _COLUMNS]
    widths = [max([len(t)] + [len(r[i]) for r in rows]) for i, t in enumerate(titles)]
    lines = []
    if header:
        lines.append("  ".join(t.rjust(w) for t, w in zip(titles, widths, strict=True)))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def parse_sizes(text_value: str) -> list[int]:
    try:
        sizes = [int(part) for part in text_value.replace("_", "").split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes: whole numbers separated by commas") from None
    if any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matcher", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="synthetic catalogue sizes (default 1000,10000,100000)",
    )
    parser.add_argument(
        "--queries", type=int, default=DEFAULT_QUERIES, help="timed queries per size (200)"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: temporary SQLite files; a PostgreSQL URL gets a schema per case",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--no-zwolle", action="store_true", help="skip the Zwolle catalogue")
    parser.add_argument(
        "--tracemalloc-queries",
        type=int,
        default=TRACEMALLOC_QUERIES,
        help=f"queries in the (untimed) tracemalloc pass ({TRACEMALLOC_QUERIES})",
    )
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    args = parser.parse_args(argv)
    if args.queries < 1:
        parser.error("--queries must be at least 1")

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    reports = run(
        args.sizes,
        query_count=args.queries,
        url=args.database_url,
        seed_value=args.seed,
        zwolle=not args.no_zwolle,
        tracemalloc_queries=args.tracemalloc_queries,
        progress=None if args.json else progress,
    )
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        print(format_table(reports))
        for report in reports:
            print(f"{report['case']}: slowest query: {report['slowest']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
