"""Dutch everywhere: WTForms' own messages in our words.

Forms and page titles ("Fout: ") as the app serves them: ``tests/http/test_forms.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import wtforms

from activatie.forms import DUTCH, DUTCH_MESSAGES, DUTCH_PLURALS, REQUIRED

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
