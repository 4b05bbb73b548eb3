"""Appeals: a participant contests a rejection, and a different assessor decides (issue #6).

Split from :mod:`paths.review` (which re-exports :func:`appeal`). Like a review, an appeal
locks the enrolment row, then the submission row, in that order, so the two never deadlock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paths.models import Appeal, Enrolment, Review, Submission
from paths.path_errors import EnrolmentClosed, EnrolmentNotFound
from paths.review_checks import checked_reason
from paths.review_errors import AppealNotAllowed
from paths.review_events import log_event


def appeal(
    session: Session, submission_id: int, *, participant_id: int, reason: str, now: datetime
) -> Appeal:
    """Appeal a rejected submission version; a different assessor then decides, once and for all.

    Raises:
        EnrolmentNotFound / EnrolmentClosed: not the participant's, or no longer active.
        AppealNotAllowed: not rejected, or already appealed.
        InvalidReview: no reason, or too long.
    """
    submission = _lock_own(session, submission_id, participant_id=participant_id)
    reason = checked_reason(reason)
    already = session.scalar(select(Appeal.id).where(Appeal.submission_id == submission.id))
    if submission.state != "rejected" or already is not None:
        raise AppealNotAllowed
    made = Appeal(
        submission_id=submission.id,
        rejected_review_id=_last_rejection(session, submission.id),
        reason=reason,
        appealed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(made)
    except IntegrityError as err:  # the same appeal sent twice at once
        raise AppealNotAllowed from err
    submission.state = "appealed"
    submission.decided_at = None
    log_event(session, submission, participant_id, action="appeal", detail=reason, now=now)
    session.flush()
    return made


def _lock_own(session: Session, submission_id: int, *, participant_id: int) -> Submission:
    """The participant's submission, its enrolment then itself locked; the enrolment active.

    Raises:
        EnrolmentNotFound / EnrolmentClosed: as :func:`appeal`.
    """
    submission = session.get(Submission, submission_id)
    enrolment = session.get(Enrolment, submission.enrolment_id) if submission else None
    if submission is None or enrolment is None or enrolment.user_id != participant_id:
        raise EnrolmentNotFound
    enrolment = session.get_one(
        Enrolment, enrolment.id, with_for_update=True, populate_existing=True
    )
    submission = session.get_one(
        Submission, submission_id, with_for_update=True, populate_existing=True
    )
    if enrolment.state != "active":
        raise EnrolmentClosed
    return submission


def _last_rejection(session: Session, submission_id: int) -> int | None:
    """The id of the latest rejecting review of the submission (the one appealed)."""
    return session.scalar(
        select(Review.id)
        .where(Review.submission_id == submission_id, Review.decision == "reject")
        .order_by(Review.at.desc(), Review.id.desc())
        .limit(1)
    )
