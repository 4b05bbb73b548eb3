"""Requeue work whose task was lost, so that no request stays pending forever (issue #4).

An issuance is written as a pending row and its task is sent to the broker after commit
(:mod:`badges.outbox`). The row is durable; the task is not: a Redis that keeps nothing on disk
forgets its queue when it restarts, and a worker killed mid-task leaves its message unacknowledged
until the broker's visibility timeout (an hour) puts it back. Either way the issuance stays
pending. :func:`requeue_stale_issuances` finds the ones pending for longer than a task should
ever wait and sends their batch tasks again.

Sending again is safe because issuing is idempotent: :func:`issuer.issuance.complete_issuances`
locks only rows still pending (``FOR UPDATE SKIP LOCKED``), skips issued, failed and locked ones,
and ``credentials.issuance_id`` is unique. So a requeued task whose original is merely slow (a long
backlog) or comes back later (the visibility timeout) issues nothing twice; it costs one query.
A failed issuance (its self-check failed) is final and is never requeued. A requeued task also
skips rows still locked by a dead worker's transaction (PostgreSQL ends it once it notices the
client is gone); they are still pending, so the next run takes them.

The same holds for the other after-commit tasks, and :func:`resume_lost_work` covers them all:
a confirmed bulk award whose rows are not all requested (its task is resumable: a repeat adds no
issuance twice), a status list whose signed credential no longer carries its current bits (a
revocation not yet published: re-signing is idempotent), and mail still unsent (each message is
sent once: delivery locks and marks the row).

Three ways to run it:

* ``badges issuer resume-pending [--older-than-minutes 10] [--limit N]``
  (:mod:`issuer.cli_recovery`), e.g. after a Redis restart. In the embedded default (eager
  Celery) the requeued tasks run in-process, right after the command commits.
* The periodic Celery task ``issuer.requeue_stale_issuances`` (:mod:`issuer.tasks`), scheduled by
  ``celery beat`` (or ``worker -B``) when the deployment runs one; see ``BEAT_SCHEDULE`` there.
* This function, from any adapter that owns a transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.mail import SEND_MAILS_TASK, unsent_message_ids
from badges.outbox import defer
from issuer.bulk import ISSUING, RUN_BULK_AWARD_TASK
from issuer.issuance_requests import BATCH_SIZE, ISSUE_CREDENTIALS_TASK, PENDING
from issuer.models import BulkAward, BulkAwardRow, Issuance, StatusList
from issuer.status_signing import PUBLISH_STATUS_LIST_TASK

#: Long enough that a healthy queue has delivered the task; short enough that a lost one is
#: noticed within minutes.
DEFAULT_OLDER_THAN = timedelta(minutes=10)
#: Per call: bounds one transaction and one burst of tasks; the next run takes the rest.
DEFAULT_LIMIT = 5000


def requeue_stale_issuances(
    session: Session,
    *,
    older_than: timedelta,
    limit: int,
    now: datetime,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Defer the batch task again for issuances pending for at least ``older_than``.

    At most ``limit`` of them, oldest first, ``batch_size`` per task; the tasks go out when the
    caller commits. Returns how many issuances were requeued.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    if older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    ids = list(
        session.scalars(
            select(Issuance.id)
            .where(Issuance.state == PENDING, Issuance.requested_at <= now - older_than)
            .order_by(Issuance.requested_at, Issuance.id)
            .limit(limit)
        )
    )
    for start in range(0, len(ids), batch_size):
        defer(session, ISSUE_CREDENTIALS_TASK, *ids[start : start + batch_size])
    return len(ids)


@dataclass(frozen=True, slots=True)
class Resumed:
    """What :func:`resume_lost_work` sent again, by kind."""

    issuances: int
    bulk_awards: int
    status_lists: int
    mails: int


def resume_lost_work(
    session: Session, *, older_than: timedelta, limit: int, now: datetime
) -> Resumed:
    """Send again every after-commit task that may have been lost; each is idempotent.

    ``older_than`` and ``limit`` apply to issuances and mail; stale status lists are found by
    content (their signed bits differ from the current ones), whatever their age.
    """
    issuances = requeue_stale_issuances(session, older_than=older_than, limit=limit, now=now)
    bulk_ids = list(
        session.scalars(
            select(BulkAward.id)
            .where(
                BulkAward.state == ISSUING,
                BulkAward.confirmed_at <= now - older_than,
                select(BulkAwardRow.id)
                .where(
                    BulkAwardRow.bulk_award_id == BulkAward.id,
                    BulkAwardRow.error.is_(None),
                    BulkAwardRow.issuance_id.is_(None),
                )
                .exists(),
            )
            .order_by(BulkAward.id)
        )
    )
    for bulk_id in bulk_ids:
        defer(session, RUN_BULK_AWARD_TASK, bulk_id)
    stale_lists = [
        status_list.id
        for status_list in session.scalars(select(StatusList).order_by(StatusList.id))
        if _published_bits(status_list) != status_list.encoded_list
    ]
    for list_id in stale_lists:
        defer(session, PUBLISH_STATUS_LIST_TASK, list_id)
    mail_ids = unsent_message_ids(session, before=now - older_than, limit=limit)
    for start in range(0, len(mail_ids), BATCH_SIZE):
        defer(session, SEND_MAILS_TASK, *mail_ids[start : start + BATCH_SIZE])
    return Resumed(issuances, len(bulk_ids), len(stale_lists), len(mail_ids))


def _published_bits(status_list: StatusList) -> str | None:
    """The ``encodedList`` of the list's signed credential, or None if it was never signed."""
    if not status_list.credential_json:
        return None
    subject = json.loads(status_list.credential_json).get("credentialSubject", {})
    bits = subject.get("encodedList") if isinstance(subject, dict) else None
    return bits if isinstance(bits, str) else None
