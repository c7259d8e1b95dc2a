"""The queries on a database session: the SQL candidate search around a resident and its cap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from geopy.distance import geodesic
from sqlmodel import Session

from activatie import geo
from activatie.models import local_today, utcnow
from activatie.queries import find_matches, match_candidates
from tests import catalogue
from tests.factories import Factory
from tests.unit.test_matching import make_intake


@pytest.fixture
def small(factory: Factory) -> catalogue.Small:
    return catalogue.build(factory)


def test_candidates_come_only_from_the_search_area(
    factory: Factory, session: Session, small
) -> None:
    factory.activity(
        factory.location(latitude=52.3731, longitude=4.8922, postcode="1012", pc4="1012"),
        title="In Amsterdam",
    )
    stale = factory.activity(title="Oud", confirmed_days_ago=200)
    centre = geo.Point(52.5125, 6.0907)
    since = utcnow() - timedelta(days=180)
    found = {c.title for c in match_candidates(session, centre, 10, 45, True, since)}
    assert found == {"Stadsmoestuin", "Fietsen repareren"}
    assert stale.title not in found
    everyone = {c.title for c in match_candidates(session, centre, 150, 9, False, since)}
    assert everyone == {"Voetbal voor iedereen"}


def test_the_candidate_cap_keeps_the_nearest(factory: Factory, session: Session) -> None:
    centre = geo.Point(52.5125, 6.0907)
    organisation = factory.organisation()
    # Activities 0.5, 1, 2, 3 and 4 km away, in different directions, made in a mixed order.
    for km, bearing in ((3, 90), (0.5, 200), (4, 10), (1, 300), (2, 45)):
        end = geodesic(kilometers=km).destination((centre.latitude, centre.longitude), bearing)
        factory.activity(
            factory.location(organisation, latitude=end.latitude, longitude=end.longitude),
            title=f"{km} km",
        )
    since = utcnow() - timedelta(days=180)

    def titles(max_candidates: int | None) -> list[str]:
        found = match_candidates(session, centre, 10, 45, True, since, max_candidates)
        return sorted((c.title for c in found), key=lambda title: float(title.split()[0]))

    assert titles(None) == ["0.5 km", "1 km", "2 km", "3 km", "4 km"]
    assert titles(1000) == titles(None)
    assert titles(3) == ["0.5 km", "1 km", "2 km"]
    assert titles(1) == ["0.5 km"]
    # The cap counts only open activities for this resident, after the rules that never bend.
    factory.activity(factory.location(organisation), title="0 km", status="gepauzeerd")
    assert titles(1) == ["0.5 km"]


def test_a_full_cap_without_a_match_looks_further(factory: Factory, session: Session) -> None:
    """The nearest candidates may all break a rule SQL does not check: no false 'nothing'."""
    centre = geo.Point(52.5125, 6.0907)
    organisation = factory.organisation()
    for km in (0.5, 1.0, 2.0):
        end = geodesic(kilometers=km).destination((centre.latitude, centre.longitude), 90)
        factory.activity(
            factory.location(organisation, latitude=end.latitude, longitude=end.longitude),
            title=f"{km} km",
            free_places=0 if km < 2 else 3,
        )
    intake = make_intake(point=centre, max_distance_km=5.0, slots=frozenset())
    today = local_today()
    capped = find_matches(session, intake, today, 180, max_candidates=2)
    assert [m.candidate.title for m in capped.matches] == ["2.0 km"]
    assert capped.total_matches == 1
    # With room for all of them nothing changes.
    assert [m.candidate.title for m in find_matches(session, intake, today, 180).matches] == [
        "2.0 km"
    ]
