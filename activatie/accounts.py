"""Accounts: passwords, throttled log-in, one-time links and API tokens (one commit each)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, text, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit, mfa
from .audit import Actor
from .models import (
    ApiToken,
    LoginAttempt,
    Organisation,
    PasswordToken,
    RecoveryCode,
    Team,
    User,
    UserRole,
    utcnow,
)
from .service_errors import ServiceError
from .vocabulary import ROLES

MIN_PASSWORD_LENGTH = 12
#: Marks an audit event as sensitive: a change that could give someone access to personal data.
SENSITIVE = {"gevoelig": "ja"}
TOKEN_LIFETIME = timedelta(days=3)


class AccountError(ServiceError):
    """A Dutch message for the person at the keyboard."""


class LoginThrottled(AccountError):
    pass


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed logins are allowed before the next attempt is refused unchecked.

    The lock is per account *and* address (someone guessing from one place does not lock the
    real user out elsewhere), with a per-address limit over all accounts and a slower backstop
    per account over all addresses (against guessing spread over many addresses).
    """

    secret: str
    hash_method: str
    max_failures: int = 5  # per account and address, per ``window``
    max_failures_per_address: int = 20  # per address over all accounts, per ``window``
    window: timedelta = timedelta(minutes=15)
    max_failures_per_day: int = 20  # per account and address, per ``backstop_window``
    backstop_failures: int = 100  # per account over all addresses, per ``backstop_window``
    backstop_window: timedelta = timedelta(hours=24)


@functools.lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash with the real parameters, checked when the account does not exist (equal work)."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def keyed_hash(secret: str, value: str) -> str:
    """Return an HMAC of ``value``: counts without storing e-mail addresses or IP addresses."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens.")
    if len(password) > 200:
        raise AccountError("Kies een wachtwoord van hoogstens 200 tekens.")


def authenticate(
    session: Session, email: str, password: str, address: str, policy: LoginPolicy
) -> User:
    """Return the user for these credentials, or raise LoginThrottled / AccountError.

    Every outcome takes as long and says the same for unknown and known addresses: an unknown
    one is checked against a dummy hash made with the same parameters. Writing the attempt and
    counting it with the others happen in one transaction that holds a lock on the account and
    the address (an advisory lock on PostgreSQL, the database write lock on SQLite), so parallel
    guesses are counted one after the other: exactly ``max_failures`` of a burst are checked,
    never more, and never none. An attempt that is refused unchecked is rolled back, so
    hammering a locked pair does not feed the backstop.
    """
    now = utcnow()
    email = normalise_email(email)
    account_key = keyed_hash(policy.secret, "account:" + email)
    address_key = keyed_hash(policy.secret, "address:" + address)
    _lock_attempts(session, account_key, address_key)
    session.add(LoginAttempt(account_hash=account_key, address_hash=address_key, at=now))
    session.flush()
    if _over_limit(session, account_key, address_key, now, policy):
        session.rollback()
        raise LoginThrottled(
            "Er is te vaak een verkeerd wachtwoord gebruikt. Probeer het later opnieuw, "
            "of vraag de beheerder om een nieuw wachtwoord."
        )
    session.commit()
    user = session.exec(select(User).where(User.email == email)).first()
    stored = user.password_hash if user is not None and user.password_hash else None
    valid = check_password_hash(stored or _dummy_hash(policy.hash_method), password)
    if user is None or stored is None or not valid or not user.is_active:
        raise AccountError("Het e-mailadres of het wachtwoord klopt niet.")
    session.exec(  # type: ignore[call-overload]
        delete(LoginAttempt).where(
            LoginAttempt.account_hash == account_key, LoginAttempt.address_hash == address_key
        )
    )
    session.exec(delete(LoginAttempt).where(LoginAttempt.at < now - policy.backstop_window))  # type: ignore[call-overload]
    user.last_login_at = now
    session.commit()
    return user


def _lock_attempts(session: Session, *keys: str) -> None:
    """Hold a transaction lock per key (in one order, so two logins never wait on each other).

    PostgreSQL needs advisory locks: under READ COMMITTED two transactions do not see each
    other's uncommitted attempts. SQLite needs nothing here: the INSERT that follows takes the
    database's single write lock until the commit or rollback.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({int(key[:15], 16) for key in keys}):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _over_limit(
    session: Session, account_key: str, address_key: str, now: datetime, policy: LoginPolicy
) -> bool:
    """Count the attempts (this one included) in one statement and compare with the limits."""
    recent = LoginAttempt.at >= now - policy.window
    day = LoginAttempt.at >= now - policy.backstop_window
    account = LoginAttempt.account_hash == account_key
    address = LoginAttempt.address_hash == address_key

    def number(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    pair, pair_day, from_address, account_day = session.exec(
        select(
            number(and_(account, address, recent)),
            number(and_(account, address)),
            number(and_(address, recent)),
            number(account),
        ).where(or_(account, address), day)
    ).one()
    return (
        pair > policy.max_failures
        or pair_day > policy.max_failures_per_day
        or from_address > policy.max_failures_per_address
        or account_day > policy.backstop_failures
    )


# --- second factor (TOTP and recovery codes) ----------------------------------------------


def start_enrolment(session: Session, user: User, secret_key: str) -> str:
    """Return the TOTP secret being set up; the same one until it is confirmed."""
    if user.totp_pending and (plain := mfa.unseal(secret_key, user.totp_pending)):
        return plain
    plain = mfa.new_secret()
    user.totp_pending = mfa.seal(secret_key, plain)
    session.commit()
    return plain


def confirm_enrolment(
    session: Session, user: User, secret_key: str, code: str, now: datetime
) -> list[str]:
    """Turn the second factor on with its first code; return new recovery codes (shown once)."""
    plain = mfa.unseal(secret_key, user.totp_pending or "")
    step = mfa.matching_step(plain, code, now, 0) if plain else None
    if step is None:
        raise AccountError("Deze code klopt niet. Typ de 6 cijfers die uw app nu laat zien.")
    user.totp_secret, user.totp_pending, user.totp_last_step = user.totp_pending, None, step
    codes = mfa.new_recovery_codes()
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))  # type: ignore[call-overload]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=mfa.recovery_hash(c)) for c in codes)
    audit.record(session, Actor.of(user), "tweestaps_aangezet", "user", user.id)
    session.commit()
    return codes


