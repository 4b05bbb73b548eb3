"""A participant's copy of their data: ``data.json`` plus every evidence file, zipped (issue #6).

GDPR Art. 15 (access) and Art. 20 (portability): the account, enrolments, self-assessments,
every submitted version with its evidence, the feedback and decisions on it, appeals,
certifications, and what the issuer holds (:func:`issuer.privacy.export_recipient_data`).
Evidence files go in as ``files/<sha256>-<name>``; the signed credentials as
``credentials/<uuid>.json``, exactly as issued, so they can be verified anywhere.

What others wrote about other people is left out: an assessor's export lists the decisions
they made, but not the feedback or whose work it was (Art. 15(4)).
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User
from badges.mail import MailMessage
from issuer import export_recipient_data, signed_documents
from paths.models import (
    Appeal,
    Artefact,
    AssessorAssignment,
    Certification,
    Element,
    Enrolment,
    EvidenceFile,
    Requirement,
    Review,
    SelfAssessment,
    Submission,
    SubmissionItem,
)
from paths.path_errors import EvidenceFileMissing
from paths.storage import EvidenceStore

#: Version of the ``data.json`` layout, so that a reader can tell exports apart.
FORMAT = "badges-personal-data/1"
#: The zip is built in memory up to this size, then in a temporary file: a participant with
#: hundreds of megabytes of evidence does not hold them all in the web process at once.
SPOOL_BYTES = 8 * 1024 * 1024
#: Characters some systems refuse in a file name (the name is already one path segment).
_UNSAFE = str.maketrans(dict.fromkeys('<>:"/\\|?*', "_"))

Files = dict[str, str]
"""Zip entry name -> SHA-256 of the evidence file to put there."""


def export_personal_data(
    session: Session, user: User, store: EvidenceStore, *, now: datetime
) -> IO[bytes]:
    """The zip, rewound and ready to send; the caller closes it (spooled to disk when large).

    Files are read from the store one at a time. A file the store has lost is listed under
    ``missing_files`` in ``data.json`` instead of failing the whole export.
    """
    document, files = personal_data(session, user, now=now)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        missing = []
        for name, sha256 in files.items():
            try:
                archive.writestr(_entry(name, now), store.open(sha256))
            except EvidenceFileMissing:
                missing.append(name)
        for public_id, signed in signed_documents(session, user):
            archive.writestr(_entry(f"credentials/{public_id}.json", now), signed)
        document["missing_files"] = missing
        text = json.dumps(document, indent=2, ensure_ascii=False)
        archive.writestr(_entry("data.json", now), text)
    out.seek(0)
    return out


def personal_data(session: Session, user: User, *, now: datetime) -> tuple[dict[str, Any], Files]:
    """``data.json``'s content, and which evidence file goes under which zip entry name."""
    files: Files = {}
    enrolments = session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.id)
    )
    return {
        "format": FORMAT,
        "exported_at": _iso(now),
        "account": _account(user),
        "enrolments": [_enrolment(session, enrolment, files) for enrolment in enrolments],
        "assessor": _assessor(session, user),
        "mail": _mail(session, user),
        "credentials": export_recipient_data(session, user),
    }, files


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "locale": user.locale,
        "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
        "roles": sorted(granted.role.value for granted in user.roles),
        "organisations": [
            {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role.value}
            for m in user.memberships
        ],
    }


def _enrolment(session: Session, enrolment: Enrolment, files: Files) -> dict[str, Any]:
    path = enrolment.path
    return {
        "id": enrolment.id,
        "path": {"code": path.code, "version": path.version, "title": path.title},
        "state": enrolment.state,
        "enrolled_at": _iso(enrolment.enrolled_at),
        "completed_at": _iso(enrolment.completed_at),
        "withdrawn_at": _iso(enrolment.withdrawn_at),
        "self_assessments": [
            {"element": code, "level": sa.level, "note": sa.note, "at": _iso(sa.assessed_at)}
            for sa, code in session.execute(
                select(SelfAssessment, Element.code)
                .join(Element, Element.id == SelfAssessment.element_id)
                .where(SelfAssessment.enrolment_id == enrolment.id)
                .order_by(SelfAssessment.id)
            )
        ],
        "evidence": _artefacts(session, enrolment.id, files),
        "submissions": _submissions(session, enrolment.id),
        "certifications": [
            {
                "id": c.public_id,
                "scope": c.scope_key,
                "certified_at": _iso(c.certified_at),
                "evidence_public": c.evidence_public,
                "issuance_id": c.issuance_id,
            }
            for c in session.scalars(
                select(Certification)
                .where(Certification.enrolment_id == enrolment.id)
                .order_by(Certification.id)
            )
        ],
    }


