"""Issued credentials as their recipients and the public see them: lookup, sharing, claiming.

A credential is private by default (issue #4): only its recipient and its issuer's admins see
``/credentials/<uuid>`` until the recipient turns the public link on. What the page shows comes
from the signed document (what was awarded), except the recipient's name, which the document
does not carry (only a salted email hash) and which is shown only when the recipient allows it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from badges.accounts import Membership, Role
from badges.errors import N_
from badges.jsonld.contexts import OB_V3_CONTEXT, VC_V2_CONTEXT
from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import JsonObject
from issuer.errors import CredentialNotFound
from issuer.identity import did_documents
from issuer.models import Achievement, Credential, Issuance, Issuer, StatusList
from verifier import MapFetcher, VerificationReport, verify_credential

_NOT_FOUND = N_("There is no badge at this address, or its owner has not shared it.")


def get_credential(session: Session, public_id: str) -> Credential:
    """The credential with this uuid; ``CredentialNotFound`` otherwise (also for non-uuids)."""
    credential = session.scalar(
        select(Credential).where(Credential.public_id == _normalised(public_id))
    )
    if credential is None:
        raise CredentialNotFound(_NOT_FOUND)
    return credential


def _normalised(public_id: str) -> str:
    try:
        return str(uuid.UUID(public_id))
    except ValueError:
        raise CredentialNotFound(_NOT_FOUND) from None


def credentials_for_user(session: Session, user_id: int) -> list[Credential]:
    """The user's credentials (issuances tied to their account), newest first."""
    return list(
        session.scalars(
            select(Credential)
            .join(Issuance, Issuance.id == Credential.issuance_id)
            .where(Issuance.recipient_user_id == user_id)
            .order_by(Credential.valid_from.desc(), Credential.id.desc())
        )
    )


def recipient_of(session: Session, credential: Credential) -> int | None:
    """The account the credential belongs to, if it was tied to one."""
    return session.get_one(Issuance, credential.issuance_id).recipient_user_id


def is_issuer_admin(session: Session, user_id: int, issuer_id: int) -> bool:
    """Whether the user administers the issuer (an issuer-admin membership of its organisation)."""
    found = session.scalar(
        select(Membership.user_id)
        .join(Issuer, Issuer.organisation_id == Membership.organisation_id)
        .where(
            Issuer.id == issuer_id,
            Membership.user_id == user_id,
            Membership.role == Role.ISSUER_ADMIN,
        )
    )
    return found is not None


def can_view(session: Session, credential: Credential, user_id: int | None) -> bool:
    """Shared credentials are public; private ones only for their recipient and issuer admins."""
    if credential.shared:
        return True
    if user_id is None:
        return False
    return recipient_of(session, credential) == user_id or is_issuer_admin(
        session, user_id, credential.issuer_id
    )


def visible_credential(session: Session, public_id: str, user_id: int | None) -> Credential:
    """The credential if this viewer may see it; ``CredentialNotFound`` (404) otherwise."""
    credential = get_credential(session, public_id)
    if not can_view(session, credential, user_id):
        raise CredentialNotFound(_NOT_FOUND)
    return credential


def set_sharing(
    session: Session, credential: Credential, *, user_id: int, shared: bool, show_name: bool
) -> Credential:
    """Turn the public link and the name on the public page on or off; only for the recipient."""
    if recipient_of(session, credential) != user_id:
        raise CredentialNotFound(_NOT_FOUND)  # do not reveal that it exists
    credential.shared = shared
    credential.show_name = show_name
    session.flush()
    return credential


