"""Issuers: identities, signing keys, issuance and revocation by status list (issue #4).

Other packages use only what is listed in ``__all__``; private keys never leave
:mod:`issuer.keys`, which hands out :class:`badges.proofs.Signer` objects instead.
"""

from issuer.errors import (
    AchievementNotFound,
    CredentialNotFound,
    InvalidIssuer,
    IssuerExists,
    IssuerNotFound,
    KeyStateConflict,
    KeyUnavailable,
    SigningKeyNotFound,
    StatusListNotFound,
)
from issuer.identity import (
    create_issuer,
    did_document,
    did_documents,
    get_issuer,
    issuer_did_for,
    issuer_profile,
    published_keys,
)
from issuer.issuance import complete_issuance, complete_issuances
from issuer.issuance_requests import IssuanceRequest, request_issuance, request_issuances
from issuer.keys import (
    Keyring,
    current_key,
    generate_key,
    remove_key,
    rotate_key,
    rotate_key_encryption_key,
    signer_for,
)
from issuer.models import (
    Achievement,
    Credential,
    Issuance,
    Issuer,
    SigningKey,
    StatusEntry,
    StatusList,
)
from issuer.privacy import (
    RecipientErasure,
    erase_recipient_data,
    export_recipient_data,
    signed_documents,
)
from issuer.status import revoke
from issuer.status_signing import status_list_credential

__all__ = [
    "Achievement",
    "AchievementNotFound",
    "Credential",
    "CredentialNotFound",
    "InvalidIssuer",
    "Issuance",
    "IssuanceRequest",
    "Issuer",
    "IssuerExists",
    "IssuerNotFound",
    "KeyStateConflict",
    "KeyUnavailable",
    "Keyring",
    "RecipientErasure",
    "SigningKey",
    "SigningKeyNotFound",
    "StatusEntry",
    "StatusList",
    "StatusListNotFound",
    "complete_issuance",
    "complete_issuances",
    "create_issuer",
    "current_key",
    "did_document",
    "did_documents",
    "erase_recipient_data",
    "export_recipient_data",
    "generate_key",
    "get_issuer",
    "issuer_did_for",
    "issuer_profile",
    "published_keys",
    "remove_key",
    "request_issuance",
    "request_issuances",
    "revoke",
    "rotate_key",
    "rotate_key_encryption_key",
    "signed_documents",
    "signer_for",
    "status_list_credential",
]
