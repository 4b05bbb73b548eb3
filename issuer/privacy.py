"""What the issuer holds about a recipient: export it, or erase it with their account (issue #6).

GDPR Art. 15 (access) and Art. 17 (erasure). A recipient's rows are the issuances addressed to
their account or their email address, the credentials issued for them, and the event claims and
bulk-award lines that carry their name and address.

Erasure scrubs the name and the address and turns sharing off, but keeps every ``Credential``
row, its status list entries and the signed document exactly as issued. The person may have
downloaded the credential, put it in a wallet or sent it to an employer; it must keep verifying
there, and the issuer must still be able to revoke it (its status entry) and to see what it signed.
Our credentials name their recipient only by a salted hash of the email (``identityHash`` with a
fresh 128-bit salt, :mod:`badges.ob3.identity`): once the address is gone from the issuance,
only someone who already knows the address can tie the credential to the person.

If a stored document ever did carry the recipient's name (a credential format that names the
subject, or an imported credential), it would still be kept unchanged: the proof covers its
whole content, so editing it would break the copies the person holds, and removing it would
leave the issuer unable to show what it signed when asked to revoke. With sharing off the
platform serves the document to no one but the issuer's own admins, who issued it in the first
place: it is the issuer's record of what it certified (where Art. 17(3)(b) or (e) applies, it
must keep it).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from badges.accounts import User
from issuer.claims import token_hash
from issuer.issuance_requests import FAILED, PENDING
from issuer.models import (
    Achievement,
    BulkAwardRow,
    Claim,
    ClaimWindow,
    Credential,
    Issuance,
    Issuer,
)

#: What an erased name or email address reads as on the issuer's lists.
ERASED = "[erased]"
#: Why a pending issuance of an erased recipient was never completed (shown to issuer admins).
ERASED_BEFORE_ISSUE = "The recipient deleted their account before the credential was issued."


@dataclass(frozen=True, slots=True)
class RecipientErasure:
    """How much was scrubbed; ``cancelled`` pending issuances will never be issued."""

    issuances: int
    credentials: int
    cancelled: int
    claims: int


def export_recipient_data(session: Session, user: User) -> dict[str, Any]:
    """The user's issuances, credentials (signed documents, sharing) and event claims, as JSON."""
    issuances = list(
        session.scalars(select(Issuance).where(_addressed_to(user)).order_by(Issuance.id))
    )
    ids = [issuance.id for issuance in issuances]
    credentials = {
        credential.issuance_id: credential
        for credential in session.scalars(select(Credential).where(Credential.issuance_id.in_(ids)))
    }
    issuers = _names(session, Issuer, {issuance.issuer_id for issuance in issuances})
    achievements = _names(session, Achievement, {issuance.achievement_id for issuance in issuances})
    return {
        "issuances": [
            {
                "id": issuance.id,
                "issuer": issuers.get(issuance.issuer_id),
                "achievement": achievements.get(issuance.achievement_id),
                "state": issuance.state,
                "recipient_name": issuance.recipient_name,
                "recipient_email": issuance.recipient_email,
                "requested_at": _iso(issuance.requested_at),
                "completed_at": _iso(issuance.completed_at),
                "credential": _credential_json(credentials.get(issuance.id)),
            }
            for issuance in issuances
        ],
        "claims": _claims_json(session, user, ids),
    }


def signed_documents(session: Session, user: User) -> list[tuple[str, str]]:
    """``(uuid, signed JSON text)`` of the user's credentials, exactly as issued."""
    rows = session.execute(
        select(Credential.public_id, Credential.document)
        .join(Issuance, Issuance.id == Credential.issuance_id)
        .where(_addressed_to(user))
        .order_by(Credential.id)
    )
    return [(public_id, document) for public_id, document in rows]


