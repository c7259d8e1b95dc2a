"""Every flask command: ``db upgrade``, ``seed``, ``import``, ``create-user``, ``retention``,
and the development tools' ``demo-placements`` and ``bench-report``.

Every command is registered in :func:`init_app`; the work is done by the modules they call. The
two development tools live outside the package, in ``bench/`` (not in the wheel): their
commands import them only when they run, so the app itself never needs them.
"""

from __future__ import annotations

import importlib
import statistics
import sys
from pathlib import Path
from types import ModuleType

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import func, select

from . import accounts, catalogue, migrations, reports, retention, seed, signpost_store
from .audit import SYSTEM
from .db import get_engine, get_session
from .geocoding import make_geocoder
from .models import Organisation, Placement, UserRole, local_today, utcnow
from .vocabulary import ROLES

db_cli = AppGroup("db", help="Manage the database schema.")


@db_cli.command("upgrade")
def upgrade_command() -> None:
    """Apply every migration that has not run yet."""
    migrations.upgrade(get_engine())
    click.echo("Database is bijgewerkt.")


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the Zwolle postcode table and the example catalogue (safe to run again)."""
    migrations.upgrade(get_engine())
    session = get_session()
    count = catalogue.load_postcodes(session, seed.read_postcodes())
    records = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
    counts = catalogue.load_catalogue(session, records, make_geocoder(session, current_app.config))
    signposts = signpost_store.load_signposts(session, seed.read_signposts())
    click.echo(f"{count} postcodes geladen.")
    click.echo(f"{signposts} verwijzingen geladen.")
    _report(counts)


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import providers and activities from a CSV or JSON file; all or nothing."""
    session = get_session()
    try:
        records = seed.read_catalogue(path)
        counts = catalogue.load_catalogue(
            session, records, make_geocoder(session, current_app.config)
        )
    except catalogue.CatalogueError as error:
        click.echo(
            "Er is niets geïmporteerd. Los deze problemen op en probeer het opnieuw:", err=True
        )
        for where, message in error.problems:
            click.echo(f"- {where}: {message}", err=True)
        raise SystemExit(1) from None
    _report(counts)


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as shown to colleagues.")
@click.option(
    "--role",
    type=click.Choice(list(ROLES.keys)),
    default=UserRole.ADMIN,
    show_default=True,
    help="aanbieder, consulent or beheerder.",
)
@click.option("--organisation", "organisation_slug", help="Provider key (sleutel), for aanbieder.")
@click.password_option(help="At least 12 characters; asked for when not given.")
@with_appcontext
def create_user_command(
    email: str, name: str, role: str, organisation_slug: str | None, password: str
) -> None:
    """Create an account, for example the first beheerder."""
    session = get_session()
    organisation_id = None
    if organisation_slug:
        organisation = session.exec(
            select(Organisation).where(Organisation.slug == organisation_slug)
        ).first()
        if organisation is None:
            raise click.BadParameter(f"geen aanbieder met sleutel '{organisation_slug}'")
        organisation_id = organisation.id
    try:
        user = accounts.create_user(
            session,
            SYSTEM,
            accounts.NewAccount(email, name, role, organisation_id),
            password=password,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            consultant_domains=accounts.consultant_domains(current_app.config),
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Account {user.email} ({user.role}) is aangemaakt.")


def _months_setting(name: str) -> int:
    months = current_app.config[name]
    if (
        isinstance(months, bool)
        or not isinstance(months, int)
        or not 1 <= months <= retention.MAX_MONTHS
    ):
        raise click.ClickException(
            f"{name} moet een heel aantal maanden zijn, van 1 tot en met {retention.MAX_MONTHS}."
        )
    return months


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Only count what would change; change nothing.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Close forgotten aanmeldingen and erase what is past the retention period (run daily)."""
    months = _months_setting("RETENTION_MONTHS")
    stale_months = _months_setting("EXPIRE_MONTHS")
    session = get_session()
    now = utcnow()
    click.echo(f"Bewaartermijn: {months} maanden na het einde van een aanmelding.")
    click.echo(f"Vervallen: na {stale_months} maanden zonder verandering.")
    if dry_run:
        stale = retention.count_stale(session, now, stale_months)
        count = retention.count_expired(session, now, months)
        click.echo(
            f"Proef, er is niets gewist. Nu te sluiten als vervallen: {_aanmeldingen(stale)}. "
            f"Nu te wissen: {_aanmeldingen(count)}."
        )
        return
    closed = retention.expire_stale(session, now, stale_months)
    if closed:
        click.echo(f"Gesloten als vervallen: {_aanmeldingen(closed)}.")
    erased = retention.erase_expired(session, now, months)
    if erased:
        retention.scrub_storage(session.get_bind())
        click.echo(
            f"Van {_aanmeldingen(erased)} zijn het kenmerk, de notitie en de consulent gewist; "
            "de datums zijn afgerond op de maand."
        )
    else:
        click.echo("Er was niets te wissen.")
    click.echo("Alleen anonieme gegevens voor de cijfers blijven bewaard.")


def _aanmeldingen(count: int) -> str:
    return f"{count} aanmelding" if count == 1 else f"{count} aanmeldingen"


def _tool(name: str) -> ModuleType:
    """Import the development tool ``bench.<name>``: there in a checkout, not in the wheel.

    ``flask --app activatie`` puts the current folder on the path, so it is found from the
    checkout's root; from another folder, the checkout this package was installed from (an
    editable install) is tried.
    """
    module = f"bench.{name}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name not in ("bench", module):
            raise
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "bench" / "__init__.py").is_file() and str(checkout) not in sys.path:
        sys.path.append(str(checkout))
        return importlib.import_module(module)
    raise click.ClickException(
        "Dit commando hoort bij de ontwikkelhulpmiddelen in bench/ en werkt alleen vanuit de "
        "broncode (de map met bench/), niet in een geïnstalleerd pakket."
    )


@click.command("demo-placements")
@click.option(
    "--count",
    default=600,
    show_default=True,
    type=click.IntRange(1, 5000),
    help="How many example aanmeldingen to add.",
)
@click.option(
    "--seed",
    "seed",
    default=2026,
    show_default=True,
    type=int,
    help="Random seed: the same seed gives the same plan.",
)
@with_appcontext
def demo_placements_command(count: int, seed: int) -> None:
    """Add example aanmeldingen over the example catalogue (run ``seed`` first)."""
    demo = _tool("demo")
    try:
        statuses = demo.generate(get_session(), count, seed, local_today())
    except demo.DemoRefused as error:
        raise click.ClickException(str(error)) from None
    unmet = statuses.pop("zoekvragen zonder aanbod")
    drop_ins = statuses.pop("inloop-tellingen")
    click.echo(
        f"{count} voorbeeldaanmeldingen gemaakt over de afgelopen {demo.MONTHS_BACK} maanden:"
    )
    for status, number in sorted(statuses.items(), key=lambda item: -item[1]):
        click.echo(f"- {status}: {number}")
    click.echo(f"Ook {unmet} voorbeeldzoekvragen zonder aanbod geteld.")
    click.echo(f"En {drop_ins} maanden inloop bij activiteiten waar u gewoon langs kunt komen.")
    click.echo("Bekijk de cijfers als beheerder op /beheer/resultaten/.")


@click.command("bench-report")
@click.option("--runs", default=7, show_default=True, type=click.IntRange(1, 100))
@click.option("--periode", "period_key", default="12m", show_default=True, help="as on the page")
@with_appcontext
def bench_report_command(runs: int, period_key: str) -> None:
    """Time building the monitoring report (facts, cold and warm protection)."""
    report = _tool("report")
    session = get_session()
    period, errors = reports.parse_period(period_key, local_today())
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    total = session.exec(select(func.count()).select_from(Placement)).one()
    timings = report.bench(session, period, runs, current_app.config["STALE_AFTER_DAYS"])
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


def _report(counts: catalogue.LoadCounts) -> None:
    for what in counts.created:
        click.echo(f"{what}: {counts.created[what]} nieuw, {counts.updated[what]} bijgewerkt")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(import_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(demo_placements_command)
    app.cli.add_command(bench_report_command)
