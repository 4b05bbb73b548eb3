"""Assessor review: approve or reject against the rubric (issue #6).

The queue is in :mod:`paths.review_queue`, appeals in :mod:`paths.appeals`, the limits on what
a review says in :mod:`paths.review_checks` and the audit log in :mod:`paths.review_events`.

Every decision locks the enrolment row, then the submission row (always in that order, so two
reviews never deadlock): two assessors racing on one submission are serialised, so approvals are
neither lost nor double-counted, and the second of two racing "last approvals" of an enrolment
sees the first one's and certifies exactly once (see :mod:`paths.certification`). Under that
lock a second review by the same assessor is refused by a plain check (no SAVEPOINT: fewer
round trips when the last approval completes an enrolment, issue #6); the ``reviews`` unique
key (submission, assessor) backs it up, and is :class:`AlreadyReviewed` too, never a 500 (the
transaction is then spent: the caller rolls back, as the review page does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, Select, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paths.appeals import appeal
from paths.assessors import check_may_judge, is_assigned
from paths.certification import check_completion
from paths.models import (
    PENDING_REVIEW,
    Appeal,
    AssessorAssignment,
    Certification,
    ConflictDeclaration,
    Enrolment,
    Requirement,
    Review,
    Submission,
    ValidationPath,
)
from paths.path_errors import EnrolmentClosed
from paths.review_checks import DECISIONS, MAX_FEEDBACK, Verdict, checked_review
from paths.review_errors import (
    AlreadyDecided,
    AlreadyReviewed,
    ConflictOfInterest,
    OwnWork,
    SubmissionNotFound,
)
from paths.review_events import log_event, review_log, reviews_of
from paths.review_notify import notify_decision
from paths.review_queue import MAX_QUEUE_PAGE, QueueItem, review_queue


def get_submission_for_review(
    session: Session, submission_id: int, *, assessor_id: int
) -> Submission:
    """The submission, if the assessor may see it: assigned to its path, not their own work.

    Raises:
        SubmissionNotFound: missing, or on a path the assessor does not review.
        OwnWork / ConflictOfInterest: the assessor must not judge this participant.
    """
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise SubmissionNotFound
    enrolment = session.get_one(Enrolment, submission.enrolment_id)
    path = session.get_one(ValidationPath, enrolment.path_id)
    if not is_assigned(session, path.code, assessor_id):
        raise SubmissionNotFound
    check_may_judge(session, assessor_id=assessor_id, participant_id=enrolment.user_id)
    return submission


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What a review did: its row, the submission's state after it, new certifications."""

    review: Review
    state: str
    approvals: int
    approvals_needed: int
    certifications: list[Certification] = field(default_factory=list)


def review_submission(
    session: Session,
    submission_id: int,
    *,
    assessor_id: int,
    decision: str,
    feedback: str,
    rubric_level: int | None,
    method: str | None,
    now: datetime,
    base_url: str,
) -> ReviewOutcome:
    """Record an assessor's approval or rejection; decide, notify and certify as it follows.

    A submission is ``approved`` when approvals from different assessors reach the
    requirement's ``approvals_needed`` (earlier approvals of the same version count during an
    appeal); a rejection marks it ``rejected`` (final, once appealed). ``method`` defaults to the
    requirement's. ``base_url`` is where the credential's links point.

    Raises:
        SubmissionNotFound, OwnWork, ConflictOfInterest: see :func:`get_submission_for_review`.
        EnrolmentClosed: the participant withdrew.
        AlreadyDecided: approved, rejected or replaced meanwhile.
        AlreadyReviewed: this assessor already reviewed this version.
        InvalidReview: no feedback on a rejection, an unknown decision, level or method.
    """
    enrolment_id = _check_access(session, submission_id, assessor_id=assessor_id)
    enrolment = session.get_one(
        Enrolment, enrolment_id, with_for_update=True, populate_existing=True
    )
    locked = _lock_submission(session, submission_id, assessor_id=assessor_id)
    submission, requirement = locked.submission, locked.requirement
    if enrolment.state != "active":
        raise EnrolmentClosed
    if submission.state not in PENDING_REVIEW:
        raise AlreadyDecided
    verdict = checked_review(requirement, decision, feedback, rubric_level, method)
    if locked.reviewed_already:
        raise AlreadyReviewed
    review = _add_review(session, submission, assessor_id, verdict, now=now)
    approvals = locked.approvals + (decision == "approve")
    if decision == "reject":
        _decide(session, submission, "rejected", now)
    elif approvals >= requirement.approvals_needed:
        _decide(session, submission, "approved", now)
    try:
        session.flush()
    except IntegrityError as err:  # the unique key, behind the check above; caller rolls back
        raise AlreadyReviewed from err
    certifications = _follow_up(session, submission, enrolment, requirement, review,
                                now=now, base_url=base_url)  # fmt: skip
    return ReviewOutcome(review, submission.state, approvals, requirement.approvals_needed,
                         certifications)  # fmt: skip


