"""Build signed credentials for the verifier tests, and regenerate the committed corpus.

Keys are derived from fixed seeds, so every run (and ``python -m tests.unit.verifier.builders``,
which rewrites ``tests/fixtures/credentials/corpus/``) produces the same bytes. Tests may hold
private keys (pyproject per-file ignores); library code never does.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badges.did import VerificationKey, did_key_from_public_key, did_web_document
from badges.jsonld.contexts import (
    ED25519_2020_CONTEXT,
    OB_V3_0_3_CONTEXT,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
)
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import EDDSA_JCS_2022, EDDSA_RDFC_2022, create_proof
from badges.proofs.canonical import canonize
from badges.proofs.dataintegrity import encode_proof_value, unsecured_document
from badges.proofs.ed25519_signature_2020 import PROOF_TYPE as ED25519_2020
from badges.proofs.jwk import b64url_decode, b64url_encode
from badges.proofs.jwt import create_jwt
from badges.statuslist import StatusBits

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "credentials"
CORPUS = FIXTURES / "corpus"
SMART_CITY = FIXTURES / "ob3-smart-city.json"

#: The instant every test verifies at: after validFrom, before validUntil of the smart-city badge.
NOW = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
WEB_DID = "did:web:badges.danube-university.example"
WEB_KEY_ID = f"{WEB_DID}#key-1"
STATUS_URL = "https://badges.danube-university.example/status/1"
SUSPENSION_URL = "https://badges.danube-university.example/status/2"
STATUS_INDEX = 94567


def private_key(label: str) -> Ed25519PrivateKey:
    """A deterministic Ed25519 key named ``label``."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


@dataclass(frozen=True)
class KeySigner:
    """A test Signer over a private key object."""

    key: Ed25519PrivateKey
    verification_method: str
    algorithm: str = "Ed25519"

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public_key()


def did_key_signer(label: str = "issuer") -> KeySigner:
    key = private_key(label)
    did = did_key_from_public_key(key.public_key())
    return KeySigner(key, f"{did}#{did.removeprefix('did:key:')}")


def web_signer(label: str = "web-issuer") -> KeySigner:
    return KeySigner(private_key(label), WEB_KEY_ID)


def web_did_document(signer: KeySigner) -> dict[str, Any]:
    return did_web_document(WEB_DID, [VerificationKey("key-1", signer.public_key)])


def controller_of(signer: KeySigner) -> str:
    return signer.verification_method.partition("#")[0]


def smart_city(issuer: str) -> dict[str, Any]:
    """The realistic fixture credential with ``issuer.id`` set to ``issuer``."""
    credential: dict[str, Any] = json.loads(SMART_CITY.read_text(encoding="utf-8"))
    credential["issuer"]["id"] = issuer
    return credential


def sign(
    credential: dict[str, Any],
    signer: KeySigner,
    *,
    suite: str = EDDSA_RDFC_2022,
    loader: StaticDocumentLoader | None = None,
) -> dict[str, Any]:
    """Add a proof of ``suite`` (eddsa-rdfc-2022, eddsa-jcs-2022 or Ed25519Signature2020)."""
    loader = loader or StaticDocumentLoader()
    if suite == ED25519_2020:
        return _sign_2020(credential, signer, loader)
    return create_proof(
        credential, signer=signer, created=CREATED, cryptosuite=suite, loader=loader
    )


def _sign_2020(
    credential: dict[str, Any], signer: KeySigner, loader: StaticDocumentLoader
) -> dict[str, Any]:
    """Ed25519Signature2020 (verify-only in the library): hash as the suite does, sign here."""
    unsecured = unsecured_document(credential)
    options = {
        "@context": unsecured["@context"],
        "type": ED25519_2020,
        "created": "2026-11-20T09:30:00Z",
        "verificationMethod": signer.verification_method,
        "proofPurpose": "assertionMethod",
    }
    data = hashlib.sha256(canonize(options, loader=loader).encode()).digest()
    data += hashlib.sha256(canonize(unsecured, loader=loader).encode()).digest()
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = encode_proof_value(signer.sign(data))
    return {**unsecured, "proof": [proof]}


def status_list(
    signer: KeySigner,
    *,
    url: str = STATUS_URL,
    purpose: str = "revocation",
    set_indexes: tuple[int, ...] = (),
    issuer: str | None = None,
    status_size: int = 1,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """A signed BitstringStatusListCredential with the given entries set to 1."""
    bits = StatusBits.create(status_size=status_size).set_many((i, 1) for i in set_indexes)
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer or controller_of(signer),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
        },
    }
    if valid_until:
        document["validUntil"] = valid_until
    return sign(document, signer)


def v1_credential(issuer: str) -> dict[str, Any]:
    """A VCDM 1.1 OB 3.0 credential (issuanceDate), as legacy issuers still send."""
    return {
        "@context": [VC_V1_CONTEXT, OB_V3_0_3_CONTEXT, ED25519_2020_CONTEXT],
        "id": "urn:uuid:2f3c7f8e-0d0e-4f55-9a57-4a1b7a3cbf11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "IoT field technician",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Legacy Academy"},
        "issuanceDate": "2026-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://legacy.example/achievements/iot",
                "type": ["Achievement"],
                "name": "IoT field technician",
                "description": "Installs and maintains city sensor networks.",
                "criteria": {"narrative": "Passed the practical assessment."},
            },
        },
    }


