"""Issuer tasks: thin adapters that open a session and call one domain function (STYLE rule 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from badges.context import current_clock, current_database, current_settings
from badges.jsonld.loader import StaticDocumentLoader
from issuer.issuance import (
    ISSUE_CREDENTIAL_TASK,
    ISSUE_CREDENTIALS_TASK,
    ISSUED,
    complete_issuance,
    complete_issuances,
)
from issuer.keys import Keyring
from issuer.recovery import DEFAULT_LIMIT, DEFAULT_OLDER_THAN, resume_lost_work
from issuer.status import PUBLISH_STATUS_LIST_TASK, status_list_credential
from verifier import StatusListCache

REQUEUE_STALE_ISSUANCES_TASK = "issuer.requeue_stale_issuances"
#: For ``celery -A badges.worker beat`` (or ``worker -B``): every five minutes, requeue what a
#: lost broker message left pending. Nothing runs it in the embedded default; the command
#: ``badges issuer resume-pending`` does the same by hand.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "issuer-requeue-stale-issuances": {
        "task": REQUEUE_STALE_ISSUANCES_TASK,
        "schedule": timedelta(minutes=5).total_seconds(),
    },
}

_LOADER = "issuer.loader"
_STATUS_CACHE = "issuer.status_cache"


def _loader() -> StaticDocumentLoader:
    # One per app (so per worker process), kept on the app rather than in module state: bundled
    # contexts never change, and processing them is the slow part.
    loader: StaticDocumentLoader = current_app.extensions.setdefault(
        _LOADER, StaticDocumentLoader()
    )
    return loader


def _status_cache() -> StatusListCache:
    # Per worker process too: a status list's own proof is then verified once per signed
    # version of the list, not once per self-check (entries expire after the cache's ttl).
    cache: StatusListCache = current_app.extensions.setdefault(_STATUS_CACHE, StatusListCache())
    return cache


#: A deadlock or dropped connection rolls the whole batch back; running it again is safe.
#: Retries wait 1, 2, 4, 8 and 16 s: without jitter, because Celery's full jitter draws each wait
#: from 0..n and can spend all five retries in under a second, so even a short database outage
#: could leave the issuances pending (the recovery task picks those up, but only minutes later).
DATABASE_RETRIES: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_jitter": False,
    "max_retries": 5,
}


@shared_task(name=ISSUE_CREDENTIALS_TASK, **DATABASE_RETRIES)
def issue_credentials(*issuance_ids: int) -> int:
    """Issue the pending ones among a batch of issuances; returns how many were issued now."""
    settings = current_settings()
    with current_database().session_scope() as session:
        done = complete_issuances(
            session,
            issuance_ids,
            keyring=Keyring.from_settings(settings),
            base_url=settings.base_url,
            now=current_clock().now(),
            loader=_loader(),
            status_cache=_status_cache(),
        )
        return sum(1 for issuance in done if issuance.state == ISSUED)


@shared_task(name=ISSUE_CREDENTIAL_TASK, **DATABASE_RETRIES)
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
            status_cache=_status_cache(),
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


@shared_task(name=REQUEUE_STALE_ISSUANCES_TASK)
def requeue_stale_issuances_task(
    older_than_minutes: int = int(DEFAULT_OLDER_THAN.total_seconds() // 60),
    limit: int = DEFAULT_LIMIT,
) -> int:
    """Requeue work whose task was lost (see :mod:`issuer.recovery`); a periodic task.

    Not retried: the next run does the same work. Returns the issuances requeued.
    """
    with current_database().session_scope() as session:
        resumed = resume_lost_work(
            session,
            older_than=timedelta(minutes=older_than_minutes),
            limit=limit,
            now=current_clock().now(),
        )
    return resumed.issuances
