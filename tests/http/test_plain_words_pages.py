"""Every resident page explains its hard words and says "u"; the rule: ``tests/unit/test_plain_words.py``."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from activatie import plain_words, seed, signpost_store
from activatie.models import Activity, Organisation


class _Text(HTMLParser):
    """The text a reader sees (and a screen reader reads), without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"script", "style"}:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def resident_pages(client: FlaskClient, session: Session) -> dict[str, str]:
    paths = ["/", "/activiteiten", "/activiteiten?postcode=8011", "/aanbieders", "/sportclubs"]
    paths += ["/over", "/wat-past-bij-mij", "/activiteiten?postcode=8011&pagina=2"]
    paths += [f"/activiteiten/{a.id}" for a in session.exec(select(Activity)).all()]
    paths += [f"/aanbieders/{o.id}" for o in session.exec(select(Organisation)).all()]
    pages = {}
    for path in paths:
        response = client.get(path)
        if response.status_code == 200:
            pages[path] = response.get_data(as_text=True)
    answers = {"postcode": "8011", "leeftijd": "45"}
    wizard = {
        **{f"vraag {n}": answers | {"stap": str(n - 1)} for n in (2, 3, 4, 5)},
        "uitkomst": answers | {"stap": "5", "doelgroepen": ["autisme", "lvb", "gedrag"]},
        "niets past": answers
        | {
            "stap": "5",
            "vervoer": "lopen",
            "max_minuten": "10",
            "interesses": "dieren",
            "tijden": "doordeweeks_middag",
        },
        "AOW": {"stap": "2", "postcode": "8011", "leeftijd": "80"},
        "kind": {"stap": "5", "postcode": "8024", "leeftijd": "9"},
        "intensief": answers | {"stap": "5", "begeleiding": "intensief"},
    }
    for name, data in wizard.items():
        pages[name] = client.post("/wat-past-bij-mij", data=data).get_data(as_text=True)
    return pages


@pytest.fixture
def catalogue(seeded, session: Session) -> None:
    signpost_store.load_signposts(session, seed.read_signposts())


def test_resident_pages_explain_every_hard_word_and_say_u(
    client: FlaskClient, catalogue, session: Session
) -> None:
    pages = resident_pages(client, session)
    assert len(pages) > 80
    problems = {}
    for name, html in pages.items():
        text = visible_text(html)
        hard = plain_words.unexplained(text)
        informal = sorted({word.lower() for word in plain_words.informal(text)})
        if hard or informal:
            problems[name] = (hard, informal)
    assert problems == {}


def test_voor_wie_is_about_people_first(client: FlaskClient, catalogue, session: Session) -> None:
    from activatie.vocabulary import TARGET_GROUPS

    assert all(re.match(r"^(mensen|kinderen) ", term.label) for term in TARGET_GROUPS)
    activity = session.exec(select(Activity)).first()
    html = client.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert "Iedereen is welkom. Er is ervaring met: mensen" in html
