"""Submit evidence for a requirement: files, links and texts; every version is kept (issue #6).

A submission is one version of the participant's answer to one requirement, made of artefacts.
An artefact is the evidence itself, stored once per enrolment by content hash, so the same file
sent for three competences is one artefact in three submissions. Sending again while a version
waits for review replaces it (the old one is ``superseded``, not deleted); sending after a
rejection adds the next version. Sending exactly what is already waiting is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.enrolment import active_enrolment
from paths.models import Artefact, EvidenceFile, Requirement, Submission, SubmissionItem
from paths.path_errors import (
    DuplicateSubmission,
    InvalidEvidence,
    RequirementAlreadyApproved,
    RequirementNotFound,
)
from paths.storage import EvidenceStore, check_upload

MAX_TEXT = 20_000
MAX_LINK = 2000
MAX_FILENAME = 255
MAX_ITEMS = 20


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One piece of evidence as the participant gives it; build with the class methods."""

    kind: str
    text: str | None = None
    link: str | None = None
    data: bytes | None = None
    filename: str | None = None
    #: An artefact of the same enrolment given earlier (one artefact, several requirements).
    artefact_id: int | None = None

    @classmethod
    def of_text(cls, text: str) -> EvidenceItem:
        """A written statement."""
        return cls("text", text=text)

    @classmethod
    def of_link(cls, link: str) -> EvidenceItem:
        """A web address (a published report, a repository, a video)."""
        return cls("link", link=link)

    @classmethod
    def of_file(cls, data: bytes, filename: str) -> EvidenceItem:
        """An uploaded file; its type is sniffed from the bytes, never from ``filename``."""
        return cls("file", data=data, filename=filename)

    @classmethod
    def reuse(cls, artefact_id: int) -> EvidenceItem:
        """Evidence already given in this enrolment."""
        return cls("artefact", artefact_id=artefact_id)


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
    requirement = session.get(Requirement, requirement_id)
    if (
        requirement is None
        or requirement.path_id != enrolment.path_id
        or requirement.stage == "identification"
    ):
        raise RequirementNotFound
    _check_items(requirement, items, note)
    previous = list(
        session.scalars(
            select(Submission)
            .where(
                Submission.enrolment_id == enrolment.id,
                Submission.requirement_id == requirement.id,
            )
            .order_by(Submission.version)
        )
    )
    if any(s.state == "approved" for s in previous):
        raise RequirementAlreadyApproved
    artefacts = [
        _artefact(session, enrolment.id, item, store=store, max_upload_mb=max_upload_mb, now=now)
        for item in items
    ]
    artefact_ids = [a.id for a in artefacts]
    pending = [s for s in previous if s.state == "submitted"]
    for waiting in pending:
        if [item.artefact_id for item in waiting.items] == artefact_ids:
            raise DuplicateSubmission
    for waiting in pending:
        waiting.state = "superseded"
    version = (
        session.scalar(
            select(func.max(Submission.version)).where(
                Submission.enrolment_id == enrolment.id,
                Submission.requirement_id == requirement.id,
            )
        )
        or 0
    ) + 1
    submission = Submission(
        enrolment_id=enrolment.id,
        requirement_id=requirement.id,
        version=version,
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


def _artefact(
    session: Session,
    enrolment_id: int,
    item: EvidenceItem,
    *,
    store: EvidenceStore,
    max_upload_mb: int,
    now: datetime,
) -> Artefact:
    """The artefact for ``item``: an earlier one with the same content, or a new one."""
    if item.kind == "artefact":
        artefact = session.get(Artefact, item.artefact_id) if item.artefact_id else None
        if artefact is None or artefact.enrolment_id != enrolment_id:
            raise InvalidEvidence(N_("This earlier evidence does not exist."), field="artefact")
        return artefact
    fields: dict[str, str | None] = {"text": None, "link": None, "file_sha256": None}
    filename: str | None = None
    if item.kind == "text":
        text = (item.text or "").strip()
        if not text:
            raise InvalidEvidence(N_("The text is empty."), field="text")
        if len(text) > MAX_TEXT:
            raise InvalidEvidence(
                N_("The text can be at most %(max)s characters."),
                params={"max": MAX_TEXT},
                field="text",
            )
        fields["text"] = content = text
    elif item.kind == "link":
        fields["link"] = content = _check_link(item.link or "")
    elif item.kind == "file":
        data = item.data or b""
        if not data:
            raise InvalidEvidence(N_("The file is empty."), field="file")
        media_type = check_upload(data, max_upload_mb=max_upload_mb)
        fields["file_sha256"] = content = _store_file(session, data, media_type, store, now)
        filename = _clean_filename(item.filename)
    else:
        raise InvalidEvidence(N_("This kind of evidence is not accepted."), field="kind")
    content_hash = hashlib.sha256(f"{item.kind}\n{content}".encode()).hexdigest()
    artefact = session.scalar(
        select(Artefact).where(
            Artefact.enrolment_id == enrolment_id, Artefact.content_hash == content_hash
        )
    )
    if artefact is None:
        artefact = Artefact(
            enrolment_id=enrolment_id,
            kind=item.kind,
            content_hash=content_hash,
            filename=filename,
            created_at=now,
            **fields,
        )
        session.add(artefact)
        session.flush()
    return artefact


def _store_file(
    session: Session, data: bytes, media_type: str, store: EvidenceStore, now: datetime
) -> str:
    """Put the bytes in the store and make sure their row exists; returns the SHA-256.

    The file is written before the row: if the transaction then fails, an unreferenced file is
    left behind (harmless, and swept by content hash), never a row without its file.
    """
    sha256 = store.put(data)
    if session.get(EvidenceFile, sha256) is None:
        try:
            with session.begin_nested():
                session.add(
                    EvidenceFile(
                        sha256=sha256, size=len(data), media_type=media_type, stored_at=now
                    )
                )
        except IntegrityError:  # another upload of the same file won the race: same row
            pass
    return sha256


def _check_link(link: str) -> str:
    link = link.strip()
    parts = urlsplit(link)
    if (
        len(link) > MAX_LINK
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in link)
    ):
        raise InvalidEvidence(
            N_("Enter a web address that starts with https:// or http://."), field="link"
        )
    return link


def _clean_filename(filename: str | None) -> str:
    """The last path segment, without control characters, shortened; only ever displayed."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[-MAX_FILENAME:] or "evidence"
