"""VC-JWT as Open Badges 3.0 uses it: a compact JWS whose payload is the credential.

OB 3.0 §8.2 "JSON Web Token Proof Format" (ob3-spec §2.5): header members ``alg``, ``kid``,
``jwk`` and ``typ`` only; the payload is the credential plus ``iss``, ``jti``, ``nbf``, ``sub`` and
``exp``, which must agree with it. We are stricter than the 1EdTech validator: every claim is
compared with the credential. RS256 is the interoperable minimum; ES256 (P-256, raw r‖s per
RFC 7518 §3.4) and EdDSA (Ed25519, RFC 8037) verify too. Plain ``cryptography``, no JOSE library:
the checks that matter here are the OB-specific ones, and a library's leniency (``alg: none``,
extra headers) would have to be undone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

from badges.proofs.errors import (
    JwsSignatureInvalid,
    JwtNotCurrent,
    KeyFormatError,
    MalformedJws,
    SignerMismatch,
    UnsupportedSuite,
)
from badges.proofs.jwk import PRIVATE_MEMBERS, PublicKey, b64url_decode, b64url_encode
from badges.proofs.jwt_claims import check_claims, claims_for, credential_of
from badges.proofs.signer import EDDSA, ES256, RS256, Signer

JWS_ALGORITHMS = (RS256, ES256, EDDSA)
HEADER_MEMBERS = frozenset({"alg", "kid", "jwk", "typ"})
MIN_RSA_BITS = 2048
#: Far above any credential (the OB limit for baked images is smaller), far below a DoS lever.
MAX_TOKEN_LENGTH = 1_000_000


@dataclass(frozen=True, slots=True)
class JoseHeader:
    """The protected header, already checked against OB 3.0's allowed members."""

    alg: str
    kid: str | None
    jwk: Mapping[str, Any] | None
    typ: str | None


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A decoded, not yet verified compact JWS."""

    header: JoseHeader
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


#: Maps the JOSE header (its ``kid`` or ``jwk``) to the issuer's public key; raises a
#: ``DomainError`` when the key cannot be found or its provenance not established.
JwtKeyResolver = Callable[[JoseHeader], PublicKey]


def decode_compact_jws(token: str, *, algorithms: Collection[str] = JWS_ALGORITHMS) -> CompactJws:
    """Split and decode ``header.payload.signature`` (RFC 7515 §7.1); no signature check yet."""
    if not isinstance(token, str):
        raise MalformedJws("A VC-JWT is a string.")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedJws("The JWS is too large.")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedJws("A compact JWS has three base64url parts separated by dots.")
    header = _header(_json_object(parts[0], "header"), algorithms)
    payload = _json_object(parts[1], "payload")
    signature = _b64(parts[2], "signature")
    return CompactJws(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def verify_jwt(
    token: str,
    *,
    public_key_for: JwtKeyResolver,
    algorithms: Collection[str] = JWS_ALGORITHMS,
    now: datetime | None = None,
    max_clock_skew: timedelta = timedelta(minutes=5),
) -> dict[str, Any]:
    """Verify a VC-JWT and return the credential it carries (ob3-spec §2.5 "Verify", 1-6).

    Raises a :class:`~badges.proofs.errors.ProofError` subclass for any failure: malformed JWS,
    an algorithm not in ``algorithms`` (``none`` never is), a wrong or truncated signature, a claim
    that disagrees with the credential, or (when ``now`` is given) ``nbf``/``exp`` outside it.
    Whatever ``public_key_for`` raises (it should be a ``DomainError``) passes through unchanged.
    """
    jws = decode_compact_jws(token, algorithms=algorithms)
    verify_signature(jws, public_key_for(jws.header))
    credential = credential_of(jws.payload)
    check_claims(jws.payload, credential)
    if now is not None:
        _check_current(jws.payload, now, max_clock_skew)
    return credential


def verify_signature(jws: CompactJws, key: PublicKey) -> None:
    """RFC 7515 §5.2 step 8 with RFC 7518 §3.3/§3.4 and RFC 8037 §3.1 for the algorithm."""
    alg, signature, data = jws.header.alg, jws.signature, jws.signing_input
    try:
        if alg == RS256 and isinstance(key, rsa.RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                raise KeyFormatError("RS256 keys must be at least 2048 bits.")
            _check_length(signature, (key.key_size + 7) // 8)
            key.verify(signature, data, padding.PKCS1v15(), SHA256())
        elif alg == ES256 and isinstance(key, ec.EllipticCurvePublicKey):
            if not isinstance(key.curve, ec.SECP256R1):
                raise KeyFormatError("ES256 keys are on the P-256 curve.")
            _check_length(signature, 64)
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(SHA256()))
        elif alg == EDDSA and isinstance(key, Ed25519PublicKey):
            _check_length(signature, 64)
            key.verify(signature, data)
        else:
            raise KeyFormatError(
                "The key given for this JWT does not fit its algorithm %(alg)s.",
                params={"alg": alg},
            )
    except InvalidSignature as err:
        raise JwsSignatureInvalid("The JWT signature does not verify.") from err


def create_jwt(credential: Mapping[str, Any], *, signer: Signer) -> str:
    """Sign ``credential`` as a VC-JWT (OB 3.0 §8.2.3 "Create the proof"), ``kid`` = the signer's.

    ``signer.algorithm`` is ``RS256`` (the OB minimum), ``ES256`` (raw r‖s) or ``EdDSA``.
    """
    if signer.algorithm not in JWS_ALGORITHMS:
        raise SignerMismatch(
            "VC-JWT signs with RS256, ES256 or EdDSA, not %(alg)s.",
            params={"alg": signer.algorithm},
        )
    header = {"alg": signer.algorithm, "kid": signer.verification_method, "typ": "JWT"}
    payload = {**credential, **claims_for(credential)}
    signing_input = f"{_encode_json(header)}.{_encode_json(payload)}"
    signature = signer.sign(signing_input.encode("ascii"))
    if signer.algorithm in (ES256, EDDSA) and len(signature) != 64:
        raise SignerMismatch("An ES256 or EdDSA JWS signature is 64 bytes (raw r‖s for ES256).")
    return f"{signing_input}.{b64url_encode(signature)}"


def _header(header: dict[str, Any], algorithms: Collection[str]) -> JoseHeader:
    extra = set(header) - HEADER_MEMBERS
    if extra:
        raise MalformedJws(
            "VC-JWT headers may only hold alg, kid, jwk and typ; found %(extra)s.",
            params={"extra": ", ".join(sorted(extra))[:200]},
        )
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in JWS_ALGORITHMS or alg not in algorithms:
        raise UnsupportedSuite(
            "The JWT algorithm %(alg)s is not accepted (allowed: %(allowed)s).",
            params={"alg": str(alg)[:20], "allowed": ", ".join(sorted(algorithms))},
        )
    typ, kid, jwk = header.get("typ"), header.get("kid"), header.get("jwk")
    if typ is not None and typ != "JWT":
        raise MalformedJws("The JWT header typ must be 'JWT' when present.")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise MalformedJws("The JWT header kid must be a non-empty string.")
    if jwk is not None and (not isinstance(jwk, dict) or PRIVATE_MEMBERS & set(jwk)):
        raise MalformedJws("The JWT header jwk must be a public JWK (no 'd' or other secrets).")
    if kid is None and jwk is None:
        raise MalformedJws("The JWT header names no key: it needs kid or jwk.")
    return JoseHeader(alg=alg, kid=kid, jwk=jwk, typ=typ)


def _json_object(part: str, name: str) -> dict[str, Any]:
    raw = _b64(part, name)
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as err:
        raise MalformedJws(
            "The JWS %(name)s is not UTF-8 JSON without duplicate members.", params={"name": name}
        ) from err
    if not isinstance(value, dict):
        raise MalformedJws("The JWS %(name)s is not a JSON object.", params={"name": name})
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member")
    return result


def _b64(part: str, name: str) -> bytes:
    try:
        data = b64url_decode(part)
    except ValueError as err:
        raise MalformedJws("The JWS %(name)s is not base64url.", params={"name": name}) from err
    if not data:
        raise MalformedJws("The JWS %(name)s is empty.", params={"name": name})
    return data


def _encode_json(value: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def _check_length(signature: bytes, expected: int) -> None:
    if len(signature) != expected:
        raise JwsSignatureInvalid(
            "The JWT signature is %(got)d bytes; this algorithm and key make %(expected)d.",
            params={"got": len(signature), "expected": expected},
        )


def _check_current(payload: Mapping[str, Any], now: datetime, skew: timedelta) -> None:
    instant = now.timestamp()
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if isinstance(nbf, int | float) and nbf > instant + skew.total_seconds():
        raise JwtNotCurrent("The JWT is not valid yet (nbf is in the future).")
    if isinstance(exp, int | float) and exp <= instant - skew.total_seconds():
        raise JwtNotCurrent("The JWT has expired (exp is in the past).")