def erase_recipient_data(session: Session, user: User, *, now: datetime) -> RecipientErasure:
    """Scrub the user's name and address from the issuer's rows; keep credentials verifiable.

    Pending issuances are failed (nobody is left to issue to) under a row lock, so a worker
    issuing one at this moment finishes first and it is treated as issued. Claim and
    claim-confirmation links stop working. The caller owns the transaction.
    """
    issuances = list(
        session.scalars(
            select(Issuance)
            .where(_addressed_to(user))
            .order_by(Issuance.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    ids = [issuance.id for issuance in issuances]
    cancelled = 0
    for issuance in issuances:
        if issuance.state == PENDING:
            issuance.state = FAILED
            issuance.failure_reason = ERASED_BEFORE_ISSUE
            issuance.completed_at = now
            cancelled += 1
        issuance.recipient_name = ERASED
        issuance.recipient_email = ERASED
        issuance.recipient_user_id = None
        issuance.claim_token_hash = None
    credentials = list(session.scalars(select(Credential).where(Credential.issuance_id.in_(ids))))
    for credential in credentials:
        credential.shared = False
        credential.show_name = False
    claims = _erase_claims(session, user, ids)
    session.execute(
        update(BulkAwardRow)
        .where(or_(BulkAwardRow.email == user.email, BulkAwardRow.issuance_id.in_(ids)))
        .values(name=ERASED, email=ERASED)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    return RecipientErasure(len(issuances), len(credentials), cancelled, claims)


def _addressed_to(user: User) -> ColumnElement[bool]:
    """Issuances of the user's account, and those sent to their address but not yet claimed."""
    return or_(
        Issuance.recipient_user_id == user.id,
        and_(Issuance.recipient_email == user.email, Issuance.recipient_user_id.is_(None)),
    )


def _erase_claims(session: Session, user: User, issuance_ids: Sequence[int]) -> int:
    """Delete claims that never became an issuance; scrub the others (the window's record).

    A scrubbed claim gets a unique address marker (claims are unique per window and email) and
    a fresh random confirmation hash, so the emailed confirmation link no longer works.
    """
    claims = list(
        session.scalars(
            select(Claim).where(or_(Claim.email == user.email, Claim.issuance_id.in_(issuance_ids)))
        )
    )
    for claim in claims:
        if claim.issuance_id is None:
            session.delete(claim)
            continue
        claim.name = ERASED
        claim.email = f"{ERASED}-{claim.id}"
        claim.confirmation_token_hash = token_hash(secrets.token_urlsafe(32))
    return len(claims)


def _claims_json(session: Session, user: User, issuance_ids: Sequence[int]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Claim, ClaimWindow.event_name)
        .join(ClaimWindow, ClaimWindow.id == Claim.window_id)
        .where(or_(Claim.email == user.email, Claim.issuance_id.in_(issuance_ids)))
        .order_by(Claim.id)
    ).all()
    return [
        {
            "event": event_name,
            "name": claim.name,
            "email": claim.email,
            "created_at": _iso(claim.created_at),
            "confirmed_at": _iso(claim.confirmed_at),
            "approved_at": _iso(claim.approved_at),
            "rejected_at": _iso(claim.rejected_at),
            "issuance_id": claim.issuance_id,
        }
        for claim, event_name in rows
    ]


def _credential_json(credential: Credential | None) -> dict[str, Any] | None:
    if credential is None:
        return None
    return {
        "id": credential.public_id,
        "valid_from": _iso(credential.valid_from),
        "valid_until": _iso(credential.valid_until),
        "revoked_at": _iso(credential.revoked_at),
        "revocation_reason": credential.revocation_reason,
        "suspended": credential.suspended,
        "shared": credential.shared,
        "show_name": credential.show_name,
        # Parsed, so that the export is one JSON document; the exact signed text is in
        # :func:`signed_documents`.
        "document": json.loads(credential.document),
    }


def _names(
    session: Session, model: type[Issuer] | type[Achievement], ids: set[int]
) -> dict[int, str]:
    query = select(model.id, model.name).where(model.id.in_(sorted(ids)))
    return dict(session.execute(query).all())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
