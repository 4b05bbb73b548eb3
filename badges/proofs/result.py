"""The outcome of verifying one proof: a value, never an exception (STYLE rule 8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class ProofErrorCode(StrEnum):
    """Why a proof did not verify; the names follow VC Data Integrity §"Processing Errors"."""

    #: The signature does not match the document, the proof options or the key.
    PROOF_VERIFICATION_ERROR = "PROOF_VERIFICATION_ERROR"
    #: A required member is missing or ill-typed, the proofValue cannot be decoded.
    MALFORMED_PROOF_ERROR = "MALFORMED_PROOF_ERROR"
    #: ``proofPurpose`` is not the one the verifier expects (``assertionMethod`` for OB 3.0).
    MISMATCHED_PROOF_PURPOSE_ERROR = "MISMATCHED_PROOF_PURPOSE_ERROR"
    #: ``domain`` does not match the one the verifier expects.
    INVALID_DOMAIN_ERROR = "INVALID_DOMAIN_ERROR"
    #: ``challenge`` does not match the one the verifier expects.
    INVALID_CHALLENGE_ERROR = "INVALID_CHALLENGE_ERROR"
    #: The proof's ``expires`` time has passed.
    PROOF_EXPIRED_ERROR = "PROOF_EXPIRED_ERROR"
    #: JSON-LD would drop data: some of the document would not be covered by the signature.
    DATA_LOSS_DETECTION_ERROR = "DATA_LOSS_DETECTION_ERROR"
    #: The document could not be canonicalised (context not allowed, poison graph, bad JSON).
    PROOF_TRANSFORMATION_ERROR = "PROOF_TRANSFORMATION_ERROR"
    #: The proof type or cryptosuite is unknown, or not among the suites the caller allows.
    UNSUPPORTED_CRYPTOSUITE = "UNSUPPORTED_CRYPTOSUITE"
    #: The verification method could not be resolved to an Ed25519 public key.
    INVALID_VERIFICATION_METHOD = "INVALID_VERIFICATION_METHOD"
    #: A ``previousProof`` names a proof that is not in the set.
    PREVIOUS_PROOF_NOT_FOUND = "PREVIOUS_PROOF_NOT_FOUND"


@dataclass(frozen=True, slots=True)
class ProofResult:
    """One proof's verdict: ``verified`` with no ``error``, or not, with a code and a message."""

    verified: bool
    #: ``cryptosuite`` for a DataIntegrityProof, else the proof ``type`` (``Ed25519Signature2020``).
    suite: str | None
    verification_method: str | None
    error: ProofErrorCode | None = None
    message: str = ""
    proof: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
