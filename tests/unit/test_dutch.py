"""Dutch everywhere: WTForms' own messages in our words, and "Fout: " in the title of a page
whose form has errors."""

from __future__ import annotations

import re
from pathlib import Path

import wtforms
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from activatie.forms import DUTCH, DUTCH_MESSAGES, DUTCH_PLURALS, REQUIRED, PlacementForm
from tests.factories import Factory, login_as

POT = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def wtforms_msgids() -> list[tuple[str, str]]:
    """Return WTForms' messages as ``(msgid, msgid_plural or "")``."""
    pattern = r'^msgid "(.+)"\n(?:msgid_plural "(.+)"$)?'
    return re.findall(pattern, POT.read_text(encoding="utf-8"), re.M)


def test_our_words_replace_real_wtforms_messages() -> None:
    singular = {msgid for msgid, plural in wtforms_msgids() if not plural}
    assert set(DUTCH_MESSAGES) <= singular
    # every message with a plural form is ours: WTForms' Dutch plurals read awkwardly
    assert set(DUTCH_PLURALS) == {msgid for msgid, plural in wtforms_msgids() if plural}


def test_no_wtforms_message_stays_english() -> None:
    for msgid, plural in wtforms_msgids():
        if plural:
            assert DUTCH.ngettext(msgid, plural, 2) != plural, msgid
        else:
            assert DUTCH.gettext(msgid) != msgid, msgid
    assert DUTCH.gettext("This field is required.") == REQUIRED == "Vul dit in."
    assert DUTCH.gettext("Invalid IP address.") == "Ongeldig IP-adres."  # WTForms' catalogue
    one = DUTCH.ngettext("Field cannot be longer than %(max)d character.", "...", 1)
    many = DUTCH.ngettext("Field cannot be longer than %(max)d character.", "...", 5)
    assert (one % {"max": 1}, many % {"max": 5}) == (
        "Gebruik hoogstens 1 teken.",
        "Gebruik hoogstens 5 tekens.",
    )


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


def title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return match.group(1)


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
