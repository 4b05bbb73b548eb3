"""The demo participant's validation journey: one path in progress, one completed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User
from badges.demo.awards import Issuing
from badges.demo.data import (
    COMPLETED_PATH,
    DEMO_ANSWERS,
    IN_PROGRESS_PATH,
    REJECTION_FEEDBACK,
)
from issuer import Issuance, complete_issuance
from paths import (
    Enrolment,
    EvidenceItem,
    EvidenceStore,
    Requirement,
    ValidationPath,
    assessors_of,
    assign_assessor,
    enrol,
    review_submission,
    self_assess,
    submit_evidence,
)


def completed_path(
    session: Session, participant: User, assessor: User, issuing: Issuing, store: EvidenceStore
) -> None:
    """The participant's finished IoT path: every requirement approved, the credential issued."""
    path = session.scalars(
        select(ValidationPath).where(
            ValidationPath.code == COMPLETED_PATH, ValidationPath.state == "published"
        )
    ).first()
    if path is None or session.scalar(
        select(Enrolment.id).where(
            Enrolment.path_id == path.id, Enrolment.user_id == participant.id
        )
    ):
        return
    now = issuing.now
    for code in (COMPLETED_PATH, IN_PROGRESS_PATH):
        if assessor.id not in {user.id for user in assessors_of(session, code)}:
            assign_assessor(session, code, assessor.id, now=now)
    enrolment = enrol(session, path.id, user_id=participant.id, now=now)
    requirements = session.scalars(
        select(Requirement).where(Requirement.path_id == path.id).order_by(Requirement.position)
    ).all()
    elements = dict.fromkeys(requirement.element_id for requirement in requirements)
    self_assess(session, enrolment.id, user_id=participant.id, levels=dict.fromkeys(elements, 5),
                now=now)  # fmt: skip
    for number, requirement in enumerate(requirements):
        if requirement.stage == "identification":
            continue
        submission = submit_evidence(
            session,
            enrolment.id,
            requirement.id,
            user_id=participant.id,
            items=_demo_items(requirement, number),
            store=store,
            max_upload_mb=1,
            now=now,
            note="Ready for review.",
        )
        review_submission(
            session,
            submission.id,
            assessor_id=assessor.id,
            decision="approve",
            feedback="Clear, complete and matches the performance criteria.",
            rubric_level=2 if requirement.rubric else None,
            method=requirement.method,
            now=now,
            base_url=issuing.base_url,
        )
    pending = session.scalars(
        select(Issuance.id).where(
            Issuance.recipient_user_id == participant.id, Issuance.state == "pending"
        )
    ).all()
    for issuance_id in pending:  # issue now, so the demo shows it at once (the task is a no-op)
        complete_issuance(session, issuance_id, keyring=issuing.keyring,
                          base_url=issuing.base_url, now=now, loader=issuing.loader)  # fmt: skip


def _demo_items(requirement: Requirement, number: int) -> list[EvidenceItem]:
    """Enough evidence of an accepted kind: links where allowed, else a small PDF report."""
    kinds = set(requirement.evidence_kinds)
    wanted = max(requirement.min_items, 0)
    if "link" in kinds:
        return [
            EvidenceItem.of_link(f"https://example.org/cluj-sensors/report-{number}-{item}")
            for item in range(wanted)
        ]
    if "text" in kinds:
        return [EvidenceItem.of_text(DEMO_ANSWERS[0]) for _ in range(min(wanted, 1))]
    pdf = b"%PDF-1.4\n% demo evidence " + str(number).encode() + b"\n%%EOF\n"
    return [EvidenceItem.of_file(pdf, f"sensor-test-{number}.pdf") for _ in range(min(wanted, 1))]


def enrolment_in_progress(
    session: Session, participant: User, assessor: User, *, now: datetime, base_url: str
) -> None:
    """The participant is on the project manager path: self-assessed, two answers submitted.

    Only text and link evidence, so the demo needs no evidence store. The assessor sent the first
    answer back with feedback (so the demo shows a rejection to resubmit or appeal); the second
    waits in the assessors' queue.
    """
    path = session.scalars(
        select(ValidationPath).where(
            ValidationPath.code == IN_PROGRESS_PATH, ValidationPath.state == "published"
        )
    ).first()
    if path is None or session.scalar(
        select(Enrolment.id).where(
            Enrolment.path_id == path.id, Enrolment.user_id == participant.id
        )
    ):
        return
    enrolment = enrol(session, path.id, user_id=participant.id, now=now)
    requirements = session.scalars(
        select(Requirement).where(Requirement.path_id == path.id).order_by(Requirement.position)
    ).all()
    elements = list(dict.fromkeys(requirement.element_id for requirement in requirements))
    levels = dict(zip(elements, (6, 5, 4, 3), strict=False))
    self_assess(session, enrolment.id, user_id=participant.id, levels=levels, now=now)
    answerable = [
        requirement
        for requirement in requirements
        if requirement.stage == "documentation"
        and {"text", "link"} & set(requirement.evidence_kinds)
        and requirement.min_items == 1
    ]
    if assessor.id not in {user.id for user in assessors_of(session, IN_PROGRESS_PATH)}:
        assign_assessor(session, IN_PROGRESS_PATH, assessor.id, now=now)
    submitted = []
    for requirement, answer in zip(answerable, DEMO_ANSWERS, strict=False):
        item = (
            EvidenceItem.of_text(answer)
            if "text" in requirement.evidence_kinds
            else EvidenceItem.of_link("https://example.org/sofia-pilot-report")
        )
        submission = submit_evidence(
            session,
            enrolment.id,
            requirement.id,
            user_id=participant.id,
            items=[item],
            store=_NO_FILES,
            max_upload_mb=1,
            now=now,
        )
        submitted.append((requirement, submission))
    if submitted:
        requirement, submission = submitted[0]
        review_submission(
            session,
            submission.id,
            assessor_id=assessor.id,
            decision="reject",
            feedback=REJECTION_FEEDBACK,
            rubric_level=1 if requirement.rubric else None,
            method=requirement.method,
            now=now,
            base_url=base_url,
        )


class _NoFiles:
    """An evidence store for answers without files: the demo never stores one."""

    def put(self, data: bytes) -> str:  # pragma: no cover - never called: no demo files
        raise RuntimeError("the demo submits no files")

    def open(self, sha256: str) -> bytes:  # pragma: no cover
        raise RuntimeError("the demo submits no files")

    def delete(self, sha256: str) -> None:  # pragma: no cover
        raise RuntimeError("the demo submits no files")


_NO_FILES = _NoFiles()
