"""Public JSON Web Keys (RFC 7517/7518/8037) for VC-JWT: RSA, P-256 and Ed25519, public only.

Also the strict base64url (RFC 7515 §2: no padding, no other alphabet, canonical last character)
that JWS and JWK share.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any, TypeAlias

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.proofs.errors import KeyFormatError

PublicKey: TypeAlias = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | Ed25519PublicKey

#: Members that only a private JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode strict base64url; raise ``ValueError`` for padding, other characters or slack bits."""
    if not isinstance(text, str) or _BASE64URL.fullmatch(text) is None or len(text) % 4 == 1:
        raise ValueError("not base64url without padding")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as err:  # pragma: no cover - the pattern and length rule it out
        raise ValueError("not base64url") from err
    if b64url_encode(data) != text:
        raise ValueError("non-canonical base64url (unused bits set)")
    return data


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    """Load a public JWK: ``RSA`` (n, e), ``EC`` P-256 (x, y) or ``OKP`` Ed25519 (x).

    A JWK with any private member is refused: VC-JWT (ob3-spec §2.5) says the header ``jwk``
    MUST NOT contain ``d``, and a private key has no business in a verifier.
    """
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("A JWK is a JSON object.")
    if PRIVATE_MEMBERS & set(jwk):
        raise KeyFormatError("The JWK contains private key material; only public JWKs are used.")
    kty = jwk.get("kty")
    try:
        if kty == "RSA":
            n = int.from_bytes(_member(jwk, "n"), "big")
            e = int.from_bytes(_member(jwk, "e"), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
        if kty == "EC" and jwk.get("crv") == "P-256":
            x, y = _member(jwk, "x"), _member(jwk, "y")
            if len(x) != 32 or len(y) != 32:
                raise KeyFormatError("P-256 JWK coordinates are 32 bytes each.")
            return ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            ).public_key()
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return Ed25519PublicKey.from_public_bytes(_member(jwk, "x"))
    except ValueError as err:
        raise KeyFormatError(
            "The JWK is not a valid public key: %(reason)s", params={"reason": str(err)}
        ) from err
    raise KeyFormatError(
        "Unsupported JWK: kty %(kty)s, crv %(crv)s (RSA, EC P-256 and OKP Ed25519 are supported).",
        params={"kty": str(kty)[:20], "crv": str(jwk.get("crv"))[:20]},
    )


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    """The public JWK of a key, for a JWKS or the JOSE ``jwk`` header."""
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"kty": "RSA", "n": _uint(numbers.n), "e": _uint(numbers.e)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise KeyFormatError("Only P-256 EC keys are used for VC-JWT.")
        point = key.public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url_encode(point.x.to_bytes(32, "big")),
            "y": b64url_encode(point.y.to_bytes(32, "big")),
        }
    raw = key.public_bytes_raw()
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}


def _member(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError("missing")
        data = b64url_decode(value)
    except ValueError as err:
        raise KeyFormatError(
            "The JWK member %(name)s is missing or not base64url.", params={"name": name}
        ) from err
    if not data:
        raise KeyFormatError("The JWK member %(name)s is empty.", params={"name": name})
    return data


def _uint(value: int) -> str:
    return b64url_encode(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))
