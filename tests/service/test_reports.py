"""Leren van Resultaat: the figures, checked against aanmeldingen written straight to the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlmodel import Session

from activatie import reports
from activatie.models import (
    Activity,
    JobRun,
    Organisation,
    UnmetSearch,
    local_today,
    utcnow,
)
from activatie.stats import HIDDEN, NOT_SHOWN, SMALL
from tests.factories import Factory, add_placement, at_local


def cells(table: reports.Table, label: str) -> dict[str, str]:
    """Return the texts of one row by column key."""
    rows = [*table.rows, *((table.total,) if table.total else ())]
    row = next(r for r in rows if r.label == label)
    return {c.key: cell.text for c, cell in zip(table.columns[1:], row.cells, strict=True)}


def make_report(session: Session, period: reports.Period | None = None) -> reports.Report:
    period = period or reports.Period.last_year(local_today())
    return reports.report(session, period, utcnow(), 90)


@pytest.fixture
def two_providers(factory: Factory) -> tuple[Activity, Activity]:
    centre = factory.activity(capacity=10, free_places=3, types=["groen"], needs=["herstel"])
    north_location = factory.location(pc4="8031", postcode="8031", district="Holtenbroek")
    north = factory.activity(
        location=north_location, capacity=4, free_places=4, types=["koken"], needs=["dagritme"]
    )
    return centre, north


def test_counts_per_district_with_small_numbers_protected(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    for _ in range(7):
        add_placement(session, centre, pc4="8011")  # Binnenstad
    for _ in range(2):
        add_placement(session, centre, pc4="8031")  # Holtenbroek
    for _ in range(5):
        add_placement(session, centre, pc4="8042")  # Westenholte (not Stadshagen)
    add_placement(session, centre, pc4="9999")  # not in the postcode table: its own group

    table = make_report(session).tables["wijken"]

    assert cells(table, "Binnenstad")["aanmeldingen"] == "7"
    assert cells(table, "Holtenbroek")["aanmeldingen"] == SMALL
    assert cells(table, "9999")["aanmeldingen"] == SMALL
    assert cells(table, "Assendorp")["aanmeldingen"] == "0"
    # 15 - 7 - 5 would leave 3 for the two small rows together (1 + 2 or 2 + 1): no problem.
    assert cells(table, "Westenholte")["aanmeldingen"] == "5"
    assert cells(table, "Stadshagen")["aanmeldingen"] == "0"
    assert cells(table, "Totaal")["aanmeldingen"] == "15"


def test_district_rows_carry_the_cbs_wijk_code_in_cbs_order(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    add_placement(session, centre, pc4="8042")
    add_placement(session, centre, pc4="9999")

    table = make_report(session).tables["wijken"]

    codes = {row.label: row.code for row in table.rows}
    assert codes["Binnenstad"] == "WK019310"
    assert codes["Holtenbroek"] == "WK019330"
    assert codes["Westenholte"] == "WK019321"
    assert codes["Aa-landen"] == "WK019331"
    assert codes["9999"] == ""  # unknown PC4: its own row, no code
    assert "Aalanden" not in codes
    # The 16 CBS wijken of Zwolle, in the order of their codes, then the unknown PC4.
    assert [row.code for row in table.rows][:-1] == sorted(
        f"WK0193{n}" for n in (10, 11, 12, 13, 14, 20, 21, 22, 30, 31, 32, 40, 41, 50, 51, 52)
    )
    assert table.code_column is not None and table.code_column.export_label == "wijkcode"
    assert table.header[1] is table.code_column


def test_an_activity_outside_the_table_counts_in_the_wijk_its_geocoder_gave(
    session: Session, factory: Factory
) -> None:
    deventer = factory.location(
        pc4="7411", postcode="7411BR", district="Binnenstad", district_code="WK015001"
    )
    factory.activity(location=deventer, capacity=8, free_places=2)
    factory.activity(capacity=10, free_places=10)  # Grote Kerkplein, Zwolle's Binnenstad

    table = make_report(session).tables["wijken"]

    rows = {row.code: row for row in table.rows if row.label == "Binnenstad"}
    assert set(rows) == {"WK019310", "WK015001"}  # two wijken of that name, kept apart
    occupancy = table.column("bezetting")
    assert rows["WK015001"].cells[occupancy].text == "75% (6 van 8)"
    assert rows["WK019310"].cells[occupancy].text == "0% (0 van 10)"
    assert [row.code for row in table.rows][0] == "WK015001"  # in the order of the CBS codes


def test_a_column_with_one_small_cell_hides_a_second_cell(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    for _ in range(7):
        add_placement(session, centre, pc4="8011")
    for _ in range(2):
        add_placement(session, centre, pc4="8031")
    for _ in range(5):
        add_placement(session, centre, pc4="8042")

    report = make_report(session)
    table = report.tables["wijken"]

    assert cells(table, "Holtenbroek")["aanmeldingen"] == SMALL
    assert cells(table, "Westenholte")["aanmeldingen"] == HIDDEN  # else 14 - 7 - 5 = 2
    assert cells(table, "Binnenstad")["aanmeldingen"] == "7"
    assert report.figures[0].cell.text == "14"
    # The provider table shares the same total and is one group: nothing small there.
    assert cells(report.tables["aanbieders"], "Totaal")["aanmeldingen"] == "14"


def test_flow_figures_median_and_derived_suppression(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, north = two_providers
    for days in (3, 5, 10, 20, 30):
        add_placement(session, centre, status="gestart", start_after=days)
    add_placement(session, centre, status="kennismaking")
    add_placement(session, centre, status="afgewezen", accepted=False)
    add_placement(session, north, status="gestart", start_after=4, pc4="8031")

    report = make_report(session)
    provider = report.tables["aanbieders"]
    centre_name = provider.rows[0].label
    row = cells(provider, centre_name)

    # North has one of each, so with the totals public (8, 7) its "<5" could be worked out from
    # the centre's row: that row is hidden instead.
    assert (row["aanmeldingen"], row["kennismaking"]) == (HIDDEN, HIDDEN)
    assert cells(provider, "Totaal")["aanmeldingen"] == "8"
    assert cells(provider, "Totaal")["kennismaking"] == "7"
    # Six starts: hiding the 5 would not help (a hidden "x" is at least 5, so 6 = 5 + 1), so the
    # total of the starts is hidden.
    assert cells(provider, "Totaal")["gestart"] == HIDDEN
    assert row["mediaan"] == "10"  # five starts after 3, 5, 10, 20 and 30 days
    north_row = next(cells(provider, r.label) for r in provider.rows if r.label != centre_name)
    assert north_row["gestart"] == SMALL
    assert north_row["mediaan"] == NOT_SHOWN  # one start: no median
    figures = {f.label: f for f in report.figures}
    assert figures["Gestart"].cell.text == HIDDEN
    assert figures["Gestart"].hint == ""  # no percentage of a hidden figure
    assert figures["Kennismaking"].hint == "88% van de aanmeldingen"  # 7 of 8
    assert figures["Mediaan dagen van aanmelding tot start"].cell.text == "7,5"


def test_occupancy_now_per_provider(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    report = make_report(session)
    provider = report.tables["aanbieders"]
    centre, north = two_providers
    names = {
        a.organisation_id: session.get(Organisation, a.organisation_id).name for a in two_providers
    }
    assert cells(provider, names[centre.organisation_id])["bezetting"] == "70% (7 van 10)"
    # Capacity 4: no percentage.
    assert cells(provider, names[north.organisation_id])["bezetting"] == "0 van 4"


def test_outcomes_and_ladder_movement(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    end = local_today() - timedelta(days=2)
    for _ in range(6):
        add_placement(
            session, centre, status="afgerond", end_date=end, ladder_start=2, ladder_end=3,
            outcome="vrijwilligerswerk",
        )  # fmt: skip
    for _ in range(5):
        add_placement(
            session, centre, status="gestopt", end_date=end, ladder_start=3, ladder_end=3,
            outcome="gestopt_gezondheid",
        )  # fmt: skip
    add_placement(
        session, centre, status="gestopt", end_date=end, ladder_start=3, ladder_end=2,
        outcome="gestopt_motivatie",
    )  # fmt: skip

    report = make_report(session)
    outcomes = report.tables["uitkomsten"]
    assert cells(outcomes, "gestopt: past niet of geen zin meer")["aantal"] == SMALL
    assert cells(outcomes, "doet nog mee")["aantal"] == "0"
    # One person moved down: that "1" can be reached through the outcomes (gestopt - 5), the
    # ladder (12 - 6 - 5) and the flow columns (afgerond + gestopt - omhoog - gelijk). Every
    # one of those routes is cut, so the larger figures next to it are hidden as well.
    assert cells(outcomes, "gestopt: gezondheid")["aantal"] == HIDDEN
    assert cells(outcomes, "doorgestroomd naar vrijwilligerswerk")["aantal"] == HIDDEN

    ladder = report.tables["ladder"]
    start_3 = cells(ladder, "3. deelname aan georganiseerde activiteiten")
    assert start_3["eind_2"] == SMALL
    assert HIDDEN in (start_3["eind_3"], start_3["totaal"])
    # Totals are hidden only after the cells inside: the grand total of the ladder survives.
    assert cells(ladder, "Totaal")["totaal"] == "12"

    total = cells(report.tables["wijken"], "Totaal")
    assert total["aanmeldingen"] == total["gestart"] == "12"
    assert total["afgerond"] == total["gestopt"] == total["omhoog"] == total["gelijk"] == HIDDEN
    assert total["omlaag"] in (SMALL, HIDDEN)


def test_an_unknown_start_step_stays_out_of_the_ladder_figures(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    end = local_today() - timedelta(days=2)
    for start in (2, None):  # six moved up from 2 to 3; six more ended whose start nobody knew
        for _ in range(6):
            add_placement(
                session, centre, status="afgerond", end_date=end, ladder_start=start,
                ladder_end=3, outcome="vrijwilligerswerk",
            )  # fmt: skip

    report = make_report(session)
    ladder = report.tables["ladder"]
    assert cells(ladder, "Totaal")["totaal"] == "6"
    assert cells(ladder, "2. sociale contacten buiten de deur")["eind_3"] == "6"
    assert "weet ik niet" in ladder.note
    total = cells(report.tables["wijken"], "Totaal")
    assert (total["aanmeldingen"], total["afgerond"], total["omhoog"]) == ("12", "12", "6")
    assert total["gelijk"] == total["omlaag"] == "0"
    up = next(f for f in report.figures if f.label.startswith("Trede omhoog"))
    assert up.cell.text == "6" and up.hint.startswith("100%")


def test_period_filter_applies_to_aanmeldingen_and_searches(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    for _ in range(5):
        add_placement(session, centre, days_ago=10)
    for _ in range(6):
        add_placement(session, centre, days_ago=400)
    session.add(
        UnmetSearch(day=local_today() - timedelta(days=3), pc4="8026", need="herstel", count=7)
    )
    session.add(
        UnmetSearch(day=local_today() - timedelta(days=500), pc4="8026", need="herstel", count=9)
    )
    session.commit()

    recent = make_report(session)
    assert recent.figures[0].cell.text == "5"
    assert cells(recent.tables["zoekvragen"], "8026 Marsweteringlanden")["herstel"] == "7"
    assert [row.code for row in recent.tables["zoekvragen"].rows] == ["WK019341"]

    older = reports.Period(local_today() - timedelta(days=600), local_today() - timedelta(days=300))
    earlier = make_report(session, older)
    assert earlier.figures[0].cell.text == "6"
    assert cells(earlier.tables["zoekvragen"], "Totaal")["totaal"] == "9"


def test_period_boundaries_are_local_days(
    session: Session, two_providers: tuple[Activity, Activity]
) -> None:
    centre, _ = two_providers
    day = local_today() - timedelta(days=20)
    for hour in (0, 23):  # just after midnight and just before, Zwolle time
        add_placement(session, centre, days_ago=20).created_at = at_local(day, hour)
    session.commit()
    one_day = make_report(session, reports.Period(day, day))
    assert one_day.figures[0].cell.text == SMALL
    placements = reports.collect(session, reports.Period(day, day), utcnow(), 90).placements
    assert len(placements) == 2


def test_stale_listings_are_catalogue_figures(factory: Factory, session: Session) -> None:
    organisation = factory.organisation(name="Oude Aanbieder")
    location = factory.location(organisation)
    factory.activity(location, confirmed_days_ago=200)
    factory.activity(location, confirmed_days_ago=5)
    table = make_report(session).tables["verouderd"]
    assert cells(table, "Oude Aanbieder") == {"activiteiten": "2", "verouderd": "1"}


def test_last_job_run(session: Session, app: Flask) -> None:
    assert reports.last_job_run(session, "retention") is None
    session.add(JobRun(name="retention", details={"gewist": 3}))
    session.commit()
    run = reports.last_job_run(session, "retention")
    assert run is not None and run.details == {"gewist": 3}


# --- the demo command ---------------------------------------------------------------------
