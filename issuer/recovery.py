"""Requeue issuances whose task was lost, so that no request stays pending forever (issue #4).

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

Three ways to run it:

* ``badges issuer resume-pending [--older-than-minutes 10] [--limit N]``
  (:mod:`issuer.cli_recovery`), e.g. after a Redis restart. In the embedded default (eager
  Celery) the requeued tasks run in-process, right after the command commits.
* The periodic Celery task ``issuer.requeue_stale_issuances`` (:mod:`issuer.tasks`), scheduled by
  ``celery beat`` (or ``worker -B``) when the deployment runs one; see ``BEAT_SCHEDULE`` there.
* This function, from any adapter that owns a transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.outbox import defer
from issuer.issuance_requests import BATCH_SIZE, ISSUE_CREDENTIALS_TASK, PENDING
from issuer.models import Issuance

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