def tampered(credential: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy with the member at ``path`` replaced by ``value``."""
    copied = copy.deepcopy(credential)
    holder: Any = copied
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return copied


REVOKED_INDEX = 1234
SUSPENDED_INDEX = 4321
TAMPERED_LIST_URL = "https://badges.danube-university.example/status/3"


@dataclass(frozen=True)
class Case:
    """One corpus entry: the document (dict, or a compact JWS) and the check it must fail."""

    document: dict[str, Any] | str
    check: str | None
    outcome: str | None = None


def jwt_for(credential: dict[str, Any], signer: KeySigner, **claims: Any) -> str:
    """A VC-JWT (EdDSA) of ``credential``; ``claims`` override the registered claims."""
    eddsa = KeySigner(signer.key, signer.verification_method, "EdDSA")
    token = create_jwt(credential, signer=eddsa)
    if not claims:
        return token
    header, payload, _ = token.split(".")
    body = {**json.loads(b64url_decode(payload)), **claims}
    signing_input = f"{header}.{b64url_encode(json.dumps(body).encode())}"
    return f"{signing_input}.{b64url_encode(eddsa.sign(signing_input.encode()))}"


def environment() -> dict[str, dict[str, Any]]:
    """The DID documents and status lists the corpus resolves against (offline maps)."""
    signer = web_signer()
    tampered_list = status_list(signer, url=TAMPERED_LIST_URL)
    tampered_list["credentialSubject"]["encodedList"] = (
        StatusBits.create().set(STATUS_INDEX, 1).encode()
    )
    return {
        "did-documents": {WEB_DID: web_did_document(signer)},
        "status-lists": {
            STATUS_URL: status_list(signer, set_indexes=(REVOKED_INDEX,)),
            SUSPENSION_URL: status_list(
                signer, url=SUSPENSION_URL, purpose="suspension", set_indexes=(SUSPENDED_INDEX,)
            ),
            TAMPERED_LIST_URL: tampered_list,
        },
    }


def _status_entry(url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def corpus() -> dict[str, Case]:
    """The named corpus (issue #5): valid credentials of every kind, and the bad ones."""
    web, key, other = web_signer(), did_key_signer(), did_key_signer("someone-else")
    loader = StaticDocumentLoader()
    good = sign(smart_city(WEB_DID), web, loader=loader)
    keyed = smart_city(controller_of(key))
    del keyed["credentialStatus"]
    jcs = sign(smart_city(WEB_DID), web, suite=EDDSA_JCS_2022, loader=loader)

    def web_badge(**changes: Any) -> dict[str, Any]:
        return sign({**smart_city(WEB_DID), **changes}, web, loader=loader)

    unbound = smart_city(WEB_DID)
    del unbound["credentialStatus"]
    return {
        "valid-did-web": Case(good, None),
        "valid-did-key": Case(sign(keyed, key, loader=loader), None),
        "valid-eddsa-jcs-2022": Case(jcs, None),
        "valid-vcdm-1.1-ed25519-signature-2020": Case(
            sign(v1_credential(controller_of(key)), key, suite=ED25519_2020, loader=loader), None
        ),
        "valid-vc-jwt-eddsa": Case(jwt_for(keyed, key), None),
        "tampered-name": Case(tampered(good, ("name",), "Chief Smart City Officer"), "proof"),
        "tampered-achievement": Case(
            tampered(good, ("credentialSubject", "achievement", "name"), "Master of Everything"),
            "proof",
        ),
        "swapped-proof-value": Case(
            tampered(good, ("proof", 0, "proofValue"), jcs["proof"][0]["proofValue"]), "proof"
        ),
        "wrong-verification-method": Case(
            tampered(good, ("proof", 0, "verificationMethod"), other.verification_method), "proof"
        ),
        "controller-not-issuer": Case(sign(unbound, key, loader=loader), "key_binding"),
        "undefined-property": Case({**good, "favouriteColour": "blue"}, "safe_mode"),
        "expired": Case(
            web_badge(validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z"),
            "validity",
        ),
        "not-yet-valid": Case(web_badge(validFrom="2030-01-01T00:00:00Z"), "validity"),
        "revoked": Case(
            web_badge(credentialStatus=_status_entry(STATUS_URL, REVOKED_INDEX)), "status"
        ),
        "suspended": Case(
            web_badge(
                credentialStatus=_status_entry(SUSPENSION_URL, SUSPENDED_INDEX, "suspension")
            ),
            "status",
        ),
        "status-list-tampered": Case(
            web_badge(credentialStatus=_status_entry(TAMPERED_LIST_URL, STATUS_INDEX)), "status"
        ),
        "unknown-context": Case(
            {**good, "@context": [*good["@context"], "https://evil.example/context.json"]},
            "contexts",
        ),
        "missing-proof": Case(smart_city(WEB_DID), "proof"),
        "jwt-mismatched-iss": Case(jwt_for(keyed, key, iss="did:web:evil.example"), "proof"),
    }


def write_corpus() -> None:
    """Regenerate ``tests/fixtures/credentials/corpus/`` (deterministic: same keys, same bytes)."""
    CORPUS.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, case in corpus().items():
        if isinstance(case.document, str):
            (CORPUS / f"{name}.jws").write_text(case.document + "\n", encoding="utf-8")
        else:
            _write_json(CORPUS / f"{name}.json", case.document)
        expected[name] = {"check": case.check, "outcome": "fail" if case.check else None}
    for name, documents in environment().items():
        _write_json(CORPUS / f"{name}.json", documents)
    _write_json(CORPUS / "expected.json", {"at": NOW.isoformat(), "cases": expected})


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_corpus()
