"""Bulk awards (issue #4): a CSV of recipients, a preview with row errors, background issuing.

Rows whose email already holds a live credential (or a pending one) of this achievement from
this issuer are warned about in the preview ("Already has this badge.") and skipped, so
uploading the same list twice never awards anyone twice. The worker creates issuances in small
batches, each committed by the task, and only for rows without one, under a lock on the bulk
award: a retried or twice-delivered task never makes two issuances for one row. Reading the
file is :mod:`issuer.bulk_csv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.errors import N_, Conflict, NotFound
from badges.outbox import defer
from issuer.bulk_csv import DUPLICATE, parse_recipients
from issuer.errors import AchievementNotFound
from issuer.issuance_requests import FAILED, ISSUED, IssuanceRequest, request_issuances
from issuer.models import Achievement, BulkAward, BulkAwardRow, Credential, Issuance

RUN_BULK_AWARD_TASK = "issuer.run_bulk_award"
PREVIEW, ISSUING, DONE, CANCELLED = "preview", "issuing", "done", "cancelled"
#: Issuances created per committed batch: progress shows early and a crash loses little.
BATCH_SIZE = 50
HAS_BADGE = N_("Already has this badge.")


class BulkAwardNotFound(NotFound):
    """No bulk award with that id for this issuer."""

    code = "bulk_award_not_found"


class BulkAwardStateConflict(Conflict):
    """The bulk award is not in a state that allows this step."""

    code = "bulk_award_state_conflict"


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts over the valid rows, and each row's status for the live progress page."""

    state: str
    total: int
    requested: int
    issued: int
    failed: int
    pending: int
    rows: tuple[tuple[int, str], ...]  # (line, waiting|pending|issued|failed)


def create_bulk_award(
    session: Session,
    *,
    issuer_id: int,
    achievement_id: int,
    filename: str,
    data: bytes,
    created_by_id: int | None,
    now: datetime,
) -> BulkAward:
    """Parse the file and store a preview with every row and its error (nothing is issued)."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.issuer_id != issuer_id or achievement.archived_at:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    parsed = parse_recipients(data)
    holders = _badge_holders(session, achievement, {row.email for row in parsed if not row.error})
    bulk = BulkAward(
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        created_by_id=created_by_id,
        filename=(filename or "recipients.csv")[:255],
        state=PREVIEW,
        created_at=now,
    )
    bulk.rows = [
        BulkAwardRow(
            row_number=row.line,
            name=row.name,
            email=row.email,
            error=row.error or (HAS_BADGE if row.email in holders else None),
        )
        for row in parsed
    ]
    session.add(bulk)
    session.flush()
    return bulk


def _badge_holders(session: Session, achievement: Achievement, emails: set[str]) -> set[str]:
    """Emails with a pending or unrevoked issued award of this achievement."""
    holders: set[str] = set()
    listed = sorted(emails)
    for start in range(0, len(listed), 500):  # keep each IN list well under driver limits
        email = func.lower(Issuance.recipient_email)
        query = (
            select(email)
            .outerjoin(Credential, Credential.issuance_id == Issuance.id)
            .where(
                Issuance.achievement_id == achievement.id,
                Issuance.issuer_id == achievement.issuer_id,
                Issuance.state != FAILED,
                Credential.revoked_at.is_(None),
                email.in_(listed[start : start + 500]),
            )
        )
        holders.update(session.scalars(query))
    return holders


def preview_rows(bulk: BulkAward) -> list[tuple[BulkAwardRow, dict[str, str | int]]]:
    """Rows with errors first, then by line, each with its error message's parameters."""
    first_line: dict[str, int] = {}
    for row in bulk.rows:
        first_line.setdefault(row.email, row.row_number)
    ordered = sorted(bulk.rows, key=lambda row: (row.error is None, row.row_number))
    return [
        (row, {"line": first_line[row.email]} if row.error == DUPLICATE else {}) for row in ordered
    ]


def get_bulk_award(session: Session, bulk_id: int, *, issuer_id: int) -> BulkAward:
    """The issuer's bulk award; ``BulkAwardNotFound`` for anyone else's."""
    bulk = session.get(BulkAward, bulk_id)
    if bulk is None or bulk.issuer_id != issuer_id:
        raise BulkAwardNotFound(N_("No bulk award %(id)s."), params={"id": bulk_id})
    return bulk


