"""Unmet demand: searches that found nothing, counted by day, PC4 and need (no person).

Written by a search (:func:`views.matching.run_match`), read by the monitoring reports
(:mod:`reports`, "Leren van Resultaat").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from .models import UnmetSearch


def count_unmet_search(session: Session, day: date, pc4: str, needs: Iterable[str]) -> None:
    """Count a search that found nothing, by day, PC4 and need; it stores no person.

    The one write a search makes, and a service of its own: it commits once. Two searches
    counting the same row at once both count (the second updates the row the first made).
    """
    for need in sorted(set(needs)) or ["-"]:
        for _ in range(2):  # a concurrent insert of the same row: update it instead
            updated = session.exec(  # type: ignore[call-overload]
                update(UnmetSearch)
                .where(UnmetSearch.day == day, UnmetSearch.pc4 == pc4, UnmetSearch.need == need)
                .values(count=UnmetSearch.count + 1)
            )
            if updated.rowcount == 1:
                break
            try:
                with session.begin_nested():
                    session.add(UnmetSearch(day=day, pc4=pc4, need=need, count=1))
                break
            except IntegrityError:
                continue
    session.commit()
