"""eddsa-jcs-2022 against the W3C vc-di-eddsa vectors."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badges.did.key import public_key_from_did_key
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import EDDSA_JCS_2022, ProofErrorCode, create_proof, eddsa_jcs_2022, verify_proof
from badges.proofs.errors import CanonicalizationError, MalformedProof
from tests.unit.proofs.support import Ed25519TestSigner, read_json, read_text
from tests.unit.proofs.tampering import single_field_changes

CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


@pytest.fixture(scope="module")
def suite_dir(vectors: Path) -> Path:
    return vectors / "eddsa-jcs-2022"


@pytest.fixture(scope="module")
def signed(suite_dir: Path) -> dict[str, Any]:
    return read_json(suite_dir / "signedJCS.json")


def _options(suite_dir: Path) -> dict[str, Any]:
    config = read_json(suite_dir / "proofConfigJCS.json")
    return {key: value for key, value in config.items() if key != "@context"}


def test_each_step_matches_the_vector(unsigned: dict[str, Any], suite_dir: Path) -> None:
    options = _options(suite_dir)

    canonical = eddsa_jcs_2022.transform(unsigned, options)
    proof_config = eddsa_jcs_2022.configure_proof(options, unsigned)

    assert canonical == read_text(suite_dir / "canonDocJCS.txt")
    assert proof_config == read_text(suite_dir / "proofCanonJCS.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() == read_text(suite_dir / "docHashJCS.txt")
    assert eddsa_jcs_2022.hash_data(canonical, proof_config).hex() == read_text(
        suite_dir / "combinedHashJCS.txt"
    )


def test_create_proof_reproduces_the_w3c_proof(
    unsigned: dict[str, Any], suite_dir: Path, w3c_signer: Ed25519TestSigner
) -> None:
    secured = create_proof(unsigned, signer=w3c_signer, created=CREATED, cryptosuite=EDDSA_JCS_2022)

    expected = read_json(suite_dir / "signedJCS.json")["proof"]
    assert secured["proof"] == [expected]
    assert expected["proofValue"] == read_text(suite_dir / "sigBTC58JCS.txt")


def test_the_signed_vector_verifies_and_every_change_fails(
    signed: dict[str, Any], loader: StaticDocumentLoader
) -> None:
    def verified(document: dict[str, Any]) -> bool:
        results = verify_proof(
            document,
            public_key_for=public_key_from_did_key,
            loader=loader,
            suites=(EDDSA_JCS_2022,),
        )
        return any(result.verified for result in results)

    assert verified(signed)
    for description, changed in single_field_changes(signed):
        if description == "delete proof/@context":
            # vc-di-eddsa §3.3.5: the proof configuration takes the *document's* @context, so the
            # proof's copy only has to match it when present (§3.3.2 step 4); without it the
            # signed bytes are the same. Changing it is still caught (the loop covers that).
            assert verified(changed)
            continue
        assert not verified(changed), description


def test_a_proof_context_must_prefix_the_document_context(
    signed: dict[str, Any], loader: StaticDocumentLoader
) -> None:
    changed = copy.deepcopy(signed)
    changed["@context"] = list(reversed(changed["@context"]))

    (result,) = verify_proof(
        changed, public_key_for=public_key_from_did_key, loader=loader, suites=(EDDSA_JCS_2022,)
    )

    assert result.error is ProofErrorCode.PROOF_VERIFICATION_ERROR


def test_json_that_jcs_cannot_express_is_refused(unsigned: dict[str, Any]) -> None:
    options = {"type": "DataIntegrityProof", "cryptosuite": EDDSA_JCS_2022}

    with pytest.raises(CanonicalizationError):
        eddsa_jcs_2022.transform({**unsigned, "n": float("nan")}, options)
    with pytest.raises(MalformedProof):
        eddsa_jcs_2022.transform(unsigned, {**options, "cryptosuite": "eddsa-rdfc-2022"})
