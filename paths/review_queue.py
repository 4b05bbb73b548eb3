"""The assessor's review queue (issue #6): what waits for them, oldest first, filtered, paged.

Split from :mod:`paths.review` (which re-exports these names). The queue is read on every
visit to the assessor's main page, so it is built for a million submissions: keyset paging on
partial indexes of the waiting rows only, and literal ids (the assessor's path versions, the
filter's requirements) looked up first, which keeps PostgreSQL's planning cheap and lets it
weigh a filter against its statistics. ``bench/paths.py`` measures it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, not_, or_, select, text, union_all
from sqlalchemy.orm import Session

from paths.models import (
    PENDING_REVIEW_SQL,
    AssessorAssignment,
    ConflictDeclaration,
    Enrolment,
    Requirement,
    Review,
    Submission,
    ValidationPath,
)

MAX_QUEUE_PAGE = 200


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One submission waiting for the assessor, with what the queue page shows."""

    submission_id: int
    submitted_at: datetime
    version: int
    state: str
    enrolment_id: int
    participant_id: int
    path_id: int
    requirement_id: int
    element_id: int
    stage: str

    @property
    def cursor(self) -> tuple[datetime, int]:
        """Pass as ``after`` to get the next page."""
        return (self.submitted_at, self.submission_id)


def review_queue(
    session: Session,
    assessor_id: int,
    *,
    path_id: int | None = None,
    element_id: int | None = None,
    older_than: datetime | None = None,
    limit: int = 50,
    after: tuple[datetime, int] | None = None,
) -> list[QueueItem]:
    """Submissions the assessor may decide, oldest first, ``limit`` after the ``after`` cursor.

    Waiting (``submitted``, or ``appealed``) submissions of active enrolments on paths the
    assessor is assigned to; never their own, a declared conflict's, or one they already
    reviewed (which is also how an appeal goes to a different assessor). ``older_than`` keeps
    those submitted before that moment. Keyset paging on the partial index
    ``ix_submissions_pending_queue`` keeps this fast with a million submissions.

    The assessor's path versions and the filter's requirements are looked up first and
    passed as literal ids: fewer joins to plan (planning, not reading, was most of the time
    at the benchmark's scale), and ids the planner can weigh against its statistics.
    """
    limit = max(1, min(limit, MAX_QUEUE_PAGE))
    path_ids = _assigned_path_ids(session, assessor_id, path_id)
    if not path_ids:
        return []
    query = _narrowed(_waiting_for(assessor_id, path_ids), older_than=older_than, after=after)
    if path_id is None and element_id is None:
        return _page(session, query, limit)
    # A filtered page names its requirements, so that PostgreSQL can read only their pending
    # rows (``ix_submissions_pending_requirement``) instead of walking the whole queue for a
    # rare competence or a quiet path (issue #6 benchmark: up to 260 ms).
    wanted = select(Requirement.id).where(Requirement.path_id.in_(path_ids))
    if element_id is not None:
        wanted = wanted.where(Requirement.element_id == element_id)
    requirement_ids = list(session.scalars(wanted))
    if not requirement_ids:
        return []
    if element_id is None or len(requirement_ids) > _MERGED_REQUIREMENTS:
        # A path's many requirements: the planner weighs them against walking the queue.
        return _page(session, query.where(Submission.requirement_id.in_(requirement_ids)), limit)
    return _merged_page(session, query, requirement_ids, limit)


#: Queue order: oldest first; the id breaks ties, so the ``after`` cursor is exact.
_QUEUE_ORDER = (Submission.submitted_at, Submission.id)
#: Up to this many requirements, a filtered page is merged from one page per requirement.
_MERGED_REQUIREMENTS = 8


#: The waiting submissions' rows, in :class:`QueueItem` order.
_Waiting = Select[int, datetime, int, str, int, int, int, int, int, str]


def _waiting_for(assessor_id: int, path_ids: list[int]) -> _Waiting:
    """What the assessor may decide on ``path_ids``, unordered, in :class:`QueueItem` order."""
    return (
        select(
            Submission.id.label("submission_id"),
            Submission.submitted_at,
            Submission.version,
            Submission.state,
            Enrolment.id.label("enrolment_id"),
            Enrolment.user_id.label("participant_id"),
            Enrolment.path_id,
            Requirement.id.label("requirement_id"),
            Requirement.element_id,
            Requirement.stage,
        )
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .join(Requirement, Requirement.id == Submission.requirement_id)
        .where(
            text(f"submissions.{PENDING_REVIEW_SQL}"),
            Enrolment.path_id.in_(path_ids),
            Enrolment.state == "active",
            Enrolment.user_id != assessor_id,
            not_(
                exists().where(
                    ConflictDeclaration.assessor_id == assessor_id,
                    ConflictDeclaration.participant_id == Enrolment.user_id,
                )
            ),
            not_(
                exists().where(
                    Review.submission_id == Submission.id, Review.assessor_id == assessor_id
                )
            ),
        )
    )


def _assigned_path_ids(session: Session, assessor_id: int, path_id: int | None) -> list[int]:
    """The ids of the path versions the assessor reviews (only ``path_id``, if given)."""
    assigned = select(ValidationPath.id).join(
        AssessorAssignment,
        and_(
            AssessorAssignment.path_code == ValidationPath.code,
            AssessorAssignment.user_id == assessor_id,
        ),
    )
    if path_id is not None:
        assigned = assigned.where(ValidationPath.id == path_id)
    return list(session.scalars(assigned))


def _narrowed(
    query: _Waiting, *, older_than: datetime | None, after: tuple[datetime, int] | None
) -> _Waiting:
    """Only what was submitted before ``older_than``, and after the ``after`` cursor."""
    if older_than is not None:
        query = query.where(Submission.submitted_at < older_than)
    if after is not None:
        at, last_id = after
        query = query.where(
            or_(
                Submission.submitted_at > at,
                and_(Submission.submitted_at == at, Submission.id > last_id),
            )
        )
    return query


def _page(session: Session, query: _Waiting, limit: int) -> list[QueueItem]:
    rows = session.execute(query.order_by(*_QUEUE_ORDER).limit(limit)).all()
    return [QueueItem(*row) for row in rows]


def _merged_page(
    session: Session, query: _Waiting, requirement_ids: list[int], limit: int
) -> list[QueueItem]:
    """A competence's few requirements: the first page of each, in queue order, then merged.

    The cost is then a few index range reads however the waiting rows are spread in time.
    """
    pages = [
        query.where(Submission.requirement_id == requirement_id)
        .order_by(*_QUEUE_ORDER)
        .limit(limit)
        .subquery()
        for requirement_id in requirement_ids
    ]
    merged = union_all(*(select(*page.c).select_from(page) for page in pages)).subquery()
    rows = session.execute(
        select(*merged.c).order_by(merged.c.submitted_at, merged.c.submission_id).limit(limit)
    ).all()
    return [QueueItem(*row) for row in rows]
