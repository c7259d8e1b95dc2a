"""Accounts on a database session: password hashes and login throttling under parallel guesses."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, func, select
from werkzeug.security import generate_password_hash

from activatie import accounts
from activatie.models import LoginAttempt
from tests.factories import Factory


def test_parallel_guesses_never_get_more_than_the_limit_checked(engine, factory: Factory) -> None:
    user = factory.user("aanbieder")
    policy = accounts.LoginPolicy(secret="s" * 40, hash_method="scrypt:1024:8:1")
    start = threading.Barrier(40)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        with Session(engine) as own:
            start.wait()
            try:
                accounts.authenticate(own, user.email, f"gok {n}", "10.9.9.9", policy)
            except accounts.LoginThrottled:
                outcomes.append("geweigerd")
            except accounts.AccountError:
                outcomes.append("gecontroleerd")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 40
    # The attempts are counted one after the other: exactly the limit is checked, never more
    # (a guess slipped through) and never none (a burst locked everyone out unchecked).
    assert outcomes.count("gecontroleerd") == policy.max_failures
    with Session(engine) as own:  # exactly the checked guesses are counted
        counted = own.exec(select(func.count()).select_from(LoginAttempt)).one()
    assert counted == outcomes.count("gecontroleerd")


def test_unknown_accounts_cost_the_same_hash_work(monkeypatch, factory: Factory, session) -> None:
    """The dummy hash uses the policy's parameters, not cheaper ones."""
    checked: list[str] = []
    real = accounts.check_password_hash

    def spy(stored: str, password: str) -> bool:
        checked.append(stored.split("$")[0])
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    method = "scrypt:2048:8:1"
    user = factory.user("aanbieder", password_hash=generate_password_hash("x" * 12, method))
    policy = accounts.LoginPolicy(secret="s" * 40, hash_method=method)
    for email in (user.email, "niemand@voorbeeld.nl"):
        with pytest.raises(accounts.AccountError):
            accounts.authenticate(session, email, "fout wachtwoord", "10.0.0.5", policy)
    assert checked == [method, method]


def test_passwords_are_hashed(factory: Factory, session: Session) -> None:
    user = accounts.create_user(
        session,
        accounts.Actor(None, "test"),
        accounts.NewAccount(email="Nieuw@Voorbeeld.nl", name="N", role="beheerder"),
        password="correct horse battery",
        hash_method="scrypt:1024:8:1",
    )
    assert user.email == "nieuw@voorbeeld.nl"
    assert user.password_hash.startswith("scrypt:1024:8:1$")
    assert "correct horse" not in user.password_hash
