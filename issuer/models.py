"""Issuers and their signing keys (issue #4): who signs, and with which public keys they verify."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.accounts import Organisation
from badges.db import Base, UTCDateTime


class Issuer(Base):
    """A partner organisation that awards achievements, with its public OB ``Profile`` fields."""

    __tablename__ = "issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One issuer profile per organisation; its admins act for the issuer.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    #: URL-safe short name: ``/issuers/<slug>/did.json`` and the did:web's last segment.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The issuer's home page (OB ``Profile.url``).
    url: Mapped[str | None] = mapped_column(String(2000))
    email: Mapped[str | None] = mapped_column(String(320))
    description: Mapped[str | None] = mapped_column(Text)
    #: Logo URL or data URI reference (OB ``Profile.image``); stored files arrive later.
    image_url: Mapped[str | None] = mapped_column(String(2000))
    #: OB ``Address`` fields, all optional.
    street_address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    address_locality: Mapped[str | None] = mapped_column(String(200))
    address_region: Mapped[str | None] = mapped_column(String(200))
    #: ISO 3166-1 alpha-2.
    address_country_code: Mapped[str | None] = mapped_column(String(2))
    #: ``did:web:…`` fixed at creation when BASE_URL was https; for did:key issuers the did:key of
    #: the current signing key (None until the first key exists). See :mod:`issuer.identity`.
    did: Mapped[str | None] = mapped_column(String(500), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()

    @property
    def uses_did_web(self) -> bool:
        """Whether the issuer's DID is a did:web (keys rotate under one DID)."""
        return self.did is not None and self.did.startswith("did:web:")

    def __repr__(self) -> str:
        return f"<Issuer {self.id} {self.slug}>"


class SigningKey(Base):
    """An Ed25519 key pair of an issuer; the private half only ever as Fernet ciphertext.

    Life cycle: current (signs) -> retired (rotated out; still published so that what it signed
    verifies) or removed (compromised; no longer published, so what it signed fails).
    """

    __tablename__ = "signing_keys"
    __table_args__ = (
        UniqueConstraint("issuer_id", "fragment", name="uq_signing_keys_issuer_id_fragment"),
        # "The issuer's current key" and "every published key" both filter on these.
        Index("ix_signing_keys_issuer_state", "issuer_id", "removed_at", "retired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    #: ``key-N`` under a did:web; the multibase itself under a did:key (did:key v0.9).
    fragment: Mapped[str] = mapped_column(String(100))
    #: The absolute DID URL written into proofs' ``verificationMethod``.
    verification_method: Mapped[str] = mapped_column(String(700), unique=True)
    #: Multikey ``z6Mk…`` (vc-di-eddsa §2.1.1).
    public_key_multibase: Mapped[str] = mapped_column(String(64))
    #: Fernet token over the 32-byte seed; None once retired or removed (never needed again).
    encrypted_private_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Rotated out: still in the DID document, signs nothing new.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Compromised: gone from the DID document, so its credentials fail verification.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_current(self) -> bool:
        """Whether this key signs new credentials."""
        return self.retired_at is None and self.removed_at is None

    @property
    def is_published(self) -> bool:
        """Whether this key belongs in the issuer's DID document."""
        return self.removed_at is None

    def __repr__(self) -> str:
        # Only public facts: the ciphertext stays out even though it is encrypted.
        state = "removed" if self.removed_at else "retired" if self.retired_at else "current"
        return f"<SigningKey {self.id} {self.verification_method} {state}>"
