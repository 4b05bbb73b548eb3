"""Issuing OB 3.0 credentials: a pending request, then build, sign, self-verify and store.

:func:`request_issuance` writes the pending row and defers ``issuer.issue_credential``, so the
worker runs only once the request is committed (STYLE rule 4). :func:`complete_issuance` is what
the worker runs; it is idempotent, and a credential that fails the verifier's own checks is an
alarm and is never stored (issue #4).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import User, normalise_email
from badges.errors import N_
from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import (
    Achievement as OB3Achievement,
)
from badges.ob3 import (
    AchievementCredential,
    AchievementSubject,
    Alignment,
    Criteria,
    Image,
    JsonObject,
    hashed_email,
    to_json_ld,
)
from badges.outbox import defer
from badges.proofs import create_proof
from issuer.achievements import alignments_of
from issuer.errors import AchievementArchived, AchievementNotFound, InvalidRecipient
from issuer.identity import did_documents, issuer_profile
from issuer.keys import Keyring, signer_for
from issuer.models import Achievement, Credential, Issuance, Issuer, StatusEntry, StatusList
from issuer.notify import notify_recipient
from issuer.status import (
    REVOCATION,
    SUSPENSION,
    allocate_index,
    current_list,
    status_list_credential,
    status_list_url,
)
from verifier import MapFetcher, Outcome, verify_credential

log = logging.getLogger(__name__)

ISSUE_CREDENTIAL_TASK = "issuer.issue_credential"
PENDING, ISSUED, FAILED = "pending", "issued", "failed"


def request_issuance(
    session: Session,
    *,
    issuer_id: int,
    achievement_id: int,
    recipient_name: str,
    recipient_email: str,
    now: datetime,
    recipient_user_id: int | None = None,
    requested_by_id: int | None = None,
) -> Issuance:
    """Record a pending issuance; the credential is issued by a task sent after commit.

    The email is normalised (trimmed, lower-cased) so that the recipient's account finds it.
    """
    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.issuer_id != issuer_id:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    if achievement.archived_at is not None:
        raise AchievementArchived(N_("This achievement is archived and can no longer be awarded."))
    name, email = _recipient(recipient_name, recipient_email)
    if recipient_user_id is None:
        recipient_user_id = session.scalar(select(User.id).where(User.email == email))
    issuance = Issuance(
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        recipient_name=name,
        recipient_email=email,
        state=PENDING,
        requested_at=now,
        recipient_user_id=recipient_user_id,
        requested_by_id=requested_by_id,
    )
    session.add(issuance)
    session.flush()
    defer(session, ISSUE_CREDENTIAL_TASK, issuance.id)
    return issuance


def _recipient(name: str, email: str) -> tuple[str, str]:
    """A usable recipient name and normalised email address, or InvalidRecipient."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidRecipient(
            N_("Give the recipient's name (at most 200 characters)."), field="recipient_name"
        )
    address = normalise_email(email or "")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidRecipient(
            N_("Give a valid email address for the recipient."), field="recipient_email"
        ) from None
    if len(address) > 320:
        raise InvalidRecipient(
            N_("Give a valid email address for the recipient."), field="recipient_email"
        )
    return name, address


