"""``did:key`` for Ed25519: the DID is ``did:key:`` + the key's Multikey (``z6Mk…``).

The did:key Method v0.9 (https://w3c-ccg.github.io/did-key-spec/): §3.1.2 "Create" / "Read"
expand the DID into a document locally, with one verification method ``did:key:z6Mk…#z6Mk…``
referenced from every relationship. No network, no rotation.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.did.document import VerificationKey, build_did_document
from badges.did.errors import InvalidDid
from badges.proofs.errors import KeyFormatError
from badges.proofs.multikey import multikey_to_public_key, public_key_to_multikey

PREFIX = "did:key:"
#: did:key v0.9 §3.1.2 "Document Creation Algorithm" lists the key under all four.
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_from_public_key(public_key: Ed25519PublicKey) -> str:
    """``did:key:z6Mk…`` for an Ed25519 public key."""
    return PREFIX + public_key_to_multikey(public_key)


def public_key_from_did_key(did: str) -> Ed25519PublicKey:
    """The Ed25519 public key a ``did:key`` (or one of its DID URLs) stands for.

    A DID URL ``did:key:z6Mk…#z6Mk…`` is accepted only when its fragment is the key itself, the
    one verification method a did:key document has.
    """
    multibase = _multibase_of(did)
    try:
        return multikey_to_public_key(multibase)
    except KeyFormatError as err:
        raise InvalidDid(
            "Not an Ed25519 did:key: %(reason)s", params={"reason": err.message}
        ) from err


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document a ``did:key`` expands to (did:key v0.9 "Read")."""
    public_key = public_key_from_did_key(did)
    bare = did.partition("#")[0]
    key = VerificationKey(fragment=_multibase_of(bare), public_key=public_key)
    return build_did_document(bare, [key], relationships=RELATIONSHIPS)


def _multibase_of(did: str) -> str:
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise InvalidDid("A did:key starts with 'did:key:'.")
    bare, sep, fragment = did[len(PREFIX) :].partition("#")
    if sep and fragment != bare:
        raise InvalidDid("A did:key URL's fragment must be the key itself.")
    if not bare.startswith("z6Mk"):
        raise InvalidDid("Only Ed25519 did:keys (did:key:z6Mk…) are supported.")
    return bare
