"""Key binding (CID retrieval, controller = issuer), VC-JWT keys, recipient, refresh, endorsing."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256

from badges.did import VerificationKey, build_did_document
from badges.jsonld.loader import StaticDocumentLoader
from badges.ob3 import identity_hash
from badges.proofs.jwk import b64url_encode, public_key_to_jwk
from badges.proofs.jwt import create_jwt
from badges.proofs.jwt_claims import claims_for
from tests.unit.verifier.builders import (
    NOW,
    WEB_DID,
    KeySigner,
    controller_of,
    did_key_signer,
    private_key,
    sign,
    smart_city,
    web_did_document,
    web_signer,
)
from verifier import CheckId, MapFetcher, Outcome, VerificationReport, verify_credential

HTTPS_ISSUER = "https://issuer.example/issuers/1"


def _verify(
    credential: dict[str, Any] | str,
    documents: dict[str, Any],
    loader: StaticDocumentLoader,
    **kwargs: Any,
) -> VerificationReport:
    return verify_credential(
        credential, loader=loader, fetcher=MapFetcher(documents), now=NOW, **kwargs
    )


def _outcome(report: VerificationReport, check_id: CheckId) -> Outcome:
    check = report.check(check_id)
    assert check is not None
    return check.outcome


def _web_badge(loader: StaticDocumentLoader) -> dict[str, Any]:
    badge = smart_city(WEB_DID)
    del badge["credentialStatus"]
    return sign(badge, web_signer(), loader=loader)


def test_did_web_key_must_be_listed_under_assertion_method(loader: StaticDocumentLoader) -> None:
    document = web_did_document(web_signer())
    document["assertionMethod"] = []

    report = _verify(_web_badge(loader), {WEB_DID: document}, loader)

    check = report.check(CheckId.KEY_BINDING)
    assert check is not None
    assert check.outcome == Outcome.FAIL
    assert "assertionMethod" in check.message
    assert _outcome(report, CheckId.PROOF) == Outcome.FAIL


def test_did_web_document_must_be_the_dids_own(loader: StaticDocumentLoader) -> None:
    document = web_did_document(web_signer())
    document["id"] = "did:web:attacker.example"

    report = _verify(_web_badge(loader), {WEB_DID: document}, loader)

    assert _outcome(report, CheckId.KEY_BINDING) == Outcome.FAIL


def test_an_unreachable_did_web_fails_key_binding(loader: StaticDocumentLoader) -> None:
    report = _verify(_web_badge(loader), {}, loader)

    assert _outcome(report, CheckId.KEY_BINDING) == Outcome.FAIL
    assert not report.verified


def _https_badge(loader: StaticDocumentLoader, signer: KeySigner) -> dict[str, Any]:
    badge = smart_city(HTTPS_ISSUER)
    del badge["credentialStatus"]
    return sign(badge, signer, loader=loader)


def test_a_key_in_a_url_fragment_is_never_trusted_without_dereferencing(
    loader: StaticDocumentLoader,
) -> None:
    key = private_key("https-issuer")
    multibase = did_key_signer("https-issuer").verification_method.partition("#")[2]
    signer = KeySigner(key, f"{HTTPS_ISSUER}#{multibase}")
    badge = _https_badge(loader, signer)

    unresolved = _verify(badge, {}, loader)
    document = build_did_document(
        HTTPS_ISSUER,
        [VerificationKey(multibase, key.public_key())],
        relationships=["assertionMethod"],
    )
    resolved = _verify(badge, {HTTPS_ISSUER: document}, loader)

    assert _outcome(unresolved, CheckId.KEY_BINDING) == Outcome.FAIL
    assert not unresolved.verified
    assert resolved.verified
    check = resolved.check(CheckId.KEY_BINDING)
    assert check is not None
    assert check.details["controller"] == HTTPS_ISSUER


def test_key_binding_reports_the_resolved_key(loader: StaticDocumentLoader) -> None:
    report = _verify(_web_badge(loader), {WEB_DID: web_did_document(web_signer())}, loader)

    check = report.check(CheckId.KEY_BINDING)
    assert check is not None
    assert check.details["publicKey"].startswith("z6Mk")
    assert check.details["verificationMethod"] == f"{WEB_DID}#key-1"
    assert "did:web" in check.details["resolution"]


def test_one_good_proof_suffices_and_all_are_reported(loader: StaticDocumentLoader) -> None:
    good = _web_badge(loader)
    bad_proof = copy.deepcopy(good["proof"][0])
    bad_proof["proofValue"] = "z" + "1" * 86
    both = {**good, "proof": [bad_proof, good["proof"][0]]}

    report = _verify(both, {WEB_DID: web_did_document(web_signer())}, loader)

    check = report.check(CheckId.PROOF)
    assert check is not None
    assert report.verified
    assert check.details["proof1.result"] != "verified"
    assert check.details["proof2.result"] == "verified"


def test_a_disallowed_suite_does_not_verify(loader: StaticDocumentLoader) -> None:
    report = _verify(
        _web_badge(loader),
        {WEB_DID: web_did_document(web_signer())},
        loader,
        suites=("eddsa-jcs-2022",),
    )

    assert _outcome(report, CheckId.PROOF) == Outcome.FAIL


@dataclass(frozen=True)
class RsaSigner:
    key: rsa.RSAPrivateKey
    verification_method: str
    algorithm: str = "RS256"

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data, padding.PKCS1v15(), SHA256())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _rs256(issuer: str, kid: str, rsa_key: rsa.RSAPrivateKey) -> str:
    badge = smart_city(issuer)
    del badge["credentialStatus"]
    return create_jwt(badge, signer=RsaSigner(rsa_key, kid))


def test_vc_jwt_rs256_with_a_jwk_at_the_issuers_origin(
    rsa_key: rsa.RSAPrivateKey, loader: StaticDocumentLoader
) -> None:
    kid = "https://issuer.example/.well-known/jwks.json#key-1"
    jwks = {"keys": [{**public_key_to_jwk(rsa_key.public_key()), "kid": "key-1"}]}

    report = _verify(
        _rs256(HTTPS_ISSUER, kid, rsa_key),
        {"https://issuer.example/.well-known/jwks.json": jwks},
        loader,
    )

    assert report.verified, [c.to_json() for c in report.failures]


@pytest.mark.parametrize(
    "jwk_extra", [{"iss": "https://issuer.example/issuers/other"}, {}], ids=["iss", "origin"]
)
def test_vc_jwt_key_must_be_the_issuers(
    jwk_extra: dict[str, str], rsa_key: rsa.RSAPrivateKey, loader: StaticDocumentLoader
) -> None:
    host = "issuer.example" if jwk_extra else "keys.elsewhere.example"
    kid = f"https://{host}/jwk.json"
    jwk = {**public_key_to_jwk(rsa_key.public_key()), **jwk_extra}

    report = _verify(_rs256(HTTPS_ISSUER, kid, rsa_key), {kid: jwk}, loader)

    assert _outcome(report, CheckId.PROOF) == Outcome.PASS
    assert _outcome(report, CheckId.KEY_BINDING) == Outcome.FAIL


def test_a_jwt_carrying_its_own_key_has_no_provenance(loader: StaticDocumentLoader) -> None:
    signer = did_key_signer()
    header_only = {"alg": "EdDSA", "jwk": public_key_to_jwk(signer.public_key)}
    badge = smart_city(controller_of(signer))
    del badge["credentialStatus"]
    payload = {**badge, **claims_for(badge)}
    signing_input = (
        f"{b64url_encode(json.dumps(header_only).encode())}."
        f"{b64url_encode(json.dumps(payload).encode())}"
    )
    token = f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode()))}"

    report = _verify(token, {}, loader)

    assert _outcome(report, CheckId.PROOF) == Outcome.FAIL
    assert _outcome(report, CheckId.KEY_BINDING) == Outcome.FAIL


def _recipient_badge(loader: StaticDocumentLoader) -> dict[str, Any]:
    badge = smart_city(WEB_DID)
    del badge["credentialStatus"]
    salt = "5f0c9a0e2d7b4e1f8a3c6d9e0b1a2c3d"
    badge["credentialSubject"]["identifier"][0].update(
        identityHash=identity_hash("ana.petrova@example.org", salt), salt=salt
    )
    return sign(badge, web_signer(), loader=loader)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("ana.petrova@example.org", Outcome.PASS),
        ("  Ana.Petrova@Example.org ", Outcome.PASS),
        ("someone@example.org", Outcome.FAIL),
    ],
)
def test_recipient_check(email: str, expected: Outcome, loader: StaticDocumentLoader) -> None:
    report = _verify(
        _recipient_badge(loader),
        {WEB_DID: web_did_document(web_signer())},
        loader,
        expected_recipient_email=email,
    )

    check = report.check(CheckId.RECIPIENT)
    assert check is not None
    assert check.outcome == expected
    assert email.strip().lower() not in report.to_json_text().lower()


def test_recipient_is_skipped_without_an_email(loader: StaticDocumentLoader) -> None:
    report = _verify(_recipient_badge(loader), {WEB_DID: web_did_document(web_signer())}, loader)

    assert _outcome(report, CheckId.RECIPIENT) == Outcome.SKIPPED


REFRESH = "https://badges.danube-university.example/refresh/1"


def _refreshable(loader: StaticDocumentLoader, **changes: Any) -> dict[str, Any]:
    badge = smart_city(WEB_DID)
    del badge["credentialStatus"]
    badge["refreshService"] = {"id": REFRESH, "type": "1EdTechCredentialRefresh"}
    return sign({**badge, **changes}, web_signer(), loader=loader)


def test_refresh_replaces_an_expired_badge_with_the_verified_new_copy(
    loader: StaticDocumentLoader,
) -> None:
    old = _refreshable(loader, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    new = _refreshable(loader)
    documents = {WEB_DID: web_did_document(web_signer()), REFRESH: new}

    report = _verify(old, documents, loader)

    assert _outcome(report, CheckId.REFRESH) == Outcome.PASS
    assert report.verified
    assert report.credential == new


@pytest.mark.parametrize("served", [None, "forged", "other-id"])
def test_refresh_failures_keep_the_original(
    served: str | None, loader: StaticDocumentLoader
) -> None:
    original = _refreshable(loader)
    documents: dict[str, Any] = {WEB_DID: web_did_document(web_signer())}
    if served == "forged":
        documents[REFRESH] = {**_refreshable(loader), "name": "Forged"}
    elif served == "other-id":
        documents[REFRESH] = _refreshable(
            loader, id="urn:uuid:00000000-0000-4000-8000-000000000000"
        )

    report = _verify(original, documents, loader)

    assert _outcome(report, CheckId.REFRESH) == Outcome.WARNING
    assert report.verified
    assert report.credential == original


def _endorsement(signer: KeySigner, loader: StaticDocumentLoader) -> dict[str, Any]:
    unsigned = {
        "@context": smart_city(WEB_DID)["@context"][:2],
        "id": "urn:uuid:8a5a5c4e-6e1b-4bd8-9f39-2b5d0c4d8a61",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement by the Sofia municipality",
        "issuer": {"id": controller_of(signer), "type": ["Profile"], "name": "Sofia Municipality"},
        "validFrom": "2026-10-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://badges.danube-university.example/achievements/smart-city-project-manager/unit-2",
            "type": ["EndorsementSubject"],
            "endorsementComment": "We rely on this unit when hiring project managers.",
        },
    }
    return sign(unsigned, signer, loader=loader)


@pytest.mark.parametrize(("tamper", "expected"), [(False, Outcome.PASS), (True, Outcome.WARNING)])
def test_endorsements_are_verified_recursively(
    tamper: bool, expected: Outcome, loader: StaticDocumentLoader
) -> None:
    endorsement = _endorsement(did_key_signer("municipality"), loader)
    if tamper:
        endorsement["credentialSubject"]["endorsementComment"] = "We never heard of it."
    badge = smart_city(WEB_DID)
    del badge["credentialStatus"]
    badge["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    signed = sign(badge, web_signer(), loader=loader)

    report = _verify(signed, {WEB_DID: web_did_document(web_signer())}, loader)

    assert _outcome(report, CheckId.ENDORSEMENTS) == expected
    assert report.verified


def test_salted_hash_fixture_is_what_the_spec_says() -> None:
    assert (
        identity_hash("a@example.com", "Kosher")
        == "sha256$" + hashlib.sha256(b"a@example.comKosher").hexdigest()
    )
