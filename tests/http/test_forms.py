"""Forms as the app builds them: Dutch messages and titles, and a field for every activity detail."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from activatie.activity_fields import FIELDS, TERMS
from activatie.forms import (
    ActivityForm,
    PlacementForm,
)
from activatie.models import ACTIVITY_DETAILS
from tests.factories import Factory, login_as


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1)


def test_a_form_answers_a_wrong_choice_a_date_and_a_missing_field_in_dutch(app: Flask) -> None:
    data = MultiDict(
        {
            "activiteit": "1",
            "leeftijdsgroep": "oud",
            "trede_start": "3",
            "voorkeur_start": "gisteren",
        }
    )
    with app.test_request_context(method="POST"):
        form = PlacementForm(formdata=data)
        assert not form.validate()
    assert form.errors["leeftijdsgroep"] == ["Kies een van de mogelijkheden."]
    assert form.errors["voorkeur_start"] == ["Vul een bestaande datum in."]
    assert form.errors["pc4"] == ["Vul dit in."]


def test_public_page_title_says_fout_when_the_input_is_wrong(client: FlaskClient) -> None:
    assert title(client.get("/activiteiten").get_data(as_text=True)) == (
        "Activiteiten – Activatie Zwolle"
    )
    assert title(client.get("/activiteiten?leeftijd=oud").get_data(as_text=True)) == (
        "Fout: Activiteiten – Activatie Zwolle"
    )
    wizard = client.post("/wat-past-bij-mij", data={"stap": "1", "postcode": "xx"})
    assert title(wizard.get_data(as_text=True)).startswith("Fout: ")


def test_staff_form_title_says_fout_and_its_messages_are_dutch(
    client: FlaskClient, factory: Factory
) -> None:
    admin = login_as(client, factory.user("beheerder"))
    assert not title(admin.get("/beheer/teams/nieuw").get_data(as_text=True)).startswith("Fout")
    response = admin.post("/beheer/teams/nieuw", data={"name": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert title(html).startswith("Fout: ")
    assert "This field" not in html and "Not a valid" not in html


def test_the_providers_form_has_a_field_for_each_detail_and_facet(app: Flask) -> None:
    with app.test_request_context():
        names = [f.name for f in ActivityForm(meta={"csrf": False})]
    for name in (*ACTIVITY_DETAILS, *(f.attr for f in FIELDS if f.kind == TERMS)):
        assert name in names, f"forms.ActivityForm has no field {name}"
