"""The second factor through the app: login, one-time codes, throttling, enrolment, reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from activatie import mail
from activatie.models import AuditEvent, RecoveryCode, User
from tests.factories import PASSWORD, TOTP_SECRET, Factory, login_as, totp_code


def login(client: FlaskClient, user: User, password: str = PASSWORD):
    return client.post("/inloggen", data={"email": user.email, "password": password})


def code_step(client: FlaskClient, code: str):
    return client.post("/inloggen/code", data={"code": code})


def enrol(client: FlaskClient) -> list[str]:
    page = client.get("/tweestaps/instellen").get_data(as_text=True)
    assert "<svg " in page and "Tweestapsverificatie instellen" in page
    secret = re.search(r'<code class="token">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert client.post("/tweestaps/instellen", data={"code": "111111"}).status_code == 400
    done = client.post("/tweestaps/instellen", data={"code": pyotp.TOTP(secret).now()})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Bewaar deze herstelcodes" in html
    return re.findall(r"<li><code>([\w-]+)</code></li>", html)


def test_a_password_alone_reaches_only_the_second_step(app: Flask, factory: Factory) -> None:
    user = factory.user("consulent")
    client = app.test_client()
    assert login(client, user).location == "/inloggen/code"
    for page in ("/consulent/matchen", "/consulent/aanmeldingen", "/beheer/"):
        assert client.get(page).location.startswith("/inloggen"), page
    assert "Code uit uw app" in client.get("/inloggen/code").get_data(as_text=True)
    wrong = code_step(client, "000000")
    assert wrong.status_code == 400 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    assert code_step(client, totp_code()).location == "/consulent/matchen"
    assert client.get("/consulent/matchen").status_code == 200


def test_a_code_works_once(app: Flask, factory: Factory) -> None:
    user = factory.user("beheerder")
    code = totp_code()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    assert code_step(first, code).location == "/beheer/"
    login(second, user)
    assert code_step(second, code).status_code == 400  # replayed
    assert code_step(second, totp_code(datetime.now(UTC) + timedelta(seconds=30))).location


def test_wrong_codes_are_throttled(app: Flask, factory: Factory) -> None:
    user = factory.user("beheerder")
    client = app.test_client()
    login(client, user)
    for _ in range(5):
        assert code_step(client, "000000").status_code == 400
    blocked = code_step(client, totp_code())  # even the right code waits now
    assert blocked.status_code == 429
    assert "te vaak een verkeerde code" in blocked.get_data(as_text=True)


def test_a_session_without_the_second_step_is_logged_out(app: Flask, factory: Factory) -> None:
    user = factory.user("consulent")
    client = app.test_client()
    with client.session_transaction() as cookie:  # a cookie from before this release
        cookie["_user_id"] = user.get_id()
    assert client.get("/consulent/matchen").location.startswith("/inloggen")
    assert client.get("/consulent/matchen").location.startswith("/inloggen")  # still out


def test_an_unknown_pending_login_starts_again(client: FlaskClient) -> None:
    assert client.get("/inloggen/code").location == "/inloggen"
    assert client.post("/inloggen/code", data={"code": "123456"}).location == "/inloggen"
    assert client.get("/tweestaps/instellen").location == "/inloggen"


def test_a_consulent_without_a_second_factor_sets_one_up_at_login(
    app: Flask, factory: Factory, session: Session
) -> None:
    user = factory.user("consulent", totp_secret=None)
    client = app.test_client()
    assert login(client, user).location == "/tweestaps/instellen"
    assert client.get("/consulent/matchen").location.startswith("/inloggen")
    codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/consulent/matchen").status_code == 200  # logged in now
    session.expire_all()
    stored = session.get(User, user.id)
    assert stored.totp_secret and stored.totp_pending is None
    rows = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(rows) == 10 and not {r.code_hash for r in rows} & set(codes)  # hashes only
    # A recovery code works once, instead of the app.
    client.post("/uitloggen")
    other = app.test_client()
    login(other, user)
    assert code_step(other, codes[0]).location == "/consulent/matchen"
    again = app.test_client()
    login(again, user)
    assert code_step(again, codes[0]).status_code == 400
    assert "U heeft er nog 8." in again.get(
        code_step(again, codes[1]).location, follow_redirects=True
    ).get_data(as_text=True)


def test_a_provider_may_log_in_without_and_add_a_second_factor(
    app: Flask, factory: Factory
) -> None:
    user = factory.user("aanbieder")
    client = app.test_client()
    assert login(client, user).location == "/aanbieder/"
    assert 'href="/tweestaps/instellen"' in client.get("/aanbieder/").get_data(as_text=True)
    enrol(client)
    assert client.get("/aanbieder/").status_code == 200
    client.post("/uitloggen")
    later = app.test_client()
    assert login(later, user).location == "/inloggen/code"


def test_the_beheerder_resets_but_never_sees_a_second_factor(
    app: Flask, factory: Factory, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        mail, "send_account_notice", lambda cfg, to, name, what: sent.append((to, what))
    )
    app.config["SMTP_HOST"] = "smtp.zwolle.test"
    consulent = factory.user("consulent", email="c@wijkteam.zwolle.nl")
    phone = app.test_client()
    login_as(phone, consulent)
    admin = login_as(app.test_client(), factory.user("beheerder"))
    page = admin.get(f"/beheer/accounts/{consulent.id}").get_data(as_text=True)
    assert "Tweestapsverificatie</dt><dd>aan" in page
    assert TOTP_SECRET not in page and consulent.totp_secret not in page
    response = admin.post(f"/beheer/accounts/{consulent.id}/tweestaps-herstellen")
    assert response.location == f"/beheer/accounts/{consulent.id}"
    session.expire_all()
    assert session.get(User, consulent.id).totp_secret is None
    assert phone.get("/consulent/matchen").location.startswith("/inloggen")  # sessions ended
    assert sent and sent[0][0] == "c@wijkteam.zwolle.nl" and "tweestapsverificatie" in sent[0][1]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "tweestaps_hersteld")).one()
    assert event.changes == {"gevoelig": "ja"}
    # At the next login the consulent sets up a new one.
    assert login(app.test_client(), consulent).location == "/tweestaps/instellen"
