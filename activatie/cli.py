"""Flask commands: ``db upgrade``, ``seed``, ``import``, ``create-user`` and ``retention``.

Every command is registered in :func:`init_app`; the work is done by the modules they call.
``demo-placements`` is still defined in :mod:`demo` (it moves here when the demo generator
leaves the package).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import select

from . import accounts, catalogue, migrations, retention, seed, signpost_store
from .audit import SYSTEM
from .db import get_engine, get_session
from .demo import demo_placements_command
from .geocoding import make_geocoder
from .models import Organisation, UserRole, utcnow
from .report_bench import bench_report_command
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
