"""Rules of an aanmelding (placement), pure: who may move it where, and what it may hold.

Statuses (``domain.md``): ``aangemeld`` → ``kennismaking`` → ``gestart`` → ``afgerond`` or
``gestopt``; the provider may decline (``afgewezen``) and the consultant withdraw
(``ingetrokken``) before the start. The retention run closes an aanmelding that has not changed
for a year as ``vervallen``; no person makes that move.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from .personal_data import check_free_text

PROVIDER = "aanbieder"
CONSULTANT = "consulent"

#: (from, to) → the roles that may make that move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("aangemeld", "kennismaking"): frozenset({PROVIDER}),
    ("aangemeld", "afgewezen"): frozenset({PROVIDER}),
    ("kennismaking", "afgewezen"): frozenset({PROVIDER}),
    ("kennismaking", "gestart"): frozenset({PROVIDER}),
    ("gestart", "afgerond"): frozenset({PROVIDER, CONSULTANT}),
    ("gestart", "gestopt"): frozenset({PROVIDER, CONSULTANT}),
    ("aangemeld", "ingetrokken"): frozenset({CONSULTANT}),
    ("kennismaking", "ingetrokken"): frozenset({CONSULTANT}),
}

OPEN_STATUSES = frozenset({"aangemeld", "kennismaking"})
FINAL_STATUSES = frozenset({"afgerond", "gestopt", "afgewezen", "ingetrokken", "vervallen"})
#: Set by the daily retention run, never by a person: no status change for a year.
EXPIRED = "vervallen"

#: A provider that has not answered an aanmelding within this many working days is late.
RESPONSE_WORKING_DAYS = 5


class TransitionError(ValueError):
    """A move that is not allowed; the message is Dutch."""


def check_transition(current: str, target: str, role: str) -> None:
    """Raise TransitionError unless ``role`` may move an aanmelding from current to target."""
    roles = TRANSITIONS.get((current, target))
    if roles is None:
        raise TransitionError(f"Van '{current}' naar '{target}' kan niet.")
    if role not in roles:
        raise TransitionError(f"Deze stap ('{current}' naar '{target}') is niet aan u.")


def next_steps(current: str, role: str) -> list[str]:
    """Return the statuses ``role`` may move to from ``current``, in a stable order."""
    return [to for (start, to), roles in TRANSITIONS.items() if start == current and role in roles]


#: Letters and digits nobody mixes up when copying by hand: no 0/O, 1/I/L, 5/S, U/V.
REFERENCE_ALPHABET = "2346789ABCDEFGHJKMNPQRTVWXYZ"
REFERENCE_PREFIX = "ZW-"
REFERENCE_LENGTH = 4  # 28**4 = 614,656 kenmerken
REFERENCE_PATTERN = re.compile(rf"^{REFERENCE_PREFIX}[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}$")


def make_reference(choice: Callable[[Sequence[str]], str] = secrets.choice) -> str:
    """Return a new random kenmerk such as ``ZW-7K3P``: short, unambiguous, never a name."""
    return REFERENCE_PREFIX + "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def personal_data_problem(text: str) -> str | None:
    """Return a Dutch reason when ``text`` holds personal data (see :mod:`.personal_data`)."""
    return check_free_text(text).problem


def add_working_days(start: date, days: int) -> date:
    """Return the date ``days`` working days (Monday to Friday) after ``start``."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Return the number of working days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def is_late(created: date, today: date, status: str) -> bool:
    """An aanmelding still waiting for the provider after the response time is late."""
    return status == "aangemeld" and working_days_between(created, today) > RESPONSE_WORKING_DAYS
