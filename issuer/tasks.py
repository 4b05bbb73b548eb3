"""Issuer tasks: thin adapters that open a session and call one domain function (STYLE rule 4)."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from badges.context import current_clock, current_database, current_settings
from badges.jsonld.loader import StaticDocumentLoader
from issuer.issuance import ISSUE_CREDENTIAL_TASK, complete_issuance
from issuer.keys import Keyring
from issuer.status import PUBLISH_STATUS_LIST_TASK, status_list_credential

_LOADER = "issuer.loader"


def _loader() -> StaticDocumentLoader:
    # One per app (so per worker process), kept on the app rather than in module state: bundled
    # contexts never change, and processing them is the slow part.
    loader: StaticDocumentLoader = current_app.extensions.setdefault(
        _LOADER, StaticDocumentLoader()
    )
    return loader


@shared_task(name=ISSUE_CREDENTIAL_TASK)
def issue_credential(issuance_id: int) -> str:
    """Issue the credential of one pending issuance; a repeated delivery changes nothing."""
    settings = current_settings()
    with current_database().session_scope() as session:
        issuance = complete_issuance(
            session,
            issuance_id,
            keyring=Keyring.from_settings(settings),
            base_url=settings.base_url,
            now=current_clock().now(),
            loader=_loader(),
        )
        return issuance.state


@shared_task(name=PUBLISH_STATUS_LIST_TASK)
def publish_status_list(list_id: int) -> int:
    """Re-sign one status list with its current bits; any repeat just signs the same bits again."""
    settings = current_settings()
    with current_database().session_scope() as session:
        status_list_credential(
            session,
            list_id,
            keyring=Keyring.from_settings(settings),
            base_url=settings.base_url,
            now=current_clock().now(),
            loader=_loader(),
        )
        return list_id
