"""The public directory pages: content, every filter, empty states and bad input."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests import catalogue
from tests.factories import Factory


@pytest.fixture
def small(factory: Factory) -> catalogue.Small:
    return catalogue.build(factory)


def titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def test_home_page_offers_a_postcode_search_and_interests(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert '<label for="postcode">Uw postcode</label>' in html
    assert 'name="soorten" value="groen"' in html
    assert "Wat doet u graag?" in html
    assert 'action="/activiteiten#resultaten"' in html  # a search lands on the results


def test_list_shows_only_public_running_activities(client: FlaskClient, small) -> None:
    html = client.get("/activiteiten").get_data(as_text=True)
    assert titles(html) == ["Fietsen repareren", "Stadsmoestuin", "Voetbal voor iedereen"]
    assert "3 activiteiten gevonden" in html
    assert "Gepauzeerde klus" not in html and "Nog niet goedgekeurd" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("soorten=groen", ["Stadsmoestuin"]),
        ("soorten=groen,fietsen", ["Fietsen repareren", "Stadsmoestuin"]),
        ("soorten=groen&soorten=sport", ["Stadsmoestuin", "Voetbal voor iedereen"]),
        ("behoeften=werkvaardigheden", ["Fietsen repareren"]),
        ("dagen=di", ["Stadsmoestuin"]),
        ("dagdelen=middag", ["Fietsen repareren"]),
        ("dagen=za&dagdelen=ochtend", ["Voetbal voor iedereen"]),
        ("dagen=za&dagdelen=middag", []),
        ("dagdelen=do_middag", ["Fietsen repareren"]),
        ("toegankelijkheid=rolstoel", ["Stadsmoestuin"]),
        ("toegankelijkheid=rolstoel,doventolk", []),
        ("alleen_vrije_plekken=ja", ["Stadsmoestuin", "Voetbal voor iedereen"]),
        ("leeftijd=8", ["Voetbal voor iedereen"]),
        ("leeftijd=40", ["Fietsen repareren", "Stadsmoestuin"]),
        ("programma=inclusief_sporten", ["Voetbal voor iedereen"]),
        ("q=fiets", ["Fietsen repareren"]),
        ("q=TUINDERIJ", ["Stadsmoestuin"]),
        ("q=100%25", []),
        ("postcode=8011&max_afstand_km=1", ["Stadsmoestuin"]),
        ("postcode=8011&max_afstand_km=3.5", ["Stadsmoestuin", "Voetbal voor iedereen"]),
        ("postcode=8043", ["Fietsen repareren", "Stadsmoestuin", "Voetbal voor iedereen"]),
        ("postcode=8016", ["Voetbal voor iedereen", "Stadsmoestuin", "Fietsen repareren"]),
        ("postcode=8024", ["Stadsmoestuin", "Voetbal voor iedereen", "Fietsen repareren"]),
    ],
)
def test_each_filter_narrows_the_list(client: FlaskClient, small, query: str, expected) -> None:
    response = client.get(f"/activiteiten?{query}")
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == expected


def test_distance_is_shown_when_a_postcode_is_given(client: FlaskClient, small) -> None:
    html = client.get("/activiteiten?postcode=8011").get_data(as_text=True)
    assert "Dichtstbijzijnde eerst, gemeten vanaf 8011" in html
    assert re.search(r"<strong>\d+,\d km</strong>", html)


def test_filters_are_kept_in_the_form(client: FlaskClient, small) -> None:
    html = client.get("/activiteiten?soorten=groen&dagen=di&postcode=8011").get_data(as_text=True)
    assert re.search(r'id="soorten-groen" name="soorten" value="groen"\s+checked', html)
    assert re.search(r'value="di"\s+checked', html)
    assert 'value="8011"' in html


def test_no_results_suggests_what_to_change(client: FlaskClient, small) -> None:
    html = client.get(
        "/activiteiten?soorten=dieren&alleen_vrije_plekken=ja&postcode=8011&max_afstand_km=1"
    ).get_data(as_text=True)
    assert "Geen activiteiten gevonden" in html
    assert "Zoek verder weg" in html
    assert "Toon ook activiteiten die vol zijn" in html


def test_pagination_moves_through_results(client: FlaskClient, app, factory: Factory) -> None:
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        factory.activity(title=f"Klus {n}")
    first = client.get("/activiteiten").get_data(as_text=True)
    assert titles(first) == ["Klus 0", "Klus 1"]
    assert "Pagina 1 van 3" in first and 'rel="next"' in first
    last = client.get("/activiteiten?pagina=3").get_data(as_text=True)
    assert titles(last) == ["Klus 4"]
    assert 'rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("postcode=80", 400, "Vul een postcode in zoals 8011 of 8011 AB."),
        ("postcode=9999", 422, "Activatie is voor inwoners van Zwolle."),
        ("postcode=8011&max_afstand_km=-2", 400, "De afstand moet 0 of meer zijn."),
        ("postcode=8011&max_afstand_km=veel", 400, "De afstand moet een getal zijn."),
        ("max_afstand_km=5", 400, "Vul ook een postcode in om op afstand te zoeken."),
        ("soorten=vliegen", 400, "Onbekende soort activiteit: &#39;vliegen&#39;"),
        ("dagen=maandag", 400, "Onbekende dag: &#39;maandag&#39;"),
        ("dagdelen=nacht", 400, "Onbekende dagdeel: &#39;nacht&#39;"),
        ("leeftijd=130", 400, "De leeftijd mag hoogstens 125 zijn."),
        ("leeftijd=tien", 400, "De leeftijd moet een heel getal zijn."),
        ("alleen_vrije_plekken=misschien", 400, "Gebruik ja of nee."),
        ("pagina=99999999999", 400, "Het paginanummer mag hoogstens 10000 zijn."),
        ("pagina=0", 400, "Het paginanummer moet 1 of meer zijn."),
        ("pagina=50", 404, "Pagina 50 bestaat niet; er zijn 1 pagina"),
    ],
)
def test_bad_input_gets_a_dutch_message(
    client: FlaskClient, small, query: str, status: int, message: str
) -> None:
    response = client.get(f"/activiteiten?{query}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html


def test_activity_page_tells_what_when_where_and_how(client: FlaskClient, small) -> None:
    html = client.get(f"/activiteiten/{small.bikes.id}").get_data(as_text=True)
    assert "<h1>Fietsen repareren</h1>" in html
    assert "Fietsenwerkplaats Noord" in html
    assert "Stadshagenallee 1, 8043 Zwolle" in html and "Wijk: Stadshagen" in html
    assert "€ 2,50" in html
    assert "Vol – wachtlijst" in html
    assert "Aanmelden bij de organisatie." in html
    assert "Laatst gecontroleerd door de organisatie:" in html
    assert "donderdag" in html
    assert "Zo komt u er" in html and "openstreetmap.org/directions?to=52.5305%2C6.044" in html


def test_paused_activity_page_says_so(client: FlaskClient, small) -> None:
    html = client.get(f"/activiteiten/{small.paused.id}").get_data(as_text=True)
    assert "Deze activiteit is tijdelijk gestopt." in html


@pytest.mark.parametrize(
    "path",
    [
        "/activiteiten/abc",
        "/activiteiten/99999999999999999999",
        "/activiteiten/0",
        "/aanbieders/-1",
    ],
)
def test_malformed_ids_get_a_dutch_404(client: FlaskClient, small, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)


def test_unapproved_activity_is_not_found(client: FlaskClient, small) -> None:
    response = client.get(f"/activiteiten/{small.unapproved.id}")
    assert response.status_code == 404
    assert "Deze activiteit bestaat niet (meer)." in response.get_data(as_text=True)


def test_provider_page_lists_its_activities(client: FlaskClient, small) -> None:
    html = client.get(f"/aanbieders/{small.bikes.organisation_id}").get_data(as_text=True)
    assert "<h1>Fietsenwerkplaats Noord</h1>" in html
    assert titles(html) == ["Fietsen repareren"]


def test_providers_page_leaves_out_sports_clubs(client: FlaskClient, small) -> None:
    html = client.get("/aanbieders").get_data(as_text=True)
    assert "Tuinderij Het Plein" in html and "Fietsenwerkplaats Noord" in html
    assert "Voetbalclub Zuid" not in html


def test_sports_clubs_page(client: FlaskClient, small) -> None:
    html = client.get("/sportclubs").get_data(as_text=True)
    assert "Voetbalclub Zuid" in html
    assert "Tuinderij Het Plein" not in html
    assert "1 activiteit" in html


def test_unknown_page_is_a_dutch_404(client: FlaskClient) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Deze pagina bestaat niet" in html
    assert "Traceback" not in html


def test_an_unexpected_error_is_a_dutch_500_without_details(app, client: FlaskClient) -> None:
    @app.get("/kapot")
    def broken() -> str:
        raise RuntimeError("secret internals")

    response = client.get("/kapot")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Er ging iets mis" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_example_data_notice_shows_only_with_example_data(client: FlaskClient, factory) -> None:
    assert "voorbeeldgegevens" not in client.get("/").get_data(as_text=True)
    factory.organisation(is_example=True)
    assert "Let op: dit zijn voorbeeldgegevens." in client.get("/").get_data(as_text=True)
    # A page that reads the catalogue asks on its own session's connection.
    html = client.get("/activiteiten").get_data(as_text=True)
    assert "Let op: dit zijn voorbeeldgegevens." in html


def test_static_files_have_versioned_urls_kept_for_a_year(client: FlaskClient, app) -> None:
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=([0-9a-f]{12}))"', html)
    assert css is not None
    content = (Path(app.static_folder) / "css" / "site.css").read_bytes()
    assert css.group(2) == hashlib.sha256(content).hexdigest()[:12]
    with client.get(css.group(1)) as response:
        assert response.data == content
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable and response.cache_control.public
    # An old or missing version is answered, but not kept: the browser checks again.
    for stale in ("/static/css/site.css?v=000000000000", "/static/css/site.css"):
        with client.get(stale) as response:
            assert response.data == content
            assert response.cache_control.max_age != 365 * 24 * 3600
            assert not response.cache_control.immutable


def test_choices_stay_ticked_when_another_field_is_wrong(client: FlaskClient, small) -> None:
    html = client.get("/activiteiten?soorten=groen&dagen=di&postcode=9999").get_data(as_text=True)
    assert "Activatie is voor inwoners van Zwolle." in html
    assert re.search(r'value="groen"\s+checked', html)
    assert re.search(r'value="di"\s+checked', html)


def test_about_page_names_the_sources_and_licences(client: FlaskClient) -> None:
    html = " ".join(client.get("/over").get_data(as_text=True).split())
    assert '<a href="https://www.geonames.org">GeoNames (geonames.org)</a>' in html
    assert "Kerncijfers wijken en buurten 2024" in html and "CBS/Kadaster" in html
    assert html.count("CC BY 4.0") == 3  # postcode centroids, wijk codes, the map outlines
    assert "De kaarten tekenen we zelf, zonder andere websites." in html
