"""The match index (activatie/candidate_index.py) finds what the candidate query finds, on this
database: the same candidates, field for field (terms and features included), for searches of
every shape; and a search answered from it ranks the same as one answered by the query."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session

from activatie import geo, matching
from activatie.candidate_index import CandidateIndex
from activatie.models import local_today, utcnow
from activatie.queries import (
    candidate_search,
    count_open,
    find_matches,
    match_candidates,
    open_candidates,
)
from tests.factories import Factory
from tests.unit.test_matching import make_intake

ZWOLLE = geo.Point(52.5125, 6.0907)


def varied_catalogue(factory: Factory, rng: random.Random) -> None:
    """Forty activities around Zwolle with every kind of difference the query filters on."""
    approved = factory.organisation()
    unapproved = factory.organisation(is_approved=False)
    for n in range(40):
        organisation = approved if n % 9 else unapproved
        location = factory.location(
            organisation,
            latitude=ZWOLLE.latitude + rng.uniform(-0.25, 0.25),
            longitude=ZWOLLE.longitude + rng.uniform(-0.35, 0.35),
            accessibility=rng.sample(["rolstoel", "ov_dichtbij", "prikkelarm"], rng.randint(0, 2)),
        )
        for _ in range(rng.randint(1, 2)):  # some locations hold two activities
            factory.activity(
                location,
                programme=rng.choice(["sah", "sah", "inclusief_sporten"]),
                status=rng.choice(["actief", "actief", "actief", "gepauzeerd", "beeindigd"]),
                is_approved=rng.random() > 0.1,
                **rng.choice(
                    [
                        {"min_age": None, "max_age": None},
                        {"min_age": 6, "max_age": 17},
                        {"min_age": 18, "max_age": None},
                        {"min_age": 30, "max_age": 65},
                    ]
                ),
                confirmed_days_ago=rng.choice([1, 30, 179, 181, 300]),
                needs=rng.sample(["sociale_contacten", "dagritme", "bewegen"], rng.randint(0, 2)),
                slots=rng.sample(["ma_ochtend", "di_middag", "wo_ochtend"], rng.randint(0, 3)),
                types=rng.sample(["groen", "koken"], rng.randint(0, 2)),
            )


def test_the_index_finds_what_the_query_finds(factory: Factory, session: Session) -> None:
    rng = random.Random(11)
    varied_catalogue(factory, rng)
    version, entries = open_candidates(session.connection())
    assert version is not None
    assert len(entries) == count_open(session.connection())
    index = CandidateIndex(entries)
    since = utcnow() - timedelta(days=180)
    checked = 0
    for _ in range(60):
        centre = geo.Point(
            ZWOLLE.latitude + rng.uniform(-0.2, 0.2), ZWOLLE.longitude + rng.uniform(-0.3, 0.3)
        )
        radius = rng.choice([0.5, 3.0, 8.0, 20.0, 60.0])
        age = rng.choice([10, 17, 18, 45, 66])
        sah = rng.random() > 0.3
        cap = rng.choice([None, 1, 5, 500])
        expected = match_candidates(session, centre, radius, age, sah, since, cap)
        found = index.nearest(candidate_search(centre, radius, age, sah, since, cap))
        assert sorted(found, key=lambda c: c.id) == sorted(expected, key=lambda c: c.id)
        checked += bool(expected)
    assert checked > 20  # most searches found something to compare


def test_a_match_from_the_index_is_the_match_from_the_query(
    factory: Factory, session: Session
) -> None:
    rng = random.Random(5)
    varied_catalogue(factory, rng)
    _, entries = open_candidates(session.connection())
    index = CandidateIndex(entries)
    today = local_today()
    found = 0
    for needs in ({"sociale_contacten"}, {"dagritme", "bewegen"}, set()):
        for cap in (3, 500):
            intake = make_intake(
                point=ZWOLLE, needs=frozenset(needs), slots=frozenset(), max_distance_km=30.0
            )
            by_query = find_matches(session, intake, today, 180, max_candidates=cap)
            by_index = find_matches(session, intake, today, 180, max_candidates=cap, index=index)
            assert by_index == by_query
            assert isinstance(by_index, matching.MatchResult)
            found += len(by_index.matches) + len(by_index.near_misses)
    assert found > 0
