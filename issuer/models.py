"""Issuers and their signing keys (issue #4): who signs, and with which public keys they verify."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
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
    #: Logo URL (OB ``Profile.image``) when the logo lives elsewhere.
    image_url: Mapped[str | None] = mapped_column(String(2000))
    #: An uploaded logo (PNG or SVG, checked on upload), served at ``/issuers/<slug>/logo``.
    logo_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: ``image/png`` or ``image/svg+xml``.
    logo_media_type: Mapped[str | None] = mapped_column(String(32))
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


class Achievement(Base):
    """A badge class an issuer awards (OB ``Achievement``); a credential copies what was awarded."""

    __tablename__ = "achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    #: Markdown (OB ``Criteria.narrative``).
    criteria_narrative: Mapped[str] = mapped_column(Text)
    #: OB ``AchievementType`` vocabulary term (``Badge``, ``Certificate``…), or None.
    achievement_type: Mapped[str | None] = mapped_column(String(100))
    #: Credentials expire (``validUntil``) this many days after issue; None: never.
    validity_days: Mapped[int | None] = mapped_column(Integer)
    #: Bumped on every change, so a credential records which version was awarded.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The badge image (PNG or SVG, checked on upload); credentials are baked into it.
    image_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: ``image/png`` or ``image/svg+xml``; None: the platform's default badge image.
    image_media_type: Mapped[str | None] = mapped_column(String(32))
    #: JSON list of OB ``Alignment`` objects (``targetName``, ``targetUrl``, ``targetFramework``,
    #: ``targetCode``) tying the achievement to competence-framework URIs.
    alignments_json: Mapped[str | None] = mapped_column(Text)
    #: BCP 47 language of name, description and criteria (``inLanguage``).
    language: Mapped[str | None] = mapped_column(String(16))
    #: Credentials also get a suspension entry. Off by default: a second ``credentialStatus``
    #: entry fails OB 3.0's single-object schema (reference/ob3-spec.md §4.3).
    allow_suspension: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Hidden from the award forms; existing credentials are unaffected.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Achievement {self.id} v{self.version}>"


class StatusList(Base):
    """One W3C Bitstring Status List of an issuer, and its latest signed status list credential."""

    __tablename__ = "status_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    #: ``revocation`` or ``suspension`` (Bitstring Status List §2.1 ``statusPurpose``).
    purpose: Mapped[str] = mapped_column(String(16))
    #: Number of entries; at least 131,072 (Bitstring Status List §6.1, herd privacy).
    size: Mapped[int] = mapped_column(Integer)
    #: GZIP + multibase base64url bits (``encodedList``).
    encoded_list: Mapped[str] = mapped_column(Text)
    #: The signed ``BitstringStatusListCredential`` as JSON text; re-signed on every change.
    credential_json: Mapped[str | None] = mapped_column(Text)
    #: Bumped on every change of the bits.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<StatusList {self.id} {self.purpose} v{self.version}>"


class Issuance(Base):
    """A request to award an achievement: pending until the worker issues (or fails) it."""

    __tablename__ = "issuances"
    __table_args__ = (
        # The admin's issued list: newest first per issuer, counts by state, search by email
        # prefix (text_pattern_ops lets PostgreSQL use the index for LIKE 'x%').
        Index("ix_issuances_issuer_id_id", "issuer_id", "id"),
        Index("ix_issuances_issuer_id_state", "issuer_id", "state"),
        Index(
            "ix_issuances_issuer_id_recipient_email",
            "issuer_id",
            "recipient_email",
            postgresql_ops={"recipient_email": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"))
    #: Kept for delivery; the credential itself names the recipient by a salted email hash only.
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(320))
    #: ``pending`` -> ``issued`` | ``failed``.
    state: Mapped[str] = mapped_column(String(16), default="pending")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why the worker gave up (e.g. the self-check failed); never shown to recipients.
    failure_reason: Mapped[str | None] = mapped_column(Text)
    #: The recipient's account: known at request time (validation paths) or set by a claim.
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Who asked for it (an issuer admin); None for automatic issuance.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: SHA-256 hex of the claim link's secret, for recipients without an account; the secret
    #: itself is only ever in the email.
    claim_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: What a validation path adds to the credential (alignments, results, evidence, narrative),
    #: merged in before signing by :func:`issuer.extras.merge_extras`; None for plain awards.
    extras_json: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Set when the issuance came from a bulk award (CSV upload).
    bulk_award_id: Mapped[int | None] = mapped_column(
        ForeignKey("bulk_awards.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<Issuance {self.id} {self.state}>"


class Credential(Base):
    """A signed, self-verified OB 3.0 credential; exactly one per issuance.

    ``(status_list_id, status_index)`` is its revocation entry; the :class:`StatusEntry` of the
    same index is what keeps indexes unique within a list.
    """

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint(
            "status_list_id", "status_index", name="uq_credentials_status_list_id_status_index"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The uuid of ``urn:uuid:…`` and of ``/credentials/<uuid>``.
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    #: Unique: a retried or duplicated task can never store a second credential.
    issuance_id: Mapped[int] = mapped_column(
        ForeignKey("issuances.id", ondelete="CASCADE"), unique=True
    )
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    #: The signed credential, exactly as issued (JSON text).
    document: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    #: Only for achievements that allow suspension (see ``Achievement.allow_suspension``).
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The suspension entry, when the credential has one.
    suspension_list_id: Mapped[int | None] = mapped_column(ForeignKey("status_lists.id"))
    suspension_index: Mapped[int | None] = mapped_column(Integer)
    #: The recipient turned the public link on (private by default): ``/credentials/<uuid>``
    #: and its downloads answer 404 to anyone else while this is off.
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The recipient lets the public page show their name.
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Credential {self.public_id}>"


class StatusEvent(Base):
    """Audit log of revocations, suspensions and reinstatements: who, when and why."""

    __tablename__ = "credential_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )
    #: ``revoke``, ``suspend`` or ``unsuspend``.
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    #: The admin who acted; None for the command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<StatusEvent {self.credential_id} {self.action}>"


class StatusEntry(Base):
    """One allocated index of a status list; unique, so no two credentials ever share a bit."""

    __tablename__ = "status_entries"
    __table_args__ = (
        UniqueConstraint(
            "status_list_id", "status_index", name="uq_status_entries_status_list_id_status_index"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id", ondelete="CASCADE"))
    status_index: Mapped[int] = mapped_column(Integer)
    #: Set once the credential is stored (allocation comes first, in the same transaction).
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credentials.id", ondelete="CASCADE"), index=True
    )

    def __repr__(self) -> str:
        return f"<StatusEntry {self.status_list_id}:{self.status_index}>"


class BulkAward(Base):
    """A CSV of recipients for one achievement: previewed, then issued in the background."""

    __tablename__ = "bulk_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    #: ``preview`` -> ``issuing`` -> ``done``; ``cancelled`` from preview.
    state: Mapped[str] = mapped_column(String(16), default="preview")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    rows: Mapped[list[BulkAwardRow]] = relationship(
        back_populates="bulk_award",
        cascade="all, delete-orphan",
        order_by="BulkAwardRow.row_number",
    )

    def __repr__(self) -> str:
        return f"<BulkAward {self.id} {self.state}>"


class BulkAwardRow(Base):
    """One CSV row: a valid recipient (later tied to its issuance) or the reason it was refused."""

    __tablename__ = "bulk_award_rows"
    __table_args__ = (
        UniqueConstraint(
            "bulk_award_id", "row_number", name="uq_bulk_award_rows_bulk_award_id_row_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bulk_award_id: Mapped[int] = mapped_column(ForeignKey("bulk_awards.id", ondelete="CASCADE"))
    #: The line in the uploaded file (the header is line 1), as the preview names it.
    row_number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    #: Why this row will not be issued (translated msgid); None for a valid row.
    error: Mapped[str | None] = mapped_column(Text)
    issuance_id: Mapped[int | None] = mapped_column(
        ForeignKey("issuances.id", ondelete="SET NULL"), index=True
    )

    bulk_award: Mapped[BulkAward] = relationship(back_populates="rows")

    def __repr__(self) -> str:
        return f"<BulkAwardRow {self.bulk_award_id}:{self.row_number}>"


class ClaimWindow(Base):
    """An event's self-claim window: attendees scan a QR code and claim until it closes."""

    __tablename__ = "claim_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="CASCADE"))
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"))
    #: Unguessable URL token of ``/claim/<token>`` (the QR code's target).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    event_name: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Issue as soon as the email is confirmed; otherwise an admin approves the list.
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<ClaimWindow {self.id}>"


class Claim(Base):
    """One attendee's claim; one per email per window."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("window_id", "email", name="uq_claims_window_id_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("claim_windows.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: Trimmed and lower-cased.
    email: Mapped[str] = mapped_column(String(320))
    #: SHA-256 hex of the confirmation link's secret (the secret is only in the email).
    confirmation_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issuance_id: Mapped[int | None] = mapped_column(ForeignKey("issuances.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<Claim {self.id} window {self.window_id}>"
