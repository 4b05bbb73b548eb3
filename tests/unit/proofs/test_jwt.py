"""VC-JWT: round trips for RS256, ES256 and EdDSA; every claim cross-check; hostile tokens."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256
from hypothesis import given
from hypothesis import strategies as st

from badges.proofs import jwt
from badges.proofs.errors import (
    JwsSignatureInvalid,
    JwtClaimMismatch,
    JwtNotCurrent,
    KeyFormatError,
    MalformedJws,
    ProofError,
    SignerMismatch,
    UnsupportedSuite,
)
from badges.proofs.jwk import (
    PublicKey,
    b64url_decode,
    b64url_encode,
    public_key_from_jwk,
    public_key_to_jwk,
)

KID = "https://issuer.example/keys/1"
CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://issuer.example/issuers/1", "type": ["Profile"], "name": "Academy"},
    "validFrom": "2026-01-01T00:00:00Z",
    "validUntil": "2031-01-01T00:00:00Z",
    "name": "Smart city IoT technician",
    "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
}


@dataclass(frozen=True)
class KeySigner:
    """A test Signer over a private key object (library code never holds one)."""

    sign_with: Callable[[bytes], bytes]
    algorithm: str
    public_key: PublicKey
    verification_method: str = KID

    def sign(self, data: bytes) -> bytes:
        return self.sign_with(data)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _rs256(key: rsa.RSAPrivateKey) -> KeySigner:
    return KeySigner(
        lambda data: key.sign(data, padding.PKCS1v15(), SHA256()), "RS256", key.public_key()
    )


def _es256() -> KeySigner:
    key = ec.generate_private_key(ec.SECP256R1())

    def sign(data: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    return KeySigner(sign, "ES256", key.public_key())


def _eddsa() -> KeySigner:
    key = Ed25519PrivateKey.generate()
    return KeySigner(key.sign, "EdDSA", key.public_key())


@pytest.fixture(params=["RS256", "ES256", "EdDSA"])
def signer(request: pytest.FixtureRequest, rsa_key: rsa.RSAPrivateKey) -> KeySigner:
    name: str = request.param
    return {"RS256": lambda: _rs256(rsa_key), "ES256": _es256, "EdDSA": _eddsa}[name]()


def _verify(token: str, signer: KeySigner, **kwargs: Any) -> dict[str, Any]:
    return jwt.verify_jwt(token, public_key_for=lambda _header: signer.public_key, **kwargs)


def _resign(signer: KeySigner, header: dict[str, Any], payload: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(value).encode())

    signing_input = f"{part(header)}.{part(payload)}"
    return f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode()))}"


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def test_round_trip(signer: KeySigner) -> None:
    token = jwt.create_jwt(CREDENTIAL, signer=signer)

    header, payload = _parts(token)
    assert header == {"alg": signer.algorithm, "kid": KID, "typ": "JWT"}
    assert payload["iss"] == "https://issuer.example/issuers/1"
    assert payload["jti"] == CREDENTIAL["id"]
    assert payload["sub"] == "did:example:learner"
    assert payload["nbf"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2031, 1, 1, tzinfo=UTC).timestamp())
    assert _verify(token, signer) == CREDENTIAL


def test_the_key_resolver_sees_the_header(signer: KeySigner) -> None:
    seen: list[jwt.JoseHeader] = []

    def resolve(header: jwt.JoseHeader) -> PublicKey:
        seen.append(header)
        return signer.public_key

    jwt.verify_jwt(jwt.create_jwt(CREDENTIAL, signer=signer), public_key_for=resolve)

    assert seen == [jwt.JoseHeader(alg=signer.algorithm, kid=KID, jwk=None, typ="JWT")]


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "https://attacker.example/issuers/1"),
        ("sub", "did:example:someone-else"),
        ("jti", "urn:uuid:00000000-0000-0000-0000-000000000000"),
        ("nbf", 1_700_000_000),
        ("exp", 1_999_999_999),
        ("iss", None),
        ("sub", None),
        ("jti", None),
        ("nbf", None),
        ("exp", None),
        ("nbf", "2026-01-01"),
    ],
)
def test_each_claim_must_match_the_credential(signer: KeySigner, claim: str, value: object) -> None:
    header, payload = _parts(jwt.create_jwt(CREDENTIAL, signer=signer))
    if value is None:
        del payload[claim]
    else:
        payload[claim] = value

    with pytest.raises(JwtClaimMismatch, match=claim):
        _verify(_resign(signer, header, payload), signer)


@pytest.mark.parametrize(
    ("field", "claim"),
    [("id", "jti"), ("validUntil", "exp"), ("credentialSubject", "sub")],
)
def test_a_claim_without_its_credential_field_is_a_mismatch(
    signer: KeySigner, field: str, claim: str
) -> None:
    header, payload = _parts(jwt.create_jwt(CREDENTIAL, signer=signer))
    del payload[field]
    if field == "credentialSubject":
        payload["credentialSubject"] = {"type": ["AchievementSubject"]}

    with pytest.raises(JwtClaimMismatch, match=claim):
        _verify(_resign(signer, header, payload), signer)


def test_a_changed_credential_fails_the_signature(signer: KeySigner) -> None:
    _header, payload = _parts(jwt.create_jwt(CREDENTIAL, signer=signer))
    token = jwt.create_jwt(CREDENTIAL, signer=signer)
    payload["name"] = "Something else"
    forged = ".".join(
        [token.split(".")[0], b64url_encode(json.dumps(payload).encode()), token.split(".")[2]]
    )

    with pytest.raises(JwsSignatureInvalid):
        _verify(forged, signer)


def test_a_truncated_signature_is_rejected(signer: KeySigner) -> None:
    token = jwt.create_jwt(CREDENTIAL, signer=signer)
    head, body, signature = token.split(".")
    short = b64url_encode(b64url_decode(signature)[:-1])

    with pytest.raises(JwsSignatureInvalid):
        _verify(f"{head}.{body}.{short}", signer)


def test_another_key_is_rejected(signer: KeySigner) -> None:
    token = jwt.create_jwt(CREDENTIAL, signer=signer)
    other = {"RS256": _eddsa, "ES256": _es256, "EdDSA": _eddsa}[signer.algorithm]()

    with pytest.raises((JwsSignatureInvalid, KeyFormatError)):
        _verify(token, other)


@pytest.mark.parametrize("alg", ["none", "None", "HS256", "RS512", "ES384", None, 7])
def test_other_algorithms_are_refused(alg: object, rsa_key: rsa.RSAPrivateKey) -> None:
    signer = _rs256(rsa_key)
    payload = {**CREDENTIAL, **_parts(jwt.create_jwt(CREDENTIAL, signer=signer))[1]}
    unsigned = f"{b64url_encode(json.dumps({'alg': alg, 'kid': KID}).encode())}."
    unsigned += b64url_encode(json.dumps(payload).encode())

    for token in (unsigned + ".", unsigned + ".c2ln"):
        with pytest.raises((UnsupportedSuite, MalformedJws)):
            _verify(token, signer)


def test_the_allowed_algorithms_can_be_narrowed(rsa_key: rsa.RSAPrivateKey) -> None:
    token = jwt.create_jwt(CREDENTIAL, signer=_eddsa())

    with pytest.raises(UnsupportedSuite):
        jwt.decode_compact_jws(token, algorithms=("RS256", "ES256"))


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "EdDSA", "kid": KID, "crit": ["exp"]},
        {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"},
        {"alg": "EdDSA"},
        {"alg": "EdDSA", "kid": ""},
        {"alg": "EdDSA", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}},
    ],
)
def test_bad_headers_are_refused(header: dict[str, Any]) -> None:
    signer = _eddsa()
    _, payload = _parts(jwt.create_jwt(CREDENTIAL, signer=signer))

    with pytest.raises(MalformedJws):
        _verify(_resign(signer, header, payload), signer)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "eyJhbGciOiJFZERTQSJ9..c2ln",
        "eyJhbGciOiJFZERTQSJ9=.e30.c2ln",
        "e30.e30.c2ln",
        "W10.e30.c2ln",
        "eyJhbGciOiJFZERTQSIsImFsZyI6Im5vbmUifQ.e30.c2ln",
        "!!!.e30.c2ln",
    ],
)
def test_malformed_compact_jws_is_refused(token: str) -> None:
    with pytest.raises(ProofError):
        jwt.decode_compact_jws(token)


def test_key_and_algorithm_must_agree(rsa_key: rsa.RSAPrivateKey) -> None:
    token = jwt.create_jwt(CREDENTIAL, signer=_rs256(rsa_key))

    with pytest.raises(KeyFormatError):
        _verify(token, _eddsa())


def test_small_rsa_keys_are_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the point
    signer = _rs256(small)

    with pytest.raises(KeyFormatError, match="2048"):
        _verify(jwt.create_jwt(CREDENTIAL, signer=signer), signer)


def test_time_is_checked_when_now_is_given(signer: KeySigner) -> None:
    token = jwt.create_jwt(CREDENTIAL, signer=signer)

    assert _verify(token, signer, now=datetime(2027, 1, 1, tzinfo=UTC))
    with pytest.raises(JwtNotCurrent, match="not valid yet"):
        _verify(token, signer, now=datetime(2025, 12, 31, 23, 0, tzinfo=UTC))
    with pytest.raises(JwtNotCurrent, match="expired"):
        _verify(token, signer, now=datetime(2031, 1, 1, 0, 10, tzinfo=UTC))
    assert _verify(token, signer, now=datetime(2025, 12, 31, 23, 56, tzinfo=UTC))
    assert _verify(
        token,
        signer,
        now=datetime(2031, 1, 1, 0, 10, tzinfo=UTC),
        max_clock_skew=timedelta(hours=1),
    )


def test_a_vcdm_1_1_payload_uses_the_vc_claim() -> None:
    signer = _eddsa()
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"name": "no id"},
    }
    payload = {"iss": "https://issuer.example", "jti": "urn:x", "nbf": 1767225600, "vc": vc}

    assert _verify(_resign(signer, {"alg": "EdDSA", "kid": KID}, payload), signer) == vc
    wrapped_v2 = {**payload, "vc": {**CREDENTIAL}}
    with pytest.raises(JwtClaimMismatch):
        _verify(_resign(signer, {"alg": "EdDSA", "kid": KID}, wrapped_v2), signer)


def test_a_v1_credential_needs_the_vc_claim() -> None:
    signer = _eddsa()
    payload = {"@context": ["https://www.w3.org/2018/credentials/v1"], "iss": "https://i.example"}

    with pytest.raises(JwtClaimMismatch):
        _verify(_resign(signer, {"alg": "EdDSA", "kid": KID}, payload), signer)


def test_create_refuses_what_it_cannot_sign(rsa_key: rsa.RSAPrivateKey) -> None:
    ed = _eddsa()
    hs = KeySigner(ed.sign_with, "HS256", ed.public_key)
    short = KeySigner(lambda data: ed.sign_with(data)[:10], "EdDSA", ed.public_key)

    with pytest.raises(SignerMismatch):
        jwt.create_jwt(CREDENTIAL, signer=hs)
    with pytest.raises(SignerMismatch):
        jwt.create_jwt(CREDENTIAL, signer=short)
    with pytest.raises(JwtClaimMismatch):
        jwt.create_jwt({**CREDENTIAL, "issuer": {"name": "no id"}}, signer=ed)
    with pytest.raises(JwtClaimMismatch):
        jwt.create_jwt({**CREDENTIAL, "validFrom": "2026-01-01T00:00:00"}, signer=ed)


def test_jwks_round_trip(signer: KeySigner) -> None:
    jwk = public_key_to_jwk(signer.public_key)

    assert "d" not in jwk
    assert public_key_to_jwk(public_key_from_jwk(jwk)) == jwk


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "oct", "k": "AA"},
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43},
        {"kty": "RSA", "n": "AQAB"},
        {"kty": "RSA", "n": "AQAB=", "e": "AQAB"},
        {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"},
        {"kty": "OKP", "crv": "X25519", "x": "A" * 43},
        {"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "A" * 43},
        [],
    ],
)
def test_bad_jwks_are_refused(jwk: Any) -> None:
    with pytest.raises(KeyFormatError):
        public_key_from_jwk(jwk)


@given(st.text(max_size=300))
def test_garbage_tokens_raise_only_proof_errors(token: str) -> None:
    with contextlib.suppress(ProofError):
        jwt.decode_compact_jws(token)


@given(st.lists(st.binary(max_size=60), min_size=3, max_size=3))
def test_garbage_parts_raise_only_proof_errors(parts: list[bytes]) -> None:
    token = ".".join(b64url_encode(part) for part in parts)
    with contextlib.suppress(ProofError):
        jwt.verify_jwt(token, public_key_for=lambda _header: _eddsa().public_key)
