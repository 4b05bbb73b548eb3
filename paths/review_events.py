"""A submission's review record: its reviews and the audit log of who did what, when (issue #6).

Reviews (:mod:`paths.review`) and appeals (:mod:`paths.appeals`) both write the log through
:func:`log_event`; the pages read it back with :func:`review_log` and :func:`reviews_of`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.models import Review, ReviewEvent, Submission


def log_event(
    session: Session,
    submission: Submission,
    actor_id: int | None,
    *,
    action: str,
    detail: str,
    now: datetime,
) -> None:
    """Add an audit event for the submission's current version (``actor_id`` None: the system)."""
    session.add(
        ReviewEvent(
            submission_id=submission.id,
            submission_version=submission.version,
            actor_id=actor_id,
            action=action,
            detail=detail,
            at=now,
        )
    )


def reviews_of(session: Session, submission_id: int) -> list[Review]:
    """A submission's reviews, oldest first (for the participant's feedback and the assessor)."""
    return list(
        session.scalars(
            select(Review)
            .where(Review.submission_id == submission_id)
            .order_by(Review.at, Review.id)
        )
    )


def review_log(session: Session, submission_id: int) -> list[ReviewEvent]:
    """The audit log of a submission, oldest first."""
    return list(
        session.scalars(
            select(ReviewEvent)
            .where(ReviewEvent.submission_id == submission_id)
            .order_by(ReviewEvent.at, ReviewEvent.id)
        )
    )
