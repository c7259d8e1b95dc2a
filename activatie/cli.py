"""Flask commands: ``db upgrade``, ``seed`` and ``import``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from . import migrations, seed, services
from .db import get_engine, get_session
from .queries import make_geocoder

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
    count = services.load_postcodes(session, seed.read_postcodes())
    catalogue = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
    counts = services.load_catalogue(session, catalogue, make_geocoder(session))
    click.echo(f"{count} postcodes geladen.")
    _report(counts)


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import providers and activities from a CSV or JSON file; all or nothing."""
    session = get_session()
    try:
        catalogue = seed.read_catalogue(path)
        counts = services.load_catalogue(session, catalogue, make_geocoder(session))
    except services.CatalogueError as error:
        click.echo(
            "Er is niets geïmporteerd. Los deze problemen op en probeer het opnieuw:", err=True
        )
        for where, message in error.problems:
            click.echo(f"- {where}: {message}", err=True)
        raise SystemExit(1) from None
    _report(counts)


def _report(counts: services.LoadCounts) -> None:
    for what in counts.created:
        click.echo(f"{what}: {counts.created[what]} nieuw, {counts.updated[what]} bijgewerkt")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(import_command)
