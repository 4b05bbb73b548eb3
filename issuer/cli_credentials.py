"""``badges credentials``: commands over issued credentials (export for offline verification)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from badges.context import current_database
from issuer.export import DID_DOCUMENTS_FILE, STATUS_LISTS_FILE, export_credentials

credentials_group = AppGroup("credentials", help="Issued credentials: export them.")


@credentials_group.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the credentials and the verification maps to.",
)
def export(out: Path) -> None:
    """Write every issued credential (JSON and baked PNG) and the maps to verify them offline."""
    with current_database().session_scope() as session:
        summary = export_credentials(session, out)
    click.echo(
        f"Exported {summary.credentials} credentials, {summary.did_documents} DID documents "
        f"and {summary.status_lists} status lists to {out}."
    )
    click.echo(
        f"Verify them offline: badges verify {out}/*.json --did-documents "
        f"{out / DID_DOCUMENTS_FILE} --status-lists {out / STATUS_LISTS_FILE}"
    )
