"""Legacy Ed25519Signature2020: verify the W3C vector, reproduce its steps, refuse changes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from badges.did.key import public_key_from_did_key
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import (
    ED25519_SIGNATURE_2020,
    ProofErrorCode,
    ed25519_signature_2020,
    verify_proof,
)
from badges.proofs.errors import MalformedProof
from tests.unit.proofs.support import read_json, read_text
from tests.unit.proofs.tampering import single_field_changes


@pytest.fixture(scope="module")
def suite_dir(vectors: Path) -> Path:
    return vectors / "Ed25519Signature2020"


@pytest.fixture(scope="module")
def signed(suite_dir: Path) -> dict[str, Any]:
    return read_json(suite_dir / "signedEdSig.json")


def test_each_step_matches_the_vector(
    signed: dict[str, Any], suite_dir: Path, loader: StaticDocumentLoader
) -> None:
    unsecured = {key: value for key, value in signed.items() if key != "proof"}
    options = {key: value for key, value in signed["proof"].items() if key != "proofValue"}

    canonical = ed25519_signature_2020.transform(unsecured, options, loader=loader)
    proof_config = ed25519_signature_2020.configure_proof(options, unsecured, loader=loader)

    assert canonical == read_text(suite_dir / "canonDocEdSig.txt")
    assert proof_config == read_text(suite_dir / "proofCanonEdSig.txt")
    assert hashlib.sha256(proof_config.encode()).hexdigest() == read_text(
        suite_dir / "proofHashEdSig.txt"
    )
    assert ed25519_signature_2020.hash_data(canonical, proof_config).hex() == read_text(
        suite_dir / "combinedHashEdSig.txt"
    )
    assert signed["proof"]["proofValue"] == read_text(suite_dir / "sigBTC58EdSig.txt")


def test_the_signed_vector_verifies_only_when_allowed(
    signed: dict[str, Any], loader: StaticDocumentLoader
) -> None:
    (default,) = verify_proof(signed, public_key_for=public_key_from_did_key, loader=loader)
    (allowed,) = verify_proof(
        signed,
        public_key_for=public_key_from_did_key,
        loader=loader,
        suites=(ED25519_SIGNATURE_2020,),
    )

    assert default.error is ProofErrorCode.UNSUPPORTED_CRYPTOSUITE
    assert allowed.verified, allowed.message
    assert allowed.suite == ED25519_SIGNATURE_2020


def test_every_single_field_change_fails(
    signed: dict[str, Any], loader: StaticDocumentLoader
) -> None:
    for description, changed in single_field_changes(signed):
        results = verify_proof(
            changed,
            public_key_for=public_key_from_did_key,
            loader=loader,
            suites=(ED25519_SIGNATURE_2020,),
        )
        assert not any(result.verified for result in results), description


def test_other_proof_types_are_refused(loader: StaticDocumentLoader) -> None:
    with pytest.raises(MalformedProof):
        ed25519_signature_2020.transform({}, {"type": "DataIntegrityProof"}, loader=loader)
