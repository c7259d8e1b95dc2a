"""The catalogue version (migration 0013): every write to a catalogue table bumps it in its own
transaction, and nothing else does. What each worker keeps is valid for one version
(activatie/caching.py; the pages are tested in tests/http/test_caching.py)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, select

from activatie import migrations
from activatie.models import ActivityTerm, Signpost, UnmetSearch, catalogue_version
from tests.factories import Factory


def version(session: Session) -> int:
    session.rollback()  # a fresh read, not this session's snapshot
    return session.exec(select(catalogue_version.c.n)).one()


# --- The version --------------------------------------------------------------------------


def test_every_kind_of_catalogue_write_bumps_the_version(
    app: Flask, session: Session, factory: Factory
) -> None:
    activity = factory.activity()
    steps = [
        lambda: setattr(activity, "title", "Nieuwe titel"),
        lambda: session.add(ActivityTerm(activity_id=activity.id, facet="soorten", term="eten")),
        lambda: session.add(Signpost(key="proef", name="Proef")),
        lambda: session.delete(
            session.exec(select(ActivityTerm).where(ActivityTerm.term == "eten")).one()
        ),
    ]
    for step in steps:
        before = version(session)
        step()
        session.commit()
        assert version(session) > before


#: A column of each catalogue table, to write it with the value it has.
CATALOGUE_COLUMNS = {
    "postcode_area": "city",
    "organisation": "name",
    "location": "name",
    "location_feature": "feature",
    "activity": "title",
    "activity_term": "term",
    "signpost": "name",
}


def test_the_triggers_cover_exactly_the_catalogue_tables() -> None:
    path = Path(migrations.__file__).parent / "versions" / "0013_catalogue_version.py"
    spec = importlib.util.spec_from_file_location("migration_0013", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.CATALOGUE_TABLES) == set(CATALOGUE_COLUMNS)


@pytest.mark.parametrize("table", sorted(CATALOGUE_COLUMNS))
def test_a_write_to_any_catalogue_table_bumps_the_version(
    table: str, app: Flask, session: Session, factory: Factory
) -> None:
    """Even a raw UPDATE that changes nothing visible: the triggers cannot tell."""
    factory.activity(location=factory.location(accessibility=["rolstoel"]))
    session.add(Signpost(key="proef", name="Proef"))
    session.commit()
    before = version(session)
    column = CATALOGUE_COLUMNS[table]
    updated = session.execute(text(f"UPDATE {table} SET {column} = {column}")).rowcount
    session.commit()
    assert updated > 0 and version(session) > before


def test_a_write_outside_the_catalogue_leaves_the_version(
    app: Flask, session: Session, factory: Factory
) -> None:
    factory.activity()
    before = version(session)
    session.add(UnmetSearch(day=date(2026, 1, 5), pc4="8011", need="herstel", count=1))
    session.commit()
    factory.user("consulent")
    assert version(session) == before


def test_a_rolled_back_write_leaves_the_version(app: Flask, session: Session, factory: Factory):
    activity = factory.activity()
    before = version(session)
    activity.title = "Nooit bewaard"
    session.add(activity)
    session.flush()
    session.rollback()
    assert version(session) == before


def test_a_raw_sql_fix_counts_too(app: Flask, session: Session, factory: Factory) -> None:
    activity = factory.activity()
    before = version(session)
    session.execute(text("UPDATE activity SET free_places = 0 WHERE id = :id"), {"id": activity.id})
    session.commit()
    assert version(session) > before
