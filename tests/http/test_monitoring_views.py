"""Leren van Resultaat pages and CSV exports, checked against rows written to the database."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from activatie import dropins, dutch, reports
from activatie.audit import SYSTEM
from activatie.models import (
    LOCAL_TIMEZONE,
    Activity,
    JobRun,
    Placement,
    PostcodeArea,
    UnmetSearch,
    local_today,
    utcnow,
)
from activatie.stats import SMALL, shown
from activatie.stats import months_before as stats_months_before
from activatie.templating import nl_date
from activatie.vocabulary import ACTIVITY_TYPES, DISTRICTS, NEEDS
from tests.factories import Factory, add_placement, login_as, redirected_to
from tests.unit.test_reports import last_day_of

ARGS = {"periode": "12m"}
PAGE = "/beheer/resultaten/"
FIRST_COLUMN = {
    "wijken": "Wijk",
    "aanbieders": "Aanbieder",
    "soorten": "Soort activiteit",
    "behoeften": "Behoefte",
    "uitkomsten": "Uitkomst",
    "ladder": "Trede bij de start",
    "zoekvragen": "Postcode (4 cijfers)",
    "inloop": "Aanbieder",
    "doelen": "Begrotingsdoel",
    "trend": "Maand",
    "verouderd": "Aanbieder",
}


def period() -> reports.Period:
    """The period the monitoring page opens on: the last year up to today in Zwolle."""
    return reports.Period.last_year(local_today())


@pytest.fixture
def admin(app: Flask, factory: Factory) -> FlaskClient:
    return login_as(app.test_client(), factory.user("beheerder"))


@pytest.fixture
def world(factory: Factory, session: Session) -> tuple[Activity, Activity]:
    """15 aanmeldingen in the period (7 Binnenstad, 2 Holtenbroek, 5 Westenholte, 1 unknown PC4)."""
    centre = factory.activity(capacity=10, free_places=3, types=["groen"])
    north = factory.activity(
        location=factory.location(pc4="8031", postcode="8031", district="Holtenbroek"),
        confirmed_days_ago=200,
    )
    for pc4, count in (("8011", 7), ("8031", 2), ("8042", 5), ("9999", 1)):
        for i in range(count):
            status = "kennismaking" if pc4 == "8011" and i < 2 else "aangemeld"
            add_placement(session, centre, pc4=pc4, status=status)
    for _ in range(6):  # before the period: counted nowhere
        add_placement(session, north, pc4="8031", days_ago=400)
    session.add(
        UnmetSearch(day=local_today() - timedelta(days=3), pc4="8026", need="herstel", count=7)
    )
    session.add(
        UnmetSearch(day=local_today() - timedelta(days=500), pc4="8026", need="herstel", count=9)
    )
    session.commit()
    dropins.record(session, SYSTEM, centre, local_today().replace(day=1), 11, 6, local_today())
    return centre, north


def text_of(response: Any) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def figure(page: str, label: str) -> str:
    match = re.search(rf'<dt>{label}</dt>\s*<dd><span class="figure-value">([^<]*)</span>', page)
    assert match, label
    return match.group(1)


def html_row(page: str, label: str) -> list[str]:
    """Return the figures of the first row called ``label`` (after its wijk code, if any)."""
    match = re.search(
        rf'<th scope="row">{label}</th>\s*(?:<td>[^<]*</td>\s*)?((?:<td class="num">[^<]*</td>)+)',
        page,
    )
    assert match, label
    return re.findall(r'<td class="num">([^<]*)</td>', match.group(1))


def html_code(page: str, label: str) -> str:
    """Return the wijk code shown beside the row called ``label``."""
    match = re.search(rf'<th scope="row">{label}</th>\s*<td>([^<]*)</td>', page)
    assert match, label
    return match.group(1)


def read_csv(response: Any) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8")), delimiter=";"))


def by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows[1:]}


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, "/beheer/resultaten/wijken.csv"])
def test_only_beheerders_get_in(app: Flask, factory: Factory, url: str) -> None:
    anonymous = app.test_client().get(url)
    assert redirected_to(anonymous).startswith("/inloggen")
    for role in ("consulent", "aanbieder"):
        response = login_as(app.test_client(), factory.user(role)).get(url)
        assert response.status_code == 403, role
        assert "U heeft geen toegang tot deze pagina." in text_of(response)
        assert "Leren van Resultaat" not in text_of(response)
    admin = login_as(app.test_client(), factory.user("beheerder")).get(url)
    assert admin.status_code == 200


# --- the page ----------------------------------------------------------------------------------


def test_page_shows_figures_with_small_numbers_hidden(
    admin: FlaskClient, world: tuple[Activity, Activity]
) -> None:
    response = admin.get(PAGE, query_string=ARGS)
    assert response.status_code == 200
    page = response.get_data(as_text=True)

    assert figure(page, "Aanmeldingen") == "15"
    assert figure(page, "Kennismaking") == "&lt;5"  # two, never shown as "2"
    assert figure(page, "Zoekvragen zonder aanbod") == "7"
    assert figure(page, "Verouderde activiteiten") == "1"
    assert "van de 2 activiteiten" in page
    assert html_row(page, "Binnenstad")[:2] == ["7", "&lt;5"]
    assert html_row(page, "Holtenbroek")[0] == "&lt;5"
    assert html_row(page, "9999")[0] == "&lt;5"
    assert html_row(page, "Westenholte")[0] == "5"  # 8042 is Westenholte, not Stadshagen
    assert html_row(page, "Stadshagen")[0] == "0"
    assert html_row(page, "Totaal")[0] == "15"
    assert '<th scope="col">Wijkcode (CBS)</th>' in page
    assert html_code(page, "Binnenstad") == "WK019310"
    assert html_code(page, "Westenholte") == "WK019321"
    assert (
        html_code(page, "Soestweteringlanden") == "WK019352"
    )  # a CBS wijk without a PC4 of its own
    assert html_code(page, "9999") == ""
    assert (
        f"Periode:</strong> de laatste 12 maanden, {nl_date(period().start)} tot en met "
        f"{nl_date(local_today())}." in page
    )
    assert period().start.day == 1 and period().start > local_today() - timedelta(days=366)
    for slug in reports.TABLES:
        assert f'href="/beheer/resultaten/{slug}.csv?periode=12m"' in page
    # A screen reader says what "–" means, and each download link names its table.
    assert (
        '<span aria-hidden="true">–</span><span class="visually-hidden">niet getoond</span>' in page
    )
    assert '<span class="visually-hidden">: Aanmeldingen per wijk</span></a>' in page


def test_page_draws_accessible_charts_without_small_numbers(
    admin: FlaskClient, world: tuple[Activity, Activity]
) -> None:
    page = admin.get(PAGE, query_string=ARGS).get_data(as_text=True)

    svgs = re.findall(r"<svg [^>]*>", page)
    assert len(svgs) == 9 and all('role="img"' in svg for svg in svgs)
    # The monthly series as lines on one scale; a hidden month is a gap, read out as "<5" / "x".
    assert '<title id="grafiek-trend-lijnen-title">Per maand, de laatste 24 maanden' in page
    lines = re.search(r'<desc id="grafiek-trend-lijnen-desc">([^<]*)</desc>', page)
    assert lines and "Aanmeldingen: " in lines.group(1) and "Gestart: " in lines.group(1)
    assert "Nieuw zonder aanmelding: " in lines.group(1)
    # The axis names each month short, from the row's date (not from its label's text).
    assert f"Aanmeldingen: {dutch.nl_short_month(stats_months_before(local_today(), 23))} " in (
        html.unescape(lines.group(1))
    )
    # The occupancy per month is a percentage: a chart of its own, bars in % of today's places.
    assert '<title id="grafiek-trend-2-title">Via Activatie bezet aan het eind van de maand' in page
    assert "% van de plekken nu" in page
    assert '<title id="grafiek-wijken-title">Aanmeldingen per wijk</title>' in page
    desc = re.search(r'<desc id="grafiek-wijken-desc">([^<]*)</desc>', page)
    assert desc and "Binnenstad: 7" in desc.group(1)
    assert "Holtenbroek: &lt;5" in desc.group(1) and "Holtenbroek: 2" not in desc.group(1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"periode": "2026-01-31"}, f"Periode: {reports.PERIOD_PROBLEM}"),
        ({"periode": "1999"}, f"Periode: {reports.PERIOD_PROBLEM}"),
        ({"van": "2026-01-01", "tot": "2026-01-15"}, "Periode: Kies een maand"),
    ],
)
def test_a_bad_period_is_a_400_with_a_dutch_summary(
    admin: FlaskClient, args: dict[str, str], message: str
) -> None:
    response = admin.get(PAGE, query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary
    assert message in " ".join(html.unescape(summary.group(0)).split())
    default = reports.Period.last_year(
        local_today()
    )  # the figures fall back to the last twelve months
    assert f"Periode:</strong> de laatste 12 maanden, {nl_date(default.start)} tot en met" in page


def test_the_differencing_attack_finds_nothing(
    admin: FlaskClient, factory: Factory, session: Session
) -> None:
    """Two periods one day apart used to reveal single aanmeldingen (36 in 40 requests)."""
    activity = factory.activity()
    first_of_month = local_today().replace(day=1)
    base = stats_months_before(first_of_month, 3)  # a whole month that has ended
    days = [base + timedelta(days=d) for d in range(28)]
    for n, day in enumerate(days):  # every day one aanmelding, in a district of its own
        pc4 = ("8011", "8031", "8042")[n % 3]
        placement = add_placement(session, activity, pc4=pc4, days_ago=(local_today() - day).days)
        placement.created_at = reports.Period(day, day).utc_bounds()[0] + timedelta(hours=12)
    session.commit()

    # 1. The attack of the issue: one start, the end moving a day at a time.
    for d in range(40):
        end = base + timedelta(days=d)
        args = {"van": base.isoformat(), "tot": end.isoformat()}
        response = admin.get("/beheer/resultaten/wijken.csv", query_string=args)
        assert response.status_code == 400 and "Content-Disposition" not in response.headers

    # 2. Every period the page offers, pairwise subtracted: the smallest difference in the
    # number of aanmeldingen is a whole month of them (28 here), never one day (1).
    totals = {}
    for key, _ in reports.period_choices(local_today()):
        response = admin.get("/beheer/resultaten/wijken.csv", query_string={"periode": key})
        assert response.status_code == 200, key
        period = reports.parse_period(key, local_today())[0]
        assert period.start.day == 1, key
        assert period.end == last_day_of(period.key, local_today()), key
        totals[key] = int(by_label(read_csv(response))["Totaal"][1])  # after the wijkcode
    assert set(totals.values()) == {0, 28}
    differences = {abs(a - b) for a in totals.values() for b in totals.values()}
    assert differences == {0, 28}


def test_retention_status_never_run(admin: FlaskClient) -> None:
    page = text_of(admin.get(PAGE))
    assert "Het kenmerk en de notitie van een aanmelding wissen we 24 maanden na het einde." in page
    assert "ronden we de datums af op de maand" in page
    assert "Een aanmelding die 12 maanden niet verandert, sluiten we als vervallen." in page
    assert "Het wissen is nog nooit uitgevoerd." in page
    assert "flask --app activatie retention" in page
    assert "laatst uitgevoerd" not in page


@pytest.mark.parametrize(("hours_ago", "late"), [(2, False), (72, True)])
def test_retention_status_shows_the_last_run(
    admin: FlaskClient, session: Session, hours_ago: int, late: bool
) -> None:
    ran_at = utcnow() - timedelta(hours=hours_ago)
    session.add(JobRun(name="retention", ran_at=ran_at, details={"gewist": 3}))
    session.commit()

    page = text_of(admin.get(PAGE))

    local = ran_at.astimezone(LOCAL_TIMEZONE)
    expected = (
        f"laatst uitgevoerd op {nl_date(local)} om {local:%H:%M} uur (3 aanmeldingen gewist)."
    )
    assert expected in page
    assert "nog nooit uitgevoerd" not in page
    assert ("Dat is langer dan een dag geleden." in page) is late


# --- CSV ---------------------------------------------------------------------------------------


def test_every_csv_is_an_excel_friendly_attachment(
    admin: FlaskClient, world: tuple[Activity, Activity]
) -> None:
    for slug, first in FIRST_COLUMN.items():
        response = admin.get(f"/beheer/resultaten/{slug}.csv", query_string=ARGS)
        assert response.status_code == 200, slug
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        filename = f"resultaten-{slug}-12m.csv"
        assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
        rows = read_csv(response)
        assert rows[0][0] == first, slug
        assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), slug
    assert set(FIRST_COLUMN) == set(reports.TABLES)


def test_district_csv_matches_the_database(
    admin: FlaskClient, session: Session, world: tuple[Activity, Activity]
) -> None:
    start, until = period().utc_bounds()
    pc4s = session.exec(
        select(Placement.pc4).where(Placement.created_at >= start, Placement.created_at < until)
    ).all()
    areas = {a.pc4: a for a in session.exec(select(PostcodeArea))}
    expected = Counter(areas[pc4].district_code if pc4 in areas else pc4 for pc4 in pc4s)
    assert sum(expected.values()) == 15  # the six older ones are outside the period

    rows = read_csv(admin.get("/beheer/resultaten/wijken.csv", query_string=ARGS))

    header = rows[0]
    assert header[:3] == ["Wijk", "wijkcode", "Aanmeldingen"]
    assert header[-1] == "Bezetting nu (%)"
    assert "Mediaan dagen van aanmelding tot start" in header
    table = by_label(rows)
    assert table["Totaal"][:2] == ["", str(len(pc4s))]
    codes = {label: cells[0] for label, cells in table.items()}
    assert codes == {**{t.label: t.key for t in DISTRICTS}, "9999": "", "Totaal": ""}
    for label, cells in table.items():
        if label != "Totaal":
            assert cells[1] == shown(expected[cells[0] or label]), label
    assert {label for label, cells in table.items() if cells[1] == SMALL} == {"Holtenbroek", "9999"}
    assert table["Westenholte"][:2] == ["WK019321", "5"]
    assert table["Binnenstad"][2] == SMALL  # kennismaking: two
    assert table["Binnenstad"][-1] == "70"  # 7 of 10 places taken, now


def test_other_csvs_match_the_database(
    admin: FlaskClient, world: tuple[Activity, Activity]
) -> None:
    centre, north = world

    def table(slug: str) -> dict[str, list[str]]:
        return by_label(read_csv(admin.get(f"/beheer/resultaten/{slug}.csv", query_string=ARGS)))

    providers = table("aanbieders")
    assert providers[centre.organisation.name][0] == "15"
    assert providers[north.organisation.name][0] == "0"  # its six are before the period
    assert providers["Totaal"][0] == "15"
    assert table("soorten")[ACTIVITY_TYPES.label_of("groen")][0] == "15"
    assert table("behoeften")[NEEDS.label_of("sociale_contacten")][0] == "15"
    assert {cells[0] for cells in table("uitkomsten").values()} == {"0"}
    searches = table("zoekvragen")
    assert set(searches) == {"8026 Marsweteringlanden", "Totaal"}  # Wijthmen, not Windesheim
    assert searches["8026 Marsweteringlanden"][0] == "WK019341"
    assert searches["Totaal"][0] == ""
    assert searches["Totaal"][-1] == "7"  # the 9 searches of 500 days ago are outside
    stale = table("verouderd")
    assert stale[north.organisation.name] == ["1", "1"]
    assert stale[centre.organisation.name] == ["1", "0"]


def test_csv_labels_cannot_start_a_formula(
    admin: FlaskClient, factory: Factory, session: Session
) -> None:
    names = ['=HYPERLINK("http://example.com","klik")', "+31 Welzijn", "@thuis", "-min"]
    for name in names:
        add_placement(session, factory.activity(organisation=factory.organisation(name=name)))
    factory.activity(organisation=factory.organisation(name="Gewone Aanbieder"))

    for slug in ("aanbieders", "verouderd"):
        labels = {row[0] for row in read_csv(admin.get(f"/beheer/resultaten/{slug}.csv"))[1:]}
        assert {f"'{name}" for name in names} <= labels, slug
        assert "Gewone Aanbieder" in labels
        assert not any(label.startswith(("=", "+", "@", "-")) for label in labels)


def test_csv_for_an_unknown_table_is_404(admin: FlaskClient) -> None:
    for url in ("/beheer/resultaten/onbekend.csv", "/beheer/resultaten/wijken.xlsx"):
        response = admin.get(url)
        assert response.status_code == 404, url
        assert "Deze pagina bestaat niet" in text_of(response)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"periode": "31-01-2026"}, reports.PERIOD_PROBLEM),
        ({"periode": "2026-13"}, reports.PERIOD_PROBLEM),
        ({"periode": "２０２６"}, reports.PERIOD_PROBLEM),  # fullwidth digits
        ({"periode": "9" * 400}, reports.PERIOD_PROBLEM),
        ({"periode": "2100"}, "Deze periode is nog niet begonnen."),
        ({"van": "2026-02-01", "tot": "2026-02-15"}, "Eigen datums kunnen niet."),
    ],
)
def test_csv_with_a_bad_period_is_400(
    admin: FlaskClient, world: tuple[Activity, Activity], args: dict[str, str], message: str
) -> None:
    response = admin.get("/beheer/resultaten/wijken.csv", query_string=args)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    assert message in text_of(response)


def test_the_trend_csv_has_the_running_aanmeldingen_and_the_occupancy_per_month(
    admin: FlaskClient, world: tuple[Activity, Activity]
) -> None:
    rows = read_csv(admin.get("/beheer/resultaten/trend.csv", query_string=ARGS))
    header = rows[0]
    assert header[5:7] == [
        "Lopend aan het eind van de maand",
        "Lopend aan het eind van de maand als % van de plekken van de lopende activiteiten nu",
    ]
    assert len(rows) == 1 + 24
    for row in rows[1:]:  # a count, "<5", "x" or "0"; a whole percentage without "%", or "–"
        assert re.fullmatch(r"\d+|<5|x", row[5]), row
        assert re.fullmatch(r"\d+|–", row[6]), row