def check_second_factor(
    session: Session, user: User, code: str, now: datetime, policy: LoginPolicy
) -> str:
    """Accept a TOTP code or a recovery code once; return ``"app"`` or ``"herstelcode"``.

    Attempts are counted like passwords (written first, then counted): at most
    ``max_failures`` codes per account per window are checked.
    """
    key = keyed_hash(policy.secret, f"second-factor:{user.id}")
    attempt = LoginAttempt(account_hash=key, address_hash=key, at=now)
    session.add(attempt)
    session.commit()
    tried = session.exec(
        select(func.count()).where(
            LoginAttempt.account_hash == key, LoginAttempt.at >= now - policy.window
        )
    ).one()
    if tried > policy.max_failures:
        session.exec(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))  # type: ignore[call-overload]
        session.commit()
        raise LoginThrottled(
            "Er is te vaak een verkeerde code gebruikt. Probeer het later opnieuw."
        )
    kind, claimed = "app", 0
    if mfa.looks_like_recovery_code(code):
        kind = "herstelcode"
        claimed = session.exec(  # type: ignore[call-overload]
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == mfa.recovery_hash(code),
                RecoveryCode.used_at.is_(None),  # type: ignore[union-attr]
            )
            .values(used_at=now)
        ).rowcount
    elif plain := mfa.unseal(policy.secret, user.totp_secret or ""):
        step = mfa.matching_step(plain, code, now, user.totp_last_step)
        if step is not None:  # a code works once, also when two requests race with it
            claimed = session.exec(  # type: ignore[call-overload]
                update(User)
                .where(User.id == user.id, User.totp_last_step < step)
                .values(totp_last_step=step)
            ).rowcount
    if claimed != 1:
        session.commit()
        raise AccountError("Deze code klopt niet. Kijk in uw app en typ de 6 cijfers.")
    session.exec(delete(LoginAttempt).where(LoginAttempt.account_hash == key))  # type: ignore[call-overload]
    if kind == "herstelcode":
        audit.record(session, Actor.of(user), "herstelcode_gebruikt", "user", user.id)
    session.commit()
    return kind


def recovery_codes_left(session: Session, user: User) -> int:
    return session.exec(
        select(func.count()).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.used_at.is_(None),  # type: ignore[union-attr]
        )
    ).one()


