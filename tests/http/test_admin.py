"""The beheerder's pages: accounts, approvals, stale listings, teams and the audit trail."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from activatie import listings, mail
from activatie.audit import Actor
from activatie.models import Activity, AuditEvent, Organisation, PasswordToken, Team, User
from tests.factories import PASSWORD, Factory, login_as, redirected_to

LINK = re.compile(r"http://localhost/wachtwoord/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def admin_user(factory: Factory) -> User:
    return factory.user("beheerder", name="Bea Beheer")


@pytest.fixture
def admin(app: Flask, admin_user: User) -> FlaskClient:
    return login_as(app.test_client(), admin_user)


def count(session: Session, model: type) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def text(response) -> str:
    return response.get_data(as_text=True)


def new_account_data(**changes) -> dict:
    return {
        "name": "Anna Aanbod",
        "email": "Anna@Voorbeeld.nl",
        "role": "aanbieder",
        "organisation_id": "0",
        "team_id": "0",
    } | changes


# --- Access ----------------------------------------------------------------------------------


ADMIN_PAGES = [
    "/beheer/",
    "/beheer/accounts",
    "/beheer/accounts/nieuw",
    "/beheer/goedkeuren",
    "/beheer/verouderd",
    "/beheer/teams",
    "/beheer/teams/nieuw",
    "/beheer/aanbieders/nieuw",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_only_a_beheerder_may_open_admin_pages(app: Flask, factory: Factory, url: str) -> None:
    anonymous = app.test_client().get(url)
    assert anonymous.location.startswith("/inloggen")
    for role in ("consulent", "aanbieder"):
        client = login_as(app.test_client(), factory.user(role))
        assert client.get(url).status_code == 403, role
    assert login_as(app.test_client(), factory.user("beheerder")).get(url).status_code == 200


def test_a_refused_write_changes_nothing(app: Flask, factory: Factory, session: Session) -> None:
    activity = factory.activity(is_approved=False)
    consultant = login_as(app.test_client(), factory.user("consulent"))
    assert consultant.post(f"/beheer/goedkeuren/activiteit/{activity.id}").status_code == 403
    anonymous = app.test_client().post(f"/beheer/goedkeuren/activiteit/{activity.id}")
    assert anonymous.location.startswith("/inloggen")
    session.expire_all()
    assert session.get(Activity, activity.id).is_approved is False


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_counts_what_needs_attention(admin: FlaskClient, factory: Factory) -> None:
    factory.organisation(is_approved=False)
    factory.activity(is_approved=False)
    factory.activity(confirmed_days_ago=120)
    factory.activity(confirmed_days_ago=200)
    factory.activity(confirmed_days_ago=300, status="beeindigd")  # ended: no work left
    response = admin.get("/beheer/")
    html = text(response)
    assert response.status_code == 200
    assert "<h1>Beheer</h1>" in html
    assert re.search(r"Aanbieders die wachten op goedkeuring</th>\s*<td>1</td>", html)
    assert re.search(r"Activiteiten die wachten op goedkeuring</th>\s*<td>1</td>", html)
    assert re.search(r"langer dan 90 dagen niet gecontroleerd</th>\s*<td>2</td>", html)
    assert re.search(r"niet meer openbaar getoond</th>\s*<td>1</td>", html)
    for link in ("/beheer/goedkeuren", "/beheer/verouderd", "/beheer/accounts", "/beheer/teams"):
        assert f'href="{link}"' in html


# --- Accounts --------------------------------------------------------------------------------


def test_accounts_list_shows_each_account(admin: FlaskClient, factory: Factory) -> None:
    org = factory.organisation(name="Tuinderij De Wilg")
    factory.user("aanbieder", name="Piet Plant", organisation_id=org.id)
    team = Team(name="Wijkteam Zuid", pc4_codes="8012")
    factory.session.add(team)
    factory.session.commit()
    factory.user("consulent", name="Carla Consulent", team_id=team.id, is_active=False)
    html = text(admin.get("/beheer/accounts"))
    assert "Piet Plant" in html and "Tuinderij De Wilg" in html
    assert "Carla Consulent" in html and "Wijkteam Zuid" in html and "nee, uitgezet" in html
    assert "consulent wijkteam" in html and "beheerder gemeente" in html
    assert '<th scope="col">Laatst ingelogd</th>' in html and "nog nooit" in html


def test_new_account_form_offers_organisations_and_teams(
    admin: FlaskClient, factory: Factory
) -> None:
    org = factory.organisation(name="Kringloop Oost")
    factory.session.add(Team(name="Wijkteam Noord"))
    factory.session.commit()
    html = text(admin.get(f"/beheer/accounts/nieuw?aanbieder={org.id}"))
    assert '<label for="email">E-mailadres</label>' in html
    assert f'<option selected value="{org.id}">Kringloop Oost</option>' in html
    assert '<option value="0">—</option>' in html
    assert "Wijkteam Noord" in html
    assert '<input checked id="role-0" name="role" required type="radio" value="aanbieder">' in html


def test_create_account_shows_a_link_that_sets_the_password(
    app: Flask, admin: FlaskClient, factory: Factory, session: Session
) -> None:
    org = factory.organisation(name="Tuinderij De Wilg")
    response = admin.post(
        "/beheer/accounts/nieuw", data=new_account_data(organisation_id=str(org.id))
    )
    html = text(response)
    assert response.status_code == 200
    assert "Het account is gemaakt." in html
    match = LINK.search(html)
    assert match, html
    session.expire_all()
    user = session.exec(select(User).where(User.email == "anna@voorbeeld.nl")).one()
    assert user.organisation_id == org.id and user.role == "aanbieder" and not user.password_hash
    # The link is shown once: the account page itself does not show it again.
    assert LINK.search(text(admin.get(f"/beheer/accounts/{user.id}"))) is None

    newcomer = app.test_client()
    token = match.group(1)
    assert newcomer.get(f"/wachtwoord/{token}").status_code == 200
    saved = newcomer.post(f"/wachtwoord/{token}", data={"password": PASSWORD, "confirm": PASSWORD})
    assert saved.location.startswith("/inloggen")
    logged_in = newcomer.post(
        "/inloggen", data={"email": "anna@voorbeeld.nl", "password": PASSWORD}
    )
    assert logged_in.location == "/aanbieder/"
    assert newcomer.get("/aanbieder/").status_code == 200
    # A link works once.
    assert app.test_client().get(f"/wachtwoord/{token}").status_code == 404


def test_a_consultant_account_gets_its_team(admin: FlaskClient, session: Session) -> None:
    team = Team(name="Wijkteam West")
    session.add(team)
    session.commit()
    data = new_account_data(role="consulent", email="c@voorbeeld.nl", team_id=str(team.id))
    assert admin.post("/beheer/accounts/nieuw", data=data).status_code == 200
    session.expire_all()
    user = session.exec(select(User).where(User.email == "c@voorbeeld.nl")).one()
    assert user.team_id == team.id and user.organisation_id is None


def test_provider_account_without_organisation_is_refused(
    admin: FlaskClient, session: Session
) -> None:
    before = count(session, User)
    response = admin.post("/beheer/accounts/nieuw", data=new_account_data())
    html = text(response)
    assert response.status_code == 400
    message = "Kies de aanbieder waar dit account bij hoort."
    assert f'<p class="error" id="organisation_id-error">{message}</p>' in html
    assert (
        f'<a href="#organisation_id">Aanbieder (alleen voor de rol aanbieder): {message}</a>'
        in html
    )
    assert count(session, User) == before


def test_unknown_choices_get_a_dutch_message(admin: FlaskClient, session: Session) -> None:
    before = count(session, User)
    response = admin.post(
        "/beheer/accounts/nieuw", data=new_account_data(role="baas", organisation_id="999")
    )
    assert response.status_code == 400
    assert "Kies uit de lijst." in text(response)
    assert "Not a valid" not in text(response)
    assert count(session, User) == before


def test_duplicate_email_is_refused(admin: FlaskClient, factory: Factory, session: Session) -> None:
    existing = factory.user("consulent", email="dubbel@voorbeeld.nl")
    before = count(session, User)
    response = admin.post(
        "/beheer/accounts/nieuw",
        data=new_account_data(role="consulent", email="  DUBBEL@voorbeeld.nl", organisation_id="0"),
    )
    assert response.status_code == 409
    assert '<p class="error" id="email-error">Er is al een account met dit e-mailadres.</p>' in (
        text(response)
    )
    assert count(session, User) == before
    session.expire_all()
    assert session.get(User, existing.id).name == existing.name


def test_an_address_without_at_sign_is_refused(admin: FlaskClient, session: Session) -> None:
    before = count(session, User)
    response = admin.post(
        "/beheer/accounts/nieuw", data=new_account_data(role="consulent", email="geen-adres")
    )
    assert response.status_code == 400
    assert "Vul een geldig e-mailadres in" in text(response)
    assert count(session, User) == before


def test_account_page_shows_details_buttons_and_audit(admin: FlaskClient, factory: Factory) -> None:
    admin.post("/beheer/accounts/nieuw", data=new_account_data(role="consulent"))
    user = factory.session.exec(select(User).where(User.email == "anna@voorbeeld.nl")).one()
    html = text(admin.get(f"/beheer/accounts/{user.id}"))
    assert "<h1>Anna Aanbod</h1>" in html
    assert "Account uitzetten" in html and "Nieuwe wachtwoordlink" in html
    assert 'name="actief" value="nee"' in html
    assert "account aangemaakt" in html and "wachtwoordlink gemaakt" in html
    assert "Bea Beheer" in html  # the actor by name
    assert f'href="/beheer/audit/account/{user.id}"' in html


def test_disabling_an_account_ends_its_login(
    app: Flask, admin: FlaskClient, factory: Factory, session: Session
) -> None:
    provider = factory.user("aanbieder")
    browser = login_as(app.test_client(), provider)
    assert browser.get("/aanbieder/").status_code == 200

    response = admin.post(f"/beheer/accounts/{provider.id}/actief", data={"actief": "nee"})
    assert response.location == f"/beheer/accounts/{provider.id}"
    after = browser.get("/aanbieder/")
    assert redirected_to(after).startswith("/inloggen")
    session.expire_all()
    assert session.get(User, provider.id).is_active is False
    html = text(admin.get(f"/beheer/accounts/{provider.id}"))
    assert "staat uit" in html and "Account aanzetten" in html and "account uitgezet" in html

    # Switched on again, a fresh login works; the old cookie stays dead.
    admin.post(f"/beheer/accounts/{provider.id}/actief", data={"actief": "ja"})
    assert browser.get("/aanbieder/").location.startswith("/inloggen")
    fresh = app.test_client()
    fresh.post("/inloggen", data={"email": provider.email, "password": PASSWORD})
    assert fresh.get("/aanbieder/").status_code == 200


def test_a_beheerder_cannot_disable_their_own_account(
    admin: FlaskClient, admin_user: User, session: Session
) -> None:
    page = text(admin.get(f"/beheer/accounts/{admin_user.id}"))
    assert "Account uitzetten" not in page
    response = admin.post(f"/beheer/accounts/{admin_user.id}/actief", data={"actief": "nee"})
    assert response.status_code == 409
    assert "U kunt uw eigen account niet uitzetten." in text(response)
    session.expire_all()
    assert session.get(User, admin_user.id).is_active is True
    assert admin.get("/beheer/").status_code == 200


def test_switching_needs_a_known_value(admin: FlaskClient, factory: Factory) -> None:
    user = factory.user("consulent")
    response = admin.post(f"/beheer/accounts/{user.id}/actief", data={"actief": "misschien"})
    assert response.status_code == 400
    assert "Kies &#39;ja&#39; (aanzetten) of &#39;nee&#39; (uitzetten)." in text(response)


def test_a_new_password_link_replaces_the_old_one(
    app: Flask, admin: FlaskClient, factory: Factory
) -> None:
    user = factory.user("consulent")
    first = LINK.search(text(admin.post(f"/beheer/accounts/{user.id}/wachtwoordlink"))).group(1)
    response = admin.post(f"/beheer/accounts/{user.id}/wachtwoordlink")
    assert response.status_code == 200
    assert "We laten hem maar één keer zien." in text(response)
    second = LINK.search(text(response)).group(1)
    assert first != second
    client = app.test_client()
    assert client.get(f"/wachtwoord/{first}").status_code == 404
    assert client.get(f"/wachtwoord/{second}").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/beheer/accounts/999999",
        "/beheer/accounts/abc",
        "/beheer/teams/999999",
        "/beheer/audit/activiteit/999999",
        "/beheer/audit/activiteit/-1",
        "/beheer/audit/placement/1",
    ],
)
def test_unknown_ids_are_404_in_dutch(admin: FlaskClient, url: str) -> None:
    response = admin.get(url)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in text(response)


def test_bad_ids_in_writes_are_404(admin: FlaskClient) -> None:
    for url in (
        "/beheer/accounts/0/actief",
        "/beheer/accounts/999999/wachtwoordlink",
        "/beheer/goedkeuren/activiteit/999999",
        "/beheer/goedkeuren/aanbieder/x",
    ):
        assert admin.post(url, data={"actief": "ja"}).status_code == 404, url


# --- E-mail (optional SMTP) ------------------------------------------------------------------


class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port
        self.calls: list[str] = []

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self, context=None) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append(f"login {user}")

    def send_message(self, message) -> None:
        if FakeSMTP.fail:
            raise mail.smtplib.SMTPRecipientsRefused({})
        FakeSMTP.sent.append((self, message))


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> type[FakeSMTP]:
    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config.update(
        SMTP_HOST="smtp.zwolle.test",
        SMTP_PORT=2525,
        SMTP_USER="activatie",
        SMTP_PASSWORD="geheim",
        SMTP_FROM="activatie@zwolle.test",
    )
    return FakeSMTP


def test_without_smtp_nothing_is_mailed(
    admin: FlaskClient, monkeypatch: pytest.MonkeyPatch, factory: Factory
) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("no SMTP server is configured")

    monkeypatch.setattr(mail.smtplib, "SMTP", no_network)
    user = factory.user("consulent")
    html = text(admin.post(f"/beheer/accounts/{user.id}/wachtwoordlink"))
    assert LINK.search(html) and "gemaild" not in html


def test_with_smtp_the_link_is_mailed_and_never_logged(
    admin: FlaskClient, smtp: type[FakeSMTP], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = admin.post("/beheer/accounts/nieuw", data=new_account_data(role="consulent"))
    html = text(response)
    link = LINK.search(html).group(0)
    assert "We hebben de link ook gemaild naar anna@voorbeeld.nl." in html
    [(server, message)] = smtp.sent
    assert (server.host, server.port) == ("smtp.zwolle.test", 2525)
    assert server.calls == ["starttls", "login activatie"]
    assert message["To"] == "anna@voorbeeld.nl"
    assert message["From"] == "activatie@zwolle.test"
    body = message.get_content()
    assert link in body and "Beste Anna Aanbod" in body and "Er is een account voor u" in body
    assert link.rsplit("/", 1)[1] not in caplog.text


def test_when_mailing_fails_the_link_is_still_shown(
    admin: FlaskClient,
    smtp: type[FakeSMTP],
    factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    smtp.fail = True
    user = factory.user("consulent")
    html = text(admin.post(f"/beheer/accounts/{user.id}/wachtwoordlink"))
    token = LINK.search(html).group(1)
    assert "Het lukte niet om de link te mailen." in html
    assert "SMTPRecipientsRefused" in caplog.text and token not in caplog.text


# --- Need-to-know against a beheerder (production rules) --------------------------------------


@pytest.fixture
def production(app: Flask) -> Flask:
    """The production rules for links and consulent domains, in the test app."""
    app.config.update(ENV_NAME="production", CONSULTANT_EMAIL_DOMAINS=["wijkteam.zwolle.nl"])
    return app


def test_in_production_a_link_goes_only_by_mail_to_the_account(
    production: Flask, admin: FlaskClient, smtp: type[FakeSMTP], session: Session
) -> None:
    data = new_account_data(role="consulent", email="Anna@Wijkteam.Zwolle.nl")
    html = text(admin.post("/beheer/accounts/nieuw", data=data))
    assert "Het account is gemaakt." in html
    assert "We hebben de link gemaild naar anna@wijkteam.zwolle.nl." in html
    assert not LINK.search(html) and "/wachtwoord/" not in html
    [(_, message)] = smtp.sent
    assert message["To"] == "anna@wijkteam.zwolle.nl" and LINK.search(message.get_content())
    user = session.exec(select(User).where(User.email == "anna@wijkteam.zwolle.nl")).one()
    again = text(admin.post(f"/beheer/accounts/{user.id}/wachtwoordlink"))
    assert not LINK.search(again) and "We hebben de link gemaild naar" in again
    assert len(smtp.sent) == 2 and smtp.sent[1][1]["To"] == "anna@wijkteam.zwolle.nl"
    # Both are sensitive events in the audit trail: they open the door to aanmeldingen.
    session.expire_all()
    actions = {
        e.action: e.changes
        for e in session.exec(select(AuditEvent).where(AuditEvent.object_id == user.id))
    }
    assert actions["account_aangemaakt"]["gevoelig"] == "ja"
    assert actions["wachtwoordlink_gemaakt"] == {"gevoelig": "ja"}
    assert "gevoelige wijziging (toegang tot aanmeldingen)" in text(
        admin.get(f"/beheer/accounts/{user.id}")
    )


def test_in_production_without_smtp_no_link_is_made(
    production: Flask, admin: FlaskClient, factory: Factory, session: Session
) -> None:
    response = admin.post("/beheer/accounts/nieuw", data=new_account_data(role="beheerder"))
    assert response.status_code == 503
    assert "Er is geen e-mailserver ingesteld" in text(response)
    assert session.exec(select(User).where(User.email == "anna@voorbeeld.nl")).first() is None
    user = factory.user("aanbieder")
    refused = admin.post(f"/beheer/accounts/{user.id}/wachtwoordlink")
    assert refused.status_code == 503 and not LINK.search(text(refused))
    assert (
        session.exec(select(PasswordToken).where(PasswordToken.user_id == user.id)).first() is None
    )


@pytest.mark.parametrize(
    ("email", "domains", "status", "message"),
    [
        ("c@wijkteam.zwolle.nl", ["wijkteam.zwolle.nl"], 200, "Het account is gemaakt."),
        ("c@gmail.com", ["wijkteam.zwolle.nl"], 422, "e-mailadres van een wijkteam nodig"),
        ("c@zwolle.nl.evil.example", ["zwolle.nl"], 422, "e-mailadres van een wijkteam nodig"),
        ("c@wijkteam.zwolle.nl", [], 422, "nog geen lijst van e-maildomeinen"),
    ],
)
def test_a_consulent_needs_a_wijkteam_address(
    production: Flask,
    admin: FlaskClient,
    smtp: type[FakeSMTP],
    session: Session,
    email: str,
    domains: list[str],
    status: int,
    message: str,
) -> None:
    production.config["CONSULTANT_EMAIL_DOMAINS"] = domains
    response = admin.post(
        "/beheer/accounts/nieuw", data=new_account_data(role="consulent", email=email)
    )
    assert response.status_code == status
    assert message in text(response)
    created = session.exec(select(User).where(User.email == email)).first()
    assert (created is not None) == (status == 200)


# --- Organisations and approvals -------------------------------------------------------------


def test_new_organisation_waits_for_approval(
    admin: FlaskClient, session: Session, admin_user: User
) -> None:
    response = admin.post(
        "/beheer/aanbieders/nieuw", data={"name": "Stichting Één & Ander", "kind": "welzijn"}
    )
    session.expire_all()
    org = session.exec(
        select(Organisation).where(Organisation.name == "Stichting Één & Ander")
    ).one()
    assert response.location == f"/beheer/accounts/nieuw?aanbieder={org.id}"
    assert org.slug == "stichting-een-ander" and org.is_approved is False
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "organisation", AuditEvent.object_id == org.id
        )
    ).one()
    assert event.action == "aangemaakt" and event.actor_id == admin_user.id
    assert event.changes["name"] == {"oud": None, "nieuw": "Stichting Één & Ander"}

    # The same name again is refused; nothing is written.
    again = admin.post(
        "/beheer/aanbieders/nieuw", data={"name": "stichting één & ander", "kind": "zorg"}
    )
    assert again.status_code == 409
    assert "Er is al een aanbieder met deze naam." in text(again)
    assert count(session, Organisation) == 1


def test_new_organisation_needs_name_and_kind(admin: FlaskClient, session: Session) -> None:
    response = admin.post("/beheer/aanbieders/nieuw", data={"name": "", "kind": "kapper"})
    html = text(response)
    assert response.status_code == 400
    assert "Vul dit in." in html and "Kies uit de lijst." in html
    assert count(session, Organisation) == 0
    form = text(admin.get("/beheer/aanbieders/nieuw"))
    assert "<h1>Nieuwe aanbieder</h1>" in form and "sociale onderneming" in form


def test_a_similar_name_gets_its_own_slug(admin: FlaskClient, factory: Factory) -> None:
    factory.organisation(name="De Wilg", slug="de-wilg")
    admin.post("/beheer/aanbieders/nieuw", data={"name": "De  Wilg!", "kind": "zorg"})
    slugs = set(factory.session.exec(select(Organisation.slug)))
    assert slugs == {"de-wilg", "de-wilg-2"}


def test_approving_an_activity_puts_it_on_the_public_list(
    admin: FlaskClient, client: FlaskClient, factory: Factory
) -> None:
    activity = factory.activity(title="Nieuwe moestuin", is_approved=False)
    factory.activity(title="Al bekend")
    assert "Nieuwe moestuin" not in text(client.get("/activiteiten"))

    html = text(admin.get("/beheer/goedkeuren"))
    assert "Nieuwe moestuin" in html and activity.organisation.name in html
    assert f'action="/beheer/goedkeuren/activiteit/{activity.id}"' in html
    assert f'href="/beheer/audit/activiteit/{activity.id}"' in html
    assert "Al bekend" not in html

    response = admin.post(f"/beheer/goedkeuren/activiteit/{activity.id}")
    assert response.location == "/beheer/goedkeuren"
    assert "Nieuwe moestuin" in text(client.get("/activiteiten"))
    assert "Er wachten geen activiteiten." in text(admin.get("/beheer/goedkeuren"))


def test_approving_an_organisation(
    admin: FlaskClient, client: FlaskClient, factory: Factory, session: Session
) -> None:
    org = factory.organisation(name="Zorgboerderij Nieuw", is_approved=False)
    factory.activity(organisation=org, title="Kippen voeren")
    html = text(admin.get("/beheer/goedkeuren"))
    assert "Zorgboerderij Nieuw" in html and "welzijnsorganisatie" in html
    assert "Kippen voeren" not in text(client.get("/activiteiten"))
    admin.post(f"/beheer/goedkeuren/aanbieder/{org.id}")
    session.expire_all()
    assert session.get(Organisation, org.id).is_approved is True
    assert "Kippen voeren" in text(client.get("/activiteiten"))
    audit_html = text(admin.get(f"/beheer/audit/aanbieder/{org.id}"))
    assert "goedgekeurd" in audit_html and "Bea Beheer" in audit_html


def test_an_activity_of_an_unapproved_provider_says_so(
    admin: FlaskClient, factory: Factory
) -> None:
    org = factory.organisation(name="Nog Nieuw", is_approved=False)
    activity = factory.activity(organisation=org, title="Tekenen", is_approved=False)
    assert "aanbieder wacht ook op goedkeuring" in text(admin.get("/beheer/goedkeuren"))
    response = admin.post(f"/beheer/goedkeuren/activiteit/{activity.id}", follow_redirects=True)
    assert "pas te zien als ook de aanbieder" in text(response)


# --- Stale listings --------------------------------------------------------------------------


def test_stale_list_shows_old_listings_oldest_first(admin: FlaskClient, factory: Factory) -> None:
    factory.activity(title="Vers aanbod", confirmed_days_ago=5)
    factory.activity(title="Oud aanbod", confirmed_days_ago=120)
    heel_oud = factory.activity(title="Heel oud aanbod", confirmed_days_ago=200)
    factory.activity(title="Gestopt aanbod", confirmed_days_ago=400, status="beeindigd")
    response = admin.get("/beheer/verouderd")
    html = text(response)
    assert response.status_code == 200
    assert "<h1>Verouderd aanbod</h1>" in html
    assert "Vers aanbod" not in html and "Gestopt aanbod" not in html
    assert html.index("Heel oud aanbod") < html.index("Oud aanbod")
    assert "(120 dagen geleden)" in html
    assert heel_oud.organisation.name in html
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>.*?<td>(nog getoond|<span class=\"stale\">niet meer getoond)",
        html,
        re.S,
    )
    assert rows == [
        ("Heel oud aanbod", '<span class="stale">niet meer getoond'),
        ("Oud aanbod", "nog getoond"),
    ]
    assert f'href="/beheer/audit/activiteit/{heel_oud.id}"' in html


def test_stale_list_when_everything_is_fresh(admin: FlaskClient, factory: Factory) -> None:
    factory.activity(confirmed_days_ago=1)
    assert "Alle activiteiten zijn de laatste 90 dagen gecontroleerd." in text(
        admin.get("/beheer/verouderd")
    )


# --- Audit trail -----------------------------------------------------------------------------


def test_audit_page_shows_who_changed_what_from_old_to_new(
    admin: FlaskClient, factory: Factory, session: Session
) -> None:
    activity = factory.activity(title="Fietsen maken", free_places=3)
    provider = factory.user(
        "aanbieder", name="Piet Plant", organisation_id=activity.organisation_id
    )
    listings.change_free_places(
        session, Actor.of(provider), activity.id, activity.organisation_id, -1
    )
    response = admin.get(f"/beheer/audit/activiteit/{activity.id}")
    html = text(response)
    assert response.status_code == 200
    assert f"<h1>Wijzigingen: activiteit {activity.id}</h1>" in html
    assert "Fietsen maken" in html
    assert "Piet Plant" in html and "vrije plekken aangepast" in html
    assert re.search(r"vrije plekken: 3 <span aria-hidden=\"true\">→</span>.*? 2</li>", html)
    assert re.search(r"\d{1,2} \w+ \d{4}, \d\d:\d\d uur", html)
    assert '<th scope="col">Wanneer</th>' in html


def test_audit_page_falls_back_to_the_stored_label(
    admin: FlaskClient, factory: Factory, session: Session
) -> None:
    activity = factory.activity()
    listings.set_status(session, Actor(None, "API-sleutel 7 (aanbieder 3)"), activity, "gepauzeerd")
    html = text(admin.get(f"/beheer/audit/activiteit/{activity.id}"))
    assert "API-sleutel 7 (aanbieder 3)" in html
    assert "status: actief" in html and "tijdelijk gestopt</li>" in html


def test_audit_page_of_a_location(admin: FlaskClient, factory: Factory, session: Session) -> None:
    location = factory.location(name="Buurthuis")
    html = text(admin.get(f"/beheer/audit/locatie/{location.id}"))
    assert "Buurthuis" in html and "Er zijn nog geen wijzigingen vastgelegd." in html


# --- Teams -----------------------------------------------------------------------------------


def test_create_and_edit_a_team(admin: FlaskClient, session: Session) -> None:
    assert "Er zijn nog geen wijkteams." in text(admin.get("/beheer/teams"))
    form = text(admin.get("/beheer/teams/nieuw"))
    assert "<h1>Nieuw wijkteam</h1>" in form and 'for="pc4_codes"' in form

    response = admin.post(
        "/beheer/teams/nieuw", data={"name": "Wijkteam Oost", "pc4_codes": "8025, 8024 8025,8023"}
    )
    assert response.location == "/beheer/teams"
    session.expire_all()
    team = session.exec(select(Team)).one()
    assert team.pc4_codes == "8023 8024 8025"
    html = text(admin.get("/beheer/teams"))
    assert "Wijkteam Oost" in html and "8023 8024 8025" in html

    admin.post(
        f"/beheer/teams/{team.id}",
        data={
            "name": "Wijkteam Oost",
            "pc4_codes": "8023",
            "phone": "  038 498 9999 ",
            "version": str(team.version),
        },
    )
    session.expire_all()
    assert session.get(Team, team.id).pc4_codes == "8023"
    assert session.get(Team, team.id).phone == "038 498 9999"
    assert "<td>038 498 9999</td>" in text(admin.get("/beheer/teams"))
    audit_html = text(admin.get(f"/beheer/audit/wijkteam/{team.id}"))
    assert "aangemaakt" in audit_html and "gewijzigd" in audit_html
    assert re.search(
        r"postcodes: 8023 8024 8025 <span aria-hidden=\"true\">→</span>.*? 8023</li>", audit_html
    )
    assert "telefoon: " in audit_html and "038 498 9999</li>" in audit_html
    edit = text(admin.get(f"/beheer/teams/{team.id}"))
    assert 'value="Wijkteam Oost"' in edit and "8023</textarea>" in edit


def test_two_beheerders_editing_one_team_do_not_overwrite_each_other(
    admin: FlaskClient, session: Session
) -> None:
    team = Team(name="Wijkteam West", pc4_codes="8016")
    session.add(team)
    session.commit()
    form = text(admin.get(f"/beheer/teams/{team.id}"))
    assert 'name="version" type="hidden" value="1"' in form

    first = admin.post(
        f"/beheer/teams/{team.id}",
        data={"name": "Wijkteam West", "pc4_codes": "8016 8017", "version": "1"},
    )
    assert first.location == "/beheer/teams"
    second = admin.post(  # made from the same old form
        f"/beheer/teams/{team.id}",
        data={"name": "Wijkteam Westen", "pc4_codes": "8018", "version": "1"},
    )
    html = text(second)
    assert second.status_code == 409
    assert "Iemand anders heeft dit intussen gewijzigd" in html
    assert "8016 8017</textarea>" in html and 'value="2"' in html  # the current values
    session.expire_all()
    saved = session.get(Team, team.id)
    assert (saved.name, saved.pc4_codes, saved.version) == ("Wijkteam West", "8016 8017", 2)

    without = admin.post(f"/beheer/teams/{team.id}", data={"name": "X", "pc4_codes": ""})
    assert without.status_code == 400
    session.expire_all()
    assert session.get(Team, team.id).name == "Wijkteam West"


def test_bad_postcodes_are_refused(admin: FlaskClient, session: Session) -> None:
    response = admin.post(
        "/beheer/teams/nieuw", data={"name": "Wijkteam Noord", "pc4_codes": "8011 801A 80111"}
    )
    html = text(response)
    assert response.status_code == 400
    assert (
        "Een postcode is 4 cijfers, zoals 8011. Dit klopt niet: &#39;801A&#39;, &#39;80111&#39;."
        in html
    )
    assert 'id="pc4_codes-error"' in html and 'href="#pc4_codes"' in html
    assert count(session, Team) == 0


def test_duplicate_team_name_is_refused(admin: FlaskClient, session: Session) -> None:
    session.add(Team(name="Wijkteam Oost"))
    session.commit()
    response = admin.post("/beheer/teams/nieuw", data={"name": "wijkteam oost", "pc4_codes": ""})
    assert response.status_code == 409
    assert "Er is al een wijkteam met deze naam." in text(response)
    assert count(session, Team) == 1


def test_a_post_without_csrf_token_is_refused(
    app: Flask, admin: FlaskClient, factory: Factory, session: Session
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    user = factory.user("consulent")
    response = admin.post(f"/beheer/accounts/{user.id}/actief", data={"actief": "nee"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, user.id).is_active is True
    # The page's own forms carry a token.
    assert 'name="csrf_token"' in text(admin.get(f"/beheer/accounts/{user.id}"))
