"""The staff second factor, pure: TOTP codes, their QR code, sealed secrets, recovery codes.

A TOTP secret is stored sealed (Fernet: AES-128-CBC with an HMAC) under a key derived from
``SECRET_KEY`` with HKDF, so a copy of the database alone does not give the second factors
away. Changing ``SECRET_KEY`` therefore makes every enrolled account enrol again (a beheerder
resets them). Recovery codes are stored as SHA-256 hashes only; they are random enough
(50 bits) that no salt or slow hash is needed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ISSUER = "Activatie Zwolle"
#: Roles that reach personal data: they cannot work without a second factor.
REQUIRED_FOR = frozenset({"consulent", "beheerder"})
RECOVERY_CODES = 10
STEP_SECONDS = 30
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def is_required(role: str) -> bool:
    return role in REQUIRED_FOR


def new_secret() -> str:
    return pyotp.random_base32()


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"activatie totp secret"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, plain: str) -> str:
    return _fernet(secret_key).encrypt(plain.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str | None:
    """Return the plain secret, or None when it was sealed under another SECRET_KEY."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """Return the QR code of ``uri`` as inline SVG (no script, no external image)."""
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=4, dark="#000", light="#fff", title="QR-code voor uw app")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR-code voor uw app" ', 1)


def matching_step(secret: str, code: str, at: datetime, last_step: int) -> int | None:
    """Return the time step ``code`` belongs to (this one or a neighbour), if it is new.

    A step at or before ``last_step`` was used already: a code works once.
    """
    code = "".join(code.split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(at.timestamp()) // STEP_SECONDS
    for step in (now_step, now_step - 1, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Return fresh codes like ``k7pq-x2mz-rt``, shown to the user once."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def recovery_hash(code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len("".join(ch for ch in code if ch.isalnum())) == 10
