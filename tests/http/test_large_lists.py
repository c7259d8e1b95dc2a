"""Lists of a large catalogue: a capped count, and the nearest first without sorting everything.

The example catalogue stands in for a large one by lowering ``queries.COUNT_CAP`` (and the radii
tried for the nearest results), so the paths a national catalogue takes run here.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlmodel import Session

from activatie import geo, geocoding, queries
from activatie.filters import ActivityFilters

PAGE_SIZE = 7


def every_page(session: Session, filters: ActivityFilters, centre: geo.Point | None):
    """Return the ids of every page in order, and the first page's count."""
    ids: list[int] = []
    first = None
    number = 1
    while True:
        page = queries.search_activities(
            session, replace(filters, page=number), PAGE_SIZE, centre, None
        )
        first = first or page
        ids += [hit.activity.id for hit in page.items]
        if number >= page.pages or not page.items:
            return ids, first
        number += 1


@pytest.mark.parametrize(
    "filters",
    [
        ActivityFilters(),
        ActivityFilters(postcode="8011"),
        ActivityFilters(postcode="8043"),
        ActivityFilters(postcode="8025", max_distance_km=3.0),
        ActivityFilters(needs=frozenset({"sociale_contacten"}), postcode="8017"),
    ],
    ids=lambda f: f"postcode={f.postcode} max={f.max_distance_km} needs={sorted(f.needs)}",
)
def test_a_capped_count_pages_through_the_same_results_in_the_same_order(
    seeded, session: Session, monkeypatch: pytest.MonkeyPatch, filters: ActivityFilters
) -> None:
    centre = None
    if filters.postcode:
        hit = geo.resolve_postcode(geocoding.make_geocoder(session), filters.postcode)
        centre = hit.point
    exact_ids, exact = every_page(session, filters, centre)
    assert not exact.more and exact.total == len(exact_ids) > PAGE_SIZE

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(queries, "_NEARBY_KM", (0.3, 0.8, 1.5, 3.0))
    capped_ids, capped = every_page(session, filters, centre)
    assert capped.more and capped.total == PAGE_SIZE  # counted to the end of page 1 only
    assert capped_ids == exact_ids


def test_the_nearest_page_is_read_in_its_circle_without_counting_the_circle_first(
    seeded, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    filters = ActivityFilters(postcode="8011")
    centre = geo.resolve_postcode(geocoding.make_geocoder(session), "8011").point
    exact = queries.search_activities(session, filters, PAGE_SIZE, centre, None)
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        monkeypatch.setattr(queries, "_NEARBY_KM", (30.0,))  # holds all of Zwolle
        capped = queries.search_activities(session, filters, PAGE_SIZE, centre, None)
        assert len(sent) == 2  # the capped count, then the page read in the circle
        sent.clear()
        monkeypatch.setattr(queries, "_NEARBY_KM", (0.001, 30.0))  # the first holds too few
        retried = queries.search_activities(session, filters, PAGE_SIZE, centre, None)
        assert len(sent) == 3  # the count, the page in the first circle, then in the second
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert capped.more and not exact.more
    ids = [hit.activity.id for hit in exact.items]
    assert len(ids) == PAGE_SIZE
    assert [hit.activity.id for hit in capped.items] == ids
    assert [hit.activity.id for hit in retried.items] == ids


def test_pages_and_api_say_when_the_count_stopped(
    seeded, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = client.get("/api/v1/activiteiten").get_json()["paginering"]["totaal"]
    assert 40 < exact <= 60
    monkeypatch.setattr(queries, "COUNT_CAP", 30)
    html = client.get("/activiteiten").get_data(as_text=True)
    assert "Meer dan 30 activiteiten gevonden" in html
    assert "Volgende pagina" in html

    body = client.get("/api/v1/activiteiten?pagina=2").get_json()
    assert body["paginering"] == {
        "pagina": 2,
        "per_pagina": 20,
        "totaal": 40,  # counted to the end of page 2
        "paginas": 3,
        "totaal_is_minimum": True,
    }
    assert "pagina=3" in body["_links"]["next"]["href"]
    last = client.get("/api/v1/activiteiten?pagina=3").get_json()
    assert last["paginering"] == {"pagina": 3, "per_pagina": 20, "totaal": exact, "paginas": 3}
    assert len(last["activiteiten"]) == exact - 40 and "next" not in last["_links"]


def test_the_providers_list_is_paged_by_name(
    seeded, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from activatie.views import public

    whole = client.get("/aanbieders").get_data(as_text=True)
    assert "Volgende pagina" not in whole  # Zwolle's providers fit on one page
    names = re.findall(r'<a href="/aanbieders/\d+">([^<]+)</a>', whole)
    assert len(names) > 6

    monkeypatch.setattr(public, "ORGANISATIONS_PER_PAGE", 4)
    pages = []
    number = 1
    while True:
        answer = client.get(f"/aanbieders?pagina={number}")
        assert answer.status_code == 200
        html = answer.get_data(as_text=True)
        pages.append(re.findall(r'<a href="/aanbieders/\d+">([^<]+)</a>', html))
        if "Volgende pagina" not in html:
            break
        number += 1
    assert all(len(page) == 4 for page in pages[:-1])
    assert [name for page in pages for name in page] == names
    assert client.get(f"/aanbieders?pagina={number + 1}").status_code == 404
    assert client.get("/aanbieders?pagina=nul").status_code == 400
    assert client.get("/aanbieders?pagina=%C2%B2").status_code == 400
