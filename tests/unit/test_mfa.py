"""Staff second factor, the pure parts: TOTP steps, sealed secrets, the QR code, recovery codes.

Login, enrolment and the beheerder's reset through the app: ``tests/http/test_mfa_login.py``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp

from activatie import mfa
from tests.factories import SECRET_KEY, TOTP_SECRET

T0 = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)


# --- pure ---------------------------------------------------------------------------------------


def test_a_code_matches_its_step_and_its_neighbours_once() -> None:
    totp = pyotp.TOTP(TOTP_SECRET)
    step = int(T0.timestamp()) // 30
    assert mfa.matching_step(TOTP_SECRET, totp.at(T0), T0, 0) == step
    assert mfa.matching_step(TOTP_SECRET, totp.at(T0 - timedelta(seconds=30)), T0, 0) == step - 1
    assert mfa.matching_step(TOTP_SECRET, totp.at(T0 + timedelta(seconds=30)), T0, 0) == step + 1
    assert mfa.matching_step(TOTP_SECRET, totp.at(T0 - timedelta(seconds=90)), T0, 0) is None
    assert mfa.matching_step(TOTP_SECRET, totp.at(T0), T0, step) is None  # used already
    assert mfa.matching_step(TOTP_SECRET, "12345", T0, 0) is None
    assert mfa.matching_step(TOTP_SECRET, "１２３４５６", T0, 0) is None


def test_secrets_are_sealed_under_the_secret_key() -> None:
    sealed = mfa.seal(SECRET_KEY, TOTP_SECRET)
    assert TOTP_SECRET not in sealed
    assert mfa.unseal(SECRET_KEY, sealed) == TOTP_SECRET
    assert mfa.unseal("another-secret-key-of-enough-length-000000", sealed) is None


def test_the_qr_code_is_inline_svg_without_script() -> None:
    svg = mfa.qr_svg(mfa.provisioning_uri(TOTP_SECRET, "a@zwolle.nl"))
    assert svg.startswith("<svg ") and 'role="img"' in svg and "<script" not in svg
    assert "<title>QR-code voor uw app</title>" in svg


def test_recovery_codes_are_random_and_hashed_loosely() -> None:
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == 10 and all(re.fullmatch(r"\w{4}-\w{4}-\w{2}", c) for c in codes)
    assert mfa.recovery_hash(codes[0]) == mfa.recovery_hash(codes[0].upper().replace("-", " "))


# --- login ----------------------------------------------------------------------------------


# --- enrolment ------------------------------------------------------------------------------


# --- the beheerder's reset ---------------------------------------------------------------------
