"""A resident's situation read from parameters: plain values and a fixed day, no app.

The pages and the API read it the same way; ``tests/http/test_match_views.py`` shows the
messages on each front end.
"""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from activatie.filters import InvalidInput
from activatie.intake import (
    MAX_MATCH_LIMIT,
    OUTSIDE_ZWOLLE,
    PO_BOX,
    day_parts_with_choice,
    parse_date,
    parse_intake,
    service_area_problem,
)
from activatie.matching import DEFAULT_MATCH_LIMIT

TODAY = date(2026, 11, 27)


def errors_of(args: dict[str, str | list[str]], *, strict: bool = False) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_intake(MultiDict(args), TODAY, strict=strict)
    return caught.value.errors


def test_a_postcode_and_an_age_are_enough_and_the_rest_has_defaults() -> None:
    request = parse_intake(MultiDict({"postcode": "8011 AB", "leeftijd": "40"}), TODAY)
    assert request.age == 40 and request.birth_date is None
    assert request.travel_mode == "fiets"
    assert request.match_limit == DEFAULT_MATCH_LIMIT
    assert request.needs == request.slots == request.accessibility == frozenset()
    assert not request.only_free and not request.include_full and not request.widen_guidance


def test_repeated_parameters_are_read_as_sets() -> None:
    args = MultiDict([("postcode", "8011"), ("leeftijd", "40")])
    args.setlist("dagdelen", ["di_ochtend", "do_middag", "di_ochtend"])
    assert parse_intake(args, TODAY).slots == frozenset({"di_ochtend", "do_middag"})


def test_without_postcode_and_age_both_are_asked_for() -> None:
    assert set(errors_of({})) == {"postcode", "leeftijd"}


@pytest.mark.parametrize(
    ("args", "wrong"),
    [
        ({"postcode": "80", "leeftijd": "40"}, "postcode"),
        ({"postcode": "8011", "leeftijd": "veertig"}, "leeftijd"),
        ({"postcode": "8011", "leeftijd": "40", "vervoer": "raket"}, "vervoer"),
        ({"postcode": "8011", "leeftijd": "40", "begeleiding": "veel"}, "begeleiding"),
        ({"postcode": "8011", "leeftijd": "40", "limiet": str(MAX_MATCH_LIMIT + 1)}, "limiet"),
        ({"postcode": "8011", "leeftijd": "40", "behoeften": "geluk"}, "behoeften"),
        ({"postcode": "8011", "geboortedatum": "31-31-1980"}, "geboortedatum"),
    ],
)
def test_each_wrong_parameter_is_named(args: dict[str, str], wrong: str) -> None:
    assert set(errors_of(args)) == {wrong}


def test_a_birth_date_in_the_future_or_too_long_ago_is_refused() -> None:
    future = errors_of({"postcode": "8011", "geboortedatum": "28-11-2026"})
    assert future == {"geboortedatum": "Deze geboortedatum ligt in de toekomst."}
    ancient = errors_of({"postcode": "8011", "geboortedatum": "01-01-1800"})
    assert ancient == {"geboortedatum": "Controleer het geboortejaar."}


def test_strict_reading_refuses_unknown_parameters() -> None:
    args = {"postcode": "8011", "leeftijd": "40", "naam": "Jan"}
    assert parse_intake(MultiDict(args), TODAY).age == 40
    assert errors_of(args, strict=True) == {"naam": "'naam' is geen bekende zoekterm"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1980-12-31", date(1980, 12, 31)),
        ("31-12-1980", date(1980, 12, 31)),
        ("31/12/1980", date(1980, 12, 31)),
        ("1.2.1980", date(1980, 2, 1)),
        ("31-02-1980", None),
        ("december 1980", None),
        ("", None),
    ],
)
def test_dates_are_read_in_iso_or_dutch_order(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_a_po_box_or_a_postcode_outside_zwolle_is_named() -> None:
    def in_zwolle(postcode: str) -> bool:
        return postcode.startswith("80")

    assert service_area_problem("8011 AB", in_zwolle) is None
    assert service_area_problem("8000", in_zwolle) == PO_BOX
    assert service_area_problem("7411", in_zwolle) == OUTSIDE_ZWOLLE


def test_ticked_day_parts_win_over_the_shortcut_and_an_unknown_shortcut_is_refused() -> None:
    ticked = MultiDict([("dagdelen", "di_ochtend")])
    assert day_parts_with_choice(ticked) == ["di_ochtend"]
    with pytest.raises(InvalidInput) as caught:
        day_parts_with_choice(MultiDict({"tijden": "nooit"}))
    assert set(caught.value.errors) == {"tijden"}
