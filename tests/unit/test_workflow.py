"""The pure rules of an aanmelding: transitions, personal-data refusal, working days."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activatie import personal_data, workflow
from activatie.vocabulary import PLACEMENT_STATUSES

ALLOWED = {
    ("aangemeld", "kennismaking", "aanbieder"),
    ("aangemeld", "afgewezen", "aanbieder"),
    ("kennismaking", "afgewezen", "aanbieder"),
    ("kennismaking", "gestart", "aanbieder"),
    ("gestart", "afgerond", "aanbieder"),
    ("gestart", "afgerond", "consulent"),
    ("gestart", "gestopt", "aanbieder"),
    ("gestart", "gestopt", "consulent"),
    ("aangemeld", "ingetrokken", "consulent"),
    ("kennismaking", "ingetrokken", "consulent"),
}


@pytest.mark.parametrize(
    ("current", "target", "role"),
    list(
        product(
            PLACEMENT_STATUSES.keys,
            PLACEMENT_STATUSES.keys,
            ("aanbieder", "consulent", "beheerder"),
        )
    ),
)
def test_every_transition_is_allowed_or_refused_as_specified(current, target, role) -> None:
    if (current, target, role) in ALLOWED:
        workflow.check_transition(current, target, role)
    else:
        with pytest.raises(workflow.TransitionError):
            workflow.check_transition(current, target, role)


def test_final_statuses_lead_nowhere() -> None:
    for status in workflow.FINAL_STATUSES:
        assert workflow.next_steps(status, "aanbieder") == []
        assert workflow.next_steps(status, "consulent") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ZW-2026-014", None),
        ("client 12", None),
        ("111222333", "Dit lijkt op een BSN."),  # passes the elfproef
        ("bsn 111 222 333", "Dit lijkt op een BSN."),
        ("111.222.333", "Dit lijkt op een BSN."),
        ("12345672", "Dit lijkt op een BSN."),  # 012345672 without its leading zero
        ("123456789", "Schrijf geen lange nummers op"),  # fails the elfproef, still refused
        ("0612345678", "Schrijf geen lange nummers op"),
        ("jan@voorbeeld.nl", "Schrijf geen e-mailadres op."),
        ("mail j.jansen@zwolle.nl svp", "Schrijf geen e-mailadres op."),
    ],
)
def test_personal_data_is_refused(text: str, problem: str | None) -> None:
    found = workflow.personal_data_problem(text)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_elfproef() -> None:
    assert personal_data.passes_elfproef("111222333")
    assert personal_data.passes_elfproef("123456782")
    assert not personal_data.passes_elfproef("123456789")
    assert not personal_data.passes_elfproef("000000000")
    assert not personal_data.passes_elfproef("12345678")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_number_passing_the_elfproef_is_called_a_bsn(n: int) -> None:
    digits = f"{n:08d}"
    weights = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    last = weights % 11
    if last == 10:
        return  # no valid check digit for these eight
    bsn = digits + str(last)
    assert personal_data.passes_elfproef(bsn)
    assert workflow.personal_data_problem(f"nummer {bsn}") == (
        "Dit lijkt op een BSN. Schrijf nooit een BSN op."
    )


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 11, 20)
    assert workflow.add_working_days(friday, 1) == date(2026, 11, 23)
    assert workflow.add_working_days(friday, 5) == date(2026, 11, 27)
    assert workflow.working_days_between(friday, date(2026, 11, 27)) == 5
    assert workflow.working_days_between(friday, date(2026, 11, 22)) == 0


def test_late_after_five_working_days_without_an_answer() -> None:
    monday = date(2026, 11, 2)
    assert workflow.RESPONSE_WORKING_DAYS == 5  # what the pages and the provider's mail promise
    assert not workflow.is_late(monday, date(2026, 11, 9), "aangemeld")  # 5 working days
    assert workflow.is_late(monday, date(2026, 11, 10), "aangemeld")  # 6
    assert not workflow.is_late(monday, date(2026, 11, 30), "kennismaking")


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_working_days_round_trip(start: date, days: int) -> None:
    assert workflow.working_days_between(start, workflow.add_working_days(start, days)) == days


def test_a_kenmerk_is_short_and_unambiguous() -> None:
    made = {workflow.make_reference() for _ in range(500)}
    assert len(made) > 490  # random, not a counter
    for reference in made:
        assert workflow.REFERENCE_PATTERN.match(reference), reference
        assert not set(reference[3:]) & set("01IOLSU5")  # nothing to mix up when copying


@given(st.lists(st.integers(0, len(workflow.REFERENCE_ALPHABET) - 1), min_size=4, max_size=4))
def test_every_kenmerk_passes_the_personal_data_check(picks: list[int]) -> None:
    """Whatever the dice say, the app never makes a kenmerk its own checks would refuse."""
    rolls = iter(picks)
    reference = workflow.make_reference(lambda alphabet: alphabet[next(rolls)])
    assert workflow.REFERENCE_PATTERN.match(reference)
    assert workflow.personal_data_problem(reference) is None
