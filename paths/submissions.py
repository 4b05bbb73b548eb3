"""Submit evidence for a requirement: files, links and texts; every version is kept (issue #6).

A submission is one version of the participant's answer to one requirement, made of artefacts.
An artefact is the evidence itself, stored once per enrolment by content hash, so the same file
sent for three competences is one artefact in three submissions. Sending again while a version
waits for review replaces it (the old one is ``superseded``, not deleted); sending after a
rejection adds the next version. Sending exactly what is already waiting is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.artefacts import MAX_FILENAME, MAX_LINK, MAX_TEXT, EvidenceItem, artefact_for
from paths.enrolment import active_enrolment
from paths.models import Artefact, Enrolment, Requirement, Submission, SubmissionItem
from paths.path_errors import (
    DuplicateSubmission,
    InvalidEvidence,
    RequirementAlreadyApproved,
    RequirementNotFound,
)
from paths.storage import EvidenceStore

MAX_ITEMS = 20


def submit_evidence(
    session: Session,
    enrolment_id: int,
    requirement_id: int,
    *,
    user_id: int,
    items: Sequence[EvidenceItem],
    store: EvidenceStore,
    max_upload_mb: int,
    now: datetime,
    note: str = "",
) -> Submission:
    """Record the next version of the participant's answer to a requirement.

    Raises:
        EnrolmentNotFound / EnrolmentClosed: not theirs, or withdrawn or completed.
        RequirementNotFound: not a documentation or assessment requirement of their path.
        RequirementAlreadyApproved: nothing more is needed.
        InvalidEvidence: wrong kind, too few items, a bad link, an over-long text.
        SubmissionTooLarge / UnsupportedFileType: a file over the limit or of a refused type.
        DuplicateSubmission: exactly this evidence is already waiting for review.
    """
    enrolment = active_enrolment(session, enrolment_id, user_id=user_id)
    requirement = _requirement_for(session, enrolment, requirement_id)
    _check_items(requirement, items, note)
    previous = _versions(session, enrolment.id, requirement.id)
    if any(s.state == "approved" for s in previous):
        raise RequirementAlreadyApproved
    artefacts = [
        artefact_for(session, enrolment.id, item, store=store, max_upload_mb=max_upload_mb, now=now)
        for item in items
    ]
    artefact_ids = [a.id for a in artefacts]
    _supersede_waiting(previous, artefact_ids)
    submission = Submission(
        enrolment_id=enrolment.id,
        requirement_id=requirement.id,
        version=_next_version(session, enrolment.id, requirement.id),
        state="submitted",
        note=note.strip(),
        submitted_at=now,
        items=[
            SubmissionItem(artefact_id=artefact_id, position=position)
            for position, artefact_id in enumerate(artefact_ids)
        ],
    )
    session.add(submission)
    session.flush()
    return submission


def _requirement_for(session: Session, enrolment: Enrolment, requirement_id: int) -> Requirement:
    """The requirement, if evidence can be sent for it in this enrolment (not identification)."""
    requirement = session.get(Requirement, requirement_id)
    if (
        requirement is None
        or requirement.path_id != enrolment.path_id
        or requirement.stage == "identification"
    ):
        raise RequirementNotFound
    return requirement


def _versions(session: Session, enrolment_id: int, requirement_id: int) -> list[Submission]:
    """The versions sent so far for the requirement, oldest first."""
    return list(
        session.scalars(
            select(Submission)
            .where(
                Submission.enrolment_id == enrolment_id,
                Submission.requirement_id == requirement_id,
            )
            .order_by(Submission.version)
        )
    )


def _supersede_waiting(previous: Sequence[Submission], artefact_ids: list[int]) -> None:
    """Replace the version waiting for review, unless it is exactly this evidence."""
    pending = [s for s in previous if s.state == "submitted"]
    for waiting in pending:
        if [item.artefact_id for item in waiting.items] == artefact_ids:
            raise DuplicateSubmission
    for waiting in pending:
        waiting.state = "superseded"


def _next_version(session: Session, enrolment_id: int, requirement_id: int) -> int:
    latest = session.scalar(
        select(func.max(Submission.version)).where(
            Submission.enrolment_id == enrolment_id,
            Submission.requirement_id == requirement_id,
        )
    )
    return (latest or 0) + 1


def history(session: Session, enrolment_id: int, requirement_id: int) -> list[Submission]:
    """Every version sent for a requirement, newest first (the caller checked ownership)."""
    return list(
        session.scalars(
            select(Submission)
            .where(
                Submission.enrolment_id == enrolment_id,
                Submission.requirement_id == requirement_id,
            )
            .order_by(Submission.version.desc())
        )
    )


def artefacts_of(session: Session, enrolment_id: int) -> list[Artefact]:
    """The enrolment's evidence, oldest first, for reuse in another requirement."""
    return list(
        session.scalars(
            select(Artefact)
            .where(Artefact.enrolment_id == enrolment_id)
            .order_by(Artefact.created_at, Artefact.id)
        )
    )


def _check_items(requirement: Requirement, items: Sequence[EvidenceItem], note: str) -> None:
    if len(items) < requirement.min_items:
        raise InvalidEvidence(
            N_("This requirement needs at least %(count)s piece(s) of evidence."),
            params={"count": requirement.min_items},
        )
    if len(items) > MAX_ITEMS:
        raise InvalidEvidence(
            N_("Send at most %(count)s pieces of evidence at once."), params={"count": MAX_ITEMS}
        )
    if len(note) > MAX_TEXT:
        raise InvalidEvidence(
            N_("The note can be at most %(max)s characters."),
            params={"max": MAX_TEXT},
            field="note",
        )
    for item in items:
        if item.kind != "artefact" and item.kind not in requirement.evidence_kinds:
            raise InvalidEvidence(
                N_("This requirement does not take this kind of evidence."), field="kind"
            )


# Evidence items and artefacts moved to :mod:`paths.artefacts`; their names stay importable here.
__all__ = [
    "MAX_FILENAME",
    "MAX_ITEMS",
    "MAX_LINK",
    "MAX_TEXT",
    "EvidenceItem",
    "artefacts_of",
    "history",
    "submit_evidence",
]
