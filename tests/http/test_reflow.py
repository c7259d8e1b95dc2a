"""Pages reflow at 320 px: no known wide element comes back (tests/browser/test_browser.py measures it).

These checks read markup and CSS, not a rendered page: the activity page has no day x day-part
table, every table sits in a labelled scroll container, and the CSS keeps what is absolutely
positioned inside that container and shrinks the header on phones.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from activatie.filters import count_chosen
from activatie.models import Organisation
from activatie.vocabulary import DAY_PARTS, DAYS, SLOTS, slots_by_day
from tests.factories import Factory, login_as

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")


class _Tables(HTMLParser):
    """Record, for each table, the scroll container around it and every id on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.tables: list[dict[str, str] | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "table":
            parent = self.stack[-1] if self.stack else ("", {})
            wrapped = parent[0] == "div" and "table-scroll" in parent[1].get("class", "").split()
            self.tables.append(parent[1] if wrapped else None)
        if tag not in {"br", "input", "img", "meta", "link", "hr", "col", "wbr"}:
            self.stack.append((tag, values))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def assert_tables_scroll_in_labelled_boxes(html: str) -> int:
    parser = _Tables()
    parser.feed(html)
    for box in parser.tables:
        assert box is not None, "a table outside a .table-scroll container makes the page scroll"
        assert box.get("role") == "region" and box.get("tabindex") == "0"
        assert box.get("aria-labelledby") in parser.ids
    return len(parser.tables)


def test_every_table_in_the_templates_has_a_scroll_container_before_it() -> None:
    templates = sorted((ROOT / "templates").rglob("*.html"))
    found = 0
    for path in templates:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        for number, line in enumerate(lines):
            if line.startswith("<table"):
                found += 1
                before = lines[number - 1]
                assert before.startswith('<div class="table-scroll" role="region"'), (
                    f"{path.relative_to(ROOT)}:{number + 1}"
                )
                assert 'tabindex="0"' in before and "aria-labelledby=" in before
    assert found >= 15  # staff tables, monitoring, API docs


def test_activity_page_lists_day_parts_per_day_instead_of_a_wide_table(
    client: FlaskClient, factory: Factory
) -> None:
    activity = factory.activity(slots=["di_ochtend", "di_middag", "za_avond"])
    html = client.get(f"/activiteiten/{activity.id}").get_data(as_text=True)
    assert "<table" not in html
    assert 'class="schedule"' not in html
    schedule = re.search(r'<ul class="schedule-days">(.*?)</ul>', html, re.S)
    assert schedule is not None
    items = re.findall(r"<li>(.*?)</li>", schedule.group(1))
    assert items == [
        "<strong>Dinsdag:</strong> ochtend (9-12 uur), middag (13-17 uur)",
        "<strong>Zaterdag:</strong> avond (18-22 uur)",
    ]


@given(st.sets(st.sampled_from(SLOTS.keys)) | st.sets(st.text(max_size=8), max_size=3))
def test_slots_by_day_keeps_every_known_slot_once_in_week_order(keys: set[str]) -> None:
    rows = slots_by_day(keys)
    day_labels = [day for day, _ in rows]
    assert day_labels == [d.label for d in DAYS if d.label in day_labels]
    assert all(parts for _, parts in rows)
    labels = {part.key: part.label for part in DAY_PARTS}
    shown = {
        f"{day.key}_{key}"
        for day in DAYS
        for label, parts in rows
        if label == day.label
        for key in labels
        if labels[key] in parts
    }
    assert shown == {key for key in keys if key in SLOTS}


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("beheerder", "/beheer/"),
        ("beheerder", "/beheer/accounts"),
        ("beheerder", "/beheer/verwijzingen"),
        ("aanbieder", "/aanbieder/"),
    ],
)
def test_staff_tables_scroll_in_their_own_labelled_box(
    client: FlaskClient, factory: Factory, role: str, path: str
) -> None:
    user = factory.user(role)
    if role == "aanbieder":
        factory.activity(organisation=factory.session.get(Organisation, user.organisation_id))
    html = login_as(client, user).get(path).get_data(as_text=True)
    assert assert_tables_scroll_in_labelled_boxes(html) >= 1