def reset_second_factor(session: Session, actor: Actor, user: User) -> None:
    """Remove an account's second factor (a beheerder; nobody ever sees it) and end its sessions.

    The person sets up a new one at the next login. A sensitive event in the audit trail.
    """
    user.totp_secret = user.totp_pending = None
    user.totp_last_step = 0
    user.session_version += 1
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))  # type: ignore[call-overload]
    audit.record(session, actor, "tweestaps_hersteld", "user", user.id, SENSITIVE)
    session.commit()


def load_user(session: Session, user_id: str) -> User | None:
    """Return the active user of a login cookie id ``"<id>:<session version>"``."""
    raw_id, _, raw_version = (user_id or "").partition(":")
    if not (raw_id.isdigit() and raw_version.isdigit()):
        return None
    user = session.get(User, int(raw_id))
    if user is None or not user.is_active or user.session_version != int(raw_version):
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """Make every login cookie of ``user`` invalid (logout everywhere)."""
    session.exec(  # type: ignore[call-overload]
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    session.commit()


@dataclass(frozen=True)
class NewAccount:
    """Who a new account is for; the same for an invitation and for ``flask create-user``."""

    email: str
    name: str
    role: str
    #: Required for a provider account, dropped for any other role.
    organisation_id: int | None = None
    #: Optional for a consulent account, dropped for any other role.
    team_id: int | None = None


def create_user(
    session: Session,
    actor: Actor,
    account: NewAccount,
    *,
    consultant_domains: Collection[str] | None = None,
    password: str | None = None,
    hash_method: str = "scrypt:32768:8:3",
) -> User:
    """Create an account, with a password when given; one commit.

    :param consultant_domains: the e-mail domains of the wijkteams; a consulent account needs
        an address in one of them (None: any domain, outside production only).
    """
    user = _add_user(session, actor, account, consultant_domains, password, hash_method)
    session.commit()
    return user


def invite_user(
    session: Session,
    actor: Actor,
    account: NewAccount,
    *,
    consultant_domains: Collection[str] | None = None,
) -> tuple[User, str]:
    """Create an account and its one-time set-password link together, in one commit.

    :param consultant_domains: as for :func:`create_user`.
    """
    user = _add_user(session, actor, account, consultant_domains)
    raw = _add_password_token(session, actor, user, utcnow())
    session.commit()
    return user, raw


def _add_user(
    session: Session,
    actor: Actor,
    account: NewAccount,
    consultant_domains: Collection[str] | None,
    password: str | None = None,
    hash_method: str = "",
) -> User:
    email, role = normalise_email(account.email), account.role
    organisation_id, team_id = account.organisation_id, account.team_id
    if "@" not in email or len(email) > 200:
        raise AccountError("Vul een geldig e-mailadres in.")
    if role not in ROLES:
        raise AccountError(f"Kies een rol: {', '.join(ROLES.keys)}.")
    if role == UserRole.PROVIDER:
        if organisation_id is None or session.get(Organisation, organisation_id) is None:
            raise AccountError("Kies de aanbieder waar dit account bij hoort.")
    else:
        organisation_id = None
    if role == UserRole.CONSULTANT and consultant_domains is not None:
        check_consultant_domain(email, consultant_domains)
    if role != UserRole.CONSULTANT:
        team_id = None
    elif team_id is not None and session.get(Team, team_id) is None:
        raise AccountError("Dit team bestaat niet.")
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise AccountError("Er is al een account met dit e-mailadres.")
    user = User(
        email=email,
        name=account.name.strip(),
        role=role,
        organisation_id=organisation_id,
        team_id=team_id,
    )
    if password is not None:
        check_password_rules(password)
        user.password_hash = generate_password_hash(password, method=hash_method)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "account_aangemaakt",
        "user",
        user.id,
        audit.snapshot(user, ("email", "name", "role", "organisation_id", "team_id"))
        | _sensitive(user),
    )
    return user  # the caller commits (with the one-time link, for an invitation)


def consultant_domains(config: Mapping[str, Any]) -> list[str] | None:
    """Return the wijkteams' e-mail domains (``CONSULTANT_EMAIL_DOMAINS``, a list or "a,b").

    None (any domain) only outside production when none are configured.
    """
    raw = config.get("CONSULTANT_EMAIL_DOMAINS") or []
    if isinstance(raw, str):
        raw = raw.replace(";", ",").split(",")
    domains = [str(d).strip() for d in raw if str(d).strip()]
    return domains or (None if config.get("ENV_NAME") != "production" else [])