def bulk_awards(session: Session, issuer_id: int) -> list[BulkAward]:
    """The issuer's bulk awards, newest first."""
    query = select(BulkAward).where(BulkAward.issuer_id == issuer_id)
    return list(session.scalars(query.order_by(BulkAward.id.desc())))


def confirm_bulk_award(
    session: Session, bulk_id: int, *, issuer_id: int, now: datetime
) -> BulkAward:
    """Start issuing: one task, sent after commit; confirming twice changes nothing."""
    bulk = get_bulk_award(session, bulk_id, issuer_id=issuer_id)
    if bulk.state in {ISSUING, DONE}:
        return bulk
    if bulk.state != PREVIEW:
        raise BulkAwardStateConflict(N_("This bulk award was cancelled."))
    if not any(row.error is None for row in bulk.rows):
        raise BulkAwardStateConflict(
            N_("No row can be awarded. Correct the file and upload it again.")
        )
    bulk.state = ISSUING
    bulk.confirmed_at = now
    session.flush()
    defer(session, RUN_BULK_AWARD_TASK, bulk.id)
    return bulk


def cancel_bulk_award(session: Session, bulk_id: int, *, issuer_id: int) -> BulkAward:
    """Drop a preview; once issuing has started it cannot be cancelled."""
    bulk = get_bulk_award(session, bulk_id, issuer_id=issuer_id)
    if bulk.state not in {PREVIEW, CANCELLED}:
        raise BulkAwardStateConflict(N_("Issuing has started; it can no longer be cancelled."))
    bulk.state = CANCELLED
    session.flush()
    return bulk


def issue_next_batch(
    session: Session, bulk_id: int, *, now: datetime, limit: int = BATCH_SIZE
) -> int:
    """Request issuances for up to ``limit`` valid rows that have none; returns how many.

    The task commits after each call and calls again until this returns 0. The bulk award's row
    lock makes a second delivery wait, then find those rows already done.
    """
    bulk = session.get(BulkAward, bulk_id, with_for_update=True, populate_existing=True)
    if bulk is None or bulk.state != ISSUING:
        return 0
    query = (
        select(BulkAwardRow)
        .where(
            BulkAwardRow.bulk_award_id == bulk.id,
            BulkAwardRow.error.is_(None),
            BulkAwardRow.issuance_id.is_(None),
        )
        .order_by(BulkAwardRow.row_number)
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    rows = list(session.scalars(query))
    requests = [
        IssuanceRequest(bulk.achievement_id, row.name, row.email, bulk_award_id=bulk.id)
        for row in rows
    ]
    issuances = request_issuances(
        session, bulk.issuer_id, requests, now=now, requested_by_id=bulk.created_by_id
    )
    for row, issuance in zip(rows, issuances, strict=True):
        row.issuance_id = issuance.id
    session.flush()
    return len(rows)


def bulk_progress(session: Session, bulk_id: int, *, issuer_id: int | None = None) -> Progress:
    """Counts from the rows' issuances; marks the award ``done`` (caller commits) once complete."""
    bulk = session.get(BulkAward, bulk_id)
    if bulk is None or (issuer_id is not None and bulk.issuer_id != issuer_id):
        raise BulkAwardNotFound(N_("No bulk award %(id)s."), params={"id": bulk_id})
    query = (
        select(BulkAwardRow.row_number, BulkAwardRow.issuance_id, Issuance.state)
        .outerjoin(Issuance, Issuance.id == BulkAwardRow.issuance_id)
        .where(BulkAwardRow.bulk_award_id == bulk.id, BulkAwardRow.error.is_(None))
        .order_by(BulkAwardRow.row_number)
    )
    rows = tuple((line, state or "waiting") for line, _id, state in session.execute(query))
    issued = sum(1 for _line, state in rows if state == ISSUED)
    failed = sum(1 for _line, state in rows if state == FAILED)
    if bulk.state == ISSUING and rows and issued + failed == len(rows):
        bulk.state = DONE
        session.flush()
    return Progress(
        state=bulk.state,
        total=len(rows),
        requested=sum(1 for _line, state in rows if state != "waiting"),
        issued=issued,
        failed=failed,
        pending=len(rows) - issued - failed,
        rows=rows,
    )
