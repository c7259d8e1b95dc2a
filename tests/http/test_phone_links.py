"""Phone numbers on the served pages are ``tel:`` links; the rule: ``tests/unit/test_phone.py``."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import Factory


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
