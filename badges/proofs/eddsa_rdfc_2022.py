"""The ``eddsa-rdfc-2022`` cryptosuite: RDFC-1.0 canonical N-Quads, SHA-256, Ed25519.

vc-di-eddsa §"eddsa-rdfc-2022" (https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022). Each
function is one algorithm of that section under the spec's name, and its docstring gives the
algorithm's anchor on that page; ``badges.proofs`` wraps them in Data Integrity's generic
"Add Proof" / "Verify Proof" checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.proofs import dataintegrity as di
from badges.proofs.canonical import DocumentLoader, canonize
from badges.proofs.errors import MalformedProof
from badges.proofs.signer import Signer

CRYPTOSUITE = "eddsa-rdfc-2022"


def create_proof(
    unsecured_document: Mapping[str, Any],
    options: Mapping[str, Any],
    *,
    signer: Signer,
    loader: DocumentLoader,
) -> di.JsonObject:
    """vc-di-eddsa #create-proof-eddsa-rdfc-2022: the proof, ``proofValue`` included."""
    proof = dict(options)
    proof_config = configure_proof(options, unsecured_document, loader=loader)
    transformed = transform(unsecured_document, options, loader=loader)
    proof["proofValue"] = di.encode_proof_value(
        serialize_proof(hash_data(transformed, proof_config), options, signer=signer)
    )
    return proof


def verify_proof(
    unsecured_document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
    loader: DocumentLoader,
) -> bool:
    """vc-di-eddsa #verify-proof-eddsa-rdfc-2022: does ``proof`` verify on the document.

    The secured document comes as its two halves, so that a chained proof's unsecured half can
    keep the previous proofs it signed (VC Data Integrity §"Verify Proof Sets and Chains").
    """
    unsecured = dict(unsecured_document)
    options = di.proof_options(proof)
    proof_bytes = di.decode_proof_value(proof)
    if not di.apply_proof_context(unsecured, options):
        return False
    transformed = transform(unsecured, options, loader=loader)
    proof_config = configure_proof(options, unsecured, loader=loader)
    return proof_verification(hash_data(transformed, proof_config), proof_bytes, public_key)


def transform(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any], *, loader: DocumentLoader
) -> str:
    """vc-di-eddsa #transformation-eddsa-rdfc-2022: RDFC-1.0 canonical N-Quads."""
    _check_suite(options)
    return canonize(unsecured_document, loader=loader)


def hash_data(transformed_document: str, canonical_proof_config: str) -> bytes:
    """vc-di-eddsa #hashing-eddsa-rdfc-2022: SHA-256(proof config) ‖ SHA-256(document)."""
    return (
        hashlib.sha256(canonical_proof_config.encode()).digest()
        + hashlib.sha256(transformed_document.encode()).digest()
    )


def configure_proof(
    options: Mapping[str, Any], unsecured_document: Mapping[str, Any], *, loader: DocumentLoader
) -> str:
    """vc-di-eddsa #proof-configuration-eddsa-rdfc-2022: canonical proof options."""
    _check_suite(options)
    if "created" in options:
        di.parse_datetime_stamp(options["created"], field="created")
    proof_config = dict(options)
    proof_config["@context"] = unsecured_document.get("@context")
    return canonize(proof_config, loader=loader)


def serialize_proof(hash_data: bytes, options: Mapping[str, Any], *, signer: Signer) -> bytes:
    """vc-di-eddsa #proof-serialization-eddsa-rdfc-2022: Ed25519 over the hash data."""
    return di.sign_ed25519(hash_data, options, signer=signer, suite=CRYPTOSUITE)


def proof_verification(hash_data: bytes, proof_bytes: bytes, public_key: Ed25519PublicKey) -> bool:
    """vc-di-eddsa #proof-verification-eddsa-rdfc-2022: Ed25519 verify."""
    try:
        public_key.verify(proof_bytes, hash_data)
    except InvalidSignature:
        return False
    return True


def _check_suite(options: Mapping[str, Any]) -> None:
    if options.get("type") != di.DATA_INTEGRITY_PROOF or options.get("cryptosuite") != CRYPTOSUITE:
        raise MalformedProof(
            "These proof options are not a DataIntegrityProof with cryptosuite %(suite)s.",
            params={"suite": CRYPTOSUITE},
        )
