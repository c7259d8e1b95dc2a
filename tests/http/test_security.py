"""Security by default: each trap of shared/design/security.md that applies, reproduced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from activatie import accounts, create_app, migrations
from activatie.auth import is_safe_next
from activatie.config import DEFAULTS
from activatie.db import get_engine
from activatie.models import LoginAttempt, User
from activatie.security import SECURITY_HEADERS, add_security_headers
from tests.conftest import TEST_CONFIG
from tests.factories import PASSWORD, Factory, login_as, redirected_to, totp_code


def login(client: FlaskClient, email: str, password: str = PASSWORD, later: int = 0, **extra):
    """Log in through the form, with the second step when the account has one.

    :param later: use the code of that many 30-second steps ahead (a code works once).
    """
    response = client.post("/inloggen", data={"email": email, "password": password, **extra})
    if response.location == "/inloggen/code":
        code = totp_code(datetime.now(UTC) + timedelta(seconds=30 * later))
        response = client.post("/inloggen/code", data={"code": code})
    return response


# 1. Logout must end a copied cookie too.
def test_a_cookie_copied_before_logout_no_longer_works(app: Flask, factory: Factory) -> None:
    user = factory.user("aanbieder")
    browser = app.test_client()
    assert login(browser, user.email).location == "/aanbieder/"
    stolen = browser.get_cookie("session").value
    assert browser.get("/aanbieder/").status_code == 200
    browser.post("/uitloggen")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/aanbieder/")
    assert redirected_to(response).startswith("/inloggen")


def test_disabling_an_account_ends_its_sessions(app: Flask, factory: Factory, session) -> None:
    user = factory.user("consulent")
    client = app.test_client()
    login(client, user.email)
    assert client.get("/consulent/matchen").status_code == 200
    accounts.set_active(session, accounts.Actor(None, "test"), user, False)
    assert client.get("/consulent/matchen").location.startswith("/inloggen")


def test_wrong_password_and_unknown_address_say_the_same(client: FlaskClient, factory) -> None:
    user = factory.user("beheerder")
    wrong = login(client, user.email, "verkeerd wachtwoord")
    unknown = login(client, "niemand@voorbeeld.nl", "verkeerd wachtwoord")
    assert wrong.status_code == unknown.status_code == 400
    message = "Het e-mailadres of het wachtwoord klopt niet."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_failures_lock_one_account_from_one_address_only(
    app: Flask, factory: Factory, session: Session
) -> None:
    user = factory.user("aanbieder")
    attacker = from_address(app, "10.0.0.66")
    for _ in range(5):
        assert login(attacker, user.email, "fout").status_code == 400
    blocked = login(attacker, user.email)  # even the right password now waits
    assert blocked.status_code == 429
    assert "Probeer het later opnieuw" in blocked.get_data(as_text=True)
    # The real user, elsewhere, is not locked out by someone else's guesses.
    assert login(from_address(app, "10.0.0.1"), user.email).location == "/aanbieder/"
    # An unknown address is throttled the same way: no account enumeration.
    for _ in range(5):
        login(attacker, "niemand@voorbeeld.nl", "fout")
    assert login(attacker, "niemand@voorbeeld.nl", "fout").status_code == 429
    # Nothing personal is stored: only keyed hashes.
    stored = " ".join(
        f"{a.account_hash} {a.address_hash}" for a in session.exec(select(LoginAttempt))
    )
    assert user.email not in stored and "niemand" not in stored and "10.0.0.66" not in stored


def test_rotating_addresses_meet_the_slower_backstop(app: Flask, factory: Factory) -> None:
    app.config["LOGIN_BACKSTOP_FAILURES"] = 12
    user = factory.user("aanbieder")
    for n in range(12):  # three guesses each from four addresses: no pair is locked
        assert login(from_address(app, f"10.0.1.{n // 3}"), user.email, "fout").status_code == 400
    assert login(from_address(app, "10.0.2.1"), user.email, "fout").status_code == 429
    # Refused attempts are not counted, so hammering a lock does not keep it going for ever.
    for _ in range(20):
        assert login(from_address(app, "10.0.2.2"), user.email, "fout").status_code == 429


def test_failures_from_one_address_are_throttled(app: Flask, factory: Factory) -> None:
    app.config["LOGIN_MAX_FAILURES"] = 100
    client = app.test_client()
    for n in range(20):
        login(client, f"iemand{n}@voorbeeld.nl", "fout")
    assert login(client, "nog.iemand@voorbeeld.nl", "fout").status_code == 429


def test_a_successful_login_clears_the_account_count(
    app: Flask, factory: Factory, session: Session
) -> None:
    user = factory.user("beheerder")
    for _ in range(4):
        login(app.test_client(), user.email, "fout")
    assert redirected_to(login(app.test_client(), user.email)) == "/beheer/"
    session.expire_all()  # the count of this account from this address is cleared
    assert session.exec(select(func.count()).select_from(LoginAttempt)).one() == 0


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "https:evil.example",
        "/%5Cevil.example\\x",
        "javascript:alert(1)",
        "\\\\evil.example",
        "/\tevil",
        "",
        "evil",
    ],
)
def test_next_accepts_no_other_site(target: str) -> None:
    assert not is_safe_next(target)


def test_next_brings_you_back_on_this_site(client: FlaskClient, factory: Factory) -> None:
    user = factory.user("consulent")
    response = login(client, user.email, next="/consulent/matchen?x=1")
    assert response.location == "/consulent/matchen?x=1"
    other = login(client.application.test_client(), user.email, later=1, next="//evil.example")
    assert other.location == "/consulent/matchen"


def test_an_anonymous_visitor_is_sent_to_login_with_next(client: FlaskClient) -> None:
    response = client.get("/aanbieder/")
    assert response.location == "/inloggen?next=/aanbieder/"


# CSRF on every form: one test with the protection switched on.
def test_a_post_without_csrf_token_is_refused(engine, database_url: str, factory) -> None:
    user = factory.user("aanbieder")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    login_as(client, user)
    refused = client.post("/aanbieder/bevestigen")
    assert refused.status_code == 400
    page = app.test_client().get("/inloggen").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    app.extensions["activatie.engine"].dispose()


# 5. NUL bytes: 400 on both databases, nothing stored.
@pytest.mark.parametrize(
    "path",
    ["/activiteiten?q=a%00b", "/activiteiten?postcode=8011%00", "/api/v1/activiteiten?q=%00"],
)
def test_nul_bytes_are_refused(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "ongeldig teken" in response.get_data(as_text=True)


def test_nul_bytes_in_a_form_are_refused(client: FlaskClient, factory: Factory) -> None:
    response = client.post("/inloggen", data={"email": "a\x00@voorbeeld.nl", "password": "x"})
    assert response.status_code == 400


# 6. Error text must not carry bound parameters (a note about a resident's health...).
def test_database_errors_do_not_contain_parameters(session: Session, factory: Factory) -> None:
    secret = "gezondheidsnotitie-123"
    with pytest.raises(IntegrityError) as caught:
        session.exec(
            text("INSERT INTO activity (id, slug, title) VALUES (:id, :slug, :title)").bindparams(
                id=1, slug=secret, title=secret
            )
        )
    session.rollback()
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(caught.value)


def test_the_log_of_a_database_error_holds_no_values(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "gezondheidsnotitie-456"

    @app.get("/kapotte-query")
    def broken() -> str:
        from activatie.db import get_session

        get_session().exec(
            text("INSERT INTO activity (id, slug, title) VALUES (:id, :slug, :title)").bindparams(
                id=1, slug=secret, title=secret
            )
        )
        return "nooit"

    response = client.get("/kapotte-query")
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "IntegrityError" in logged
    assert secret not in logged and secret not in response.get_data(as_text=True)


# 7. Password hashing at OWASP's minimum for scrypt in production.
def test_production_hashes_passwords_with_strong_scrypt() -> None:
    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt:32768:8:3"


# 8. Cookie defaults overridden.
def test_production_cookies_are_secure(tmp_path: Path) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    config = app.config
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_NAME"] == "__Host-activatie"
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    assert config["REMEMBER_COOKIE_SECURE"]


def test_production_refuses_to_start_without_a_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "short",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            }
        )


def test_development_without_a_secret_gets_a_random_one_and_login_works(
    tmp_path: Path, monkeypatch
) -> None:
    """``make run`` sets no SECRET_KEY: the login form (CSRF, session) must still work."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ACTIVATIE_SECRET_KEY", raising=False)
    settings = {"ENV_NAME": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"}
    first, second = create_app(settings), create_app(settings)
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    with first.app_context():
        migrations.upgrade(get_engine())
    response = first.test_client().get("/inloggen")
    assert response.status_code == 200
    assert 'name="csrf_token" type="hidden" value="' in response.get_data(as_text=True)


def test_the_session_cookie_is_httponly_and_lax(client: FlaskClient, factory: Factory) -> None:
    user = factory.user("beheerder")
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# 9. Security headers on every response, with the right referrer policy.
@pytest.mark.parametrize("path", ["/", "/activiteiten", "/api/v1/activiteiten", "/bestaat-niet"])
def test_security_headers_are_sent(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/activiteiten", "/api/v1/activiteiten", "/consulent"])
def test_each_security_header_is_sent_once_also_from_the_cache(
    client: FlaskClient, path: str
) -> None:
    for _ in range(2):  # the second answer of a public page comes from the worker's cache
        headers = client.get(path, base_url="https://localhost").headers
        for name in (*SECURITY_HEADERS, "Strict-Transport-Security"):
            assert len(headers.getlist(name)) == 1, (path, name)
        staff_or_api = path.startswith(("/consulent", "/api/"))
        assert ("no-store" in headers.getlist("Cache-Control")) == staff_or_api, path


def test_a_header_the_view_set_itself_is_kept(app) -> None:
    with app.test_request_context("/beheer", base_url="https://localhost"):
        response = Response(
            "x", headers={"x-frame-options": "SAMEORIGIN", "Cache-Control": "max-age=5"}
        )
        add_security_headers(response)
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Cache-Control") == ["max-age=5"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_contain_no_inline_script_or_style(client: FlaskClient, factory: Factory) -> None:
    for path in ("/", "/activiteiten", "/wat-past-bij-mij", "/inloggen"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "onclick" not in html


# 13. A database that is down: 503 with Retry-After, and recovery without a restart.
def test_a_database_that_is_down_gives_a_dutch_503(tmp_path: Path) -> None:
    missing = tmp_path / "nog-niet"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{missing / 'db.sqlite3'}"})
    response = app.test_client().get("/activiteiten")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "Activatie is even niet bereikbaar" in html and "Traceback" not in html
    api = app.test_client().get("/api/v1/activiteiten")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    # The database comes back: the next request works without restarting the app.
    missing.mkdir()
    from activatie import migrations

    migrations.upgrade(app.extensions["activatie.engine"])
    assert app.test_client().get("/activiteiten").status_code == 200
    app.extensions["activatie.engine"].dispose()


def test_the_create_user_command_makes_a_provider_account(
    app: Flask, factory: Factory, session: Session
) -> None:
    organisation = factory.organisation(slug="de-kern")
    runner = app.test_cli_runner()
    args = ["create-user", "Jan@Voorbeeld.nl", "--name", "Jan", "--role", "aanbieder"]
    result = runner.invoke(args=[*args, "--organisation", "de-kern", "--password", "x" * 12])
    assert result.exit_code == 0, result.output
    assert "Account jan@voorbeeld.nl (aanbieder) is aangemaakt." in result.output
    user = session.exec(select(User).where(User.email == "jan@voorbeeld.nl")).one()
    assert (user.name, user.organisation_id) == ("Jan", organisation.id)
    assert user.password_hash and "x" * 12 not in user.password_hash
    unknown = runner.invoke(args=[*args, "--organisation", "geen", "--password", "x" * 12])
    assert unknown.exit_code != 0 and "geen aanbieder met sleutel 'geen'" in unknown.output
    again = runner.invoke(args=[*args, "--organisation", "de-kern", "--password", "x" * 12])
    assert again.exit_code != 0 and "Er is al een account met dit e-mailadres." in again.output
