"""Accounts: passwords, throttled log-in, one-time links and API tokens (one commit each)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .audit import Actor
from .models import (
    ApiToken,
    LoginAttempt,
    Organisation,
    PasswordToken,
    Team,
    User,
    UserRole,
    utcnow,
)
from .vocabulary import ROLES

MIN_PASSWORD_LENGTH = 12
TOKEN_LIFETIME = timedelta(days=3)
_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt:1024:8:1")


class AccountError(ValueError):
    """A Dutch message for the person at the keyboard."""


class LoginThrottled(AccountError):
    pass


class Duplicate(AccountError):
    """The name is taken (answered with 409)."""


class Conflict(AccountError):
    """Someone else saved the same object meanwhile (answered with 409)."""

    def __init__(self) -> None:
        super().__init__(
            "Iemand anders heeft dit intussen gewijzigd. Hieronder ziet u wat er nu staat; "
            "pas het zo nodig opnieuw aan."
        )


@dataclass(frozen=True)
class LoginPolicy:
    secret: str
    hash_method: str
    max_failures: int = 5
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)


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

    Every outcome takes about as long and says the same for unknown and known addresses.
    """
    now = utcnow()
    account_key = keyed_hash(policy.secret, "account:" + normalise_email(email))
    address_key = keyed_hash(policy.secret, "address:" + address)
    since = now - policy.window
    failures = session.exec(
        select(func.count()).where(
            LoginAttempt.account_hash == account_key, LoginAttempt.at >= since
        )
    ).one()
    from_address = session.exec(
        select(func.count()).where(
            LoginAttempt.address_hash == address_key, LoginAttempt.at >= since
        )
    ).one()
    minutes = int(policy.window.total_seconds() // 60)
    if failures >= policy.max_failures or from_address >= policy.max_failures_per_address:
        raise LoginThrottled(
            f"Er is te vaak een verkeerd wachtwoord gebruikt. Probeer het over {minutes} "
            "minuten opnieuw, of vraag de beheerder om een nieuw wachtwoord."
        )
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    valid = check_password_hash(
        user.password_hash if user and user.password_hash else _DUMMY_HASH, password
    )
    if user is None or not user.password_hash or not valid or not user.is_active:
        session.add(LoginAttempt(account_hash=account_key, address_hash=address_key, at=now))
        session.commit()
        raise AccountError("Het e-mailadres of het wachtwoord klopt niet.")
    session.exec(delete(LoginAttempt).where(LoginAttempt.account_hash == account_key))  # type: ignore[call-overload]
    session.exec(delete(LoginAttempt).where(LoginAttempt.at < since))  # type: ignore[call-overload]
    user.last_login_at = now
    session.commit()
    return user


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


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None = None,
    team_id: int | None = None,
    password: str | None = None,
    hash_method: str = "scrypt:32768:8:3",
) -> User:
    """Create an account; a provider account belongs to exactly one organisation."""
    user = _add_user(
        session,
        actor,
        email=email,
        name=name,
        role=role,
        organisation_id=organisation_id,
        team_id=team_id,
        password=password,
        hash_method=hash_method,
    )
    session.commit()
    return user


def invite_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None = None,
    team_id: int | None = None,
) -> tuple[User, str]:
    """Create an account and its one-time set-password link together, in one commit."""
    user = _add_user(
        session,
        actor,
        email=email,
        name=name,
        role=role,
        organisation_id=organisation_id,
        team_id=team_id,
    )
    raw = _add_password_token(session, actor, user, utcnow())
    session.commit()
    return user, raw


def _add_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None = None,
    team_id: int | None = None,
    password: str | None = None,
    hash_method: str = "scrypt:32768:8:3",
) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 200:
        raise AccountError("Vul een geldig e-mailadres in.")
    if role not in ROLES:
        raise AccountError(f"Kies een rol: {', '.join(ROLES.keys)}.")
    if role == UserRole.PROVIDER:
        if organisation_id is None or session.get(Organisation, organisation_id) is None:
            raise AccountError("Kies de aanbieder waar dit account bij hoort.")
    else:
        organisation_id = None
    if role != UserRole.CONSULTANT:
        team_id = None
    elif team_id is not None and session.get(Team, team_id) is None:
        raise AccountError("Dit team bestaat niet.")
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise AccountError("Er is al een account met dit e-mailadres.")
    user = User(
        email=email, name=name.strip(), role=role, organisation_id=organisation_id, team_id=team_id
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
        audit.snapshot(user, ("email", "name", "role", "organisation_id", "team_id")),
    )
    return user  # the caller commits (with the one-time link, for an invitation)


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
    audit.record(session, actor, "wachtwoordlink_gemaakt", "user", user.id)
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


TEAM_FIELDS = ("name", "pc4_codes", "phone")
TEAM_PHONE_MAX = 40


def save_team(
    session: Session,
    actor: Actor,
    team: Team | None,
    name: str,
    pc4_codes: list[str],
    seen_version: int | None = None,
    phone: str = "",
) -> Team:
    """Create or change a wijkteam: its name, the PC4 codes of its area and its phone number.

    The phone number is the team's own (providers call it back about an aanmelding), never a
    resident's.

    A change names the version it was based on (``seen_version``) and is written with
    ``UPDATE ... WHERE version = :seen``, so a second beheerder's older form gets
    :class:`Conflict` instead of overwriting the first one's change.
    """
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise AccountError("Vul een naam in van hoogstens 80 tekens.")
    codes = " ".join(sorted(set(pc4_codes)))
    if len(codes) > 400 or any(not (len(c) == 4 and c.isdigit()) for c in pc4_codes):
        raise AccountError("Vul hoogstens 80 postcodes van 4 cijfers in.")
    phone = " ".join(phone.split())
    if len(phone) > TEAM_PHONE_MAX:
        raise AccountError(f"Gebruik voor het telefoonnummer hoogstens {TEAM_PHONE_MAX} tekens.")
    own_id = team.id if team is not None else None
    names = session.exec(select(Team.id, Team.name)).all()
    if any(other.casefold() == name.casefold() for i, other in names if i != own_id):
        raise Duplicate("Er is al een wijkteam met deze naam.")
    before = audit.snapshot(team, TEAM_FIELDS) if team is not None else {}
    after = {"name": name, "pc4_codes": codes, "phone": phone}
    details = audit.changes(before, after)
    if not details:
        return team  # type: ignore[return-value]  # nothing changed: team is not None here
    try:
        if team is None:
            team = Team(name=name, pc4_codes=codes, phone=phone)
            session.add(team)
            session.flush()
        else:
            changed = session.exec(  # type: ignore[call-overload]
                update(Team)
                .where(Team.id == team.id, Team.version == (seen_version or team.version))
                .values(name=name, pc4_codes=codes, phone=phone, version=Team.version + 1)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount != 1:
                session.rollback()
                raise Conflict()
            session.expire(team)
    except IntegrityError:
        session.rollback()
        raise Duplicate("Er is al een wijkteam met deze naam.") from None
    audit.record(session, actor, "gewijzigd" if before else "aangemaakt", "team", team.id, details)
    session.commit()
    return team
