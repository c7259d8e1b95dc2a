"""Every phone number on a resident page can be tapped: one ``tel:`` filter and macro."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from activatie.phone import tel_uri
from activatie.signposts import SignpostInfo
from tests.factories import Factory


def test_tel_uri_keeps_the_digits_and_a_leading_plus() -> None:
    assert tel_uri("038 - 123 45 67") == "tel:0381234567"
    assert tel_uri("14 038") == "tel:14038"
    assert tel_uri(" +31 (0)38 498 9999") == "tel:+31384989999"  # the (0) is not dialled
    assert tel_uri("bel ons") == tel_uri("") == tel_uri(None) == ""


@given(st.text(max_size=30))
def test_tel_uri_is_empty_or_a_dialable_uri(number: str) -> None:
    uri = tel_uri(number)
    digits = "".join(ch for ch in number.strip().replace("(0)", "") if ch in "0123456789")
    if not digits:
        assert uri == ""
    else:
        assert re.fullmatch(r"tel:\+?[0-9]+", uri)
        assert uri.removeprefix("tel:").lstrip("+") == digits


def test_signposts_use_the_same_rule() -> None:
    info = SignpostInfo("x", "X", "voor", "iedereen", "tekst", phone="+31 38 498 00 00")
    assert info.phone_link == tel_uri(info.phone) == "tel:+31384980000"


def test_activity_and_provider_pages_link_the_phone_number(
    client: FlaskClient, factory: Factory
) -> None:
    org = factory.organisation(phone="038 555 01 90", email="info@voorbeeld.nl")
    activity = factory.activity(organisation=org)
    for path in (f"/activiteiten/{activity.id}", f"/aanbieders/{org.id}"):
        html = client.get(path).get_data(as_text=True)
        assert 'Telefoon: <a href="tel:0385550190">038 555 01 90</a>' in html, path
        # and the gemeente's number in the footer
        assert 'Bel de gemeente op <a href="tel:14038">14 038</a>.' in html, path


def test_a_phone_field_without_digits_is_shown_as_text(
    client: FlaskClient, factory: Factory
) -> None:
    org = factory.organisation(phone="via de website")
    html = client.get(f"/aanbieders/{org.id}").get_data(as_text=True)
    assert "<li>Telefoon: via de website</li>" in html
    assert 'href="tel:"' not in html


def test_home_and_about_pages_link_the_gemeente(client: FlaskClient) -> None:
    assert (
        'Bel de gemeente op <a href="tel:14038">14 038</a>'
        in client.get("/").get_data(as_text=True).split("<footer")[0]
    )
    assert 'Bel <a href="tel:14038">14 038</a>.' in client.get("/over").get_data(as_text=True)
