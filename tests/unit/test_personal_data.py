"""Personal data in the free text of an aanmelding: every way around the filter is refused."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activatie import personal_data as pd
from activatie.personal_data import check_free_text

TODAY = date(2026, 11, 27)


def problem(text: str) -> str | None:
    return check_free_text(text, TODAY).problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # BSN 111222333 (passes the elfproef), however it is written
        ("bsn 111222333", pd.BSN),
        ("1 1 1 2 2 2 3 3 3", pd.BSN),
        ("111/222/333", pd.BSN),
        ("111_222_333", pd.BSN),
        ("111-222-333", pd.BSN),
        ("１１１２２２３３３", pd.BSN),  # fullwidth digits
        ("een een een twee twee twee drie drie drie", pd.BSN),
        ("Een Een Een, twee twee twee, drie drie drie", pd.BSN),
        ("nummer één één één twee twee twee drie drie drie", pd.BSN),
        ("12345672", pd.BSN),  # 012345672 without its leading zero
        # phone numbers and other long numbers
        ("bel 06-12345678", pd.PHONE),
        ("06 12 34 56 78", pd.PHONE),
        ("+31 6 1234 5678", pd.PHONE),
        ("nul zes een twee drie vier vijf zes zeven acht", pd.PHONE),
        ("038 123 4567", pd.PHONE),
        ("123456789", pd.LONG_NUMBER),
        # e-mail addresses
        ("jan@example.nl", pd.EMAIL),
        ("jan(at)example.nl", pd.EMAIL),
        ("jan [at] example [dot] nl", pd.EMAIL),
        ("jan at example dot nl", pd.EMAIL),
        ("jan at example punt nl", pd.EMAIL),
        ("jan apenstaartje example punt com", pd.EMAIL),
        ("jan＠example.nl", pd.EMAIL),  # fullwidth @
        ("ｊａｎ＠ｅｘａｍｐｌｅ．ｎｌ", pd.EMAIL),
        ("j.jansen@zwolle.nl svp", pd.EMAIL),
        # dates of birth
        ("geboren 12-03-1985", pd.BIRTH_DATE),
        ("12-03-1985", pd.BIRTH_DATE),
        ("1985-03-12", pd.BIRTH_DATE),
        ("12/3/85", pd.BIRTH_DATE),
        ("12 maart 1985", pd.BIRTH_DATE),
        ("geb. 1985", pd.BIRTH_DATE),
        ("geboren in 1985", pd.BIRTH_DATE),
        # street addresses and full postcodes
        ("woont Kerkstraat 12", pd.ADDRESS),
        ("Assendorperstraat 5a", pd.ADDRESS),
        ("Esdoornlaan 134", pd.ADDRESS),
        ("postcode 8011 AB", pd.ADDRESS),
        ("8011AB", pd.ADDRESS),
        # names
        ("Jan de Vries", pd.NAME),
        ("graag contact met Piet van den Berg", pd.NAME),
        ("Jan Jansen komt dinsdag", pd.NAME),
        ("Emma Bakker", pd.NAME),
        ("mevrouw Jansen wil graag", pd.NAME),
        ("dhr. Bakker", pd.NAME),
        ("J. de Vries", pd.NAME),
        ("Fatima El Amrani", pd.NAME),
    ],
)
def test_personal_data_is_refused_in_every_variant(text: str, expected: str) -> None:
    assert problem(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ZW-2026-014",
        "client 12",
        "Kan op dinsdag en donderdag, 2 dagdelen per week.",
        "Start liefst vanaf 01-12-2026, om 9.30 uur.",
        "Vindt het fijn om buiten te werken. Een of twee keer per week.",
        "Houdt van koken; eerder 3 jaar vrijwilliger geweest.",
        "Wil graag met de fiets komen, ongeveer 10 minuten.",
        "Graag rustig beginnen in een kleine groep van 4 tot 6 mensen.",
        "Ik at gisteren bij de buren. Punt.",
        "De Tuin aan de Weg is prima.",
    ],
)
def test_ordinary_notes_pass(text: str) -> None:
    assert check_free_text(text, TODAY) == pd.FreeTextCheck(None, ())


def test_a_diagnosis_with_medication_asks_for_confirmation() -> None:
    found = check_free_text("Heeft een depressie en gebruikt oxazepam; ADHD-medicatie.", TODAY)
    assert found.problem is None
    assert found.needs_confirmation
    assert found.health_words == ("adhd", "depressie", "medicatie", "oxazepam")


def test_personal_data_comes_before_health_words() -> None:
    found = check_free_text("Jan de Vries, schizofrenie, gebruikt clozapine", TODAY)
    assert found.problem == pd.NAME
    assert not found.needs_confirmation
    assert found.health_words == ("clozapine", "schizofrenie")


def test_a_recent_date_is_no_birth_date_but_an_old_one_is() -> None:
    assert problem("start 15-01-2027") is None
    assert problem("start 15-01-2011") == pd.BIRTH_DATE  # 15 years before TODAY
    assert problem("start 15-01-2012") is None


_WORDS = sorted(
    pd._wordlist(
        "graag rustig beginnen buiten werken tuin koken samen groep week dinsdag woensdag "
        "vrijdag ochtend middag fiets bus lopen vrijwilliger ervaring houdt van muziek dieren "
        "creatief hout techniek winkel koffie structuur ritme contact mensen leren taal "
        "nederlands sport wandelen zwemmen voetbal kort lang fijn liever niet wel ook eerst "
        "daarna kan wil moet is heeft was de het een in op met voor bij naar om tot"
    )
)
_PHRASES = (
    "Kan op dinsdag en donderdag.",
    "2 dagdelen per week.",
    "Om 9.30 uur beginnen.",
    "Liefst vanaf 1 december.",
    "Ongeveer 10 minuten fietsen.",
    "Een of twee keer per week.",
    "Groep van 4 tot 6 mensen.",
    "Wil over 3 maanden meer uren.",
    "Spreekt Nederlands en Engels.",
    "Woont in Zwolle Zuid.",
    "Komt met de bus (lijn 5).",
)
_notes = st.lists(
    st.one_of(
        st.sampled_from(_PHRASES),
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map(
            lambda words: " ".join(words).capitalize() + "."
        ),
        # a bare number counts something; numbers side by side read as one (a phone number)
        st.integers(min_value=0, max_value=99).map(lambda n: f"{n} keer."),
    ),
    max_size=12,
).map(" ".join)


@given(_notes)
def test_a_normal_note_is_never_refused(note: str) -> None:
    found = check_free_text(note, TODAY)
    assert found.problem is None, note
    assert not found.health_words


@given(st.integers(min_value=10_000_000, max_value=99_999_999), st.sampled_from(" ./_-"))
def test_any_bsn_is_refused_with_any_separator(n: int, separator: str) -> None:
    digits = f"{n:08d}"
    weights = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    if weights % 11 == 10:
        return
    bsn = digits + str(weights % 11)
    assert pd.passes_elfproef(bsn)
    spaced = separator.join(bsn[i : i + 3] for i in range(0, 9, 3))
    assert problem(f"nummer {spaced}") == pd.BSN


@given(st.text(max_size=600))
def test_any_text_is_checked_without_error(text: str) -> None:
    found = check_free_text(text, TODAY)
    assert found.problem is None or found.problem in {
        pd.BSN,
        pd.PHONE,
        pd.LONG_NUMBER,
        pd.EMAIL,
        pd.BIRTH_DATE,
        pd.ADDRESS,
        pd.NAME,
    }
    assert set(found.health_words) <= pd.HEALTH_WORDS


@pytest.mark.parametrize("text", ["a" * 20_000, "a." * 10_000, "1 " * 10_000, "a@" * 10_000])
def test_a_long_text_is_checked_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    check_free_text(text, TODAY)
    assert time.perf_counter() - started < 1.5  # quadratic regexes took 4.8 s here