def test_api_documentation_tables_scroll_in_their_own_box(client: FlaskClient) -> None:
    html = client.get("/api").get_data(as_text=True)
    assert assert_tables_scroll_in_labelled_boxes(html) >= 5


def _rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, selector
    return match.group(1)


def test_css_keeps_hidden_text_inside_scroll_boxes_and_shrinks_the_header() -> None:
    # Screen-reader-only text is absolutely positioned: without a positioned scroll box it
    # escapes the box and widens the page (the monitoring page did at 1280 px).
    assert "position: relative" in _rule(".table-scroll")
    assert "overflow-x: auto" in _rule(".table-scroll")
    assert "margin: -1px" in _rule(".visually-hidden")
    phones = re.search(r"@media \(max-width: 40rem\) \{(.*?)\n\}", CSS, re.S)
    assert phones and ".brand" in phones.group(1) and ".site-header" in phones.group(1)


# --- the list page on a phone: results first, filters folded -------------------------------


def _fold(html: str) -> tuple[str, str]:
    match = re.search(r'<details class="filter-fold"( open)?>\s*<summary>(.*?)</summary>', html)
    assert match, "the filters fold into a <details>"
    return match.group(1) or "", re.sub(r"<[^>]+>", "", match.group(2))


def test_list_folds_filters_into_a_summary_that_counts_the_choices(
    client: FlaskClient, factory: Factory
) -> None:
    factory.activity()
    html = client.get("/activiteiten").get_data(as_text=True)
    assert _fold(html) == ("", "Filters (nog niets gekozen)")
    html = client.get(
        "/activiteiten?postcode=8011&soorten=groen,dieren&soorten=groen&q=tuin&max_afstand_km=5"
    ).get_data(as_text=True)
    # postcode and distance stay in view, so they are not counted; groen counts once
    assert _fold(html) == ("", "Filters (3 gekozen)")
    fold_start = html.index('<details class="filter-fold"')
    assert html.index('id="postcode"') < fold_start < html.index('id="soorten-groen"')
    assert html.index('id="soorten-groen"') < html.index("</details>")


def test_list_opens_the_filters_and_shows_the_errors_with_the_results_when_input_is_wrong(
    client: FlaskClient, factory: Factory
) -> None:
    factory.activity()
    response = client.get("/activiteiten?leeftijd=oud&soorten=groen")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _fold(html) == (" open", "Filters (2 gekozen)")
    results = html.index('<section class="results" id="resultaten"')
    assert results < html.index('id="foutmeldingen"') < html.index('href="#leeftijd"')


def test_a_search_and_every_next_page_land_on_the_results(
    client: FlaskClient, app, factory: Factory
) -> None:
    app.config["PAGE_SIZE"] = 1
    factory.activity(title="Eerste")
    factory.activity(title="Tweede")
    html = client.get("/activiteiten?soorten=groen").get_data(as_text=True)
    assert 'action="/activiteiten#resultaten"' in html
    assert 'href="#resultaten">Direct naar de resultaten' in html
    assert re.search(
        r'href="/activiteiten\?soorten=groen&amp;pagina=2#resultaten" rel="next"', html
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 0),
        ({"soorten": ["groen,dieren", "groen"]}, 2),
        ({"q": ["  "], "leeftijd": ["40"], "alleen_vrije_plekken": ["ja"]}, 2),
        ({"dagen": ["ma", "di"], "dagdelen": ["ochtend"], "postcode": ["8011"]}, 3),
        ({"toegankelijkheid": [" , rolstoel,"], "programma": ["sah"], "pagina": ["2"]}, 2),
    ],
)
def test_count_chosen_counts_each_folded_choice_once(query: dict, expected: int) -> None:
    assert count_chosen(MultiDict([(k, v) for k, vs in query.items() for v in vs])) == expected
