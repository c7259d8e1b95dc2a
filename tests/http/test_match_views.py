"""Matching through its three front ends: consultant page, resident steps, and the API."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from activatie.models import Activity, local_today
from tests import catalogue
from tests.factories import Factory, login_as


@pytest.fixture
def small(factory: Factory) -> catalogue.Small:
    return catalogue.build(factory)


@pytest.fixture
def consultant(app, factory: Factory) -> FlaskClient:
    return login_as(app.test_client(), factory.user("consulent"))


def years_ago(years: int, days: int = 0) -> str:
    today = local_today()
    return (today.replace(year=today.year - years) - timedelta(days=days)).strftime("%d-%m-%Y")


# --- consultant ----------------------------------------------------------------------------


def test_consultant_form_has_every_field_labelled(consultant: FlaskClient) -> None:
    html = consultant.get("/consulent/matchen").get_data(as_text=True)
    for name in ("postcode", "geboortedatum", "leeftijd", "max_minuten", "max_afstand_km"):
        assert f'<label for="{name}">' in html
    assert 'name="dagdelen" value="di_ochtend"' in html
    assert 'name="behoeften" value="herstel"' in html
    assert "Naam en BSN vragen we niet" in html


def test_the_consultant_search_is_a_get_that_lands_on_the_results(
    consultant: FlaskClient, small
) -> None:
    form = consultant.get("/consulent/matchen").get_data(as_text=True)
    assert '<form method="get" action="/consulent/matchen#resultaten"' in form
    assert 'id="resultaten"' not in form  # no search, no results
    assert consultant.post("/consulent/matchen", data={"postcode": "8011"}).status_code == 405
    html = consultant.get(
        "/consulent/matchen?postcode=8011&leeftijd=35&behoeften=herstel&vervoer=fiets"
    ).get_data(as_text=True)
    assert html.count('id="resultaten"') == 1
    # The search travels with every "Aanmelden" button, known fields only, for the way back.
    assert (
        html.count(
            'name="zoekvraag" value="postcode=8011&amp;leeftijd=35&amp;behoeften=herstel&amp;'
            'vervoer=fiets"'
        )
        == html.count('name="van_match"')
        >= 1
    )


def test_the_placement_form_links_back_to_the_same_results(consultant: FlaskClient, small) -> None:
    search = "postcode=8011&leeftijd=35&behoeften=herstel&vervoer=fiets"
    results = consultant.get(f"/consulent/matchen?{search}").get_data(as_text=True)
    activity_id = results.split('name="activiteit" value="')[1].split('"')[0]
    fields = {"activiteit": activity_id, "pc4": "8011", "zoekvraag": search}
    form = consultant.post("/consulent/aanmeldingen/nieuw", data=fields | {"van_match": "1"})
    html = form.get_data(as_text=True)
    back = f'href="/consulent/matchen?{search.replace("&", "&amp;")}#resultaten"'
    assert form.status_code == 200 and back in html
    # After a mistake on the aanmelding form the way back is still there.
    wrong = consultant.post("/consulent/aanmeldingen/nieuw", data=fields | {"pc4": "80"})
    assert wrong.status_code == 400 and back in wrong.get_data(as_text=True)
    # Following it shows the same results again.
    again = consultant.get(f"/consulent/matchen?{search}").get_data(as_text=True)
    assert again.count('name="van_match"') == results.count('name="van_match"')


def test_the_way_back_keeps_the_day_part_choice_and_never_carries_a_birth_date(
    consultant: FlaskClient, seeded
) -> None:
    born = date(local_today().year - 40, 3, 17).strftime("%d-%m-%Y")
    response = consultant.get(
        f"/consulent/matchen?postcode=8011&geboortedatum={born}&tijden=doordeweeks_middag"
    )
    html = response.get_data(as_text=True)
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the URL holds a birth date
    searches = set(re.findall(r'name="zoekvraag" value="([^"]*)"', html))
    assert searches, "no Aanmelden button"
    age = 40 if (local_today().month, local_today().day) >= (3, 17) else 39
    assert searches == {f"postcode=8011&amp;leeftijd={age}&amp;tijden=doordeweeks_middag"}
    assert born not in "".join(searches)
    # The way back shows the same results: the same activities, from the same day parts.
    back = consultant.get(
        f"/consulent/matchen?postcode=8011&leeftijd={age}&tijden=doordeweeks_middag"
    )
    ids = re.findall(r'name="activiteit" value="(\d+)"', html)
    assert re.findall(r'name="activiteit" value="(\d+)"', back.get_data(as_text=True)) == ids


@pytest.mark.parametrize(
    "query",
    [
        "",
        "next=//evil.example&x=1",
        "postcode=8011&next=https://evil.example",
        "postcode=" + "8" * 500,
        "%00%0d%0a",
        "a" * 5000,
    ],
)
def test_the_way_back_only_ever_leads_to_the_match_page_with_its_own_fields(
    consultant: FlaskClient, small, query: str
) -> None:
    results = consultant.get("/consulent/matchen?postcode=8011&leeftijd=35").get_data(as_text=True)
    activity_id = results.split('name="activiteit" value="')[1].split('"')[0]
    html = consultant.post(
        "/consulent/aanmeldingen/nieuw",
        data={"van_match": "1", "activiteit": activity_id, "zoekvraag": query},
    ).get_data(as_text=True)
    link = html.split('<p class="breadcrumb"><a href="')[1].split('"')[0]
    assert link in ("/consulent/matchen", "/consulent/matchen?postcode=8011#resultaten")
    assert "evil" not in html


def test_consultant_sees_matches_with_reasons_and_near_misses(
    consultant: FlaskClient, small
) -> None:
    response = consultant.get(
        "/consulent/matchen",
        query_string={
            "postcode": "8011",
            "leeftijd": "45",
            "behoeften": ["herstel", "werkvaardigheden"],
            "interesses": "groen",
            "max_afstand_km": "6",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 plek past" in html
    assert 'id="verwijzing-tiem"' in html  # work experience was asked
    assert "Stadsmoestuin" in html
    assert "ongeveer 1 minuut fietsen" in html
    assert "past bij: herstellen in eigen tempo, tuin en groen" in html
    assert '<span class="fact-label">Wanneer:</span> dinsdagochtend' in html
    assert "plekken vrij" in html
    assert "Score " in html  # the consultant sees the ranking score
    # The full bike workshop fits "werkervaring": a near miss, with the rule that excludes it.
    assert "Past bijna" in html
    assert "Fietsen repareren" in html and "vol, wel een wachtlijst" in html
    # Children's football is not for a 45-year-old: neither a match nor a near miss.
    assert "Voetbal voor iedereen" not in html


def test_consultant_can_include_full_activities(consultant: FlaskClient, small) -> None:
    html = consultant.get(
        "/consulent/matchen",
        query_string={"postcode": "8011", "leeftijd": "45", "max_afstand_km": "6", "ook_vol": "ja"},
    ).get_data(as_text=True)
    assert "2 plekken passen" in html
    assert "vol — er is een wachtlijst" in html
    assert "U ziet de" not in html  # every match is shown


def test_consultant_sees_the_total_and_the_best_ones(consultant: FlaskClient, small) -> None:
    data = {"postcode": "8011", "leeftijd": "45", "max_afstand_km": "6", "ook_vol": "ja"}
    html = consultant.get("/consulent/matchen", query_string=data | {"limiet": "1"}).get_data(
        as_text=True
    )
    assert "2 plekken passen" in html
    assert "U ziet de 1 die het best passen." in html
    assert "Stadsmoestuin" in html and "Fietsen repareren" not in html


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"postcode": "9999", "leeftijd": "40"}, 422, "Activatie is voor inwoners van Zwolle."),
        ({"postcode": "80", "leeftijd": "40"}, 400, "Vul een postcode in zoals 8011 of 8011 AB."),
        (
            {"postcode": "8011", "geboortedatum": "01-01-2999"},
            400,
            "Deze geboortedatum ligt in de toekomst.",
        ),
        (
            {"postcode": "8011", "geboortedatum": "31-02-1980"},
            400,
            "Schrijf de geboortedatum zo: 31-12-1980.",
        ),
        ({"postcode": "8011", "leeftijd": "130"}, 400, "De leeftijd mag hoogstens 125 zijn."),
        # An empty form still sends its fields, empty
        ({"postcode": "", "leeftijd": ""}, 400, "Vul een leeftijd of geboortedatum in."),
        ({"postcode": "", "leeftijd": ""}, 400, "Vul een postcode in, zoals 8011 of 8011 AB."),
        (
            {"postcode": "8011", "leeftijd": "40", "dagdelen": "maandag"},
            400,
            "Onbekende dagdeel: &#39;maandag&#39;",
        ),
        (
            {"postcode": "8011", "leeftijd": "40", "max_minuten": "0"},
            400,
            "De reistijd moet 1 of meer zijn.",
        ),
    ],
)
def test_consultant_bad_input_is_explained(
    consultant: FlaskClient, small, data: dict, status: int, message: str
) -> None:
    response = consultant.get("/consulent/matchen", query_string=data)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    assert "plekken passen" not in html


def test_resident_at_aow_age_gets_a_kind_pointer_not_an_empty_list(
    consultant: FlaskClient, small
) -> None:
    html = consultant.get(
        "/consulent/matchen", query_string={"postcode": "8011", "geboortedatum": years_ago(70)}
    ).get_data(as_text=True)
    assert "Goede dagen" in html
    assert "Geen plek die precies past" not in html
    assert "Stadsmoestuin" not in html


def test_full_time_guidance_points_to_perspectief(consultant: FlaskClient, small) -> None:
    html = consultant.get(
        "/consulent/matchen",
        query_string={"postcode": "8011", "leeftijd": "30", "begeleiding": "intensief"},
    ).get_data(as_text=True)
    assert "Dagbesteding “Perspectief”" in html


def test_a_child_sees_only_the_sports_clubs(consultant: FlaskClient, small) -> None:
    html = consultant.get(
        "/consulent/matchen", query_string={"postcode": "8024", "leeftijd": "9"}
    ).get_data(as_text=True)
    assert "Voetbal voor iedereen" in html
    assert "Stadsmoestuin" not in html
    assert "sportclubs in Zwolle" in html


def test_matching_logs_nothing_the_resident_typed(
    consultant: FlaskClient, small, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    consultant.get(
        "/consulent/matchen", query_string={"postcode": "8011AB", "geboortedatum": "17-03-1981"}
    )
    consultant.get(
        "/consulent/matchen", query_string={"postcode": "9999", "geboortedatum": "17-03-1981"}
    )
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "17-03-1981" not in logged and "8011AB" not in logged and "9999" not in logged


# --- resident steps ------------------------------------------------------------------------


def test_resident_walks_through_the_steps_to_results(client: FlaskClient, small) -> None:
    first = client.get("/wat-past-bij-mij").get_data(as_text=True)
    assert "5 korte vragen, ongeveer 2 minuten" in first
    assert "Vraag 1 van 5" in first and "Wat is uw postcode?" in first
    assert "Hoe oud bent u?" not in first  # one question per screen

    answers = {"stap": "1", "postcode": "8011"}
    second = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Vraag 2 van 5" in second and "Hoe oud bent u?" in second
    assert '<input type="hidden" name="postcode" value="8011">' in second

    answers |= {"stap": "2", "leeftijd": "50"}
    third = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Vraag 3 van 5" in third and "Wat doet u graag?" in third
    assert 'href="/static/img/soorten.svg' in third  # a pictogram per kind of activity

    answers |= {"stap": "3", "interesses": "groen"}
    fourth = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Vraag 4 van 5" in fourth and "Wanneer kunt u?" in fourth
    assert "doordeweeks &#39;s ochtends (9-12 uur)" in fourth
    assert 'value="di_ochtend"' in fourth and "ochtend (9-12 uur)</label>" in fourth

    answers |= {"stap": "4", "dagdelen": ["di_ochtend", "wo_ochtend"]}
    fifth = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Vraag 5 van 5" in fifth and "Hoe reist u meestal?" in fifth
    assert "Meer wensen (hoeft niet)" in fifth

    answers |= {"stap": "5", "vervoer": "lopen", "max_minuten": "30"}
    results = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Dit past bij u" in results
    assert "Stadsmoestuin" in results
    assert "0,1 km — ongeveer 3 minuten lopen" in results  # GeoNames centroid of 8011
    assert '<span class="fact-label">Wanneer:</span> dinsdagochtend' in results
    assert "plekken vrij" in results
    assert "Score" not in results  # residents never see scores
    assert 'class="city-map"' in results and "Het huisje is uw postcode (8011)." in results


def test_a_day_part_shortcut_stands_for_its_weekday_slots(client: FlaskClient, small) -> None:
    answers = {
        "stap": "5",
        "postcode": "8011",
        "leeftijd": "50",
        "ook_vol": "ja",
        "max_minuten": "45",
    }
    mornings = client.post(
        "/wat-past-bij-mij", data=answers | {"tijden": "doordeweeks_ochtend"}
    ).get_data(as_text=True)
    afternoons = client.post(
        "/wat-past-bij-mij", data=answers | {"tijden": "doordeweeks_middag"}
    ).get_data(as_text=True)
    # The small catalogue: the garden on Tuesday morning, bike repair (full, with a waiting
    # list) on Thursday afternoon.
    assert (
        "Stadsmoestuin" in mornings and "Fietsen repareren" not in mornings.split("Past bijna")[0]
    )
    assert "Fietsen repareren" in afternoons
    assert "Stadsmoestuin" not in afternoons.split("Past bijna")[0]
    # Ticks in the grid win over the shortcut.
    ticked = client.post(
        "/wat-past-bij-mij",
        data=answers | {"tijden": "doordeweeks_ochtend", "dagdelen": "do_middag"},
    ).get_data(as_text=True)
    assert "Fietsen repareren" in ticked.split("Past bijna")[0]
    wrong = client.post("/wat-past-bij-mij", data=answers | {"tijden": "nooit"})
    assert wrong.status_code == 400
    assert "Kies een van de tijden" in wrong.get_data(as_text=True)


def test_resident_can_go_back_a_step_keeping_answers(client: FlaskClient, small) -> None:
    html = client.post(
        "/wat-past-bij-mij",
        data={
            "stap": "4",
            "terug": "1",
            "postcode": "8011",
            "leeftijd": "50",
            "interesses": "groen",
        },
    ).get_data(as_text=True)
    assert "Vraag 3 van 5" in html
    assert re.search(r'value="groen"\s+checked', html)


def test_resident_with_nothing_ticked_still_gets_results(client: FlaskClient, small) -> None:
    answers = {"stap": "5", "postcode": "8011", "leeftijd": "50"}
    html = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "Dit past bij u" in html
    assert "Stadsmoestuin" in html


@pytest.mark.parametrize(
    ("step", "data", "shown", "status", "message"),
    [
        # A well-formed postcode outside Zwolle is unprocessable (422); a bad answer is 400.
        ("1", {"postcode": "1234"}, 1, 422, "Activatie is voor inwoners van Zwolle."),
        ("1", {"postcode": "80"}, 1, 400, "Vul een postcode in zoals 8011 of 8011 AB."),
        (
            "2",
            {"postcode": "8011", "leeftijd": "130"},
            2,
            400,
            "De leeftijd mag hoogstens 125 zijn.",
        ),
        ("2", {"postcode": "8011"}, 2, 400, "Vul een leeftijd of geboortedatum in."),
        (
            "2",
            {"postcode": "8011", "geboortedatum": "01-01-2999"},
            2,
            400,
            "Deze geboortedatum ligt in de toekomst.",
        ),
        # A wrong answer to an earlier question goes back to that question.
        (
            "3",
            {"postcode": "1234", "leeftijd": "50"},
            1,
            422,
            "Activatie is voor inwoners van Zwolle.",
        ),
    ],
)
def test_resident_bad_input_stays_on_its_question(
    client: FlaskClient, small, step, data, shown, status, message
) -> None:
    response = client.post("/wat-past-bij-mij", data={"stap": step, **data})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f"Vraag {shown} van 5" in html
    assert message in html
    assert html.count('name="postcode"') == 1  # asked or kept, never both


def test_resident_over_aow_age_is_told_kindly_at_once(client: FlaskClient, small) -> None:
    html = client.post(
        "/wat-past-bij-mij", data={"stap": "1", "postcode": "8011", "leeftijd": "80"}
    ).get_data(as_text=True)
    assert "Goede dagen" in html
    assert "Vraag 2" not in html
    # No contact details kept for Goede dagen yet: the gemeente's number still reaches it.
    assert 'Vraag ernaar bij de gemeente: bel <a href="tel:14038">14 038</a>' in html


# --- API -----------------------------------------------------------------------------------


def test_api_returns_scored_matches_and_near_misses(client: FlaskClient, small) -> None:
    response = client.get(
        "/api/v1/matches?postcode=8011&leeftijd=45&behoeften=herstel,sociale_contacten"
        "&interesses=groen&interesses=fietsen&max_afstand_km=6&vervoer=fiets"
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [m["activiteit"]["titel"] for m in body["matches"]] == ["Stadsmoestuin"]
    first = body["matches"][0]
    assert first["score"] > 0 and first["afstand_km"] < 0.5 and first["reistijd_minuten"] == 1
    assert first["past_bij"] == ["sociale contacten", "herstellen in eigen tempo", "tuin en groen"]
    assert body["bijna_passend"][0]["regel"] == "plekken"
    assert body["bijna_passend"][0]["activiteit"]["titel"] == "Fietsen repareren"
    assert body["verwijzingen"] == []


def test_api_days_and_birth_date(client: FlaskClient, small) -> None:
    body = client.get(
        f"/api/v1/matches?postcode=8011&geboortedatum={years_ago(40)}&dagdelen=do_middag"
        "&max_afstand_km=6&ook_vol=ja"
    ).get_json()
    assert [m["activiteit"]["titel"] for m in body["matches"]] == ["Fietsen repareren"]
    assert body["bijna_passend"][0]["reden"] == "niet op donderdagmiddag; wel op dinsdagochtend"


def test_api_returns_the_best_matches_and_the_total(client: FlaskClient, small) -> None:
    query = "/api/v1/matches?postcode=8011&leeftijd=45&max_afstand_km=6&ook_vol=ja"
    body = client.get(query).get_json()
    assert body["totaal"] == 2
    assert [m["activiteit"]["titel"] for m in body["matches"]] == [
        "Stadsmoestuin",
        "Fietsen repareren",
    ]
    body = client.get(f"{query}&limiet=1").get_json()
    assert body["totaal"] == 2
    assert [m["activiteit"]["titel"] for m in body["matches"]] == ["Stadsmoestuin"]
    assert client.get(f"{query}&limiet=200").get_json()["totaal"] == 2


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "Het aantal resultaten moet 1 of meer zijn."),
        ("201", "Het aantal resultaten mag hoogstens 200 zijn."),
        ("veel", "Het aantal resultaten moet een heel getal zijn."),
        ("2.5", "Het aantal resultaten moet een heel getal zijn."),
    ],
)
def test_api_refuses_a_bad_limit(client: FlaskClient, small, limit: str, message: str) -> None:
    response = client.get(f"/api/v1/matches?postcode=8011&leeftijd=45&limiet={limit}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problems = {p["name"]: p["reason"] for p in response.get_json()["invalid_params"]}
    assert problems == {"limiet": message}


def test_max_candidates_comes_from_the_app_config(app, client: FlaskClient, small) -> None:
    app.config["MATCH_MAX_CANDIDATES"] = 1
    body = client.get(
        "/api/v1/matches?postcode=8011&leeftijd=45&max_afstand_km=6&ook_vol=ja"
    ).get_json()
    assert body["totaal"] == 1  # only the nearest activity was considered
    assert [m["activiteit"]["titel"] for m in body["matches"]] == ["Stadsmoestuin"]


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("leeftijd=40", 400, "postcode"),
        ("postcode=8011", 400, "leeftijd"),
        ("postcode=9999&leeftijd=40", 422, "postcode"),
        ("postcode=8011&leeftijd=-1", 400, "leeftijd"),
        ("postcode=8011&geboortedatum=2999-01-01", 400, "geboortedatum"),
        ("postcode=8011&leeftijd=40&vervoer=auto", 400, "vervoer"),
        ("postcode=8011&leeftijd=40&begeleiding=veel", 400, "begeleiding"),
        ("postcode=8011&leeftijd=40&toegankelijkheid=lift", 400, "toegankelijkheid"),
        ("postcode=8011&leeftijd=40&alleen_gratis=soms", 400, "alleen_gratis"),
        ("postcode=8011&leeftijd=40&naam=Jan", 400, "naam"),
    ],
)
def test_api_bad_input_is_problem_json(client: FlaskClient, small, query, status, name) -> None:
    response = client.get(f"/api/v1/matches?{query}")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert name in {p["name"] for p in response.get_json()["invalid_params"]}


def test_nothing_fits_offers_searches_to_tap_and_who_helps(client: FlaskClient, small) -> None:
    answers = {
        "stap": "5",
        "postcode": "8011",
        "leeftijd": "50",
        "vervoer": "lopen",
        "max_minuten": "10",
        "interesses": "fietsen",
        "dagdelen": "za_avond",
    }
    html = client.post("/wat-past-bij-mij", data=answers).get_data(as_text=True)
    assert "<h1>Wat u nu kunt doen</h1>" in html and "Dit past bij u" not in html
    assert "Geen plek die past" in html and "Wie helpt u verder?" in html
    assert 'id="verwijzing-wijkteam"' in html
    forms = re.findall(r"<li><form method=\"post\".*?</form></li>", html, re.S)
    buttons = {re.search(r"<button[^>]*>([^<]+)</button>", f).group(1): f for f in forms}
    assert set(buttons) == {
        "Zoek verder weg (45 minuten reizen)",
        "Alle dagen en tijden",
        "Ook plekken die vol zijn (met wachtlijst)",
        "Alle soorten activiteiten",
    }
    wider = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', buttons["Alle dagen en tijden"]))
    assert wider["tijden"] == "maakt_niet_uit" and "dagdelen" not in wider
    assert wider["stap"] == "5" and wider["interesses"] == "fietsen"
    further = re.findall(r'name="max_minuten" value="(\d+)"', buttons[next(iter(buttons))])
    assert further == ["45"]


def test_each_result_card_shows_its_own_activity_what_where_when_and_cost(
    client: FlaskClient, seeded, session: Session
) -> None:
    """A card reads what it shows from its own activity: a free one says 'gratis', a paid one
    its amount, with its summary and wijk (not a default for a missing field)."""
    html = client.post(
        "/wat-past-bij-mij",
        data={"stap": "5", "postcode": "8011", "leeftijd": "45", "vervoer": "fiets"},
    ).get_data(as_text=True)
    cards = re.findall(
        r'<li class="card match-card">(.*?)</li>\s*(?=<li class="card|</ol>)', html, re.S
    )
    assert len(cards) >= 5
    costs = set()
    for card in cards:
        activity_id = int(re.search(r'href="/activiteiten/(\d+)"', card).group(1))
        activity = session.get(Activity, activity_id)
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())
        assert " ".join(activity.summary.split()) in text
        if activity.cost == "gratis":
            expected = "Kosten: gratis"
        elif activity.cost_cents:
            expected = f"Kosten: € {activity.cost_cents // 100},{activity.cost_cents % 100:02d}"
        else:
            expected = "Kosten: u betaalt zelf een klein bedrag"
        assert expected in text, (activity.title, text)
        if activity.location.district:
            assert f"(wijk {activity.location.district})" in text
        costs.add(expected.split(": ")[1][:6])
    assert "gratis" in costs and len(costs) >= 2  # the cards differ, as the activities do
