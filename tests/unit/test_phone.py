"""Every phone number can be tapped: one ``tel:`` rule, also for the signposts.

The pages that link them: ``tests/http/test_phone_links.py``.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from activatie.phone import tel_uri
from activatie.signposts import SignpostInfo


def test_tel_uri_keeps_the_digits_and_a_leading_plus() -> None:
    assert tel_uri("038 - 123 45 67") == "tel:0381234567"
    assert tel_uri("14 038") == "tel:14038"
    assert tel_uri(" +31 (0)38 498 9999") == "tel:+31384989999"  # the (0) is not dialled
    assert tel_uri("bel ons") == tel_uri("") == tel_uri(None) == ""


@given(st.text(max_size=30))
def test_tel_uri_is_empty_or_a_dialable_uri(number: str) -> None:
    uri = tel_uri(number)
    digits = "".join(ch for ch in number.strip().replace("(0)", "") if ch in "0123456789")
    if not digits:
        assert uri == ""
    else:
        assert re.fullmatch(r"tel:\+?[0-9]+", uri)
        assert uri.removeprefix("tel:").lstrip("+") == digits


def test_signposts_use_the_same_rule() -> None:
    info = SignpostInfo("x", "X", "voor", "iedereen", "tekst", phone="+31 38 498 00 00")
    assert info.phone_link == tel_uri(info.phone) == "tel:+31384980000"