def complete_issuance(
    session: Session,
    issuance_id: int,
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader | None = None,
) -> Issuance:
    """Build, sign, self-verify and store the issuance's credential; nothing twice.

    Pass a long-lived ``loader`` (a worker keeps one) to reuse its processed contexts.

    A retried or duplicated task finds the issuance no longer pending and returns it unchanged
    (the row lock and the unique ``credentials.issuance_id`` cover concurrent deliveries).
    """
    issuance = session.get(Issuance, issuance_id, with_for_update=True, populate_existing=True)
    if issuance is None or issuance.state != PENDING:
        return _unchanged(issuance, issuance_id)
    issuer = session.get_one(Issuer, issuance.issuer_id)
    achievement = session.get_one(Achievement, issuance.achievement_id)
    loader = loader if loader is not None else StaticDocumentLoader()
    # Revocation always; suspension only when the achievement allows it, since OB 3.0's schema
    # allows one credentialStatus object and a list fails it (reference/ob3-spec.md §4.3).
    purposes = (REVOCATION, SUSPENSION) if achievement.allow_suspension else (REVOCATION,)
    lists = [
        _signed_list(
            session, issuer.id, purpose, keyring=keyring, base_url=base_url, now=now, loader=loader
        )
        for purpose in purposes
    ]
    entries = [allocate_index(session, status_list) for status_list in lists]
    public_id = str(uuid.uuid4())
    valid_until = (
        now + timedelta(days=achievement.validity_days) if achievement.validity_days else None
    )
    unsigned = to_json_ld(
        _credential_model(issuer, achievement, issuance, base_url=base_url, public_id=public_id,
                          now=now, valid_until=valid_until)
    )  # fmt: skip
    status = [_status_entry(base_url, sl, e) for sl, e in zip(lists, entries, strict=True)]
    unsigned["credentialStatus"] = status[0] if len(status) == 1 else list(status)
    signer = signer_for(session, issuer.id, keyring=keyring)
    signed = create_proof(unsigned, signer=signer, created=now, loader=loader)
    failure = _self_check(session, signed, issuer, lists, base_url=base_url, loader=loader, now=now)
    issuance.completed_at = now
    if failure is not None:
        return _fail(session, issuance, entries, failure)
    credential = _store(session, issuance, signed, entries, now=now, valid_until=valid_until)
    notify_recipient(session, issuance, credential, base_url=base_url, now=now)
    return issuance


def _store(
    session: Session,
    issuance: Issuance,
    signed: JsonObject,
    entries: list[StatusEntry],
    *,
    now: datetime,
    valid_until: datetime | None,
) -> Credential:
    """Keep the verified credential and tie its reserved status entries to it."""
    entry, suspension = entries[0], (entries[1] if len(entries) > 1 else None)
    credential_id = str(signed["id"])
    credential = Credential(
        public_id=credential_id.removeprefix("urn:uuid:"),
        issuance_id=issuance.id,
        issuer_id=issuance.issuer_id,
        document=json.dumps(signed, separators=(",", ":"), ensure_ascii=False),
        valid_from=now,
        valid_until=valid_until,
        status_list_id=entry.status_list_id,
        status_index=entry.status_index,
        suspended=False,
        suspension_list_id=suspension.status_list_id if suspension else None,
        suspension_index=suspension.status_index if suspension else None,
    )
    session.add(credential)
    session.flush()
    for reserved in entries:
        reserved.credential_id = credential.id
    issuance.state = ISSUED
    session.flush()
    log.info("Issued credential %s for issuance %s.", credential_id, issuance.id)
    return credential


def _signed_list(
    session: Session,
    issuer_id: int,
    purpose: str,
    *,
    keyring: Keyring,
    base_url: str,
    now: datetime,
    loader: StaticDocumentLoader,
) -> StatusList:
    """The issuer's current list for ``purpose``, signed once when it is new."""
    status_list = current_list(session, issuer_id, purpose=purpose, now=now)
    if status_list.credential_json is None:
        status_list_credential(
            session, status_list.id, keyring=keyring, base_url=base_url, now=now, loader=loader
        )
    return status_list


def _status_entry(base_url: str, status_list: StatusList, entry: StatusEntry) -> JsonObject:
    """A ``BitstringStatusListEntry`` (Bitstring Status List §2.1); ``id`` is required by OB."""
    url = status_list_url(base_url, status_list.id)
    return {
        "id": f"{url}#{entry.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_list.purpose,
        "statusListIndex": str(entry.status_index),
        "statusListCredential": url,
    }


def _fail(
    session: Session, issuance: Issuance, entries: list[StatusEntry], failure: str
) -> Issuance:
    """Mark the issuance failed and raise the alarm; its reserved indexes go back to the lists."""
    log.critical(
        "ALARM: credential for issuance %s failed its self-check and was not stored: %s",
        issuance.id,
        failure,
    )
    for entry in entries:
        session.delete(entry)
    issuance.state = FAILED
    issuance.failure_reason = failure
    session.flush()
    return issuance


def _unchanged(issuance: Issuance | None, issuance_id: int) -> Issuance:
    if issuance is None:
        raise LookupError(f"no issuance {issuance_id}")  # a task for a row that was never written
    log.info("Issuance %s is already %s; nothing to do.", issuance.id, issuance.state)
    return issuance


