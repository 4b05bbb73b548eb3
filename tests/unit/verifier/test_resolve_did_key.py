"""did:key resolution: remembered (a pure function of the URL), yet checked as ever."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badges.errors import DomainError
from tests.unit.verifier.builders import did_key_signer
from verifier import MapFetcher
from verifier.resolve import KeyResolver, resolve_verification_method


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_a_did_key_resolves_to_its_key_and_binding_every_time() -> None:
    signer = did_key_signer("resolve-memo")
    method = signer.verification_method
    did, _, fragment = method.partition("#")
    first_key, first = resolve_verification_method(method, MapFetcher({}))
    second_key, second = resolve_verification_method(method, MapFetcher({}))
    assert _raw(first_key) == _raw(signer.public_key)
    assert (first.controller, first.public_key, first.method) == (did, fragment, "did:key")
    assert (second_key, second) == (first_key, first)


def test_another_did_key_gets_its_own_key() -> None:
    one, two = did_key_signer("resolve-one"), did_key_signer("resolve-two")
    key_one, _ = resolve_verification_method(one.verification_method, MapFetcher({}))
    key_two, _ = resolve_verification_method(two.verification_method, MapFetcher({}))
    assert _raw(key_one) == _raw(one.public_key)
    assert _raw(key_two) == _raw(two.public_key)


@pytest.mark.parametrize(
    "method",
    [
        "did:key:z6MkBogus#z6MkBogus",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#other",
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
    ],
    ids=["not base58 key", "foreign fragment", "not Ed25519"],
)
def test_a_bad_did_key_is_refused_every_time(method: str) -> None:
    resolver = KeyResolver(MapFetcher({}))
    for _ in range(2):
        with pytest.raises(DomainError):
            resolver(method)
        assert method in resolver.errors
    assert resolver.bindings == {}
