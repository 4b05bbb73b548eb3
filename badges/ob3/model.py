"""The OB 3.0 credential: AchievementCredential, AchievementSubject and the VC parts around them.

OB 3.0 §B.1.2 AchievementCredential, §B.1.3 AchievementSubject, §B.1.9 Evidence, §B.1.21-26
(https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential); W3C Bitstring Status List v1.0
§BitstringStatusListEntry. Summary in ``reference/ob3-spec.md`` §1.1, §1.2, §1.4, §4.2.

Every class is a frozen value object with keyword-only fields named after the spec's terms in
snake_case (``targetUrl`` → ``target_url``); :mod:`badges.ob3.serialize` writes and reads the JSON.
Timestamps are normalised to UTC at whole seconds on construction (that is how OB writes them);
naive datetimes are refused. Parts the model does not interpret (proofs, endorsements, other
status methods, terms of use) are kept as JSON objects.

This module re-exports the classes of :mod:`badges.ob3.profile`, :mod:`badges.ob3.achievement` and
:mod:`badges.ob3.identity`, so ``badges.ob3.model`` names the whole model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from badges.ob3.achievement import (
    Achievement,
    Alignment,
    Criteria,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
)
from badges.ob3.identity import IdentityObject
from badges.ob3.profile import Address, GeoCoordinates, IdentifierEntry, Image, Profile
from badges.ob3.values import JsonObject, require_finite, require_type, require_uri, utc_timestamp

__all__ = [
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "BitstringStatusListEntry",
    "CredentialSchema",
    "CredentialStatus",
    "Criteria",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Profile",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "TermsOfUse",
]

#: The ``type`` we issue. ``AchievementCredential`` is an alias the OB context maps to
#: ``OpenBadgeCredential``; verifiers must accept either, DCC selects its schema by this one.
OPEN_BADGE_CREDENTIAL_TYPE = ("VerifiableCredential", "OpenBadgeCredential")
_CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
#: Far beyond any real list (the minimum is 131,072 entries); keeps indexes to 20 digits.
MAX_STATUS_LIST_INDEX = 10**20 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """What the recipient did to earn the credential; ``id`` is a URL (avoid large Data URIs)."""

    id: str | None = None
    type: tuple[str, ...] = ("Evidence",)
    name: str | None = None
    narrative: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None

    def __post_init__(self) -> None:
        require_type(self.type, "Evidence", "Evidence.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementSubject:
    """The recipient (``credentialSubject``) and the achievement awarded to them.

    The spec requires ``id`` or at least one ``identifier``; the issuer path enforces it in
    :func:`badges.ob3.serialize.to_json_ld`, the verifier reports it as a check.
    """

    id: str | None = None
    type: tuple[str, ...] = ("AchievementSubject",)
    identifier: tuple[IdentityObject, ...] = ()
    achievement: Achievement
    result: tuple[Result, ...] = ()
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None
    credits_earned: float | None = None
    image: Image | None = None
    license_number: str | None = None
    narrative: str | None = None
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    def __post_init__(self) -> None:
        require_type(self.type, "AchievementSubject", "AchievementSubject.type")
        require_finite(self.credits_earned, "AchievementSubject.creditsEarned")
        for name in ("activity_start_date", "activity_end_date"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, utc_timestamp(value, name))


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialSchema:
    """A schema the credential claims to follow (``1EdTechJsonSchemaValidator2019`` + URL)."""

    id: str
    type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BitstringStatusListEntry:
    """Where the credential's revocation (or suspension) bit lives.

    ``status_list_index`` is an integer here and a base-10 string in JSON, as the W3C
    recommendation requires. ``id`` must not be the list URL; we write ``<list URL>#<index>``.
    ``statusMessage`` and ``statusReference`` are not modelled (we issue single-bit lists).
    """

    TYPE: ClassVar[str] = "BitstringStatusListEntry"

    id: str | None = None
    status_purpose: str
    status_list_index: int
    status_list_credential: str
    status_size: int | None = None

    @property
    def type(self) -> str:
        """The status method, ``BitstringStatusListEntry``."""
        return self.TYPE

    def __post_init__(self) -> None:
        if not 0 <= self.status_list_index <= MAX_STATUS_LIST_INDEX:
            raise ValueError(f"statusListIndex must be between 0 and {MAX_STATUS_LIST_INDEX}")
        if self.status_size is not None and self.status_size < 1:
            raise ValueError("statusSize must be one or more")
        if self.id is not None and self.id == self.status_list_credential:
            raise ValueError("a status entry's id must not be the status list URL")


def _refuse_repeated_members(owner: object, properties: JsonObject) -> None:
    """Extra JSON properties must not shadow the modelled ``id`` and ``type``."""
    if {"id", "type"} & properties.keys():
        raise ValueError(f"{type(owner).__name__}.properties must not repeat id or type")


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialStatus:
    """A status method other than a Bitstring Status List, kept as its other JSON properties."""

    id: str | None = None
    type: str
    properties: JsonObject = field(default_factory=dict)

    def __post_init__(self) -> None:
        _refuse_repeated_members(self, self.properties)


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshService:
    """How to get a fresh copy of the credential (``1EdTechCredentialRefresh``)."""

    id: str
    type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TermsOfUse:
    """A term of use; everything beyond ``id`` and ``type`` is kept as JSON properties."""

    id: str | None = None
    type: str
    properties: JsonObject = field(default_factory=dict)

    def __post_init__(self) -> None:
        _refuse_repeated_members(self, self.properties)


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementCredential:
    """An awarded achievement: an OB 3.0 ``OpenBadgeCredential`` on the VC Data Model 2.0.

    ``contexts`` holds only the contexts after the two fixed ones (VC v2, OB 3.0.3), e.g. the OB
    extensions context that ``1EdTechJsonSchemaValidator2019`` needs. ``proof`` and ``endorsement``
    entries are opaque JSON objects: proofs are made and checked over JSON by
    :mod:`badges.proofs`, and endorsements are credentials of their own.
    """

    id: str
    type: tuple[str, ...] = OPEN_BADGE_CREDENTIAL_TYPE
    name: str | None = None
    description: str | None = None
    image: Image | None = None
    issuer: Profile
    valid_from: datetime
    valid_until: datetime | None = None
    awarded_date: datetime | None = None
    credential_subject: AchievementSubject
    evidence: tuple[Evidence, ...] = ()
    credential_schema: tuple[CredentialSchema, ...] = ()
    credential_status: BitstringStatusListEntry | CredentialStatus | None = None
    refresh_service: RefreshService | None = None
    terms_of_use: tuple[TermsOfUse, ...] = ()
    endorsement: tuple[JsonObject, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()
    proof: tuple[JsonObject, ...] = ()
    contexts: tuple[str | JsonObject, ...] = ()

    def __post_init__(self) -> None:
        require_uri(self.id, "AchievementCredential.id")
        require_type(self.type, "VerifiableCredential", "AchievementCredential.type")
        if not _CREDENTIAL_TYPES & set(self.type):
            raise ValueError(
                "AchievementCredential.type must include 'OpenBadgeCredential' or "
                "'AchievementCredential'"
            )
        object.__setattr__(self, "valid_from", utc_timestamp(self.valid_from, "validFrom"))
        for name in ("valid_until", "awarded_date"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, utc_timestamp(value, name))
