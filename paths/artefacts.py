"""Evidence items and the artefacts they become, stored once per enrolment (issue #6).

Split from :mod:`paths.submissions` (which re-exports these names). An artefact is found by the
hash of its kind and content, so the same file, link or text given again, for this requirement
or another, is the same artefact; a file's bytes go to the :class:`EvidenceStore` first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.models import Artefact, EvidenceFile
from paths.path_errors import InvalidEvidence
from paths.storage import EvidenceStore, check_upload

MAX_TEXT = 20_000
MAX_LINK = 2000
MAX_FILENAME = 255


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


def artefact_for(
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
    fields, filename = _fields(session, item, store=store, max_upload_mb=max_upload_mb, now=now)
    content = fields["text"] or fields["link"] or fields["file_sha256"]
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


def _fields(
    session: Session, item: EvidenceItem, *, store: EvidenceStore, max_upload_mb: int, now: datetime
) -> tuple[dict[str, str | None], str | None]:
    """The artefact's content columns (one of them set) and its file name, checked and stored."""
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
        fields["text"] = text
    elif item.kind == "link":
        fields["link"] = _check_link(item.link or "")
    elif item.kind == "file":
        data = item.data or b""
        if not data:
            raise InvalidEvidence(N_("The file is empty."), field="file")
        media_type = check_upload(data, max_upload_mb=max_upload_mb)
        fields["file_sha256"] = _store_file(session, data, media_type, store, now)
        filename = _clean_filename(item.filename)
    else:
        raise InvalidEvidence(N_("This kind of evidence is not accepted."), field="kind")
    return fields, filename


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
