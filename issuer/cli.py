"""``badges issuer create|revoke|suspend|unsuspend``, ``badges issuer keys …`` (issue #4).

Thin adapters: parse, call one domain function inside ``session_scope`` (which commits), print
public facts only. Key material never reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Organisation, create_organisation
from badges.context import current_clock, current_database, current_settings
from badges.errors import DomainError
from issuer import (
    Keyring,
    create_issuer,
    generate_key,
    get_issuer,
    published_keys,
    remove_key,
    rotate_key,
    rotate_key_encryption_key,
)
from issuer.cli_recovery import resume_pending_command
from issuer.status import credential_by_public_id, revoke, suspend, unsuspend

issuer_group = AppGroup("issuer", help="Issuers, their signing keys, revocation and suspension.")
keys_group = AppGroup("keys", help="Generate, rotate and remove issuers' signing keys.")
issuer_group.add_command(keys_group)
issuer_group.add_command(resume_pending_command)


@contextmanager
def _transaction() -> Iterator[Session]:
    """A committed session; a domain error becomes a one-line message and exit status 1."""
    try:
        with current_database().session_scope() as session:
            yield session
    except DomainError as err:
        raise click.ClickException(err.message) from err


def _keyring() -> Keyring:
    try:
        return Keyring.from_settings(current_settings())
    except DomainError as err:
        raise click.ClickException(err.message) from err


@issuer_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The issuer's public name.")
@click.option("--url", default=None, help="The issuer's home page.")
@click.option("--email", default=None, help="The issuer's contact address.")
@click.option("--description", default=None, help="A short public description.")
def create(
    slug: str, name: str, url: str | None, email: str | None, description: str | None
) -> None:
    """Make organisation SLUG an issuer, creating the organisation if there is none."""
    now = current_clock().now()
    with _transaction() as session:
        organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            organisation = create_organisation(session, slug=slug, name=name.strip(), now=now)
        issuer = create_issuer(
            session,
            organisation.id,
            name=name,
            url=url,
            email=email,
            description=description,
            base_url=current_settings().base_url,
            now=now,
        )
        did = issuer.did or "a did:key, once its first key is generated"
    click.echo(f"Issuer {slug} created; its DID is {did}.")
    click.echo(f"Next: badges issuer keys generate {slug}")


@keys_group.command("generate")
@click.argument("slug")
def generate(slug: str) -> None:
    """Generate the first signing key of issuer SLUG."""
    keyring = _keyring()
    with _transaction() as session:
        issuer = get_issuer(session, slug)
        key = generate_key(session, issuer.id, keyring=keyring, now=current_clock().now())
        method = key.verification_method
    click.echo(f"Generated a signing key for {slug}: {method}")


@keys_group.command("rotate")
@click.argument("slug")
def rotate(slug: str) -> None:
    """Retire the current key of SLUG (still published, so old credentials verify) for a new one."""
    keyring = _keyring()
    with _transaction() as session:
        issuer = get_issuer(session, slug)
        key = rotate_key(session, issuer.id, keyring=keyring, now=current_clock().now())
        method = key.verification_method
    click.echo(f"Rotated the signing key of {slug}; it now signs with {method}")


@keys_group.command("list")
@click.argument("slug")
def list_keys(slug: str) -> None:
    """List the keys of issuer SLUG: id, state and verification method (public data only)."""
    with _transaction() as session:
        issuer = get_issuer(session, slug)
        rows = [
            (key.id, "current" if key.is_current else "retired", key.verification_method)
            for key in published_keys(session, issuer)
        ]
    for key_id, state, method in rows:
        click.echo(f"{key_id}\t{state}\t{method}")


@keys_group.command("remove")
@click.argument("key_id", type=int)
@click.option("--yes", is_flag=True, help="Confirm: credentials signed with it stop verifying.")
def remove(key_id: int, yes: bool) -> None:
    """Remove compromised key KEY_ID: unpublished, its credentials fail verification."""
    if not yes:
        raise click.UsageError(
            "Removing a key makes every credential it signed fail verification; "
            "add --yes to confirm."
        )
    with _transaction() as session:
        key = remove_key(session, key_id, now=current_clock().now())
        method = key.verification_method
    click.echo(f"Removed {method}. Generate a new key and re-issue what it signed.")


@keys_group.command("rotate-kek")
def rotate_kek() -> None:
    """Re-encrypt every private key under the newest key-encryption key (BADGES_KEK's first)."""
    keyring = _keyring()
    with _transaction() as session:
        count = rotate_key_encryption_key(session, keyring)
    click.echo(
        f"Re-encrypted {count} signing key(s) under the newest key-encryption key. "
        "Older keys can now be dropped from BADGES_KEK."
    )


class StatusChange(Protocol):
    """revoke, suspend or unsuspend from :mod:`issuer.status`."""

    def __call__(
        self, session: Session, credential_id: int, /, *, reason: str, now: datetime
    ) -> object:
        """Change the credential's status and log ``reason``."""


_REASON = click.option("--reason", required=True, help="Why (kept in the badge's audit log).")


def _change_status(credential_uuid: str, change: StatusChange, reason: str) -> str:
    """Apply ``change`` to the badge in one transaction; its public id, for the message."""
    with _transaction() as session:
        credential = credential_by_public_id(session, credential_uuid)
        change(session, credential.id, reason=reason, now=current_clock().now())
        return credential.public_id


@issuer_group.command("revoke")
@click.argument("credential_uuid")
@_REASON
def revoke_command(credential_uuid: str, reason: str) -> None:
    """Revoke badge CREDENTIAL_UUID for good; verifiers see it within minutes."""
    click.echo(f"Revoked {_change_status(credential_uuid, revoke, reason)}.")


@issuer_group.command("suspend")
@click.argument("credential_uuid")
@_REASON
def suspend_command(credential_uuid: str, reason: str) -> None:
    """Suspend badge CREDENTIAL_UUID until it is unsuspended."""
    click.echo(f"Suspended {_change_status(credential_uuid, suspend, reason)}.")


@issuer_group.command("unsuspend")
@click.argument("credential_uuid")
@_REASON
def unsuspend_command(credential_uuid: str, reason: str) -> None:
    """Lift the suspension of badge CREDENTIAL_UUID."""
    click.echo(f"Unsuspended {_change_status(credential_uuid, unsuspend, reason)}.")