def claim_token_hash(secret: str) -> str:
    """SHA-256 hex of a claim link's secret, as stored on the issuance."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def claim_credential(session: Session, secret: str, *, user_id: int) -> Issuance:
    """Tie the issuance of a claim link to the user; the link works once.

    Raises:
        NotFound: the link is wrong or was used already.
    """
    issuance = session.scalar(
        select(Issuance)
        .where(Issuance.claim_token_hash == claim_token_hash(secret))
        .with_for_update()
    )
    if issuance is None:
        raise CredentialNotFound(
            N_("This claim link is wrong or was used already. Ask the issuer for a new one.")
        )
    issuance.recipient_user_id = user_id
    issuance.claim_token_hash = None
    session.flush()
    return issuance


def find_claim(session: Session, secret: str) -> Issuance | None:
    """The issuance a claim link would claim, without claiming it."""
    return session.scalar(
        select(Issuance).where(Issuance.claim_token_hash == claim_token_hash(secret))
    )


@dataclass(frozen=True, slots=True)
class CredentialView:
    """What a page shows about one credential."""

    public_id: str
    achievement_id: int
    achievement_name: str
    description: str
    criteria_narrative: str
    issuer_name: str
    issuer_url: str | None
    issuer_slug: str
    #: None unless the recipient allows their name on the public page (or ``with_name``).
    recipient_name: str | None
    issued: datetime
    expires: datetime | None
    revoked: bool
    suspended: bool
    expired: bool
    shared: bool
    show_name: bool


#: What a view needs besides the credential row: one round trip, not one per table (issue #5).
_VIEW_COLUMNS = (
    Issuance.achievement_id,
    Issuance.recipient_name,
    Issuance.recipient_user_id,
    Issuer.name.label("issuer_name"),
    Issuer.url.label("issuer_url"),
    Issuer.slug.label("issuer_slug"),
)


def credential_view(
    session: Session, credential: Credential, *, now: datetime, with_name: bool = False
) -> CredentialView:
    """Build the view from the signed document and the rows (``with_name``: for the recipient)."""
    rows = session.execute(
        select(*_VIEW_COLUMNS)
        .select_from(Issuance)
        .join(Issuer, Issuer.id == credential.issuer_id)
        .where(Issuance.id == credential.issuance_id)
    ).one()  # both rows exist (foreign keys), like ``get_one``
    return _view(credential, rows, now=now, with_name=with_name)


def visible_credential_view(
    session: Session, public_id: str, user_id: int | None, *, now: datetime
) -> tuple[Credential, CredentialView]:
    """:func:`visible_credential` and its public view (no name unless allowed) in one select.

    The public page (a QR target) is asked for far more than anything else (issue #5).
    """
    found = session.execute(
        select(Credential, *_VIEW_COLUMNS)
        .join(Issuance, Issuance.id == Credential.issuance_id)
        .join(Issuer, Issuer.id == Credential.issuer_id)
        .where(Credential.public_id == _normalised(public_id))
    ).one_or_none()
    if found is None:
        raise CredentialNotFound(_NOT_FOUND)
    credential: Credential = found.Credential
    if not credential.shared and (
        user_id is None
        or (
            found.recipient_user_id != user_id
            and not is_issuer_admin(session, user_id, credential.issuer_id)
        )
    ):
        raise CredentialNotFound(_NOT_FOUND)  # same rule as :func:`can_view`
    return credential, _view(credential, found, now=now, with_name=False)


def _view(
    credential: Credential, rows: Row[*tuple[Any, ...]], *, now: datetime, with_name: bool
) -> CredentialView:
    document: dict[str, Any] = json.loads(credential.document)
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    criteria = achievement.get("criteria") or {}
    return CredentialView(
        public_id=credential.public_id,
        achievement_id=rows.achievement_id,
        achievement_name=str(achievement.get("name") or document.get("name") or ""),
        description=str(achievement.get("description") or ""),
        criteria_narrative=str(criteria.get("narrative") or ""),
        issuer_name=rows.issuer_name,
        issuer_url=rows.issuer_url,
        issuer_slug=rows.issuer_slug,
        recipient_name=rows.recipient_name if credential.show_name or with_name else None,
        issued=credential.valid_from,
        expires=credential.valid_until,
        revoked=credential.revoked_at is not None,
        suspended=credential.suspended,
        expired=credential.valid_until is not None and credential.valid_until <= now,
        shared=credential.shared,
        show_name=credential.show_name,
    )


def published_fetcher(session: Session, issuer_id: int) -> MapFetcher:
    """The issuer's DID documents and signed status lists, as a stranger would fetch them."""
    issuer = session.get_one(Issuer, issuer_id)
    documents: dict[str, Any] = dict(did_documents(session, issuer))
    lists = session.scalars(
        select(StatusList).where(
            StatusList.issuer_id == issuer_id, StatusList.credential_json.is_not(None)
        )
    )
    for status_list in lists:
        published = status_list.credential_json or "{}"
        # Under its own id (its URL), as the exact bytes ``GET /status/<id>`` serves.
        documents[str(json.loads(published).get("id"))] = published.encode()
    return MapFetcher(documents)


def verify_stored(
    session: Session,
    credential: Credential,
    *,
    loader: StaticDocumentLoader,
    now: datetime,
) -> VerificationReport:
    """Verify the stored credential now, offline, against what we publish."""
    fetcher = published_fetcher(session, credential.issuer_id)
    return verify_credential(
        json.loads(credential.document), loader=loader, fetcher=fetcher, now=now
    )


def achievement_document(achievement: Achievement, issuer: Issuer, *, base_url: str) -> JsonObject:
    """The OB 3.0 ``Achievement`` (OB §B.1.1) that ``/achievements/<id>`` describes."""
    achievement_url = f"{base_url}/achievements/{achievement.id}"
    document: JsonObject = {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
        "id": achievement_url,
        "type": ["Achievement"],
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria_narrative},
        "image": {"id": f"{achievement_url}/image", "type": "Image"},
        "creator": {"id": issuer.did or f"{base_url}/issuers/{issuer.slug}", "type": ["Profile"],
                    "name": issuer.name},
        "version": str(achievement.version),
    }  # fmt: skip
    if achievement.achievement_type:
        document["achievementType"] = achievement.achievement_type
    if achievement.language:
        document["inLanguage"] = achievement.language
    if achievement.alignments_json:
        document["alignment"] = json.loads(achievement.alignments_json)
    return document


#: LinkedIn's "Add licence or certification" form, prefilled (LinkedIn "Add to Profile" docs).
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_url(view: CredentialView, *, page_url: str) -> str:
    """A link that opens LinkedIn's certification form filled in with this badge."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": view.achievement_name,
        "organizationName": view.issuer_name,
        "issueYear": str(view.issued.year),
        "issueMonth": str(view.issued.month),
    }
    if view.expires is not None:
        params["expirationYear"] = str(view.expires.year)
        params["expirationMonth"] = str(view.expires.month)
    params["certUrl"] = page_url
    params["certId"] = view.public_id
    return f"{LINKEDIN_ADD}?{urlencode(params)}"
