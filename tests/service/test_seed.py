"""The example data: loads, meets the brief's counts, and loading twice changes nothing."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from sqlmodel import Session, func, select

from activatie import geo, seed
from activatie.models import Activity, Location, Organisation, PostcodeArea
from activatie.vocabulary import ORGANISATION_KINDS

# domain.md, "Geography": Zwolle's 25 residential PC4 codes.
ZWOLLE_PC4 = {
    *map(str, range(8011, 8018)),
    "8019",
    *map(str, range(8021, 8027)),
    "8028",
    *map(str, range(8031, 8036)),
    *map(str, range(8041, 8046)),
}


def table_counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (PostcodeArea, Organisation, Location, Activity)
    }


def test_postcode_table_has_exactly_zwolles_residential_codes() -> None:
    areas = seed.read_postcodes()
    assert {a.pc4 for a in areas} == ZWOLLE_PC4
    assert len(ZWOLLE_PC4) == 25
    zwolle = geo.Point(52.5125, 6.0944)
    for area in areas:
        assert area.district, area.pc4
        assert geo.distance_km(zwolle, geo.Point(area.latitude, area.longitude)) < 8


def test_example_catalogue_meets_the_brief() -> None:
    catalogue = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
    assert catalogue.is_example
    sah = [o for o in catalogue.organisations if o.kind != "sportvereniging"]
    clubs = [o for o in catalogue.organisations if o.kind == "sportvereniging"]
    assert len(sah) >= 20
    assert all(1 <= len(o.activities) <= 4 for o in sah)
    assert len(clubs) >= 8
    for club in clubs:
        assert club.activities
        for activity in club.activities:
            assert activity.programme == "inclusief_sporten"
            assert activity.max_age is not None and activity.max_age < 18
    districts = {loc.postcode[:4] for org in catalogue.organisations for loc in org.locations}
    assert districts <= ZWOLLE_PC4
    assert len(districts) >= 12  # spread over the town
    assert set(Counter(o.kind for o in catalogue.organisations)) <= set(ORGANISATION_KINDS.keys)


def test_seed_command_loads_everything_and_is_idempotent(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "25 postcodes geladen." in first.output
    after_first = table_counts(session)
    assert after_first["PostcodeArea"] == 25
    assert after_first["Organisation"] >= 28
    assert after_first["Activity"] >= 50

    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "aanbieders: 0 nieuw" in second.output
    assert table_counts(session) == after_first


def test_seeded_locations_get_their_district(seeded, session: Session) -> None:
    locations = session.exec(select(Location)).all()
    assert all(loc.district for loc in locations)
    assert all(loc.pc4 in ZWOLLE_PC4 for loc in locations)
    assert all(o.is_example for o in session.exec(select(Organisation)).all())


def test_seeded_freshness_is_relative_to_today(seeded, session: Session) -> None:
    from activatie.models import utcnow

    ages = sorted((utcnow() - a.confirmed_at).days for a in session.exec(select(Activity)))
    assert ages[0] < 30  # most listings are fresh
    assert any(90 < age < 180 for age in ages)  # some are stale (flagged)
    assert any(age > 180 for age in ages)  # one is hidden from matching
