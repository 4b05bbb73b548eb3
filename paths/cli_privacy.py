"""``badges paths export-personal-data`` and ``delete-account``: GDPR requests that reach an admin.

People who cannot sign in any more (a lost password, an email to the programme office) still have
the right to their data and to erasure; these do what ``/account/data`` does for them. Deletion
asks for ``--yes`` because it cannot be undone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User, normalise_email
from badges.context import current_clock, current_database, current_settings
from badges.errors import DomainError
from paths.privacy import delete_account, purge_evidence_files
from paths.privacy_export import export_personal_data
from paths.storage import evidence_store


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    return user


@click.command("export-personal-data")
@with_appcontext
@click.argument("email")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the zip (data.json, evidence files, signed credentials).",
)
def export_personal_data_command(email: str, out: Path) -> None:
    """Write everything held about the account EMAIL to a zip file."""
    with current_database().session_scope() as session:
        user = _user(session, email)
        address = user.email
        archive = export_personal_data(
            session, user, evidence_store(current_settings()), now=current_clock().now()
        )
        with archive, out.open("wb") as target:
            shutil.copyfileobj(archive, target)
    click.echo(f"Wrote the personal data of {address} to {out}.")


@click.command("delete-account")
@with_appcontext
@click.argument("email")
@click.option("--yes", is_flag=True, help="Confirm: the deletion cannot be undone.")
def delete_account_command(email: str, yes: bool) -> None:
    """Delete the account EMAIL and its personal data; issued credentials stay verifiable."""
    if not yes:
        raise click.UsageError("Deleting an account cannot be undone: add --yes to confirm.")
    database = current_database()
    try:
        with database.session_scope() as session:
            user = _user(session, email)
            deletion = delete_account(session, user, now=current_clock().now())
    except DomainError as err:
        raise click.ClickException(err.message) from err
    with database.session_scope() as session:
        removed = purge_evidence_files(
            session, evidence_store(current_settings()), deletion.orphaned_files
        )
    click.echo(f"Deleted the account {normalise_email(email)} and {removed} evidence file(s).")