def _artefacts(session: Session, enrolment_id: int, files: Files) -> list[dict[str, Any]]:
    found = []
    for artefact, stored in session.execute(
        select(Artefact, EvidenceFile)
        .outerjoin(EvidenceFile, EvidenceFile.sha256 == Artefact.file_sha256)
        .where(Artefact.enrolment_id == enrolment_id)
        .order_by(Artefact.id)
    ):
        entry: dict[str, Any] = {
            "id": artefact.id,
            "kind": artefact.kind,
            "text": artefact.text,
            "link": artefact.link,
            "created_at": _iso(artefact.created_at),
        }
        if stored is not None:
            name = f"files/{stored.sha256}-{(artefact.filename or 'evidence').translate(_UNSAFE)}"
            files[name] = stored.sha256
            entry.update(
                filename=artefact.filename,
                media_type=stored.media_type,
                size=stored.size,
                sha256=stored.sha256,
                file=name,
            )
        found.append(entry)
    return found


def _submissions(session: Session, enrolment_id: int) -> list[dict[str, Any]]:
    """Every version of every answer, with its evidence ids, reviews and appeal."""
    rows = session.execute(
        select(Submission, Requirement.stage, Element.code)
        .join(Requirement, Requirement.id == Submission.requirement_id)
        .join(Element, Element.id == Requirement.element_id)
        .where(Submission.enrolment_id == enrolment_id)
        .order_by(Submission.requirement_id, Submission.version)
    ).all()
    ids = [row[0].id for row in rows]
    items: dict[int, list[int]] = {}
    for submission_id, artefact_id in session.execute(
        select(SubmissionItem.submission_id, SubmissionItem.artefact_id)
        .where(SubmissionItem.submission_id.in_(ids))
        .order_by(SubmissionItem.submission_id, SubmissionItem.position)
    ):
        items.setdefault(submission_id, []).append(artefact_id)
    reviews: dict[int, list[dict[str, Any]]] = {}
    for review in session.scalars(
        select(Review).where(Review.submission_id.in_(ids)).order_by(Review.at, Review.id)
    ):
        reviews.setdefault(review.submission_id, []).append(
            {
                "decision": review.decision,
                "feedback": review.feedback,
                "rubric_level": review.rubric_level,
                "method": review.method,
                "at": _iso(review.at),
            }
        )
    appeals = {
        appeal.submission_id: {"reason": appeal.reason, "at": _iso(appeal.appealed_at)}
        for appeal in session.scalars(select(Appeal).where(Appeal.submission_id.in_(ids)))
    }
    return [
        {
            "id": submission.id,
            "requirement_id": submission.requirement_id,
            "element": element_code,
            "stage": stage,
            "version": submission.version,
            "state": submission.state,
            "note": submission.note,
            "submitted_at": _iso(submission.submitted_at),
            "decided_at": _iso(submission.decided_at),
            "evidence": items.get(submission.id, []),
            "reviews": reviews.get(submission.id, []),
            "appeal": appeals.get(submission.id),
        }
        for submission, stage, element_code in rows
    ]


def _assessor(session: Session, user: User) -> dict[str, Any]:
    """The paths they review and the decisions they made (not others' work or feedback)."""
    return {
        "assigned_paths": list(
            session.scalars(
                select(AssessorAssignment.path_code)
                .where(AssessorAssignment.user_id == user.id)
                .order_by(AssessorAssignment.path_code)
            )
        ),
        "decisions": [
            {"decision": decision, "method": method, "at": _iso(at)}
            for decision, method, at in session.execute(
                select(Review.decision, Review.method, Review.at)
                .where(Review.assessor_id == user.id)
                .order_by(Review.at, Review.id)
            )
        ],
    }


def _mail(session: Session, user: User) -> list[dict[str, Any]]:
    return [
        {
            "subject": message.subject,
            "body": message.body,
            "created_at": _iso(message.created_at),
            "sent_at": _iso(message.sent_at),
        }
        for message in session.scalars(
            select(MailMessage).where(MailMessage.to_address == user.email).order_by(MailMessage.id)
        )
    ]


def _entry(name: str, now: datetime) -> zipfile.ZipInfo:
    """A zip entry dated ``now`` (not the server's clock), compressed."""
    info = zipfile.ZipInfo(name, date_time=now.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
