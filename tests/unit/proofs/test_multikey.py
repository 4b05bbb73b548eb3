"""Multikey and base58btc: the W3C key pair, every rejection, and properties over any input."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from badges.proofs import base58btc, multikey
from badges.proofs.errors import KeyFormatError
from tests.unit.proofs.support import read_json

W3C_PUBLIC_HEX = "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
W3C_SEED_HEX = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"


def test_the_w3c_key_pair_decodes(key_pair: dict[str, Any]) -> None:
    public = multikey.decode_public_key_bytes(key_pair["publicKeyMultibase"])
    seed = multikey.decode_secret_key_seed(key_pair["privateKeyMultibase"])

    assert public.hex() == W3C_PUBLIC_HEX
    assert seed.hex() == W3C_SEED_HEX
    derived = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    assert multikey.public_key_to_multikey(derived) == key_pair["publicKeyMultibase"]
    assert key_pair["privateKeyMultibase"].startswith("z3u2")


def test_every_key_pair_of_the_proof_set_vectors_matches(vectors: Path) -> None:
    pairs = read_json(vectors / "proof-set-chain" / "multiKeyPairs.json")

    for pair in pairs.values():
        seed = multikey.decode_secret_key_seed(pair["privateKeyMultibase"])
        public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
        assert multikey.public_key_to_multikey(public) == pair["publicKeyMultibase"]


def test_all_secret_key_forms_give_the_seed() -> None:
    seed, public = bytes.fromhex(W3C_SEED_HEX), bytes.fromhex(W3C_PUBLIC_HEX)
    forms = {
        "multikey 32": multikey.encode_multibase(b"\x80\x26" + seed),
        "multikey 64 (OB impl guide)": multikey.encode_multibase(b"\x80\x26" + seed + public),
        "raw 32": multikey.encode_multibase(seed),
        "raw 64": multikey.encode_multibase(seed + public),
    }

    assert forms["multikey 64 (OB impl guide)"].startswith("zrv")
    for name, value in forms.items():
        assert multikey.decode_secret_key_seed(value) == seed, name


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "starting with 'z'"),
        ("6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "starting with 'z'"),
        ("z", "Empty"),
        ("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", "character"),
        (multikey.encode_multibase(b"\xed\x01" + b"\x07" * 31), "32 key bytes"),
        (multikey.encode_multibase(b"\xed\x01" + b"\x07" * 33), "32 key bytes"),
        (multikey.encode_multibase(b"\xed"), "header"),
        # A P-256 Multikey (0x1200 header): valid multibase, wrong key type.
        ("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", "header"),
        ("z" + "1" * 600, "longer"),
    ],
)
def test_bad_public_keys_are_rejected_with_a_reason(value: str, reason: str) -> None:
    with pytest.raises(KeyFormatError, match=reason):
        multikey.decode_public_key_bytes(value)


@pytest.mark.parametrize("length", [0, 16, 31, 33, 63, 65])
def test_secret_keys_of_other_lengths_are_rejected(length: int) -> None:
    with pytest.raises(KeyFormatError, match="secret key"):
        multikey.decode_secret_key_seed(multikey.encode_multibase(b"\x80\x26" + b"\x01" * length))


def test_public_keys_must_be_32_bytes() -> None:
    with pytest.raises(KeyFormatError):
        multikey.encode_public_key_bytes(b"\x00" * 31)


def test_base58_keeps_leading_zeros() -> None:
    assert base58btc.encode(b"\x00\x00\x01") == "112"
    assert base58btc.decode("112") == b"\x00\x00\x01"
    assert base58btc.encode(b"") == ""
    assert base58btc.encode(b"hello world") == "StV1DL6CwTryKyV"


@given(st.binary(max_size=200))
def test_base58_round_trips(data: bytes) -> None:
    encoded = base58btc.encode(data)
    if data:
        assert base58btc.decode(encoded) == data


@given(st.binary(min_size=32, max_size=32))
def test_multikey_round_trips(raw: bytes) -> None:
    encoded = multikey.encode_public_key_bytes(raw)

    assert encoded.startswith("z6Mk")
    assert multikey.decode_public_key_bytes(encoded) == raw


@given(st.binary(min_size=2, max_size=40))
def test_any_other_header_is_rejected(data: bytes) -> None:
    if data[:2] == b"\xed\x01" and len(data) == 34:
        return
    with pytest.raises(KeyFormatError):
        multikey.decode_public_key_bytes(multikey.encode_multibase(data))


@given(st.text(max_size=120))
def test_garbage_raises_only_key_format_errors(text: str) -> None:
    for decode in (multikey.decode_public_key_bytes, multikey.decode_secret_key_seed):
        with contextlib.suppress(KeyFormatError):
            decode(text)
