"""Public evidence: the holder lets anyone with the credential open the evidence behind it.

A certification's credential lists an evidence page per approved requirement; those pages show
the approved submission only once the holder has made the certification's evidence public
(:func:`set_evidence_public`), and never anything the credential does not list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.models import Certification, Enrolment, Requirement, Submission
from paths.review_errors import CertificationNotFound


def set_evidence_public(
    session: Session, certification_id: int, *, user_id: int, public: bool
) -> Certification:
    """Let anyone holding the credential open its evidence pages, or stop them.

    Raises:
        CertificationNotFound: none with this id belongs to ``user_id``.
    """
    certification = session.get(Certification, certification_id)
    enrolment = session.get(Enrolment, certification.enrolment_id) if certification else None
    if certification is None or enrolment is None or enrolment.user_id != user_id:
        raise CertificationNotFound
    certification.evidence_public = public
    session.flush()
    return certification


@dataclass(frozen=True, slots=True)
class PublicEvidence:
    """What an evidence page shows: the certification, the requirement, the approved version."""

    certification: Certification
    requirement: Requirement
    submission: Submission


def public_evidence(session: Session, public_id: str, requirement_id: int) -> PublicEvidence:
    """The evidence behind one entry of a credential, if its holder made it public.

    Raises:
        CertificationNotFound: unknown, not public, or the requirement is not in it.
    """
    certification = session.scalar(
        select(Certification).where(Certification.public_id == public_id)
    )
    if certification is None or not certification.evidence_public:
        raise CertificationNotFound
    listed = {
        entry.get("id", "").rsplit("/", 1)[-1] for entry in certification.extras.get("evidence", [])
    }
    submission = session.scalar(
        select(Submission)
        .where(
            Submission.enrolment_id == certification.enrolment_id,
            Submission.requirement_id == requirement_id,
            Submission.state == "approved",
        )
        .order_by(Submission.version.desc())
        .limit(1)
    )
    if str(requirement_id) not in listed or submission is None:
        raise CertificationNotFound
    return PublicEvidence(certification, session.get_one(Requirement, requirement_id), submission)
