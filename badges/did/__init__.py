"""DIDs for issuer keys: ``did:key`` (offline, from the key itself) and ``did:web`` (a domain).

Public API re-exported here; see :mod:`badges.did.key`, :mod:`badges.did.web` and
:mod:`badges.did.document`.
"""

from __future__ import annotations

from badges.did.document import (
    DID_CONTEXTS,
    MULTIKEY,
    VerificationKey,
    build_did_document,
    retrieve_verification_method,
)
from badges.did.errors import DidError, InvalidDid, InvalidDidDocument
from badges.did.key import did_key_document, did_key_from_public_key, public_key_from_did_key
from badges.did.web import did_web_document, did_web_from_url, did_web_to_url

__all__ = [
    "DID_CONTEXTS",
    "MULTIKEY",
    "DidError",
    "InvalidDid",
    "InvalidDidDocument",
    "VerificationKey",
    "build_did_document",
    "did_key_document",
    "did_key_from_public_key",
    "did_web_document",
    "did_web_from_url",
    "did_web_to_url",
    "public_key_from_did_key",
    "retrieve_verification_method",
]
