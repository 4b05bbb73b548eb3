"""Who an issuer is to the world: its DID, the DID document to publish, its OB ``Profile``.

The DID method is chosen once, when the issuer is created (ob3-spec §3.4, §3.5):

* ``BASE_URL`` is https: ``did:web:<host>:issuers:<slug>``, its document served at
  ``/issuers/<slug>/did.json`` with every current and retired key, so keys rotate under one DID
  and what a retired key signed keeps verifying; removing a compromised key unpublishes it.
* otherwise (the embedded default on localhost, which nobody else can resolve): ``did:key``, so
  credentials verify offline anywhere. A did:key *is* its key, so the issuer's DID follows its
  current key: rotation gives the issuer a new DID, and credentials signed before still verify
  because a did:key document is derived from the DID alone. For the same reason removal cannot
  make a did:key credential fail elsewhere; revoke such credentials through the status list.

Changing ``BASE_URL`` later does not change an existing issuer's DID: a DID is an identity.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Organisation
from badges.did import (
    DidError,
    VerificationKey,
    did_key_document,
    did_web_document,
    did_web_from_url,
)
from badges.errors import N_, ConfigurationError, NotFound
from badges.ob3 import Address, Image, Profile
from badges.proofs.multikey import multikey_to_public_key
from issuer.errors import InvalidIssuer, IssuerExists, IssuerNotFound, KeyUnavailable
from issuer.models import Issuer, SigningKey

#: Lower-case letters, digits and inner hyphens: safe in URLs and as a did:web segment.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
#: The did:web document path below BASE_URL (ARCHITECTURE.md, "Interfaces").
DID_DOCUMENT_PATH = "/issuers/{slug}/did.json"
#: Where an uploaded logo is served below BASE_URL (``issuer.web.credentials.issuer_logo``).
LOGO_PATH = "/issuers/{slug}/logo"


def issuer_did_for(base_url: str, slug: str) -> str | None:
    """The did:web an issuer created now gets, or None when it gets a did:key (not https)."""
    if not base_url.startswith("https://"):
        return None
    try:
        return did_web_from_url(base_url.rstrip("/") + DID_DOCUMENT_PATH.format(slug=slug))
    except DidError as err:
        raise ConfigurationError(
            N_("BASE_URL cannot host a did:web: %(reason)s"), params={"reason": err.message}
        ) from err


def create_issuer(
    session: Session,
    organisation_id: int,
    *,
    name: str,
    base_url: str,
    now: datetime,
    slug: str | None = None,
    url: str | None = None,
    email: str | None = None,
    description: str | None = None,
) -> Issuer:
    """Make an organisation an issuer (its slug by default); its DID comes from ``base_url``."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(N_("No organisation %(id)s."), params={"id": organisation_id})
    slug = slug or organisation.slug
    if SLUG.fullmatch(slug) is None:
        raise InvalidIssuer(
            N_("An issuer's short name is 1-64 lower-case letters, digits and inner hyphens."),
            field="slug",
        )
    taken = session.scalar(
        select(Issuer.id).where((Issuer.organisation_id == organisation_id) | (Issuer.slug == slug))
    )
    if taken is not None:
        raise IssuerExists(
            N_("The organisation is already an issuer, or %(slug)s is taken."),
            params={"slug": slug},
        )
    issuer = Issuer(
        organisation_id=organisation_id,
        slug=slug,
        name=_name(name),
        url=_url(url),
        email=_email(email),
        description=(description or "").strip() or None,
        did=issuer_did_for(base_url, slug),
        created_at=now,
    )
    session.add(issuer)
    session.flush()
    return issuer


def get_issuer(session: Session, slug: str) -> Issuer:
    """The issuer with this slug; ``IssuerNotFound`` otherwise."""
    issuer = session.scalar(select(Issuer).where(Issuer.slug == slug))
    if issuer is None:
        raise IssuerNotFound(N_("No issuer called %(slug)s."), params={"slug": slug})
    return issuer


