"""How long the monitoring report takes to build (``flask --app activatie bench-report``).

A benchmark, not a test: it reads the facts once per run from the database the app is
configured with (load ``seed`` and ``demo-placements`` first for the demo size), then builds the
protected report with the protection cache emptied ("cold", what the first visitor after a
change waits for) and once more with it filled ("warm", the page's CSV files and the next
visitor). The command (in :mod:`activatie.cli`) prints the median and the range of each, in
milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlmodel import Session

from activatie import reports, stats
from activatie.models import utcnow


def _ms(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def bench(
    session: Session, period: reports.Period, runs: int, stale_days: int
) -> dict[str, list[float]]:
    """Return the milliseconds of each run: reading the facts, a cold and a warm build."""
    timings: dict[str, list[float]] = {"collect": [], "cold": [], "warm": []}
    for _ in range(runs):
        spent, facts = _ms(lambda: reports.collect(session, period, utcnow(), stale_days))
        timings["collect"].append(spent)
        stats._protect_memo.cache_clear()
        timings["cold"].append(_ms(lambda: reports.build(facts, period))[0])  # noqa: B023
        timings["warm"].append(_ms(lambda: reports.build(facts, period))[0])  # noqa: B023
    return timings
