"""The warm handover: the provider hears of an aanmelding at once and knows whom to call back.

The e-mail goes to a real SMTP server on localhost (aiosmtpd), not a mock: what the provider
receives is read back from the wire.
"""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from activatie import placements, workflow
from activatie.models import Activity, AuditEvent, Placement, Team, User
from tests.factories import Factory, login_as

FORM = {
    "leeftijdsgroep": "27_44",
    "pc4": "8011",
    "trede_start": "2",
    "behoeften": "herstel",
    "notitie": "Vindt drukte lastig.",
}


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content),
            )
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_STARTTLS=False,
        SMTP_FROM="activatie@zwolle.test",
        SERVER_NAME="activatie.zwolle.test",
    )
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def team(session: Session) -> Team:
    team = Team(name="Wijkteam Zuid", pc4_codes="8011", phone="038 498 9999")
    session.add(team)
    session.commit()
    return team


@pytest.fixture
def consultant(factory: Factory, team: Team) -> User:
    return factory.user("consulent", name="Fatima Consulent", team_id=team.id)


@pytest.fixture
def activity(factory: Factory) -> Activity:
    organisation = factory.organisation(name="De Groene Hof", email="aanmelding@groenehof.test")
    return factory.activity(
        location=factory.location(organisation), title="Stadsmoestuin", capacity=5, free_places=2
    )


def refer_by_form(client: FlaskClient, activity: Activity):
    return client.post(
        "/consulent/aanmeldingen/nieuw", data={"activiteit": str(activity.id), **FORM}
    )


def test_the_provider_gets_an_email_without_personal_data(
    app: Flask, session: Session, smtp_server: Inbox, consultant: User, activity: Activity
) -> None:
    client = login_as(app.test_client(), consultant)
    response = refer_by_form(client, activity)
    placement = session.exec(select(Placement)).one()
    assert response.location.endswith(f"/consulent/aanmeldingen/{placement.id}")

    assert len(smtp_server.messages) == 1
    sender, recipients, message = smtp_server.messages[0]
    assert sender == "activatie@zwolle.test"
    assert recipients == ["aanmelding@groenehof.test"]
    assert message["Subject"] == f"Nieuwe aanmelding {placement.reference} voor Stadsmoestuin"
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"Het kenmerk is {placement.reference}." in body
    assert f"Reageer graag binnen {workflow.RESPONSE_WORKING_DAYS} werkdagen." in body
    assert f"http://activatie.zwolle.test/aanbieder/aanmeldingen/{placement.id}" in body
    for private in ("8011", "27", "herstel", "drukte", "Fatima", "Wijkteam Zuid"):
        assert private not in body, private

    page = client.get(response.location).get_data(as_text=True)
    assert "De aanbieder heeft een e-mail gekregen op aanmelding@groenehof.test." in page
    notice = session.exec(select(AuditEvent).where(AuditEvent.action == "e-mail aanbieder")).one()
    assert notice.object_id == placement.id and notice.changes == {"verstuurd": True}


def test_a_failing_mail_server_loses_no_aanmelding(
    app: Flask, session: Session, consultant: User, activity: Activity
) -> None:
    # Nothing listens on this port: the connection is refused.
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=free_port(),
        SMTP_STARTTLS=False,
        SMTP_FROM="activatie@zwolle.test",
    )
    client = login_as(app.test_client(), consultant)
    response = refer_by_form(client, activity)
    placement = session.exec(select(Placement)).one()
    assert response.location.endswith(f"/consulent/aanmeldingen/{placement.id}")
    assert placement.status == "aangemeld"
    page = client.get(response.location).get_data(as_text=True)
    assert "de e-mail aan de aanbieder is niet verstuurd. De aanmelding is wel opgeslagen" in page
    notice = session.exec(select(AuditEvent).where(AuditEvent.action == "e-mail aanbieder")).one()
    assert notice.changes == {"verstuurd": False}


def test_without_a_provider_address_nothing_is_sent(
    app: Flask, session: Session, smtp_server: Inbox, consultant: User, factory: Factory
) -> None:
    activity = factory.activity(title="Zonder adres")
    client = login_as(app.test_client(), consultant)
    response = refer_by_form(client, activity)
    assert smtp_server.messages == []
    page = client.get(response.location).get_data(as_text=True)
    assert "De aanbieder ziet de aanmelding als nieuw in Activatie." in page