def published_keys(session: Session, issuer: Issuer) -> list[SigningKey]:
    """Current and retired keys, current first (walt.id reads only the first; ob3-spec §3.5)."""
    keys = session.scalars(
        select(SigningKey)
        .where(SigningKey.issuer_id == issuer.id, SigningKey.removed_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
    ).all()
    return sorted(keys, key=lambda key: not key.is_current)


def did_document(session: Session, issuer: Issuer) -> dict[str, Any]:
    """The issuer's DID document: for did:web every published key under ``assertionMethod``."""
    if issuer.did is None:
        raise KeyUnavailable(
            N_("The issuer %(slug)s has no DID yet: generate a signing key."),
            params={"slug": issuer.slug},
        )
    keys = published_keys(session, issuer)
    if issuer.uses_did_web:
        if not keys:
            raise KeyUnavailable(
                N_("The issuer %(slug)s has no published signing key."),
                params={"slug": issuer.slug},
            )
        return did_web_document(issuer.did, [_verification_key(key) for key in keys])
    return did_key_document(issuer.did)


def did_documents(session: Session, issuer: Issuer) -> dict[str, dict[str, Any]]:
    """Every DID document that verifies this issuer's credentials, by DID (for offline export).

    One document for a did:web; one per published key for a did:key issuer, whose DID has
    followed its keys.
    """
    if issuer.did is not None and issuer.uses_did_web:
        return {issuer.did: did_document(session, issuer)}
    documents: dict[str, dict[str, Any]] = {}
    for key in published_keys(session, issuer):
        did = key.verification_method.partition("#")[0]
        documents[did] = did_key_document(did)
    return documents


def issuer_profile(issuer: Issuer, *, base_url: str | None = None) -> Profile:
    """The OB 3.0 ``Profile`` for a credential's ``issuer`` (OB §B.1.14); ``id`` is the DID.

    ``image`` (an OB ``Image``, reference/ob3-spec.md §1.9) is the uploaded logo's public URL
    below ``base_url``, so credentials carry the logo shown on the profile page; without an
    upload (or without ``base_url``) it is the external ``image_url``, if any.
    """
    if issuer.did is None:
        raise KeyUnavailable(
            N_("The issuer %(slug)s has no DID yet: generate a signing key."),
            params={"slug": issuer.slug},
        )
    address = Address(
        street_address=issuer.street_address,
        postal_code=issuer.postal_code,
        address_locality=issuer.address_locality,
        address_region=issuer.address_region,
        address_country_code=issuer.address_country_code,
    )
    return Profile(
        id=issuer.did,
        name=issuer.name,
        url=issuer.url,
        email=issuer.email,
        description=issuer.description,
        image=_logo(issuer, base_url),
        address=address if address != Address() else None,
    )


def _logo(issuer: Issuer, base_url: str | None) -> Image | None:
    """The issuer's logo as an OB ``Image``: the uploaded one first, else the external URL."""
    if issuer.logo_media_type and base_url:
        return Image(id=base_url.rstrip("/") + LOGO_PATH.format(slug=issuer.slug))
    return Image(id=issuer.image_url) if issuer.image_url else None


def _verification_key(key: SigningKey) -> VerificationKey:
    return VerificationKey(
        fragment=key.fragment, public_key=multikey_to_public_key(key.public_key_multibase)
    )


def _name(value: str) -> str:
    name = value.strip()
    if not name or len(name) > 200:
        raise InvalidIssuer(N_("Give the issuer a name of at most 200 characters."), field="name")
    return name


def _url(value: str | None) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url) or len(url) > 2000:
        raise InvalidIssuer(
            N_("The issuer's web address must start with http:// or https://."), field="url"
        )
    return url


def _email(value: str | None) -> str | None:
    address = (value or "").strip().lower()
    if not address:
        return None
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidIssuer(N_("Give the issuer a valid email address."), field="email") from None
    return address
