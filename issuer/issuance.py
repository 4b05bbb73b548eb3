"""Issuing OB 3.0 credentials: pending requests, then build, sign, self-verify and store.

:func:`request_issuance` (one) and :func:`request_issuances` (many, one INSERT) write pending rows
and defer the issuing tasks, so a worker runs only once the requests are committed (STYLE rule
4). :func:`complete_issuances` is what the worker runs, for up to :data:`BATCH_SIZE` issuances in
one transaction; it is idempotent, and a credential that fails the verifier's own checks is an
alarm and is never stored (issue #4).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from badges.accounts import User, normalise_email
from badges.errors import N_
from badges.jsonld.loader import StaticDocumentLoader
from badges.outbox import defer
from issuer.batch import (
    BatchContext,
    build_credential,
    credential_row,
    load_context,
    reserve,
    self_check,
)
from issuer.errors import AchievementArchived, AchievementNotFound, InvalidRecipient
from issuer.keys import Keyring
from issuer.models import Achievement, Credential, Issuance, StatusEntry
from issuer.notify import notify_recipients
from issuer.status import Reservation
from verifier import StatusListCache

log = logging.getLogger(__name__)

ISSUE_CREDENTIAL_TASK = "issuer.issue_credential"
ISSUE_CREDENTIALS_TASK = "issuer.issue_credentials"
PENDING, ISSUED, FAILED = "pending", "issued", "failed"
#: Issuances per batch task: big enough that per-batch loading is spread thin, small enough
#: that a transaction holds its row locks briefly and a retry repeats little.
BATCH_SIZE = 50


@dataclass(frozen=True, slots=True)
class IssuanceRequest:
    """One credential to issue: what, to whom (``recipient_user_id`` is looked up if None)."""

    achievement_id: int
    recipient_name: str
    recipient_email: str
    recipient_user_id: int | None = None
    bulk_award_id: int | None = None
    #: See :mod:`issuer.extras`.
    extras: Mapping[str, Any] | None = None


def request_issuance(
    session: Session,
    *,
    issuer_id: int,
    achievement_id: int,
    recipient_name: str,
    recipient_email: str,
    now: datetime,
    recipient_user_id: int | None = None,
    requested_by_id: int | None = None,
    extras: Mapping[str, Any] | None = None,
) -> Issuance:
    """Record a pending issuance; the credential is issued by a task sent after commit.

    The email is normalised (trimmed, lower-cased) so that the recipient's account finds it.
    ``extras`` (from a validation path, see :mod:`issuer.extras`) go into the credential.
    """
    _check_achievement(session.get(Achievement, achievement_id), achievement_id, issuer_id)
    name, email = _recipient(recipient_name, recipient_email)
    if recipient_user_id is None:
        recipient_user_id = session.scalar(select(User.id).where(User.email == email))
    issuance = Issuance(
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        recipient_name=name,
        recipient_email=email,
        state=PENDING,
        requested_at=now,
        recipient_user_id=recipient_user_id,
        requested_by_id=requested_by_id,
        extras_json=dict(extras) if extras else None,
    )
    session.add(issuance)
    session.flush()
    defer(session, ISSUE_CREDENTIAL_TASK, issuance.id)
    return issuance


def request_issuances(
    session: Session,
    issuer_id: int,
    requests: Sequence[IssuanceRequest],
    *,
    now: datetime,
    requested_by_id: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> list[Issuance]:
    """Record many pending issuances in one INSERT; one batch task per ``batch_size`` ids.

    The tasks go out after commit. All or nothing: an unknown or archived achievement or an
    unusable recipient raises before anything is written. Emails are matched to accounts in bulk.
    """
    wanted = sorted({request.achievement_id for request in requests})
    achievements = {
        achievement.id: achievement
        for achievement in session.scalars(select(Achievement).where(Achievement.id.in_(wanted)))
    }
    for achievement_id in wanted:
        _check_achievement(achievements.get(achievement_id), achievement_id, issuer_id)
    recipients = [
        _recipient(request.recipient_name, request.recipient_email) for request in requests
    ]
    users = _user_ids(session, {email for _, email in recipients})
    issuances = [
        Issuance(
            issuer_id=issuer_id,
            achievement_id=request.achievement_id,
            recipient_name=name,
            recipient_email=email,
            state=PENDING,
            requested_at=now,
            recipient_user_id=request.recipient_user_id or users.get(email),
            requested_by_id=requested_by_id,
            bulk_award_id=request.bulk_award_id,
            extras_json=dict(request.extras) if request.extras else None,
        )
        for request, (name, email) in zip(requests, recipients, strict=True)
    ]
    session.add_all(issuances)
    session.flush()
    ids = [issuance.id for issuance in issuances]
    for start in range(0, len(ids), batch_size):
        defer(session, ISSUE_CREDENTIALS_TASK, *ids[start : start + batch_size])
    return issuances


def _check_achievement(
    achievement: Achievement | None, achievement_id: int, issuer_id: int
) -> None:
    if achievement is None or achievement.issuer_id != issuer_id:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    if achievement.archived_at is not None:
        raise AchievementArchived(N_("This achievement is archived and can no longer be awarded."))


def _user_ids(session: Session, emails: Iterable[str]) -> dict[str, int]:
    """Account ids by (normalised) email, a few hundred addresses per query."""
    found: dict[str, int] = {}
    wanted = sorted(emails)
    for start in range(0, len(wanted), 500):
        query = select(User.email, User.id).where(User.email.in_(wanted[start : start + 500]))
        found.update({str(email): int(user_id) for email, user_id in session.execute(query)})
    return found


def _recipient(name: str, email: str) -> tuple[str, str]:
    """A usable recipient name and normalised email address, or InvalidRecipient."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidRecipient(
            N_("Give the recipient's name (at most 200 characters)."), field="recipient_name"
        )
    address = normalise_email(email or "")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidRecipient(
            N_("Give a valid email address for the recipient."), field="recipient_email"
        ) from None
    if len(address) > 320:
        raise InvalidRecipient(
            N_("Give a valid email address for the recipient."), field="recipient_email"
        )
    return name, address


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
