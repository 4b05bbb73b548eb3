"""The proof API on Open Badges 3.0 credentials: did:web keys, safe mode, canonical escaping."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badges.did import VerificationKey, did_web_document, retrieve_verification_method
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import ProofErrorCode, create_proof, eddsa_rdfc_2022, verify_proof
from badges.proofs.canonical import canonize
from badges.proofs.errors import CanonicalizationError, SignerMismatch
from tests.unit.proofs.support import Ed25519TestSigner

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "credentials" / "ob3-smart-city.json"
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def credential() -> dict[str, Any]:
    value = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


@pytest.fixture(scope="module")
def issuer(credential: dict[str, Any]) -> tuple[Ed25519TestSigner, dict[str, Any]]:
    did = credential["issuer"]["id"]
    key = Ed25519PrivateKey.generate()
    document = did_web_document(did, [VerificationKey("key-1", key.public_key())])
    return Ed25519TestSigner(key, f"{did}#key-1"), document


def _resolver(document: dict[str, Any]) -> Any:
    def public_key_for(method: str) -> Ed25519PublicKey:
        return retrieve_verification_method(document, method, relationship="assertionMethod")

    return public_key_for


@pytest.fixture(scope="module")
def bundled() -> StaticDocumentLoader:
    return StaticDocumentLoader()


def test_an_open_badge_signed_with_a_did_web_key_verifies(
    credential: dict[str, Any],
    issuer: tuple[Ed25519TestSigner, dict[str, Any]],
    bundled: StaticDocumentLoader,
) -> None:
    signer, document = issuer

    signed = create_proof(credential, signer=signer, created=CREATED, loader=bundled)
    (result,) = verify_proof(signed, public_key_for=_resolver(document), loader=bundled)

    assert result.verified, result.message
    assert signed["proof"][0]["verificationMethod"] == f"{credential['issuer']['id']}#key-1"
    assert signed["proof"][0]["created"] == "2026-11-20T09:30:00Z"


def test_a_key_from_another_did_is_not_bound(
    credential: dict[str, Any],
    issuer: tuple[Ed25519TestSigner, dict[str, Any]],
    bundled: StaticDocumentLoader,
) -> None:
    signer, document = issuer
    signed = create_proof(credential, signer=signer, created=CREATED, loader=bundled)
    forged = copy.deepcopy(document)
    forged["id"] = "did:web:attacker.example"

    (result,) = verify_proof(signed, public_key_for=_resolver(forged), loader=bundled)

    assert result.error is ProofErrorCode.INVALID_VERIFICATION_METHOD


@pytest.mark.parametrize(
    "add",
    [
        lambda c: c.update(unsignedClaim="eyJ..."),
        lambda c: c["credentialSubject"].update(nickname="not signed"),
        lambda c: c["credentialSubject"]["achievement"].update(level="not signed"),
    ],
)
def test_an_undefined_term_added_to_an_open_badge_is_data_loss(
    credential: dict[str, Any],
    issuer: tuple[Ed25519TestSigner, dict[str, Any]],
    bundled: StaticDocumentLoader,
    add: Any,
) -> None:
    signer, document = issuer
    signed = create_proof(credential, signer=signer, created=CREATED, loader=bundled)
    changed = copy.deepcopy(signed)
    add(changed)

    (result,) = verify_proof(changed, public_key_for=_resolver(document), loader=bundled)

    assert result.error is ProofErrorCode.DATA_LOSS_DETECTION_ERROR, result.message


def test_control_characters_are_canonicalised_the_rdfc_way(
    issuer: tuple[Ed25519TestSigner, dict[str, Any]],
    bundled: StaticDocumentLoader,
) -> None:
    signer, document = issuer
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": document["id"],
        "name": "tab\there, backspace\b, form feed\f, bell\x07, delete\x7f",
        "credentialSubject": {"id": "did:example:learner"},
    }

    canonical = canonize(credential, loader=bundled)
    signed = create_proof(credential, signer=signer, created=CREATED, loader=bundled)

    # RDFC-1.0 §4.3 (rdf-canon test060): ECHAR for \t \b \f, UCHAR for other controls.
    assert r'"tab\there, backspace\b, form feed\f, bell\u0007, delete\u007F"' in canonical
    (result,) = verify_proof(signed, public_key_for=_resolver(document), loader=bundled)
    assert result.verified


def test_a_context_outside_the_bundle_cannot_be_canonicalised(
    bundled: StaticDocumentLoader,
) -> None:
    with pytest.raises(CanonicalizationError, match="not one of the contexts"):
        canonize({"@context": "https://evil.example/context.json", "name": "x"}, loader=bundled)


def test_a_proof_context_that_does_not_prefix_the_document_fails(
    vectors: Path, loader: StaticDocumentLoader
) -> None:
    signed = json.loads((vectors / "eddsa-rdfc-2022" / "signedDataInt.json").read_text())
    signed["proof"]["@context"] = ["https://www.w3.org/ns/credentials/examples/v2"]

    (result,) = verify_proof(
        signed,
        public_key_for=lambda _method: Ed25519PrivateKey.generate().public_key(),
        loader=loader,
    )

    assert result.error is ProofErrorCode.PROOF_VERIFICATION_ERROR


def test_the_signer_must_own_the_verification_method(
    issuer: tuple[Ed25519TestSigner, dict[str, Any]],
) -> None:
    signer, _ = issuer
    options = {"type": "DataIntegrityProof", "verificationMethod": "did:web:other.example#key-1"}

    with pytest.raises(SignerMismatch):
        eddsa_rdfc_2022.serialize_proof(b"\0" * 64, options, signer=signer)