def test_the_provider_dashboard_counts_new_aanmeldingen_and_shows_whom_to_call(
    app: Flask, session: Session, factory: Factory, consultant: User, activity: Activity
) -> None:
    provider = factory.user("aanbieder", organisation_id=activity.organisation_id)
    client = login_as(app.test_client(), provider)
    assert "Er wachten geen nieuwe aanmeldingen op uw antwoord." in client.get(
        "/aanbieder/"
    ).get_data(as_text=True)

    new = placements.NewPlacement(activity_id=activity.id, age_band="27_44", pc4="8011")
    first = placements.refer(session, consultant, new)
    placements.refer(session, consultant, new)
    elsewhere = factory.activity(title="Bij een ander")
    placements.refer(session, consultant, placements.NewPlacement(elsewhere.id, "27_44", "8011"))
    dashboard = client.get("/aanbieder/").get_data(as_text=True)
    assert "<strong>2 nieuwe aanmeldingen</strong> wachten op uw antwoord." in dashboard

    placements.move(
        session,
        provider,
        first,
        placements.Step("afgewezen", first.version, decline_reason="vol"),
    )
    dashboard = client.get("/aanbieder/").get_data(as_text=True)
    assert "<strong>1 nieuwe aanmelding</strong> wacht op uw antwoord." in dashboard

    detail = client.get(f"/aanbieder/aanmeldingen/{first.id}").get_data(as_text=True)
    assert "<dt>Consulent</dt><dd>Fatima Consulent</dd>" in detail
    assert "<dt>Wijkteam</dt><dd>Wijkteam Zuid</dd>" in detail
    assert '<a href="tel:0384989999">038 498 9999</a>' in detail


def test_the_resident_sheet_says_what_where_when_and_whom_to_call_without_a_name(
    app: Flask, session: Session, factory: Factory, postcodes: None, consultant: User
) -> None:
    organisation = factory.organisation(
        name="De Groene Hof", phone="038 123 4567", email="info@groenehof.test"
    )
    location = factory.location(
        organisation, name="Tuin aan de Rieteweg", street="Rieteweg", house_number="12",
        postcode="8011AB", pc4="8011", accessibility=["ov_dichtbij", "rolstoel"],
    )  # fmt: skip
    activity = factory.activity(
        location=location, title="Stadsmoestuin", summary="Samen groente kweken.",
        schedule_note="Dinsdag en donderdag, 9:30 tot 12:00.",
    )  # fmt: skip
    client = login_as(app.test_client(), consultant)
    response = refer_by_form(client, activity)
    placement = session.exec(select(Placement)).one()
    detail = client.get(response.location).get_data(as_text=True)
    assert f'href="/consulent/aanmeldingen/{placement.id}/blad"' in detail

    sheet = client.get(f"/consulent/aanmeldingen/{placement.id}/blad")
    page = sheet.get_data(as_text=True)
    assert sheet.status_code == 200
    assert '<h1 id="blad-kop">U bent aangemeld bij Stadsmoestuin</h1>' in page
    assert f"Uw kenmerk: <strong>{placement.reference}</strong>" in page
    assert "Samen groente kweken." in page
    assert "Dinsdag en donderdag, 9:30 tot 12:00." in page
    assert "Tuin aan de Rieteweg<br>Rieteweg 12, 8011 AB Zwolle" in page
    assert re.search(
        r"Vanaf postcode 8011 is het ongeveer \d+,\d km\.\s+Fietsen: ongeveer \d+ minu(ut|ten)\. "
        r"Lopen: ongeveer \d+ minuten\.",
        page,
    )
    assert "Er is een bushalte binnen 400 meter." in page
    assert "Goed om te weten: rolstoeltoegankelijk." in page  # the bus stop is not said twice
    assert (
        'Telefoon: <a href="tel:0381234567">038 123 4567</a>' in page
        and "Vraag naar de begeleider van Stadsmoestuin." in page
    )
    assert (
        'Bel uw wijkteam: Wijkteam Zuid, telefoon <a href="tel:0384989999">038 498 9999</a>.'
        in page
    )
    assert "De organisatie belt of mailt u of uw consulent" in page
    # A small map drawn on the server: the place as a dot, the resident's PC4 as a house.
    assert 'id="kaart-blad-titel"' in page and 'class="map-home"' in page
    assert "Het huisje is uw postcode (8011)." in page and "CBS/Kadaster (2014)" in page
    # Never a name: not the consultant's, and the note stays between professionals.
    assert "Fatima" not in page and "Vindt drukte lastig." not in page
    assert "data-print hidden>Print dit blad</button>" in page
    # The printout drops the site chrome and the tools.
    css = (Path(app.static_folder) / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"@media print \{\s*@page \{ size: A4;", css)
    assert ".sheet-tools, .flashes { display: none; }" in css
    # The read is recorded like every read of an aanmelding.
    reads = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "gelezen", AuditEvent.object_id == placement.id
        )
    ).all()
    assert len(reads) == 2  # the detail page and the sheet
