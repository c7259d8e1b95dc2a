"""``flask --app activatie bench-report``: how long the monitoring report takes to build.

A benchmark, not a test: it reads the facts once per run from the database the app is
configured with (load ``seed`` and ``demo-placements`` first for the demo size), then builds the
protected report with the protection cache emptied ("cold", what the first visitor after a
change waits for) and once more with it filled ("warm", the page's CSV files and the next
visitor). It prints the median and the range of each, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session, func, select

from . import reports, stats
from .db import get_session
from .models import Placement, local_today, utcnow


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


@click.command("bench-report")
@click.option("--runs", default=7, show_default=True, type=click.IntRange(1, 100))
@click.option("--periode", "period_key", default="12m", show_default=True, help="as on the page")
@with_appcontext
def bench_report_command(runs: int, period_key: str) -> None:
    """Time building the monitoring report (facts, cold and warm protection)."""
    session = get_session()
    period, errors = reports.parse_period(period_key, local_today())
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    total = session.exec(select(func.count()).select_from(Placement)).one()
    timings = bench(session, period, runs, current_app.config["STALE_AFTER_DAYS"])
    click.echo(f"{total} aanmeldingen in de database, periode {period.label()}, {runs} runs:")
    for name, label in (
        ("collect", "facts from the database"),
        ("cold", "build, protection cache empty"),
        ("warm", "build, protection cache filled"),
    ):
        values = timings[name]
        click.echo(
            f"- {label}: median {statistics.median(values):.0f} ms "
            f"(min {min(values):.0f}, max {max(values):.0f})"
        )
    cold = [c + w for c, w in zip(timings["collect"], timings["cold"], strict=True)]
    click.echo(
        f"- first page after a change (facts + cold build): median {statistics.median(cold):.0f} ms"
    )
