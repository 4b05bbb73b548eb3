"""did:key for Ed25519: the W3C vector's DID, its document, and rejections."""

from __future__ import annotations

import contextlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from badges.did import (
    DidError,
    InvalidDid,
    did_key_document,
    did_key_from_public_key,
    public_key_from_did_key,
    retrieve_verification_method,
)
from badges.proofs.multikey import encode_multibase, public_key_to_multikey

W3C_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_DID = f"did:key:{W3C_KEY}"


def test_the_w3c_did_key_is_its_public_key() -> None:
    key = public_key_from_did_key(W3C_DID)

    assert key.public_bytes_raw().hex() == (
        "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
    )
    assert did_key_from_public_key(key) == W3C_DID
    assert public_key_from_did_key(f"{W3C_DID}#{W3C_KEY}") == key


def test_the_document_has_one_absolute_multikey_method() -> None:
    document = did_key_document(W3C_DID)
    method_id = f"{W3C_DID}#{W3C_KEY}"

    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": W3C_DID,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": W3C_DID,
                "publicKeyMultibase": W3C_KEY,
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityInvocation": [method_id],
        "capabilityDelegation": [method_id],
    }
    key = retrieve_verification_method(document, method_id, relationship="assertionMethod")
    assert key == public_key_from_did_key(W3C_DID)


@pytest.mark.parametrize(
    "did",
    [
        "",
        "did:web:example.com",
        "did:key:",
        f"did:key:{W3C_KEY}#key-1",
        f"did:key:{W3C_KEY[:-1]}",
        "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
        "did:key:z6Mk0OIl",
        "did:key:" + encode_multibase(b"\xed\x01" + b"\x01" * 31),
    ],
)
def test_bad_did_keys_are_rejected(did: str) -> None:
    with pytest.raises(InvalidDid):
        public_key_from_did_key(did)


@given(st.binary(min_size=32, max_size=32))
def test_round_trip(seed: bytes) -> None:
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    did = did_key_from_public_key(key)

    assert did == "did:key:" + public_key_to_multikey(key)
    assert public_key_from_did_key(did) == key


@given(st.text(max_size=80))
def test_garbage_raises_only_did_errors(text: str) -> None:
    for candidate in (text, "did:key:" + text, "did:key:z6Mk" + text):
        with contextlib.suppress(DidError):
            did_key_document(candidate)
