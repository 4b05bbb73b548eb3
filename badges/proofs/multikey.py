"""Ed25519 keys as Multikey: ``z`` + base58btc(multicodec header + key bytes).

vc-di-eddsa §2.1.1 "Multikey" (https://www.w3.org/TR/vc-di-eddsa/#multikey): public keys carry the
``ed25519-pub`` header 0xed 0x01 (so they start ``z6Mk``) and any other header MUST be rejected.
Secret keys are only *decoded* here, to raw seed bytes for ``issuer/keys.py``: this module never
builds a private key object.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from badges.proofs import base58btc
from badges.proofs.errors import KeyFormatError

#: Multicodec ``ed25519-pub`` (0xed) as an unsigned varint.
ED25519_PUB_HEADER = b"\xed\x01"
#: Multicodec ``ed25519-priv`` (0x1300) as an unsigned varint.
ED25519_PRIV_HEADER = b"\x80\x26"
ED25519_KEY_LENGTH = 32
MULTIBASE_BASE58BTC = "z"


def decode_multibase(value: str) -> bytes:
    """Decode a base58btc multibase string (``z…``); other multibase encodings are refused."""
    if not isinstance(value, str):
        raise KeyFormatError("A multibase value must be a string.")
    if not value.startswith(MULTIBASE_BASE58BTC):
        raise KeyFormatError(
            "Expected a base58btc multibase value starting with 'z', got %(start)s.",
            params={"start": repr(value[:1])},
        )
    return base58btc.decode(value[1:])


def encode_multibase(data: bytes) -> str:
    """Encode bytes as base58btc multibase (``z…``)."""
    return MULTIBASE_BASE58BTC + base58btc.encode(data)


def encode_public_key_bytes(raw: bytes) -> str:
    """Encode a raw 32-byte Ed25519 public key as a Multikey ``publicKeyMultibase`` (``z6Mk…``)."""
    if len(raw) != ED25519_KEY_LENGTH:
        raise KeyFormatError(
            "An Ed25519 public key is 32 bytes, got %(length)d.", params={"length": len(raw)}
        )
    return encode_multibase(ED25519_PUB_HEADER + raw)


def decode_public_key_bytes(value: str) -> bytes:
    """Decode a Multikey ``publicKeyMultibase`` into the raw 32-byte Ed25519 public key."""
    data = decode_multibase(value)
    header, raw = data[:2], data[2:]
    if header != ED25519_PUB_HEADER:
        raise KeyFormatError(
            "Not an Ed25519 Multikey: the multicodec header is %(header)s, expected ed01.",
            params={"header": header.hex() or "empty"},
        )
    if len(raw) != ED25519_KEY_LENGTH:
        raise KeyFormatError(
            "An Ed25519 Multikey holds 32 key bytes, got %(length)d.", params={"length": len(raw)}
        )
    return raw


def public_key_to_multikey(key: Ed25519PublicKey) -> str:
    """Encode a public key object as ``publicKeyMultibase``."""
    return encode_public_key_bytes(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def multikey_to_public_key(value: str) -> Ed25519PublicKey:
    """Decode ``publicKeyMultibase`` into a public key object ready to verify with."""
    raw = decode_public_key_bytes(value)
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as err:  # pragma: no cover - OpenSSL accepts every 32-byte string today
        raise KeyFormatError("Not a usable Ed25519 public key.") from err


def decode_secret_key_seed(value: str) -> bytes:
    """Decode an Ed25519 ``secretKeyMultibase`` into its 32-byte seed.

    Accepted forms, all base58btc multibase:

    * Multikey ``0x8026`` + 32-byte seed (``z3u2…``, the W3C vc-di-eddsa ``keyPair.json``);
    * Multikey ``0x8026`` + seed ‖ public key, 64 bytes (``zrv…``, the OB 3.0 impl-guide vector);
    * no header, the raw 32-byte seed or 64-byte seed ‖ public key (older libraries).

    In the 64-byte forms the public half is not checked against the seed here, because that needs
    a private key object: the caller (``issuer/keys.py``) derives the public key and compares.
    """
    data = decode_multibase(value)
    if data[:2] == ED25519_PRIV_HEADER and len(data) in (2 + 32, 2 + 64):
        return data[2:34]
    if len(data) in (32, 64):
        return data[:32]
    raise KeyFormatError(
        "Not an Ed25519 secret key: expected a 0x8026 header with 32 or 64 key bytes, "
        "or 32 or 64 raw bytes; got %(length)d bytes.",
        params={"length": len(data)},
    )
