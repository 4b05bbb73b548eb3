"""Build DID documents, and read a verification method out of one the careful way.

Controlled Identifiers 1.0 (https://www.w3.org/TR/cid-1.0/): §2.2 verification methods with the
``Multikey`` type, and §3.3 "Retrieve Verification Method" (ob3-spec §3.3), whose checks stop an
attacker's document from claiming a victim's key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.did.errors import InvalidDidDocument
from badges.proofs.errors import KeyFormatError
from badges.proofs.multikey import multikey_to_public_key, public_key_to_multikey

DID_CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
MULTIKEY = "Multikey"


@dataclass(frozen=True, slots=True)
class VerificationKey:
    """A public key to list in a DID document under ``#fragment`` (``key-1``, or the multibase)."""

    fragment: str
    public_key: Ed25519PublicKey


def build_did_document(
    did: str, keys: Sequence[VerificationKey], *, relationships: Sequence[str]
) -> dict[str, Any]:
    """A DID document with absolute method ids, ``controller`` = the DID, listed per relationship.

    Absolute ids and string references only: the 1EdTech validator refuses relative ``#key-1``
    ids and embedded methods in ``assertionMethod`` (ob3-spec §3.5).
    """
    if not keys:
        raise InvalidDidDocument("A DID document needs at least one key.")
    methods = [
        {
            "id": f"{did}#{key.fragment}",
            "type": MULTIKEY,
            "controller": did,
            "publicKeyMultibase": public_key_to_multikey(key.public_key),
        }
        for key in keys
    ]
    document: dict[str, Any] = {"@context": list(DID_CONTEXTS), "id": did}
    document["verificationMethod"] = methods
    for relationship in relationships:
        document[relationship] = [method["id"] for method in methods]
    return document


def retrieve_verification_method(
    document: Mapping[str, Any], verification_method: str, *, relationship: str
) -> Ed25519PublicKey:
    """CID 1.0 §3.3 "Retrieve Verification Method" (steps 2 and 5-8) for an Ed25519 Multikey.

    ``document`` is what the DID (the method's URL without fragment) dereferenced to.
    """
    controller_url, sep, fragment = verification_method.partition("#")
    if not sep or not fragment:
        raise InvalidDidDocument("The verification method URL has no fragment.")
    if document.get("id") != controller_url:
        raise InvalidDidDocument("The DID document's id is not the verification method's DID.")
    method = _find_method(document, verification_method)
    if method.get("controller") != controller_url:
        raise InvalidDidDocument("The verification method's controller is not the DID.")
    references = document.get(relationship)
    if not isinstance(references, list) or not any(
        ref == verification_method
        or (isinstance(ref, dict) and ref.get("id") == verification_method)
        for ref in references
    ):
        raise InvalidDidDocument(
            "The DID document does not list the key under %(relationship)s.",
            params={"relationship": relationship},
        )
    if method.get("type") not in (MULTIKEY, "Ed25519VerificationKey2020"):
        raise InvalidDidDocument("The verification method is not a Multikey.")
    multibase = method.get("publicKeyMultibase")
    if not isinstance(multibase, str):
        raise InvalidDidDocument("The verification method has no publicKeyMultibase.")
    try:
        return multikey_to_public_key(multibase)
    except KeyFormatError as err:
        raise InvalidDidDocument(
            "The verification method's key is unusable: %(reason)s", params={"reason": err.message}
        ) from err


def _find_method(document: Mapping[str, Any], verification_method: str) -> Mapping[str, Any]:
    """Step 6: the method whose absolute ``id`` is the URL (listed, or embedded in a relation)."""
    candidates: list[object] = []
    for member in ("verificationMethod", "assertionMethod", "authentication"):
        value = document.get(member)
        if isinstance(value, list):
            candidates.extend(value)
    for candidate in candidates:
        if isinstance(candidate, dict) and candidate.get("id") == verification_method:
            return candidate
    raise InvalidDidDocument("The DID document has no verification method with that id.")
