"""Assessor review: approve or reject against the rubric, appeals (issue #6).

The queue itself is in :mod:`paths.review_queue`.

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

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.errors import N_
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
    ReviewEvent,
    Submission,
    ValidationPath,
)
from paths.path_errors import EnrolmentClosed, EnrolmentNotFound
from paths.path_versions import METHODS
from paths.review_errors import (
    AlreadyDecided,
    AlreadyReviewed,
    AppealNotAllowed,
    ConflictOfInterest,
    InvalidReview,
    OwnWork,
    SubmissionNotFound,
)
from paths.review_notify import notify_decision
from paths.review_queue import MAX_QUEUE_PAGE, QueueItem, review_queue

DECISIONS = ("approve", "reject")
MAX_FEEDBACK = 20_000


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
    # Under the enrolment's lock (taken above, so this statement's snapshot is current) no
    # other review of this submission can slip in: lock its row, read its requirement, count
    # the approvals so far and whether this assessor already reviewed it, in one round trip.
    of_submission = Review.submission_id == Submission.id
    approvals_so_far = select(func.count(Review.id)).where(
        of_submission, Review.decision == "approve"
    )
    reviewed_already = select(func.count(Review.id)).where(
        of_submission, Review.assessor_id == assessor_id
    )
    submission, requirement, approvals, already = session.execute(
        select(
            Submission,
            Requirement,
            approvals_so_far.scalar_subquery(),
            reviewed_already.scalar_subquery(),
        )
        .join(Requirement, Requirement.id == Submission.requirement_id)
        .where(Submission.id == submission_id)
        .with_for_update(of=Submission)
        .execution_options(populate_existing=True)
    ).one()
    if enrolment.state != "active":
        raise EnrolmentClosed
    if submission.state not in PENDING_REVIEW:
        raise AlreadyDecided
    feedback, method = _checked(requirement, decision, feedback, rubric_level, method)
    if already:
        raise AlreadyReviewed
    appeal = (
        session.scalar(select(Appeal).where(Appeal.submission_id == submission.id))
        if submission.state == "appealed"
        else None
    )
    review = Review(
        submission_id=submission.id,
        assessor_id=assessor_id,
        decision=decision,
        feedback=feedback,
        rubric_level=rubric_level,
        method=method,
        appeal_of_id=appeal.rejected_review_id if appeal else None,
        at=now,
    )
    session.add(review)
    _log(session, submission, assessor_id, action=decision, detail=feedback, now=now)
    approvals += decision == "approve"
    if decision == "reject":
        _decide(session, submission, "rejected", now)
    elif approvals >= requirement.approvals_needed:
        _decide(session, submission, "approved", now)
    try:
        session.flush()
    except IntegrityError as err:  # the unique key, behind the check above; caller rolls back
        raise AlreadyReviewed from err
    certifications: list[Certification] = []
    if submission.state == "approved":
        # Before the mail (certification may use SAVEPOINTs, which must come before any
        # deferral); the enrolment is locked above, so it needs none here.
        certifications = check_completion(
            session, enrolment, now=now, base_url=base_url, locked=True
        )
    if submission.state in ("approved", "rejected"):
        notify_decision(session, submission, enrolment, requirement, review, now=now)
    session.flush()
    return ReviewOutcome(review, submission.state, approvals, requirement.approvals_needed,
                         certifications)  # fmt: skip


def _check_access(session: Session, submission_id: int, *, assessor_id: int) -> int:
    """The submission's enrolment id, if the assessor may judge it; one query, no lock.

    The same rules, in the same order, as :func:`get_submission_for_review` (which the
    pages use to show the submission), folded into one round trip for the decision itself.

    Raises:
        SubmissionNotFound, OwnWork, ConflictOfInterest: as :func:`get_submission_for_review`.
    """
    assigned = exists().where(
        AssessorAssignment.path_code == ValidationPath.code,
        AssessorAssignment.user_id == assessor_id,
    )
    conflict = exists().where(
        ConflictDeclaration.assessor_id == assessor_id,
        ConflictDeclaration.participant_id == Enrolment.user_id,
    )
    row = session.execute(
        select(Submission.enrolment_id, Enrolment.user_id, assigned, conflict)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .join(ValidationPath, ValidationPath.id == Enrolment.path_id)
        .where(Submission.id == submission_id)
    ).one_or_none()
    if row is None or not row[2]:
        raise SubmissionNotFound
    if row[1] == assessor_id:
        raise OwnWork
    if row[3]:
        raise ConflictOfInterest
    return row[0]


def appeal(
    session: Session, submission_id: int, *, participant_id: int, reason: str, now: datetime
) -> Appeal:
    """Appeal a rejected submission version; a different assessor then decides, once and for all.

    Raises:
        EnrolmentNotFound / EnrolmentClosed: not the participant's, or no longer active.
        AppealNotAllowed: not rejected, or already appealed.
        InvalidReview: no reason, or too long.
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
    reason = reason.strip()
    if not reason or len(reason) > MAX_FEEDBACK:
        raise InvalidReview(
            N_("Say why you appeal, in at most %(max)s characters."),
            params={"max": MAX_FEEDBACK},
            field="reason",
        )
    already = session.scalar(select(Appeal.id).where(Appeal.submission_id == submission.id))
    if submission.state != "rejected" or already is not None:
        raise AppealNotAllowed
    rejection = session.scalar(
        select(Review.id)
        .where(Review.submission_id == submission.id, Review.decision == "reject")
        .order_by(Review.at.desc(), Review.id.desc())
        .limit(1)
    )
    made = Appeal(
        submission_id=submission.id, rejected_review_id=rejection, reason=reason, appealed_at=now
    )
    try:
        with session.begin_nested():
            session.add(made)
    except IntegrityError as err:  # the same appeal sent twice at once
        raise AppealNotAllowed from err
    submission.state = "appealed"
    submission.decided_at = None
    _log(session, submission, participant_id, action="appeal", detail=reason, now=now)
    session.flush()
    return made


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


