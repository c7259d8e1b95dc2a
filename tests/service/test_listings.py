"""The listings service on a database session: free places and edits under concurrent writers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from activatie import listings
from activatie.audit import Actor
from activatie.models import (
    Activity,
)
from tests.factories import Factory, reload


def test_free_places_never_go_negative_under_concurrent_decrements(
    engine: Engine, factory: Factory, session: Session
) -> None:
    activity = factory.activity(capacity=5, free_places=5)
    successes: list[int] = []
    failures: list[str] = []
    barrier = threading.Barrier(12)

    def take_one() -> None:
        with Session(engine) as own_session:
            barrier.wait()
            for _ in range(3):
                try:
                    listings.change_free_places(
                        own_session, Actor(None, "test"), activity.id, activity.organisation_id, -1
                    )
                    successes.append(1)
                except listings.ListingError as error:
                    failures.append(str(error))

    threads = [threading.Thread(target=take_one) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(successes) == 5
    assert len(failures) == 31
    assert reload(session, activity).free_places == 0


def test_concurrent_edits_through_the_service_lose_nothing(
    factory: Factory, session: Session, engine: Engine
) -> None:
    activity = factory.activity(title="Start")
    seen = activity.version
    with Session(engine) as first, Session(engine) as second:
        one = first.get(Activity, activity.id)
        two = second.get(Activity, activity.id)
        values = {"title": "Eerste"}
        listings.update_activity(first, Actor(None, "a"), one, seen, values, {})
        with pytest.raises(listings.Conflict):
            listings.update_activity(second, Actor(None, "b"), two, seen, {"title": "Tweede"}, {})
    assert reload(session, activity).title == "Eerste"
