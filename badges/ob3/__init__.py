"""Open Badges 3.0: the credential data model, its exact JSON shape, and hashed recipients.

Build an :class:`AchievementCredential`, write it with :func:`to_json_ld`, read any OB 3.0
credential (VCDM 2.0, or VCDM 1.1 tolerated) with :func:`from_json_ld`. Recipients are named by
:func:`hashed_email` and recognised by :func:`matches`. Spec notes: ``reference/ob3-spec.md`` §1.
"""

from badges.ob3.identity import (
    EMAIL_ADDRESS,
    hashed_email,
    identity_hash,
    matches,
    normalize_email,
)
from badges.ob3.model import (
    OPEN_BADGE_CREDENTIAL_TYPE,
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Address,
    Alignment,
    BitstringStatusListEntry,
    CredentialSchema,
    CredentialStatus,
    Criteria,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    Profile,
    RefreshService,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    TermsOfUse,
)
from badges.ob3.serialize import CredentialFormatError, format_timestamp, from_json_ld, to_json_ld
from badges.ob3.values import JsonObject, JsonValue

__all__ = [
    "EMAIL_ADDRESS",
    "OPEN_BADGE_CREDENTIAL_TYPE",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "BitstringStatusListEntry",
    "CredentialFormatError",
    "CredentialSchema",
    "CredentialStatus",
    "Criteria",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "JsonObject",
    "JsonValue",
    "Profile",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "TermsOfUse",
    "format_timestamp",
    "from_json_ld",
    "hashed_email",
    "identity_hash",
    "matches",
    "normalize_email",
    "to_json_ld",
]