def _credential_model(
    issuer: Issuer,
    achievement: Achievement,
    issuance: Issuance,
    *,
    base_url: str,
    public_id: str,
    now: datetime,
    valid_until: datetime | None,
) -> AchievementCredential:
    return AchievementCredential(
        id=f"urn:uuid:{public_id}",
        name=achievement.name,
        issuer=issuer_profile(issuer),
        valid_from=now,
        valid_until=valid_until,
        awarded_date=now,
        credential_subject=AchievementSubject(
            identifier=(hashed_email(issuance.recipient_email),),
            achievement=OB3Achievement(
                id=f"{base_url}/achievements/{achievement.id}",
                name=achievement.name,
                description=achievement.description,
                criteria=Criteria(narrative=achievement.criteria_narrative),
                achievement_type=achievement.achievement_type,
                version=str(achievement.version),
                image=_image(achievement, base_url),
                alignment=tuple(_alignment(item) for item in alignments_of(achievement)),
                in_language=achievement.language,
            ),
        ),
    )


def _self_check(
    session: Session,
    signed: dict[str, Any],
    issuer: Issuer,
    lists: list[StatusList],
    *,
    base_url: str,
    loader: StaticDocumentLoader,
    now: datetime,
) -> str | None:
    """Verify offline as a stranger would; return why it failed, or None."""
    published = {
        status_list_url(base_url, status_list.id): json.loads(status_list.credential_json or "{}")
        for status_list in lists
    }
    fetcher = MapFetcher({**did_documents(session, issuer), **published})
    report = verify_credential(signed, loader=loader, fetcher=fetcher, now=now)
    if report.verified:
        return None
    return "; ".join(
        f"{check.id}: {check.message}" for check in report.checks if check.outcome == Outcome.FAIL
    )


def _image(achievement: Achievement, base_url: str) -> Image | None:
    """OB ``Image`` of an achievement with an uploaded image (served by the public pages)."""
    if achievement.image_media_type is None:
        return None
    return Image(id=f"{base_url}/achievements/{achievement.id}/image")


def _alignment(item: dict[str, str]) -> Alignment:
    return Alignment(
        target_name=item["targetName"],
        target_url=item["targetUrl"],
        target_framework=item.get("targetFramework"),
        target_code=item.get("targetCode"),
    )


@dataclass(frozen=True, slots=True)
class IssuedRow:
    """One line of the admin's issued list: the request, what was awarded, the credential."""

    issuance: Issuance
    achievement_name: str
    credential: Credential | None

    def state(self, now: datetime) -> str:
        """pending, failed, issued, revoked, suspended or expired, as the admin sees it."""
        credential = self.credential
        if credential is None:
            return self.issuance.state
        if credential.revoked_at is not None:
            return "revoked"
        if credential.suspended:
            return "suspended"
        if credential.valid_until is not None and credential.valid_until <= now:
            return "expired"
        return ISSUED


def list_issued(
    session: Session,
    issuer_id: int,
    *,
    search: str = "",
    before: int | None = None,
    limit: int = 50,
) -> list[IssuedRow]:
    """Newest first, ``limit`` rows below issuance id ``before`` (keyset paging, no OFFSET).

    ``search`` matches the start of the recipient's email or name, case-insensitively, so that
    an index can serve it even with a million issuances.
    """
    query = (
        select(Issuance, Achievement.name, Credential)
        .join(Achievement, Achievement.id == Issuance.achievement_id)
        .outerjoin(Credential, Credential.issuance_id == Issuance.id)
        .where(Issuance.issuer_id == issuer_id)
    )
    text = search.strip().lower()
    if text:
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            Issuance.recipient_email.like(pattern, escape="\\")
            | func.lower(Issuance.recipient_name).like(pattern, escape="\\")
        )
    if before is not None:
        query = query.where(Issuance.id < before)
    rows = session.execute(query.order_by(Issuance.id.desc()).limit(limit)).all()
    return [IssuedRow(issuance, name, credential) for issuance, name, credential in rows]


def issuance_counts(session: Session, issuer_id: int) -> dict[str, int]:
    """How many issuances of the issuer are in each state (pending, issued, failed)."""
    rows = session.execute(
        select(Issuance.state, func.count())
        .where(Issuance.issuer_id == issuer_id)
        .group_by(Issuance.state)
    ).all()
    return {str(state): int(count) for state, count in rows}
