"""Platform commands (``badges db``, ``demo``, ``services``) and the packages' own groups."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from badges import migrate
from badges.celery import CELERY_EXTENSION
from badges.context import current_clock, current_database, current_settings
from badges.demo import DEMO_PASSWORD, load_demo, public_credential_urls
from badges.web.health import service_report
from issuer import Keyring
from issuer.cli import issuer_group
from issuer.cli_credentials import credentials_group
from paths import evidence_store
from paths.cli import paths_group
from verifier.cli import verify_command

db_group = AppGroup("db", help="Create and migrate the database.")
demo_group = AppGroup("demo", help="Demo data for a first look.")
services_group = AppGroup("services", help="Check the services this instance depends on.")


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    database = current_database()
    migrate.upgrade(database.engine, revision)
    click.echo(f"Database ({database.backend}) at {migrate.current_revision(database.engine)}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION ('base' removes every table)."""
    database = current_database()
    migrate.downgrade(database.engine, revision)
    click.echo(f"Database ({database.backend}) at {migrate.current_revision(database.engine)}.")


@db_group.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    click.echo(migrate.current_revision(current_database().engine) or "empty (not migrated)")


@demo_group.command("load")
def demo_load() -> None:
    """Load the demo organisations and users (once; loading again changes nothing)."""
    database = current_database()
    if migrate.current_revision(database.engine) is None:
        raise click.ClickException("The database is empty. Run `badges db upgrade` first.")
    with database.session_scope() as session:
        logins = load_demo(
            session,
            now=current_clock().now(),
            keyring=Keyring.from_settings(current_settings()),
            base_url=current_settings().base_url,
            store=evidence_store(current_settings()),
        )
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.role.value:<15} {login.email}")
    with database.sessionmaker() as session:
        urls = public_credential_urls(session, base_url=current_settings().base_url)
    if urls:
        click.echo("Public credential pages (shared by the demo participant):")
        for url in urls:
            click.echo(f"  {url}")
    click.echo(f"Open {current_settings().base_url}/")


@services_group.command("check")
def services_check() -> None:
    """Check database, broker and worker reachability; exit 1 unless all are reachable."""
    report = service_report(current_database(), current_app.extensions[CELERY_EXTENSION])
    click.echo(json.dumps(report, indent=2))
    if report["status"] != "ok":
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    """Attach the platform commands to ``app.cli``."""
    for group in (
        db_group,
        demo_group,
        services_group,
        issuer_group,
        credentials_group,
        paths_group,
    ):
        app.cli.add_command(group)
    app.cli.add_command(verify_command, "verify")
