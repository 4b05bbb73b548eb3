"""Issuers: organisations' identities and signing keys (issue #4; issuance and revocation to come).

Other packages use only what is listed in ``__all__``; private keys never leave
:mod:`issuer.keys`, which hands out :class:`badges.proofs.Signer` objects instead.
"""

from issuer.errors import (
    InvalidIssuer,
    IssuerExists,
    IssuerNotFound,
    KeyStateConflict,
    KeyUnavailable,
    SigningKeyNotFound,
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
from issuer.keys import (
    Keyring,
    current_key,
    generate_key,
    remove_key,
    rotate_key,
    rotate_key_encryption_key,
    signer_for,
)
from issuer.models import Issuer, SigningKey

__all__ = [
    "InvalidIssuer",
    "Issuer",
    "IssuerExists",
    "IssuerNotFound",
    "KeyStateConflict",
    "KeyUnavailable",
    "Keyring",
    "SigningKey",
    "SigningKeyNotFound",
    "create_issuer",
    "current_key",
    "did_document",
    "did_documents",
    "generate_key",
    "get_issuer",
    "issuer_did_for",
    "issuer_profile",
    "published_keys",
    "remove_key",
    "rotate_key",
    "rotate_key_encryption_key",
    "signer_for",
]
