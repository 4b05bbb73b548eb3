"""Issuing OB 3.0 credentials: build, sign, self-verify and store the pending issuances.

:func:`complete_issuances` is what the worker runs, for up to :data:`BATCH_SIZE` issuances in
one transaction; it is idempotent, and a credential that fails the verifier's own checks is an
alarm and is never stored (issue #4). Requests (the pending rows and the deferred tasks) are
:mod:`issuer.issuance_requests`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from badges.jsonld.loader import StaticDocumentLoader
from issuer.batch import (
    BatchContext,
    build_credential,
    credential_row,
    load_context,
    reserve,
    self_check,
)

# The request side is re-exported (``__all__``): issuer.tasks, issuer.recovery, bench/issue.py
# and some tests import it from here.
from issuer.issuance_requests import (
    BATCH_SIZE,
    FAILED,
    ISSUE_CREDENTIAL_TASK,
    ISSUE_CREDENTIALS_TASK,
    ISSUED,
    PENDING,
    IssuanceRequest,
    request_issuance,
    request_issuances,
)
from issuer.keys import Keyring
from issuer.models import Credential, Issuance, StatusEntry
from issuer.notify import notify_recipients
from issuer.status_allocation import Reservation
from verifier import StatusListCache

log = logging.getLogger(__name__)


def complete_issuance(
    session: Session,
    issuance_id: int,
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader | None = None,
    status_cache: StatusListCache | None = None,
) -> Issuance:
    """Issue one pending issuance (a batch of one); an issued or failed one comes back unchanged.

    Raises:
        LookupError: no such issuance (a task for a row that was never written).
    """
    complete_issuances(
        session,
        [issuance_id],
        keyring=keyring,
        base_url=base_url,
        now=now,
        loader=loader,
        status_cache=status_cache,
    )
    issuance = session.get(Issuance, issuance_id)
    if issuance is None:
        raise LookupError(f"no issuance {issuance_id}")
    return issuance


def complete_issuances(
    session: Session,
    issuance_ids: Iterable[int],
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader | None = None,
    status_cache: StatusListCache | None = None,
) -> list[Issuance]:
    """Build, sign, self-verify and store the credentials of the pending ones among the ids.

    Returns the issuances this call completed (issued or failed). Ids that are unknown, already
    done, or locked by a concurrent delivery of the same task are skipped: the pending rows are
    locked (``FOR UPDATE SKIP LOCKED``) and ``credentials.issuance_id`` is unique, so a repeated
    or duplicated task makes nothing twice. A credential that fails its self-check fails only its
    own issuance. Pass a long-lived ``loader`` and ``status_cache`` (a worker keeps them).
    """
    groups: dict[int, list[Issuance]] = defaultdict(list)
    for issuance in _lock_pending(session, set(issuance_ids)):
        groups[issuance.issuer_id].append(issuance)
    done: list[Issuance] = []
    for issuer_id, group in groups.items():
        context = load_context(
            session,
            issuer_id,
            {issuance.achievement_id for issuance in group},
            keyring=keyring,
            base_url=base_url,
            now=now,
            loader=loader if loader is not None else StaticDocumentLoader(),
            status_cache=status_cache if status_cache is not None else StatusListCache(),
        )
        done += _complete_group(session, context, group, now=now)
    return done


def _lock_pending(session: Session, ids: set[int]) -> list[Issuance]:
    """The pending issuances among ``ids``, locked; rows another transaction holds are skipped."""
    if not ids:
        return []
    query = (
        select(Issuance)
        .where(Issuance.id.in_(sorted(ids)), Issuance.state == PENDING)
        .order_by(Issuance.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    pending = list(session.scalars(query))
    skipped = ids - {issuance.id for issuance in pending}
    if skipped:
        log.info("Issuances %s are not pending (or are being issued); skipped.", sorted(skipped))
    return pending


def _complete_group(
    session: Session, context: BatchContext, group: list[Issuance], *, now: datetime
) -> list[Issuance]:
    """Issue one issuer's batch: reserve indexes in bulk, sign and check each, store together."""
    reserved = reserve(session, context, group)
    stored: list[tuple[Credential, list[Reservation]]] = []
    released: list[Reservation] = []
    for issuance in group:
        entries = reserved[issuance.id]
        signed, valid_until = build_credential(context, issuance, entries, now=now)
        failure = self_check(context, signed, now=now)
        issuance.completed_at = now
        if failure is not None:
            _fail(issuance, failure)
            released += entries
            continue
        credential = credential_row(issuance, signed, entries, now=now, valid_until=valid_until)
        issuance.state = ISSUED
        stored.append((credential, entries))
    session.add_all([credential for credential, _ in stored])
    issued = [issuance for issuance in group if issuance.state == ISSUED]
    if issued:  # before the flush, so each issuance row is updated once (with its claim hash)
        notify_recipients(
            session,
            issued,
            issuer_name=context.issuer.name,
            achievement_names={key: value.name for key, value in context.achievements.items()},
            base_url=context.base_url,
            now=now,
        )
    session.flush()
    if stored:
        ties = [
            {"id": entry.entry_id, "credential_id": credential.id}
            for credential, entries in stored
            for entry in entries
        ]
        session.execute(update(StatusEntry), ties)
    if released:  # the failed ones' indexes go back to the lists
        ids = [entry.entry_id for entry in released]
        session.execute(delete(StatusEntry).where(StatusEntry.id.in_(ids)))
    log.info("Issued credentials for issuances %s.", [issuance.id for issuance in issued])
    return group


def _fail(issuance: Issuance, failure: str) -> None:
    """Mark the issuance failed and raise the alarm (the caller releases its indexes)."""
    log.critical(
        "ALARM: credential for issuance %s failed its self-check and was not stored: %s",
        issuance.id,
        failure,
    )
    issuance.state = FAILED
    issuance.failure_reason = failure


__all__ = [
    "BATCH_SIZE",
    "FAILED",
    "ISSUED",
    "ISSUE_CREDENTIALS_TASK",
    "ISSUE_CREDENTIAL_TASK",
    "PENDING",
    "IssuanceRequest",
    "complete_issuance",
    "complete_issuances",
    "request_issuance",
    "request_issuances",
]
