"""Who may review which path, and the conflicts of interest that keep an assessor away.

Assignments are by path code, so a new version of a path keeps its assessors. The checks here
are the one place that decides whether an assessor may judge a participant's submission; the
review queue filters with the same rules in SQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.accounts import Role, User
from badges.errors import N_
from paths.models import AssessorAssignment, ConflictDeclaration
from paths.review_errors import (
    ConflictOfInterest,
    InvalidReview,
    NotAnAssessor,
    OwnWork,
)

MAX_REASON = 2000


def assign_assessor(
    session: Session,
    path_code: str,
    user_id: int,
    *,
    now: datetime,
    assigned_by_id: int | None = None,
) -> AssessorAssignment:
    """Let an assessor review every version of the path ``path_code``; assigning twice is fine.

    Raises:
        NotAnAssessor: the user does not hold the assessor role.
    """
    user = session.get(User, user_id)
    if user is None or not user.has_role(Role.ASSESSOR):
        raise NotAnAssessor
    existing = _assignment(session, path_code, user_id)
    if existing is not None:
        return existing
    assignment = AssessorAssignment(
        path_code=path_code, user_id=user_id, assigned_by_id=assigned_by_id, assigned_at=now
    )
    try:
        with session.begin_nested():
            session.add(assignment)
    except IntegrityError:  # assigned at the same moment by another admin: the same outcome
        found = _assignment(session, path_code, user_id)
        assert found is not None  # noqa: S101 - the unique constraint just said it exists
        return found
    return assignment


def unassign_assessor(session: Session, path_code: str, user_id: int) -> None:
    """Stop an assessor reviewing the path; their earlier reviews stay in the log."""
    session.execute(
        delete(AssessorAssignment).where(
            AssessorAssignment.path_code == path_code, AssessorAssignment.user_id == user_id
        )
    )


def assessors_of(session: Session, path_code: str) -> list[User]:
    """The assessors assigned to a path, by name."""
    return list(
        session.scalars(
            select(User)
            .join(AssessorAssignment, AssessorAssignment.user_id == User.id)
            .where(AssessorAssignment.path_code == path_code)
            .order_by(User.name, User.id)
        )
    )


def assigned_path_codes(session: Session, user_id: int) -> list[str]:
    """The path codes an assessor reviews, sorted."""
    return sorted(
        session.scalars(
            select(AssessorAssignment.path_code).where(AssessorAssignment.user_id == user_id)
        )
    )


def is_assigned(session: Session, path_code: str, user_id: int) -> bool:
    """Whether ``user_id`` reviews the path ``path_code``."""
    return _assignment(session, path_code, user_id) is not None


def declare_conflict(
    session: Session, *, assessor_id: int, participant_id: int, reason: str, now: datetime
) -> ConflictDeclaration:
    """Record that an assessor must not judge a participant; declaring again updates the reason.

    Raises:
        InvalidReview: the reason is too long.
    """
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InvalidReview(
            N_("The reason can be at most %(max)s characters."),
            params={"max": MAX_REASON},
            field="reason",
        )
    declaration = session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.assessor_id == assessor_id,
            ConflictDeclaration.participant_id == participant_id,
        )
    )
    if declaration is None:
        declaration = ConflictDeclaration(
            assessor_id=assessor_id, participant_id=participant_id, declared_at=now
        )
        session.add(declaration)
    declaration.reason = reason
    session.flush()
    return declaration


def has_conflict(session: Session, *, assessor_id: int, participant_id: int) -> bool:
    """Whether the assessor declared a conflict with the participant."""
    found = session.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.assessor_id == assessor_id,
            ConflictDeclaration.participant_id == participant_id,
        )
    )
    return found is not None


def check_may_judge(session: Session, *, assessor_id: int, participant_id: int) -> None:
    """Refuse an assessor's own work and declared conflicts of interest.

    Raises:
        OwnWork: the assessor is the participant.
        ConflictOfInterest: the assessor declared a conflict with the participant.
    """
    if assessor_id == participant_id:
        raise OwnWork
    if has_conflict(session, assessor_id=assessor_id, participant_id=participant_id):
        raise ConflictOfInterest


def _assignment(session: Session, path_code: str, user_id: int) -> AssessorAssignment | None:
    return session.scalar(
        select(AssessorAssignment).where(
            AssessorAssignment.path_code == path_code, AssessorAssignment.user_id == user_id
        )
    )
