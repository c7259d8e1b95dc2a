"""The city map on the served pages: under the weight budget and numbered like the list."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from activatie import citymap, seed, signpost_store
from activatie.models import Activity

#: The budget of a public page: the HTML with every file it loads from this site.
PAGE_BUDGET = 60 * 1024


def page_weight(client: FlaskClient, html: str) -> int:
    """Bytes of the page and of the stylesheet, script and pictograms it loads."""
    total = len(html.encode())
    assets = set(re.findall(r'(?:href|src)="(/static/[^"#]+)', html))
    for asset in assets:
        with client.get(asset.replace("&amp;", "&")) as response:
            assert response.status_code == 200, asset
            total += len(response.get_data())
    loaded = re.findall(
        r'<(?:link|script|img|use|image|iframe)\b[^>]*?(?:href|src)="([^"]+)"', html
    )
    assert all(url.startswith("/static/") for url in loaded), loaded  # nothing third-party
    return total


def wizard(client: FlaskClient, **answers: str) -> tuple[int, str]:
    response = client.post("/wat-past-bij-mij", data=answers)
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def catalogue(seeded, session: Session) -> None:
    signpost_store.load_signposts(session, seed.read_signposts())


def test_public_pages_with_a_map_stay_under_60_kb(
    client: FlaskClient, catalogue, session: Session
) -> None:
    first = session.exec(select(Activity).order_by(Activity.id)).first()  # type: ignore[arg-type]
    pages = {
        "lijst met postcode": client.get("/activiteiten?postcode=8011").get_data(as_text=True),
        "activiteit": client.get(f"/activiteiten/{first.id}").get_data(as_text=True),
        "vraag 4": wizard(client, stap="3", postcode="8011", leeftijd="45")[1],
        "uitkomst": wizard(
            client, stap="5", postcode="8011", leeftijd="45", tijden="maakt_niet_uit"
        )[1],
        "niets past": wizard(
            client,
            stap="5",
            postcode="8035",
            leeftijd="45",
            vervoer="lopen",
            max_minuten="10",
            interesses="dieren",
        )[1],
    }
    for name, html in pages.items():
        weight = page_weight(client, html)
        assert weight < PAGE_BUDGET, f"{name}: {weight} bytes"
    for name in ("lijst met postcode", "activiteit", "uitkomst"):
        assert 'class="city-map' in pages[name], name
        assert citymap.ATTRIBUTION in pages[name], name
        svg = re.search(r"<svg xmlns=.*?</svg>", pages[name], re.S)
        assert svg is not None
        ET.fromstring(svg.group(0))
    assert "Geen plek die past" in pages["niets past"]


def test_the_list_numbers_its_cards_like_the_map(client: FlaskClient, catalogue) -> None:
    html = client.get("/activiteiten?postcode=8011&pagina=2").get_data(as_text=True)
    svg = re.search(r"<svg xmlns=.*?</svg>", html, re.S).group(0)
    numbers = re.findall(r"<text x=\"[^\"]+\" y=\"[^\"]+\">(\d+)</text>", svg)
    cards = re.findall(r'<span class="card-number" aria-hidden="true">(\d+)</span>', html)
    assert numbers == cards == [str(n) for n in range(21, 21 + len(cards))]
    assert "Het huisje is uw postcode (8011)." in html
    without = client.get("/activiteiten").get_data(as_text=True)
    assert "city-map" not in without and "card-number" not in without