def _checked(
    requirement: Requirement,
    decision: str,
    feedback: str,
    rubric_level: int | None,
    method: str | None,
) -> tuple[str, str | None]:
    """The cleaned feedback and the method, or InvalidReview naming the field."""
    if decision not in DECISIONS:
        raise InvalidReview(N_("Choose approve or reject."), field="decision")
    feedback = (feedback or "").strip()
    if decision == "reject" and not feedback:
        raise InvalidReview(
            N_("Tell the participant why: feedback is needed to reject."), field="feedback"
        )
    if len(feedback) > MAX_FEEDBACK:
        raise InvalidReview(
            N_("Feedback can be at most %(max)s characters."),
            params={"max": MAX_FEEDBACK},
            field="feedback",
        )
    levels = {int(level["level"]) for level in requirement.rubric}
    if rubric_level is not None and rubric_level not in levels:
        raise InvalidReview(N_("Choose one of the rubric's levels."), field="rubric_level")
    if decision == "approve" and levels and rubric_level is None:
        raise InvalidReview(N_("Choose the level reached on the rubric."), field="rubric_level")
    allowed = (requirement.method,) if requirement.method else METHODS
    method = method or requirement.method
    if method is not None and method not in allowed:
        raise InvalidReview(
            N_("This assessment method is not allowed for this requirement."), field="method"
        )
    return feedback, method


def _decide(session: Session, submission: Submission, state: str, now: datetime) -> None:
    submission.state = state
    submission.decided_at = now
    _log(session, submission, None, action=state, detail="", now=now)


def _log(
    session: Session,
    submission: Submission,
    actor_id: int | None,
    *,
    action: str,
    detail: str,
    now: datetime,
) -> None:
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


# The queue moved to :mod:`paths.review_queue`; its names stay importable from here.
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
