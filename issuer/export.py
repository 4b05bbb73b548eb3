"""Export every issued credential for offline verification (``badges credentials export``).

Writes ``<uuid>.json`` (the signed document exactly as stored) and the baked ``<uuid>.png`` per
credential, plus ``did-documents.json`` and ``status-lists.json`` in the map format that
``badges verify --did-documents/--status-lists`` reads (:class:`verifier.MapFetcher`). Credentials
are read in keyset-paginated batches, so a million of them never sit in memory at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.baking import bake_png
from issuer.errors import KeyUnavailable
from issuer.identity import did_documents
from issuer.models import Achievement, Credential, Issuance, Issuer, StatusList
from issuer.rendering import png_base

DID_DOCUMENTS_FILE = "did-documents.json"
STATUS_LISTS_FILE = "status-lists.json"
BATCH_SIZE = 500


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """How much was written."""

    credentials: int
    did_documents: int
    status_lists: int


def export_credentials(
    session: Session, out: Path, *, batch_size: int = BATCH_SIZE
) -> ExportSummary:
    """Write every issued credential, its baked PNG, and the maps to verify them offline."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    bases: dict[int, bytes] = {}  # one PNG per achievement; achievements are few
    for credential, achievement_id in _batches(session, batch_size):
        if achievement_id not in bases:
            bases[achievement_id] = png_base(session.get_one(Achievement, achievement_id))
        (out / f"{credential.public_id}.json").write_text(credential.document, encoding="utf-8")
        (out / f"{credential.public_id}.png").write_bytes(
            bake_png(bases[achievement_id], credential.document)
        )
        count += 1
    dids = _did_documents(session)
    lists = _status_lists(session)
    _write_json(out / DID_DOCUMENTS_FILE, dids)
    _write_json(out / STATUS_LISTS_FILE, lists)
    return ExportSummary(credentials=count, did_documents=len(dids), status_lists=len(lists))


def _batches(session: Session, batch_size: int) -> Iterator[tuple[Credential, int]]:
    """Credentials with their achievement id, by ascending id, ``batch_size`` per query."""
    last_id = 0
    while True:
        rows = session.execute(
            select(Credential, Issuance.achievement_id)
            .join(Issuance, Issuance.id == Credential.issuance_id)
            .where(Credential.id > last_id)
            .order_by(Credential.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        yield from ((credential, achievement_id) for credential, achievement_id in rows)
        last_id = rows[-1][0].id
        session.expunge_all()  # let the batch go


def _did_documents(session: Session) -> dict[str, Any]:
    documents: dict[str, Any] = {}
    for issuer in session.scalars(select(Issuer).where(Issuer.did.is_not(None))):
        try:
            documents.update(did_documents(session, issuer))
        except KeyUnavailable:
            continue  # a did:web issuer without keys has signed nothing
    return documents


def _status_lists(session: Session) -> dict[str, Any]:
    lists: dict[str, Any] = {}
    for text in session.scalars(
        select(StatusList.credential_json).where(StatusList.credential_json.is_not(None))
    ):
        document = json.loads(text or "{}")
        lists[str(document["id"])] = document
    return lists


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False), encoding="utf-8")