def _lock_statement() -> Select[Submission, Requirement, int, int]:
    """Built once (statement building is a good part of a decision's CPU time, issue #6)."""
    of_submission = Review.submission_id == Submission.id
    approvals_so_far = select(func.count(Review.id)).where(
        of_submission, Review.decision == "approve"
    )
    reviewed_already = select(func.count(Review.id)).where(
        of_submission, Review.assessor_id == bindparam("assessor_id")
    )
    return (
        select(
            Submission,
            Requirement,
            approvals_so_far.scalar_subquery(),
            reviewed_already.scalar_subquery(),
        )
        .join(Requirement, Requirement.id == Submission.requirement_id)
        .where(Submission.id == bindparam("submission_id"))
        .with_for_update(of=Submission)
        .execution_options(populate_existing=True)
    )


_LOCK = _lock_statement()


@dataclass(frozen=True, slots=True)
class _Locked:
    """The submission under review, locked, with what the decision needs to know about it."""

    submission: Submission
    requirement: Requirement
    approvals: int
    reviewed_already: bool


def _lock_submission(session: Session, submission_id: int, *, assessor_id: int) -> _Locked:
    """Lock the submission's row and read its requirement and reviews so far; one round trip.

    Called under the enrolment's lock (so this statement's snapshot is current): no other
    review of this submission can slip in between this read and the decision.
    """
    submission, requirement, approvals, already = session.execute(
        _LOCK, {"submission_id": submission_id, "assessor_id": assessor_id}
    ).one()
    return _Locked(submission, requirement, approvals, bool(already))


def _add_review(
    session: Session,
    submission: Submission,
    assessor_id: int,
    verdict: Verdict,
    *,
    now: datetime,
) -> Review:
    """Add the review (naming the rejection it decides, during an appeal) and log it."""
    appeal = (
        session.scalar(select(Appeal).where(Appeal.submission_id == submission.id))
        if submission.state == "appealed"
        else None
    )
    review = Review(
        submission_id=submission.id,
        assessor_id=assessor_id,
        decision=verdict.decision,
        feedback=verdict.feedback,
        rubric_level=verdict.rubric_level,
        method=verdict.method,
        appeal_of_id=appeal.rejected_review_id if appeal else None,
        at=now,
    )
    session.add(review)
    log_event(
        session, submission, assessor_id, action=verdict.decision, detail=verdict.feedback, now=now
    )
    return review


def _follow_up(
    session: Session,
    submission: Submission,
    enrolment: Enrolment,
    requirement: Requirement,
    review: Review,
    *,
    now: datetime,
    base_url: str,
) -> list[Certification]:
    """Certify what an approval completes, then tell the participant of a decision."""
    certifications: list[Certification] = []
    if submission.state == "approved":
        # Before the mail (certification may use SAVEPOINTs, which must come before any
        # deferral); the enrolment is locked by the review, so it needs none here.
        certifications = check_completion(
            session, enrolment, now=now, base_url=base_url, locked=True
        )
    if submission.state in ("approved", "rejected"):
        notify_decision(session, submission, enrolment, requirement, review, now=now)
    session.flush()
    return certifications


def _check_access(session: Session, submission_id: int, *, assessor_id: int) -> int:
    """The submission's enrolment id, if the assessor may judge it; one query, no lock.

    The same rules, in the same order, as :func:`get_submission_for_review` (which the
    pages use to show the submission), folded into one round trip for the decision itself.

    Raises:
        SubmissionNotFound, OwnWork, ConflictOfInterest: as :func:`get_submission_for_review`.
    """
    row = session.execute(
        _ACCESS, {"submission_id": submission_id, "assessor_id": assessor_id}
    ).one_or_none()
    if row is None or not row[2]:
        raise SubmissionNotFound
    if row[1] == assessor_id:
        raise OwnWork
    if row[3]:
        raise ConflictOfInterest
    return row[0]


def _access_statement() -> Select[int, int, bool, bool]:
    """Built once, like :data:`_LOCK`."""
    assessor_id = bindparam("assessor_id", type_=Integer)
    assigned = exists().where(
        AssessorAssignment.path_code == ValidationPath.code,
        AssessorAssignment.user_id == assessor_id,
    )
    conflict = exists().where(
        ConflictDeclaration.assessor_id == assessor_id,
        ConflictDeclaration.participant_id == Enrolment.user_id,
    )
    return (
        select(Submission.enrolment_id, Enrolment.user_id, assigned, conflict)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .join(ValidationPath, ValidationPath.id == Enrolment.path_id)
        .where(Submission.id == bindparam("submission_id"))
    )


_ACCESS = _access_statement()


def _decide(session: Session, submission: Submission, state: str, now: datetime) -> None:
    submission.state = state
    submission.decided_at = now
    log_event(session, submission, None, action=state, detail="", now=now)


# The queue, appeals, checks and the record moved to their own modules; their names stay
# importable from here.
__all__ = [
    "DECISIONS",
    "MAX_FEEDBACK",
    "MAX_QUEUE_PAGE",
    "QueueItem",
    "ReviewOutcome",
    "appeal",
    "get_submission_for_review",
    "review_log",
    "review_queue",
    "review_submission",
    "reviews_of",
]
