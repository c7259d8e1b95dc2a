"""Model constraints hold in the database itself, and migrations match the models."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from activatie import catalogue, migrations, seed
from activatie.db import make_engine
from activatie.geocoding import make_geocoder
from activatie.models import (
    Activity,
    ActivityTerm,
    Location,
    Organisation,
    catalogue_version,
    local_today,
)
from bench import demo
from tests.factories import Factory


# SQLite's reflection cannot read an index on an expression (ix_activity_title_lower); on
# PostgreSQL it is compared like any other.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_create_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"target_metadata": [SQLModel.metadata, catalogue_version.metadata]}
        )
        diff = compare_metadata(context, context.opts["target_metadata"])
    assert diff == []


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"free_places": 11, "capacity": 10}, "free_places_within_capacity"),
        ({"free_places": -1}, "free_places_not_negative"),
        ({"capacity": -1, "free_places": 0}, "capacity_not_negative"),
        ({"min_age": 18, "max_age": 12}, "age_range_ordered"),
        ({"min_age": -1}, "min_age_not_negative"),
        ({"status": "weg"}, "status_known"),
        ({"programme": "iets"}, "programme_known"),
        ({"cost_cents": -5}, "cost_not_negative"),
    ],
)
def test_activity_constraints_are_enforced_by_the_database(
    factory: Factory, session: Session, changes: dict, constraint: str
) -> None:
    activity = factory.activity()
    for name, value in changes.items():
        setattr(activity, name, value)
    with pytest.raises(IntegrityError) as caught:
        session.commit()
    session.rollback()
    assert constraint in str(caught.value.orig)  # both databases name the failed check
    session.expire_all()
    assert session.get(Activity, activity.id).free_places == 3


def test_foreign_keys_are_enforced(factory: Factory, session: Session) -> None:
    location = factory.location()
    session.add(
        Activity(
            organisation_id=location.organisation_id,
            location_id=999_999,
            slug="x",
            title="x",
            guidance="licht",
            access_route="vrij_inlopen",
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_slugs_are_unique_per_organisation(factory: Factory, session: Session) -> None:
    activity = factory.activity(slug="tuin")
    other_org = factory.organisation()
    factory.activity(location=factory.location(other_org), slug="tuin")  # another org: fine
    session.add(
        Activity(
            organisation_id=activity.organisation_id,
            location_id=activity.location_id,
            slug="tuin",
            title="Dubbel",
            guidance="licht",
            access_route="vrij_inlopen",
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_deleting_an_organisation_removes_its_listings(factory: Factory, session: Session) -> None:
    activity = factory.activity(needs=["herstel", "dagritme"])
    org = session.get(Organisation, activity.organisation_id)
    session.delete(org)
    session.commit()
    assert session.exec(select(Activity)).all() == []
    assert session.exec(select(Location)).all() == []
    assert session.exec(select(ActivityTerm)).all() == []


def test_timestamps_come_back_aware_in_utc(factory: Factory, session: Session) -> None:
    activity = factory.activity()
    session.expire_all()
    loaded = session.get(Activity, activity.id)
    assert loaded.confirmed_at.tzinfo is not None
    assert loaded.confirmed_at.utcoffset() == UTC.utcoffset(None)


def test_naive_datetimes_are_refused(factory: Factory, session: Session) -> None:
    activity = factory.activity()
    activity.updated_at = activity.updated_at.replace(tzinfo=None)
    with pytest.raises(Exception, match="naive"):
        session.commit()
    session.rollback()


def test_facets_are_read_from_terms(factory: Factory, session: Session) -> None:
    activity = factory.activity(
        needs=["herstel", "dagritme"], slots=["ma_ochtend"], types=["koken"]
    )
    session.expire_all()
    loaded = session.get(Activity, activity.id)
    assert loaded.needs == {"herstel", "dagritme"}
    assert loaded.slots == {"ma_ochtend"}
    assert loaded.types == {"koken"}
    rows = session.exec(text("SELECT count(*) FROM activity_term")).one()
    assert rows[0] == 5


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_sqlite_table_copies_keep_the_rows_that_refer_to_them(tmp_path: Path) -> None:
    """SQLite alters a table by copying it: with foreign keys on, dropping the old copy would
    cascade. 0012 copies ``placement``; its events and needs must all still be there."""
    engine = make_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    try:
        migrations.upgrade(engine, "0011")
        with Session(engine) as session:
            catalogue.load_postcodes(session, seed.read_postcodes())
            offers = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
            catalogue.load_catalogue(session, offers, make_geocoder(session))
            demo.generate(session, 40, 12, local_today())

        def counts() -> list[int]:
            with engine.connect() as connection:
                return [
                    connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("placement", "placement_event", "placement_need")
                ]

        before = counts()
        assert all(before)
        migrations.upgrade(engine)
        assert counts() == before
        command.downgrade(migrations.alembic_config(engine), "0011")
        assert counts() == before
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        engine.dispose()
