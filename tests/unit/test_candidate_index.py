"""The in-memory index of the open catalogue answers what the candidate query answers.

Here against a plain reference that states the query's rules one by one (the box, the circle on
the local flat map, age, SAH, recently confirmed, the nearest ``limit`` by distance then id);
tests/service/test_candidate_index.py compares it with the query itself on both databases.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from activatie import geo
from activatie.candidate_index import CELL_DEGREES, CandidateIndex, Search
from tests.unit.test_matching import make_candidate

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)

points = st.builds(
    geo.Point,
    st.floats(min_value=50.5, max_value=53.5, allow_nan=False),
    st.floats(min_value=3.0, max_value=7.5, allow_nan=False),
)
ages = st.one_of(st.none(), st.integers(min_value=0, max_value=99))


@st.composite
def entries(draw: st.DrawFn) -> list[tuple[object, datetime]]:
    count = draw(st.integers(min_value=0, max_value=40))
    made = []
    for n in range(1, count + 1):
        # Some share a point (one location, several activities): ties on distance.
        point = draw(st.one_of(points, st.just(geo.Point(52.5125, 6.0907))))
        candidate = make_candidate(
            id=n,
            point=point,
            min_age=draw(ages),
            max_age=draw(ages),
            programme=draw(st.sampled_from(["sah", "inclusief_sporten"])),
        )
        made.append((candidate, NOW - timedelta(days=draw(st.integers(0, 400)))))
    return made


@st.composite
def searches(draw: st.DrawFn) -> Search:
    centre = draw(points)
    reach = draw(st.floats(min_value=0.0, max_value=400.0, allow_nan=False))
    box = geo.bounding_box(centre, reach)
    frame = geo.LocalFrame.around(centre)
    return Search(
        min_latitude=box.min_latitude,
        max_latitude=box.max_latitude,
        min_longitude=box.min_longitude,
        max_longitude=box.max_longitude,
        centre_latitude=centre.latitude,
        centre_longitude=centre.longitude,
        km_per_lat=frame.km_per_lat,
        km_per_lon=frame.km_per_lon,
        squared_radius=reach * reach,
        age=draw(st.integers(min_value=0, max_value=99)),
        sah_eligible=draw(st.booleans()),
        confirmed_since=NOW - timedelta(days=draw(st.integers(0, 400))),
        limit=draw(st.one_of(st.none(), st.integers(min_value=0, max_value=30))),
    )


def reference(made: list[tuple[object, datetime]], s: Search) -> list[int]:
    """The candidate query's rules, one by one, over everything (no grid)."""
    hits = []
    for candidate, confirmed_at in made:
        latitude, longitude = candidate.point.latitude, candidate.point.longitude
        dlat = (latitude - s.centre_latitude) * s.km_per_lat
        dlon = (longitude - s.centre_longitude) * s.km_per_lon
        squared = dlat * dlat + dlon * dlon
        if (
            s.min_latitude <= latitude <= s.max_latitude
            and s.min_longitude <= longitude <= s.max_longitude
            and squared <= s.squared_radius
            and confirmed_at >= s.confirmed_since
            and (candidate.min_age is None or candidate.min_age <= s.age)
            and (candidate.max_age is None or candidate.max_age >= s.age)
            and (s.sah_eligible or candidate.programme != "sah")
        ):
            hits.append((squared, candidate.id))
    hits.sort()
    if s.limit is not None:
        hits = hits[: s.limit]
    return sorted(candidate_id for _, candidate_id in hits)


@settings(max_examples=100, deadline=None)
@given(entries(), searches())
def test_the_index_finds_what_the_rules_find(made, search: Search) -> None:
    index = CandidateIndex(made)
    assert len(index) == len(made)
    assert sorted(c.id for c in index.nearest(search)) == reference(made, search)


def test_a_search_crosses_cell_edges_and_keeps_the_nearest() -> None:
    """Activities a few metres apart on both sides of a cell edge, and a cap of two."""
    edge = 10 * CELL_DEGREES  # 0.5 degrees: a cell edge in both directions
    made = [
        (make_candidate(id=1, point=geo.Point(52.5 - 1e-6, edge * 12 - 1e-6)), NOW),
        (make_candidate(id=2, point=geo.Point(52.5 + 1e-6, edge * 12 + 1e-6)), NOW),
        (make_candidate(id=3, point=geo.Point(52.5 + 0.01, edge * 12)), NOW),
        (make_candidate(id=4, point=geo.Point(52.6, edge * 12)), NOW),  # ~11 km away
    ]
    index = CandidateIndex(made)
    centre = geo.Point(52.5, edge * 12)
    frame = geo.LocalFrame.around(centre)
    box = geo.bounding_box(centre, 5.0)
    search = Search(
        box.min_latitude,
        box.max_latitude,
        box.min_longitude,
        box.max_longitude,
        centre.latitude,
        centre.longitude,
        frame.km_per_lat,
        frame.km_per_lon,
        25.0,
        45,
        True,
        NOW - timedelta(days=180),
        None,
    )
    assert sorted(c.id for c in index.nearest(search)) == [1, 2, 3]
    assert sorted(c.id for c in index.nearest(dataclasses.replace(search, limit=2))) == [1, 2]
    assert index.nearest(dataclasses.replace(search, age=10, limit=2)) != []
    assert index.nearest(dataclasses.replace(search, confirmed_since=NOW + timedelta(1))) == []
