"""Legacy ``Ed25519Signature2020`` proofs, verified only (ob3-spec §2.4).

Ed25519 Signature 2020 (https://w3c-ccg.github.io/lds-ed25519-2020/) hashes like vc-di-eddsa
§"eddsa-rdfc-2022" (the W3C vectors in ``Ed25519Signature2020/`` pin it): URDNA2015 (= RDFC-1.0)
N-Quads of the proof options under the document's ``@context``, then of the document, SHA-256
each, proof hash first. We never create these: new credentials use ``eddsa-rdfc-2022``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.proofs import dataintegrity as di
from badges.proofs.canonical import DocumentLoader, canonize
from badges.proofs.eddsa_rdfc_2022 import hash_data, proof_verification
from badges.proofs.errors import MalformedProof

PROOF_TYPE = "Ed25519Signature2020"

__all__ = ["PROOF_TYPE", "configure_proof", "hash_data", "transform", "verify_proof"]


def verify_proof(
    unsecured_document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
    loader: DocumentLoader,
) -> bool:
    """lds-ed25519-2020 §Proof verification: does the one ``proof`` verify."""
    unsecured = dict(unsecured_document)
    options = di.proof_options(proof)
    proof_bytes = di.decode_proof_value(proof)
    transformed = transform(unsecured, options, loader=loader)
    proof_config = configure_proof(options, unsecured, loader=loader)
    return proof_verification(hash_data(transformed, proof_config), proof_bytes, public_key)


def transform(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any], *, loader: DocumentLoader
) -> str:
    """lds-ed25519-2020 §Transformation: URDNA2015 (RDFC-1.0) canonical N-Quads."""
    _check_type(options)
    return canonize(unsecured_document, loader=loader)


def configure_proof(
    options: Mapping[str, Any], unsecured_document: Mapping[str, Any], *, loader: DocumentLoader
) -> str:
    """lds-ed25519-2020 §Proof configuration: canonical options under the document's context."""
    _check_type(options)
    if "created" in options:
        di.parse_datetime_stamp(options["created"], field="created")
    proof_config = dict(options)
    proof_config["@context"] = unsecured_document.get("@context")
    return canonize(proof_config, loader=loader)


def _check_type(options: Mapping[str, Any]) -> None:
    if options.get("type") != PROOF_TYPE:
        raise MalformedProof(
            "These proof options are not an %(type)s proof.", params={"type": PROOF_TYPE}
        )
