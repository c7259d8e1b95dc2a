"""The demo-placements command: a story on the seeded catalogue, and refusals on real data."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from flask import Flask
from sqlmodel import Session, func, select

from activatie import reports, stats
from activatie.models import (
    LOCAL_TIMEZONE,
    Activity,
    Organisation,
    Placement,
    PlacementEvent,
    local_today,
    utcnow,
)
from tests.factories import Factory, at_local, login_as
from tests.service.test_reports import make_report


def test_demo_placements_tell_a_story_on_the_seeded_catalogue(
    app: Flask, seeded: object, session: Session, factory: Factory
) -> None:
    """The default run (600) starts, ends and moves people, with dates in a consistent order."""
    today = local_today()
    before = {a.id: a.free_places for a in session.exec(select(Activity))}
    result = app.test_cli_runner().invoke(args=["demo-placements"])
    assert result.exit_code == 0, result.output
    assert "600 voorbeeldaanmeldingen gemaakt" in result.output

    session.expire_all()
    placements = session.exec(select(Placement)).all()
    assert len(placements) == 600
    for activity in session.exec(select(Activity)):
        running = sum(
            1 for p in placements if p.activity_id == activity.id and p.status == "gestart"
        )
        assert activity.free_places == before[activity.id] - running, activity.title
    started = [p for p in placements if p.start_date is not None]
    ended = [p for p in placements if p.status in ("afgerond", "gestopt")]
    assert len(started) >= 0.30 * len(placements)
    assert sum(p.status == "afgerond" for p in placements) >= 0.10 * len(placements)
    assert any(p.status == "gestopt" for p in placements)
    assert any(p.ladder_end > p.ladder_start for p in ended)
    assert all(p.end_date and p.outcome and p.ladder_end for p in ended)
    first = stats.months_before(today, 24)
    for p in placements:  # made in the past, every step later, never in the future
        made = p.created_at.astimezone(LOCAL_TIMEZONE).date()
        assert first <= made <= today
        assert p.created_at <= p.updated_at <= utcnow()
        if p.start_date:
            assert made <= (p.intro_date or made) <= p.start_date <= (p.end_date or today)
    moments = session.exec(
        select(PlacementEvent.placement_id, PlacementEvent.at).order_by(
            PlacementEvent.placement_id, PlacementEvent.id
        )
    ).all()
    by_placement: dict[int, list[datetime]] = {}
    for placement_id, at in moments:
        by_placement.setdefault(placement_id, []).append(at)
    assert all(stamps == sorted(stamps) for stamps in by_placement.values())
    assert {p.id: p.created_at for p in placements} == {k: v[0] for k, v in by_placement.items()}
    # The figures add up to what is in the database ...
    report = make_report(session, reports.Period(first, today))
    assert report.figures[0].cell.text == "600"
    # ... and the page a beheerder opens first shows something in every headline card.
    admin = login_as(app.test_client(), factory.user("beheerder"))
    page = admin.get("/beheer/resultaten/").get_data(as_text=True)
    cards = re.findall(r'<dt>([^<]+)</dt>\s*<dd><span class="figure-value">([^<]*)</span>', page)
    assert len(cards) == len(report.figures)
    for label, value in cards:
        assert re.match(r"[1-9]", value), (label, value)

    again = app.test_cli_runner().invoke(args=["demo-placements", "--count", "5"])
    assert again.exit_code == 0, again.output
    assert session.exec(select(func.count()).select_from(Placement)).one() == 605


@pytest.mark.parametrize("today", [date(2025, 12, 31), date(2026, 3, 1)])
def test_every_headline_card_of_the_demo_shows_a_figure_on_another_day(
    seeded: object, session: Session, today: date
) -> None:
    """The demo replayed up to a fixed day: the default page's headline counts all survive.

    Complementary suppression hides a smaller cell inside a table before a headline total, so
    no card reads "x", "<5", "–" or 0 (the first of a month included: this month is one day).
    """
    from bench import demo

    demo.generate(session, 600, 2026, today)
    now = at_local(today, 18)
    report = reports.report(session, reports.Period.last_year(today), now, 90)

    people = [f for f in report.figures if f.label != "Verouderde activiteiten"]  # catalogue
    for figure in people:
        assert re.match(r"[1-9]", figure.cell.text), (figure.label, figure.cell.text)
    started = report.figures[2]
    assert started.label == "Gestart" and int(started.cell.text) >= 0.3 * int(
        report.figures[0].cell.text
    )


def test_demo_refuses_a_database_with_real_providers(
    app: Flask, seeded: object, factory: Factory
) -> None:
    factory.organisation(name="Echte Aanbieder", is_example=False)
    result = app.test_cli_runner().invoke(args=["demo-placements", "--count", "3"])
    assert result.exit_code != 0
    assert "echte aanbieders" in result.output


def test_demo_refuses_without_the_example_catalogue(app: Flask, session: Session) -> None:
    result = app.test_cli_runner().invoke(args=["demo-placements"])
    assert result.exit_code != 0
    assert "flask --app activatie seed" in result.output
    assert session.exec(select(func.count()).select_from(Organisation)).one() == 0
