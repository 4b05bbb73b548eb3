"""What the platform admin reads about review: the audit log and who may be chosen (issue #6).

The log (:class:`paths.models.ReviewEvent`) grows by a few rows per decision and will hold
millions, so it is read newest first in keyset pages on the primary key: ``id`` grows in the
order the events were written, and ``id < before_id`` costs the same on page 1 and page 10,000,
where ``OFFSET`` would scan every earlier row. Each entry carries the names and titles a reader
needs, fetched in the same query rather than one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from badges.accounts import Role, User, UserRole, normalise_email
from paths.models import Element, Enrolment, Requirement, ReviewEvent, Submission, ValidationPath

#: The largest page :func:`review_events` returns, whatever the caller asks.
MAX_AUDIT_PAGE = 200


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: when, who, what, and on which participant's requirement."""

    event_id: int
    at: datetime
    #: ``approve`` | ``reject`` | ``appeal`` | ``approved`` | ``rejected`` (see ReviewEvent).
    action: str
    #: What the actor wrote: the assessor's feedback or the participant's reason to appeal.
    detail: str
    #: None for the submission's resulting decision, and for an account since deleted.
    actor_id: int | None
    actor_name: str | None
    submission_id: int
    submission_version: int
    participant_id: int
    participant_name: str
    path_code: str
    path_version: int
    path_title: dict[str, str]
    element_code: str
    element_title: dict[str, str]
    stage: str


def review_events(
    session: Session,
    *,
    path_code: str | None = None,
    actor_id: int | None = None,
    submission_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """Review events newest first, ``limit`` of them older than the event ``before_id``.

    ``path_code`` keeps the events of every version of that path, ``actor_id`` those one user
    made (an assessor's reviews, or a participant's appeals), ``submission_id`` one
    submission version's. Pass the last entry's ``event_id`` as ``before_id`` for the next page.
    """
    limit = max(1, min(limit, MAX_AUDIT_PAGE))
    actor = aliased(User, name="actor")
    participant = aliased(User, name="participant")
    query = (
        select(
            ReviewEvent.id,
            ReviewEvent.at,
            ReviewEvent.action,
            ReviewEvent.detail,
            ReviewEvent.actor_id,
            actor.name,
            ReviewEvent.submission_id,
            ReviewEvent.submission_version,
            participant.id,
            participant.name,
            ValidationPath.code,
            ValidationPath.version,
            ValidationPath.title,
            Element.code,
            Element.title,
            Requirement.stage,
        )
        .join(Submission, Submission.id == ReviewEvent.submission_id)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .join(participant, participant.id == Enrolment.user_id)
        .join(Requirement, Requirement.id == Submission.requirement_id)
        .join(ValidationPath, ValidationPath.id == Requirement.path_id)
        .join(Element, Element.id == Requirement.element_id)
        .outerjoin(actor, actor.id == ReviewEvent.actor_id)
    )
    if path_code is not None:
        query = query.where(ValidationPath.code == path_code)
    if actor_id is not None:
        query = query.where(ReviewEvent.actor_id == actor_id)
    if submission_id is not None:
        query = query.where(ReviewEvent.submission_id == submission_id)
    if before_id is not None:
        query = query.where(ReviewEvent.id < before_id)
    rows = session.execute(query.order_by(ReviewEvent.id.desc()).limit(limit)).all()
    return [AuditEntry(*tuple(row)) for row in rows]


def latest_paths(
    session: Session, *, states: tuple[str, ...] = ("published",)
) -> list[ValidationPath]:
    """The newest version in ``states`` of each path code, by code (assignments are by code)."""
    newest: dict[str, ValidationPath] = {}
    for path in session.scalars(
        select(ValidationPath)
        .where(ValidationPath.state.in_(states))
        .order_by(ValidationPath.code, ValidationPath.version)
    ):
        newest[path.code] = path
    return list(newest.values())


def assessor_accounts(session: Session) -> list[User]:
    """Users holding the assessor role, by name: whom the log can be filtered by."""
    return list(
        session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ASSESSOR)
            .order_by(User.name, User.id)
        )
    )


def account_by_email(session: Session, email: str) -> User | None:
    """The account registered under ``email`` (compared as registration stores it), if any."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))
