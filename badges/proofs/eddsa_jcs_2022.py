"""The ``eddsa-jcs-2022`` cryptosuite: JCS (RFC 8785) canonical JSON, SHA-256, Ed25519.

vc-di-eddsa §"eddsa-jcs-2022" (https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022); each docstring
gives its algorithm's anchor on that page. Not accepted by the 1EdTech validator or DCC
(ob3-spec §2.3): offered as an extra proof, never the only one.
JCS comes from ``rfc8785`` (Trail of Bits, typed), which gets ECMAScript number output right.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.proofs import dataintegrity as di
from badges.proofs.eddsa_rdfc_2022 import proof_verification
from badges.proofs.errors import CanonicalizationError, MalformedProof
from badges.proofs.signer import Signer

CRYPTOSUITE = "eddsa-jcs-2022"

__all__ = [
    "CRYPTOSUITE",
    "configure_proof",
    "create_proof",
    "hash_data",
    "proof_verification",
    "serialize_proof",
    "transform",
    "verify_proof",
]


def create_proof(
    unsecured_document: Mapping[str, Any], options: Mapping[str, Any], *, signer: Signer
) -> di.JsonObject:
    """vc-di-eddsa #create-proof-eddsa-jcs-2022: the proof, ``proofValue`` included."""
    proof = dict(options)
    if "@context" in unsecured_document:
        proof["@context"] = unsecured_document["@context"]
    proof_config = configure_proof(proof, unsecured_document)
    transformed = transform(unsecured_document, proof)
    proof["proofValue"] = di.encode_proof_value(
        serialize_proof(hash_data(transformed, proof_config), proof, signer=signer)
    )
    return proof


def verify_proof(
    unsecured_document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
) -> bool:
    """vc-di-eddsa #verify-proof-eddsa-jcs-2022: does ``proof`` verify on the document.

    The secured document comes as its two halves, as in :mod:`badges.proofs.eddsa_rdfc_2022`.
    """
    unsecured = dict(unsecured_document)
    options = di.proof_options(proof)
    proof_bytes = di.decode_proof_value(proof)
    if not di.apply_proof_context(unsecured, options):
        return False
    transformed = transform(unsecured, options)
    proof_config = configure_proof(options, unsecured)
    return proof_verification(hash_data(transformed, proof_config), proof_bytes, public_key)


def transform(unsecured_document: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """vc-di-eddsa #transformation-eddsa-jcs-2022: the JCS serialisation."""
    _check_suite(options)
    return _jcs(unsecured_document)


def hash_data(transformed_document: str, canonical_proof_config: str) -> bytes:
    """vc-di-eddsa #hashing-eddsa-jcs-2022: SHA-256(proof config) ‖ SHA-256(document)."""
    return (
        hashlib.sha256(canonical_proof_config.encode()).digest()
        + hashlib.sha256(transformed_document.encode()).digest()
    )


def configure_proof(options: Mapping[str, Any], unsecured_document: Mapping[str, Any]) -> str:
    """vc-di-eddsa #proof-configuration-eddsa-jcs-2022: JCS of the proof options."""
    _check_suite(options)
    if "created" in options:
        di.parse_datetime_stamp(options["created"], field="created")
    proof_config = dict(options)
    if "@context" in unsecured_document:
        proof_config["@context"] = unsecured_document["@context"]
    return _jcs(proof_config)


def serialize_proof(hash_data: bytes, options: Mapping[str, Any], *, signer: Signer) -> bytes:
    """vc-di-eddsa #proof-serialization-eddsa-jcs-2022: Ed25519 over the hash data."""
    return di.sign_ed25519(hash_data, options, signer=signer, suite=CRYPTOSUITE)


def _jcs(value: Mapping[str, Any]) -> str:
    try:
        return rfc8785.dumps(dict(value)).decode()
    except (rfc8785.CanonicalizationError, TypeError) as err:
        raise CanonicalizationError(
            "The document is not JSON that JCS can canonicalise: %(reason)s",
            params={"reason": str(err)},
        ) from err


def _check_suite(options: Mapping[str, Any]) -> None:
    if options.get("type") != di.DATA_INTEGRITY_PROOF or options.get("cryptosuite") != CRYPTOSUITE:
        raise MalformedProof(
            "These proof options are not a DataIntegrityProof with cryptosuite %(suite)s.",
            params={"suite": CRYPTOSUITE},
        )
