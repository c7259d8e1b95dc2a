"""Results people can trust: signposts as data, freshness, target groups, AOW soon, outside Zwolle.

Service and HTTP level, on the real database. The pure rules are in test_matching.py and
test_eligibility.py; the named personas on the example catalogue in test_golden.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from activatie import eligibility, seed, signpost_store, signposts
from activatie.audit import Actor
from activatie.models import LOCAL_TIMEZONE, AuditEvent, Signpost, UnmetSearch, local_today
from activatie.vocabulary import MONTHS
from tests import catalogue
from tests.factories import Factory, login_as, redirected_to

# --- signposts as data --------------------------------------------------------------------------


@pytest.fixture
def signpost_rows(app: Flask, session: Session) -> int:
    return signpost_store.load_signposts(session, seed.read_signposts())


def test_the_example_signposts_load_by_key_and_twice_gives_the_same(
    signpost_rows: int, session: Session
) -> None:
    assert signpost_rows == len(signposts.DEFAULTS) == 7
    signpost_store.load_signposts(session, seed.read_signposts())
    rows = session.exec(select(Signpost)).all()
    assert sorted(row.key for row in rows) == sorted(signposts.DEFAULTS)
    assert all(row.is_example for row in rows)
    jeugdfonds = next(row for row in rows if row.key == "jeugdfonds")
    assert jeugdfonds.website == "https://www.jeugdfondssportencultuur.nl"


def test_a_resident_with_nothing_nearby_gets_signposts_with_a_phone_to_tap(
    client: FlaskClient, signpost_rows: int, postcodes: None
) -> None:
    answers = {"stap": "5", "postcode": "8011", "leeftijd": "40", "vervoer": "lopen"}
    html = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Geen plek die past" in html
    assert "Dit past bij u" not in html
    for key in ("wijkteam", "samen_zwolle"):
        assert f'id="verwijzing-{key}"' in html
    assert '<a href="tel:14038">14 038</a>' in html
    assert 'href="https://www.samenzwolle.nl"' in html
    assert "Voorbeeldgegevens" in html


def test_the_api_gives_each_signpost_with_how_to_reach_it(
    client: FlaskClient, signpost_rows: int, factory: Factory
) -> None:
    factory.activity(title="Tuin", guidance="intensief", needs=["dagritme"])
    body = client.get(
        "/api/v1/matches?postcode=8011&leeftijd=50&begeleiding=intensief&behoeften=dagritme"
    ).get_json()
    keys = [item["sleutel"] for item in body["verwijzingen"]]
    assert keys == ["perspectief", "wijkteam"]
    perspectief = body["verwijzingen"][0]
    assert perspectief["naam"] == "Dagbesteding “Perspectief”"
    assert perspectief["telefoon"] == "14 038"
    assert perspectief["waarvoor"] and perspectief["voor_wie"] and perspectief["tekst"]
    assert perspectief["voorbeelddata"] is True


def test_without_rows_the_defaults_are_shown_without_contact_details(
    client: FlaskClient, postcodes: None
) -> None:
    body = client.get("/api/v1/matches?postcode=8011&leeftijd=40").get_json()
    assert [item["sleutel"] for item in body["verwijzingen"]] == ["wijkteam", "samen_zwolle"]
    assert all(item["telefoon"] is None for item in body["verwijzingen"])


def test_the_beheerder_edits_a_signpost_and_it_is_audited(
    app: Flask, factory: Factory, session: Session, signpost_rows: int, client: FlaskClient
) -> None:
    admin = login_as(app.test_client(), factory.user("beheerder"))
    page = admin.get("/beheer/verwijzingen/tiem")
    assert page.status_code == 200
    assert 'name="version" type="hidden" value="1"' in page.get_data(as_text=True)
    data = {
        "version": "1",
        "name": "Tiem",
        "purpose": "Naar werk.",
        "audience": "Iedereen die wil werken.",
        "text": "Tiem helpt u naar werk.",
        "phone": "038 - 123 45 67",
        "website": "https://www.voorbeeld.nl/tiem",
        "address": "",
    }
    response = admin.post("/beheer/verwijzingen/tiem", data=data)
    assert redirected_to(response) == "/beheer/verwijzingen"
    row = session.exec(select(Signpost).where(Signpost.key == "tiem")).one()
    session.refresh(row)
    assert (row.phone, row.version, row.is_example) == ("038 - 123 45 67", 2, False)
    event = session.exec(select(AuditEvent).where(AuditEvent.object_type == "signpost")).one()
    assert event.object_id == row.id
    assert event.changes["phone"] == {"oud": "14 038", "nieuw": "038 - 123 45 67"}

    # Shown at once to residents who ask for work experience.
    factory.activity(needs=["werkvaardigheden"])
    body = client.get("/api/v1/matches?postcode=8011&leeftijd=30&behoeften=werkvaardigheden")
    tiem = next(i for i in body.get_json()["verwijzingen"] if i["sleutel"] == "tiem")
    assert (tiem["telefoon"], tiem["voorbeelddata"]) == ("038 - 123 45 67", False)

    # An older form is a conflict, not a lost update; a wrong website is refused in Dutch.
    stale = admin.post("/beheer/verwijzingen/tiem", data=data | {"phone": "14 038"})
    assert stale.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in stale.get_data(as_text=True)
    wrong = admin.post(
        "/beheer/verwijzingen/tiem", data=data | {"version": "2", "website": "javascript:x"}
    )
    assert wrong.status_code == 422
    assert "Een website begint met https://" in wrong.get_data(as_text=True)
    assert admin.get("/beheer/verwijzingen/onbekend").status_code == 404
    session.refresh(row)
    assert row.version == 2


def test_a_first_save_creates_the_row_for_a_key_without_one(
    session: Session, postcodes: None
) -> None:
    values = {"name": "Samen Zwolle", "text": "Alles in de stad.", "website": "/over"}
    saved = signpost_store.save_signpost(session, Actor(None, "test"), "samen_zwolle", values, None)
    assert (saved.key, saved.website, saved.version) == ("samen_zwolle", "/over", 1)


# --- freshness ----------------------------------------------------------------------------------


def test_a_listing_not_checked_for_90_days_says_so(client: FlaskClient, factory: Factory) -> None:
    old = factory.activity(title="Oude tuin", confirmed_days_ago=100)
    fresh = factory.activity(title="Nieuwe tuin", confirmed_days_ago=10)
    assert "Niet recent gecontroleerd" in client.get(f"/activiteiten/{old.id}").get_data(
        as_text=True
    )
    assert "Niet recent gecontroleerd" not in client.get(f"/activiteiten/{fresh.id}").get_data(
        as_text=True
    )
    body = client.get(f"/api/v1/activiteiten/{old.id}").get_json()
    assert body["verouderd"] is True
    assert body["laatst_gecontroleerd"] == (local_today() - timedelta(days=100)).isoformat()
    assert client.get(f"/api/v1/activiteiten/{fresh.id}").get_json()["verouderd"] is False
    listing = client.get("/activiteiten").get_data(as_text=True)
    assert listing.count("Niet recent gecontroleerd") == 1


def test_a_listing_not_checked_for_180_days_is_hidden_from_the_public_but_kept(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    hidden = factory.activity(title="Vergeten tuin", confirmed_days_ago=200)
    shown = factory.activity(title="Bijgehouden tuin", confirmed_days_ago=5)
    assert "Vergeten tuin" not in client.get("/activiteiten").get_data(as_text=True)
    assert "Bijgehouden tuin" in client.get("/activiteiten").get_data(as_text=True)
    assert client.get(f"/activiteiten/{hidden.id}").status_code == 404
    assert client.get(f"/api/v1/activiteiten/{hidden.id}").status_code == 404
    titles = [a["titel"] for a in client.get("/api/v1/activiteiten").get_json()["activiteiten"]]
    assert titles == ["Bijgehouden tuin"]
    org = client.get(f"/api/v1/aanbieders/{hidden.organisation_id}").get_json()
    assert org["activiteiten"] == []
    assert client.get(f"/activiteiten/{shown.id}").status_code == 200
    # Its provider and the beheerder still see it; nothing is deleted.
    provider = login_as(
        app.test_client(), factory.user("aanbieder", organisation_id=hidden.organisation_id)
    )
    assert "Vergeten tuin" in provider.get("/aanbieder/").get_data(as_text=True)
    admin = login_as(app.test_client(), factory.user("beheerder"))
    assert "Vergeten tuin" in admin.get("/beheer/verouderd").get_data(as_text=True)


# --- target groups (doelgroepen) ----------------------------------------------------------------


def test_target_groups_filter_the_directory_and_the_api(
    client: FlaskClient, factory: Factory
) -> None:
    factory.activity(title="Met NAH-ervaring", target_groups=["nah"])
    factory.activity(title="Zonder", target_groups=["psychisch"])
    html = client.get("/activiteiten?doelgroepen=nah").get_data(as_text=True)
    assert "Met NAH-ervaring" in html and "Zonder" not in html
    body = client.get("/api/v1/activiteiten?doelgroepen=nah").get_json()
    assert [a["titel"] for a in body["activiteiten"]] == ["Met NAH-ervaring"]
    wrong = client.get("/api/v1/activiteiten?doelgroepen=onbekend")
    assert wrong.status_code == 400
    assert wrong.get_json()["invalid_params"][0]["name"] == "doelgroepen"


def test_a_named_circumstance_ranks_first_in_every_front_end(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    factory.activity(title="Dichtbij", target_groups=["psychisch"])
    factory.activity(
        factory.location(latitude=52.522, longitude=6.095),  # about 1.3 km north
        title="Ervaren met NAH",
        target_groups=["nah"],
    )
    body = client.get("/api/v1/matches?postcode=8011&leeftijd=50&doelgroepen=nah").get_json()
    assert [m["activiteit"]["titel"] for m in body["matches"]] == ["Ervaren met NAH", "Dichtbij"]
    assert "ervaring met NAH (niet-aangeboren hersenletsel)" in body["matches"][0]["redenen"]
    consultant = login_as(app.test_client(), factory.user("consulent"))
    html = consultant.get(
        "/consulent/matchen",
        query_string={"postcode": "8011", "leeftijd": "50", "doelgroepen": "nah"},
    ).get_data(as_text=True)
    assert html.index("Ervaren met NAH") < html.index("Dichtbij")
    wizard = client.post(
        "/wat-past-bij-mij",
        data={"stap": "5", "postcode": "8011", "leeftijd": "50", "doelgroepen": "nah"},
    ).get_data(as_text=True)
    assert "Zoekt u een plek met ervaring met mensen zoals u?" not in wizard
    assert wizard.index("Ervaren met NAH") < wizard.index("Dichtbij")


def test_the_wizard_asks_about_circumstances_gently_and_optionally(
    client: FlaskClient, postcodes: None
) -> None:
    html = client.post(
        "/wat-past-bij-mij", data={"stap": "4", "postcode": "8011", "leeftijd": "40"}
    ).get_data(as_text=True)
    assert "Zoekt u een plek met ervaring met mensen zoals u?" in html
    assert "Meer wensen (hoeft niet)" in html
    assert "U hoeft dit niet in te vullen." in html


# --- AOW soon -----------------------------------------------------------------------------------


def birth_date_with_aow_in(days: int, today: date) -> date:
    """Return a birth date whose AOW day lies ``days`` after ``today``."""
    target = today + timedelta(days=days)
    birth = target.replace(year=target.year - 67)
    for shift in range(-200, 200):
        candidate = birth + timedelta(days=shift)
        if eligibility.aow_date(candidate) == target:
            return candidate
    raise AssertionError("no such birth date")


def test_aow_within_six_months_is_said_with_the_day_everywhere(
    app: Flask, client: FlaskClient, factory: Factory, signpost_rows: int
) -> None:
    factory.activity(title="Tuin")
    today = local_today()
    born = birth_date_with_aow_in(18, today)
    body = client.get(f"/api/v1/matches?postcode=8011&geboortedatum={born.isoformat()}").get_json()
    assert body["dagen_tot_aow"] == 18
    assert body["aow_datum"] == (today + timedelta(days=18)).isoformat()
    day = today + timedelta(days=18)
    assert body["aow_melding"] == (
        f"Over 18 dagen, op {day.day} {MONTHS[day.month - 1]} {day.year}, bereikt u de "
        "AOW-leeftijd. Daarna kunt u terecht bij Daginvulling “Goede dagen”."
    )
    assert "goede_dagen" in [item["sleutel"] for item in body["verwijzingen"]]
    assert [m["activiteit"]["titel"] for m in body["matches"]] == ["Tuin"]

    consultant = login_as(app.test_client(), factory.user("consulent"))
    form = {"postcode": "8011", "geboortedatum": born.strftime("%d-%m-%Y")}
    html = consultant.get("/consulent/matchen", query_string=form).get_data(as_text=True)
    assert "Over 18 dagen, op " in html
    assert 'id="verwijzing-goede_dagen"' in html
    wizard = client.post("/wat-past-bij-mij", data=form | {"stap": "5"}).get_data(as_text=True)
    assert "Over 18 dagen, op " in wizard

    later = birth_date_with_aow_in(200, today)
    body = client.get(f"/api/v1/matches?postcode=8011&geboortedatum={later.isoformat()}")
    assert body.get_json()["dagen_tot_aow"] is None


# --- outside Zwolle -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "status", "message"),
    [
        ("8261", 422, "Activatie is voor inwoners van Zwolle."),  # Kampen
        ("8055 AB", 422, "Activatie is voor inwoners van Zwolle."),  # Laag Zuthem, Raalte
        ("0123", 400, "Vul een postcode in"),  # not a postcode at all: the request is wrong
        ("abcd", 400, "Vul een postcode in"),
    ],
)
def test_outside_zwolle_is_its_own_answer(
    app: Flask, client: FlaskClient, factory: Factory, postcode: str, status: int, message: str
) -> None:
    api = client.get(f"/api/v1/matches?postcode={postcode}&leeftijd=40")
    assert api.status_code == status
    reason = api.get_json()["invalid_params"][0]["reason"]
    assert reason.startswith(message)
    wizard = client.post(
        "/wat-past-bij-mij", data={"stap": "1", "postcode": postcode, "leeftijd": "40"}
    )
    assert message in wizard.get_data(as_text=True)
    if message.startswith("Activatie"):
        assert api.status_code == 422
        assert "Wmo-loket" in reason


# --- the Jeugdfonds beside a club's fee ---------------------------------------------------------


def test_a_childrens_club_with_a_fee_names_the_jeugdfonds(
    client: FlaskClient, factory: Factory, signpost_rows: int
) -> None:
    small = catalogue.build(factory)
    club = factory.activity(
        title="Judo voor kinderen",
        programme="inclusief_sporten",
        min_age=6,
        max_age=12,
        cost="eigen_bijdrage",
        cost_cents=750,
        target_groups=["jeugd_extra_aandacht"],
    )
    html = client.get(f"/activiteiten/{club.id}").get_data(as_text=True)
    assert 'id="verwijzing-jeugdfonds"' in html
    assert "jeugdfondssportencultuur.nl" in html
    free = client.get(f"/activiteiten/{small.football.id}").get_data(as_text=True)
    assert 'id="verwijzing-jeugdfonds"' not in free


# --- the AOW notice rule ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, database=None)
@given(
    born=st.dates(date(1955, 1, 1), date(1975, 12, 31)),
    today=st.dates(date(2024, 1, 1), date(2031, 12, 31)),
)
def test_the_aow_notice_appears_exactly_in_the_six_months_before(born: date, today: date) -> None:
    notice = eligibility.aow_notice(today, birth_date=born)
    day = eligibility.aow_date(born)
    soon = today < day <= eligibility.add_months(today, 6)
    assert (notice is not None) == soon
    if notice is not None:
        assert notice.exact and notice.day == day and notice.days == (day - today).days
        when = "Morgen, op " if notice.days == 1 else f"Over {notice.days} dagen, op "
        assert notice.message.startswith(when)


@settings(max_examples=100, deadline=None, database=None)
@given(age=st.integers(18, 70), today=st.dates(date(2024, 1, 1), date(2031, 12, 31)))
def test_with_only_an_age_the_notice_is_a_maybe_and_never_after_the_aow(
    age: int, today: date
) -> None:
    notice = eligibility.aow_notice(today, age=age)
    if notice is not None:
        assert not notice.exact
        assert "Vul de geboortedatum in" in notice.message
        assert eligibility.has_reached_aow_by_age(age, today) is not True


# --- boundaries found in review: local days, PO boxes, links, reseeding ---------------------------


def confirmed_at_local(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = local_today() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TIMEZONE).astimezone(UTC)


@pytest.mark.parametrize(
    ("days_ago", "hour", "public", "stale"),
    [
        (180, 0, True, True),  # 00:30 on the 180th Zwolle day back: 180 days, still shown
        (181, 23, False, True),  # 23:30 the day before: more than 180 days, hidden
        (90, 0, True, False),  # exactly 90 Zwolle days: not yet "niet recent gecontroleerd"
        (91, 23, True, True),
    ],
)
def test_freshness_counts_zwolle_days_around_midnight(
    app: Flask, client: FlaskClient, factory: Factory, days_ago: int, hour: int, public: bool,
    stale: bool,
) -> None:  # fmt: skip
    activity = factory.activity(title="Grens", confirmed_at=confirmed_at_local(days_ago, hour, 30))
    page = client.get(f"/activiteiten/{activity.id}")
    assert (page.status_code == 200) == public
    assert ("Grens" in client.get("/activiteiten").get_data(as_text=True)) == public
    if public:
        body = client.get(f"/api/v1/activiteiten/{activity.id}").get_json()
        assert body["verouderd"] is stale
        expected = (local_today() - timedelta(days=days_ago)).isoformat()
        assert body["laatst_gecontroleerd"] == expected
        assert ("Niet recent gecontroleerd" in page.get_data(as_text=True)) == stale
    # The provider and the beheerder see the same rule.
    provider = login_as(
        app.test_client(), factory.user("aanbieder", organisation_id=activity.organisation_id)
    )
    dashboard = provider.get("/aanbieder/").get_data(as_text=True)
    assert ("al meer dan 90 dagen niet gecontroleerd" in dashboard) == stale


@pytest.mark.parametrize("postcode", ["8000", "8003 CA", "8007"])
def test_a_po_box_postcode_asks_for_the_home_address(
    client: FlaskClient, postcodes: None, postcode: str
) -> None:
    response = client.get(f"/api/v1/matches?postcode={postcode}&leeftijd=40")
    assert response.status_code == 422
    reason = response.get_json()["invalid_params"][0]["reason"]
    assert reason == "Dit is de postcode van een postbus. Vul de postcode van uw woonadres in."
    html = client.get(f"/activiteiten?postcode={postcode}").get_data(as_text=True)
    assert "postbus" in html


@pytest.mark.parametrize("website", ["//evil.example/phish", "/\\evil.example", "javascript:x"])
def test_a_signpost_link_cannot_leave_for_another_site(
    session: Session, postcodes: None, website: str
) -> None:
    values = {"name": "Samen Zwolle", "text": "Alles in de stad.", "website": website}
    with pytest.raises(signpost_store.SignpostError, match="Een website begint met https://"):
        signpost_store.save_signpost(session, Actor(None, "test"), "samen_zwolle", values, None)


def test_seeding_again_never_undoes_the_gemeentes_edit(
    session: Session, signpost_rows: int
) -> None:
    values = {"name": "Sociaal Wijkteam", "text": "Bel ons.", "phone": "038 498 00 00"}
    row = session.exec(select(Signpost).where(Signpost.key == "wijkteam")).one()
    signpost_store.save_signpost(session, Actor(None, "test"), "wijkteam", values, row.version)
    signpost_store.load_signposts(session, seed.read_signposts())
    session.expire_all()
    row = session.exec(select(Signpost).where(Signpost.key == "wijkteam")).one()
    assert (row.phone, row.is_example, row.version) == ("038 498 00 00", False, 2)


def test_a_phone_with_a_bracketed_zero_dials_without_it() -> None:
    info = signposts.SignpostInfo("x", "X", "", "", "", phone="+31 (0)38 498 99 99")
    assert info.phone_link == "tel:+31384989999"
    assert signposts.SignpostInfo("x", "X", "", "", "", phone="14 038").phone_link == "tel:14038"


def test_the_wizard_counts_a_search_without_a_result_once(
    client: FlaskClient, postcodes: None, session: Session
) -> None:
    answers = {"postcode": "8011", "leeftijd": "40", "behoeften": "herstel"}
    for step in ("1", "2", "3", "4", "5"):
        client.post("/wat-past-bij-mij", data=answers | {"stap": step})
    assert [(row.pc4, row.need, row.count) for row in session.exec(select(UnmetSearch))] == [
        ("8011", "herstel", 1)
    ]


def test_the_aow_notice_on_a_known_day() -> None:
    # domain.md: born 1 January 1961, AOW on 1 April 2028.
    notice = eligibility.aow_notice(date(2028, 3, 14), birth_date=date(1961, 1, 1))
    assert notice is not None
    assert (notice.day, notice.days) == (date(2028, 4, 1), 18)
    assert notice.message.startswith("Over 18 dagen, op 1 april 2028, bereikt u de AOW-leeftijd.")
    assert eligibility.aow_notice(date(2027, 9, 30), birth_date=date(1961, 1, 1)) is None
    assert eligibility.aow_notice(date(2027, 10, 1), birth_date=date(1961, 1, 1)) is not None
    assert eligibility.aow_notice(date(2028, 4, 1), birth_date=date(1961, 1, 1)) is None