def check_consultant_domain(email: str, domains: Collection[str]) -> None:
    """Refuse a consulent address outside the wijkteams' own e-mail domains."""
    allowed = {d.strip().lower().lstrip("@") for d in domains if d.strip()}
    if not allowed:
        raise AccountError(
            "Er is nog geen lijst van e-maildomeinen van de wijkteams ingesteld "
            "(ACTIVATIE_CONSULTANT_EMAIL_DOMAINS). Zonder die lijst kan er geen consulent bij."
        )
    if normalise_email(email).rpartition("@")[2] not in allowed:
        raise AccountError(
            "Een consulent heeft een e-mailadres van een wijkteam nodig: "
            + ", ".join(sorted(allowed))
            + "."
        )


def _sensitive(user: User) -> dict[str, str]:
    """A consulent reaches aanmeldingen: changes to that account are sensitive events."""
    return dict(SENSITIVE) if user.role == UserRole.CONSULTANT else {}


def set_active(session: Session, actor: Actor, user: User, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    if user.is_active == active:
        return
    user.is_active = active
    user.session_version += 1
    user.version += 1
    audit.record(
        session,
        actor,
        "account_aan" if active else "account_uit",
        "user",
        user.id,
        {"is_active": {"oud": not active, "nieuw": active}},
    )
    session.commit()


def create_password_token(
    session: Session, actor: Actor, user: User, now: datetime | None = None
) -> str:
    """Return a one-time secret for a set-password link; earlier unused links stop working."""
    raw = _add_password_token(session, actor, user, now or utcnow())
    session.commit()
    return raw


def _add_password_token(session: Session, actor: Actor, user: User, now: datetime) -> str:
    session.exec(  # type: ignore[call-overload]
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    session.add(
        PasswordToken(user_id=user.id, token_hash=_sha256(raw), expires_at=now + TOKEN_LIFETIME)
    )
    audit.record(session, actor, "wachtwoordlink_gemaakt", "user", user.id, _sensitive(user))
    return raw


def find_password_token(session: Session, raw: str) -> PasswordToken | None:
    token = session.exec(
        select(PasswordToken).where(PasswordToken.token_hash == _sha256(raw or ""))
    ).first()
    if token is None or token.used_at is not None or token.expires_at < utcnow():
        return None
    return token


def use_password_token(session: Session, raw: str, password: str, hash_method: str) -> User:
    """Set the password of the link's account, once; end its other sessions."""
    check_password_rules(password)
    token = find_password_token(session, raw)
    if token is None:
        raise AccountError("Deze link werkt niet meer. Vraag de beheerder om een nieuwe link.")
    claimed = session.exec(  # type: ignore[call-overload]
        update(PasswordToken)
        .where(PasswordToken.id == token.id, PasswordToken.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise AccountError("Deze link is al gebruikt.")
    user = session.get(User, token.user_id)
    assert user is not None
    user.password_hash = generate_password_hash(password, method=hash_method)
    user.session_version += 1
    audit.record(session, Actor.of(user), "wachtwoord_gezet", "user", user.id)
    session.commit()
    return user


def create_api_token(
    session: Session, actor: Actor, organisation_id: int, name: str
) -> tuple[ApiToken, str]:
    """Create a token for the write API; the secret is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise AccountError("Geef de sleutel een naam van hoogstens 80 tekens.")
    raw = "act_" + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation_id,
        name=name,
        token_hash=_sha256(raw),
        prefix=raw[:10],
        created_by_id=actor.user_id,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "api_sleutel_gemaakt",
        "organisation",
        organisation_id,
        {"sleutel": token.prefix, "naam": name},
    )
    session.commit()
    return token, raw


def revoke_api_token(session: Session, actor: Actor, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            "api_sleutel_ingetrokken",
            "organisation",
            token.organisation_id,
            {"sleutel": token.prefix},
        )
        session.commit()


def api_token_for(session: Session, raw: str) -> ApiToken | None:
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == _sha256(raw))).first()
    if token is None or token.revoked_at is not None:
        return None
    return token


def touch_api_token(session: Session, token: ApiToken) -> None:
    """Remember when a token was last used (shown to the provider)."""
    token.last_used_at = utcnow()
    session.commit()


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
