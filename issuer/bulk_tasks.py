"""Bulk award task: a thin adapter that commits one batch of issuances at a time (STYLE rule 4)."""

from __future__ import annotations

from contextlib import suppress

from celery import shared_task

from badges.context import current_clock, current_database
from issuer.bulk import RUN_BULK_AWARD_TASK, BulkAwardNotFound, bulk_progress, issue_next_batch


@shared_task(name=RUN_BULK_AWARD_TASK)
def run_bulk_award(bulk_id: int) -> int:
    """Request the issuances of a confirmed bulk award, batch by batch; a repeat adds none."""
    database = current_database()
    created = 0
    while True:
        # One transaction per batch: its issue_credential tasks go out when it commits.
        with database.session_scope() as session:
            batch = issue_next_batch(session, bulk_id, now=current_clock().now())
        created += batch
        if batch == 0:
            break
    with database.session_scope() as session, suppress(BulkAwardNotFound):
        bulk_progress(session, bulk_id)  # marks it done if the eager tasks already finished
    return created
