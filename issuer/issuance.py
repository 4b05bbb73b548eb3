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
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from badges.errors import N_
from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import (
    Achievement as OB3Achievement,
)
from badges.ob3 import (
    AchievementCredential,
    AchievementSubject,
    Criteria,
    JsonObject,
    hashed_email,
    to_json_ld,
)
from badges.outbox import defer
from badges.proofs import create_proof
from issuer.errors import AchievementNotFound
from issuer.identity import did_documents, issuer_profile
from issuer.keys import Keyring, signer_for
from issuer.models import Achievement, Credential, Issuance, Issuer, StatusEntry, StatusList
from issuer.status import (
    REVOCATION,
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
) -> Issuance:
    """Record a pending issuance; the credential is issued by a task sent after commit."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.issuer_id != issuer_id:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    issuance = Issuance(
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        state=PENDING,
        requested_at=now,
    )
    session.add(issuance)
    session.flush()
    defer(session, ISSUE_CREDENTIAL_TASK, issuance.id)
    return issuance


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
    # Revocation only: OB 3.0's schema allows one credentialStatus object, so a suspension
    # entry as well would fail it (reference/ob3-spec.md, credentialStatus).
    status_list = _signed_list(
        session, issuer.id, REVOCATION, keyring=keyring, base_url=base_url, now=now, loader=loader
    )
    entry = allocate_index(session, status_list)
    public_id = str(uuid.uuid4())
    valid_until = (
        now + timedelta(days=achievement.validity_days) if achievement.validity_days else None
    )
    unsigned = to_json_ld(
        _credential_model(issuer, achievement, issuance, base_url=base_url, public_id=public_id,
                          now=now, valid_until=valid_until)
    )  # fmt: skip
    unsigned["credentialStatus"] = _status_entry(base_url, status_list, entry)
    signer = signer_for(session, issuer.id, keyring=keyring)
    signed = create_proof(unsigned, signer=signer, created=now, loader=loader)
    failure = _self_check(
        session, signed, issuer, status_list, base_url=base_url, loader=loader, now=now
    )
    issuance.completed_at = now
    if failure is not None:
        return _fail(session, issuance, entry, failure)
    return _store(session, issuance, signed, entry, now=now, valid_until=valid_until)


def _store(
    session: Session,
    issuance: Issuance,
    signed: JsonObject,
    entry: StatusEntry,
    *,
    now: datetime,
    valid_until: datetime | None,
) -> Issuance:
    """Keep the verified credential and tie its reserved status entry to it."""
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
    )
    session.add(credential)
    session.flush()
    entry.credential_id = credential.id
    issuance.state = ISSUED
    session.flush()
    log.info("Issued credential %s for issuance %s.", credential_id, issuance.id)
    return issuance


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


def _fail(session: Session, issuance: Issuance, entry: StatusEntry, failure: str) -> Issuance:
    """Mark the issuance failed and raise the alarm; its reserved index goes back to the list."""
    log.critical(
        "ALARM: credential for issuance %s failed its self-check and was not stored: %s",
        issuance.id,
        failure,
    )
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
            ),
        ),
    )


def _self_check(
    session: Session,
    signed: dict[str, Any],
    issuer: Issuer,
    status_list: StatusList,
    *,
    base_url: str,
    loader: StaticDocumentLoader,
    now: datetime,
) -> str | None:
    """Verify offline as a stranger would; return why it failed, or None."""
    url = status_list_url(base_url, status_list.id)
    published = json.loads(status_list.credential_json or "{}")
    fetcher = MapFetcher({**did_documents(session, issuer), url: published})
    report = verify_credential(signed, loader=loader, fetcher=fetcher, now=now)
    if report.verified:
        return None
    return "; ".join(
        f"{check.id}: {check.message}" for check in report.checks if check.outcome == Outcome.FAIL
    )
