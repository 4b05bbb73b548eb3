"""Errors raised by the proof machinery: one base class, one subclass per kind of failure.

Verification of a well-formed proof never raises for a bad signature (it returns a
:class:`badges.proofs.result.ProofResult`); these are for malformed input and misuse.
"""

from __future__ import annotations

from badges.errors import InvalidInput


class ProofError(InvalidInput):
    """Base of every error raised by :mod:`badges.proofs`."""

    code = "proof_error"


class KeyFormatError(ProofError):
    """A key is not in the expected encoding (multibase, multicodec prefix, length, JWK)."""

    code = "key_format"


class MalformedProof(ProofError):
    """A proof, or the options to create one, break the Data Integrity data model."""

    code = "malformed_proof"


class UnsupportedSuite(ProofError):
    """The proof type, cryptosuite or JWS algorithm is not one this library handles or allows."""

    code = "unsupported_suite"


class CanonicalizationError(ProofError):
    """The document could not be turned into canonical form (bad JSON-LD, context, poison graph)."""

    code = "canonicalization_error"


class DataLossDetected(CanonicalizationError):
    """JSON-LD processing would drop data (an undefined term, a relative IRI): nothing is signed.

    Data Integrity §"Securing Data Losslessly" calls this ``DATA_LOSS_DETECTION_ERROR``.
    """

    code = "data_loss_detection"


class SignerMismatch(ProofError):
    """The signer's algorithm does not fit the suite it was asked to sign with."""

    code = "signer_mismatch"


class MalformedJws(ProofError):
    """A compact JWS (VC-JWT) is not well formed: segments, base64url, JSON or header members."""

    code = "malformed_jws"


class JwsSignatureInvalid(ProofError):
    """The JWS signature does not verify with the key given for it."""

    code = "invalid_signature"


class JwtClaimMismatch(ProofError):
    """A registered JWT claim disagrees with the credential it carries (ob3 §2.5)."""

    code = "jwt_claim_mismatch"


class JwtNotCurrent(ProofError):
    """The JWT is used before ``nbf`` or after ``exp`` (beyond the allowed clock skew)."""

    code = "jwt_not_current"
