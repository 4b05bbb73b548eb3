"""Data Integrity proofs for credentials: create with a :class:`Signer`, verify to a report.

VC Data Integrity 1.0 §"Add Proof" and §"Verify Proof Sets and Chains"
(https://www.w3.org/TR/vc-data-integrity/#algorithms) around the suites of vc-di-eddsa. Private
keys never reach this package (STYLE rule 6); public keys come from the caller's
``public_key_for(verification_method)`` (did:key locally, did:web through the verifier's fetcher).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.errors import DomainError
from badges.jsonld.loader import StaticDocumentLoader
from badges.proofs import dataintegrity as di
from badges.proofs import ed25519_signature_2020, eddsa_jcs_2022, eddsa_rdfc_2022
from badges.proofs.canonical import DocumentLoader
from badges.proofs.errors import (
    CanonicalizationError,
    DataLossDetected,
    KeyFormatError,
    MalformedProof,
    ProofError,
    UnsupportedSuite,
)
from badges.proofs.result import ProofErrorCode, ProofResult
from badges.proofs.signer import Signer

EDDSA_RDFC_2022 = eddsa_rdfc_2022.CRYPTOSUITE
EDDSA_JCS_2022 = eddsa_jcs_2022.CRYPTOSUITE
ED25519_SIGNATURE_2020 = ed25519_signature_2020.PROOF_TYPE
#: Every suite this package verifies; ``verify_proof`` allows only ``eddsa-rdfc-2022`` by default.
SUPPORTED_SUITES = frozenset({EDDSA_RDFC_2022, EDDSA_JCS_2022, ED25519_SIGNATURE_2020})

#: Maps a proof's ``verificationMethod`` to its Ed25519 public key; raises a ``DomainError``
#: (e.g. ``badges.did.DidError``) when the method cannot be resolved.
PublicKeyResolver = Callable[[str], Ed25519PublicKey]

__all__ = [
    "ED25519_SIGNATURE_2020",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "SUPPORTED_SUITES",
    "CanonicalizationError",
    "DataLossDetected",
    "KeyFormatError",
    "MalformedProof",
    "ProofError",
    "ProofErrorCode",
    "ProofResult",
    "PublicKeyResolver",
    "Signer",
    "UnsupportedSuite",
    "create_proof",
    "verify_proof",
]


def create_proof(
    document: Mapping[str, Any],
    *,
    signer: Signer,
    created: datetime | None,
    cryptosuite: str = EDDSA_RDFC_2022,
    proof_purpose: str = di.ASSERTION_METHOD,
    loader: DocumentLoader | None = None,
) -> di.JsonObject:
    """Return a copy of ``document`` with one more proof, made by ``signer`` (DI §"Add Proof").

    The new proof signs the document without its existing proofs (a proof set) and is appended
    to ``proof``, which is always emitted as an array, as the strict OB 3.0 schema wants.
    ``created=None`` leaves ``created`` out (it is optional); otherwise it is written in UTC with
    fractional seconds only when the datetime has them. ``loader`` defaults to a fresh bundled
    :class:`StaticDocumentLoader`; pass a long-lived one to reuse its processed contexts.
    """
    options: di.JsonObject = {"type": di.DATA_INTEGRITY_PROOF, "cryptosuite": cryptosuite}
    if created is not None:
        options["created"] = di.format_created(created)
    options["verificationMethod"] = signer.verification_method
    options["proofPurpose"] = proof_purpose
    unsecured = di.unsecured_document(document)
    if cryptosuite == EDDSA_RDFC_2022:
        loader = loader if loader is not None else StaticDocumentLoader()
        proof = eddsa_rdfc_2022.create_proof(unsecured, options, signer=signer, loader=loader)
    elif cryptosuite == EDDSA_JCS_2022:
        proof = eddsa_jcs_2022.create_proof(unsecured, options, signer=signer)
    else:
        raise UnsupportedSuite(
            "Cannot create %(suite)s proofs; use %(rdfc)s or %(jcs)s.",
            params={"suite": cryptosuite, "rdfc": EDDSA_RDFC_2022, "jcs": EDDSA_JCS_2022},
        )
    return {**unsecured, "proof": [*di.proofs_of(document), proof]}


def verify_proof(
    document: Mapping[str, Any],
    *,
    public_key_for: PublicKeyResolver,
    loader: DocumentLoader,
    suites: Collection[str] = (EDDSA_RDFC_2022,),
    expected_proof_purpose: str = di.ASSERTION_METHOD,
    domain: str | None = None,
    challenge: str | None = None,
    now: datetime | None = None,
) -> tuple[ProofResult, ...]:
    """Verify every proof of ``document``: one result per proof, in document order.

    Data Integrity §"Verify Proof Sets and Chains", with §"Verify Proof"'s checks for each.

    Never raises for a bad proof or document: a wrong signature, a malformed proof, an unknown or
    disallowed suite, data loss in JSON-LD, an unresolvable key (a ``DomainError`` from
    ``public_key_for``) all come back as results. Raises only for programmer error: ``document``
    is not a mapping, or ``public_key_for`` fails with something other than a ``DomainError``.
    ``now`` turns on the ``expires`` check; without it ``expires`` is only checked for form.
    """
    if not isinstance(document, Mapping):
        raise TypeError("verify_proof() takes the credential as a mapping")
    try:
        proofs = di.proofs_of(document)
    except MalformedProof as err:
        return (_failure({}, ProofErrorCode.MALFORMED_PROOF_ERROR, err.message),)
    unsecured = di.unsecured_document(document)
    by_id = {proof["id"]: proof for proof in proofs if isinstance(proof.get("id"), str)}
    checks = _Expectations(expected_proof_purpose, domain, challenge, now, frozenset(suites))
    return tuple(
        _verify_one(
            proof, unsecured, by_id, public_key_for=public_key_for, loader=loader, checks=checks
        )
        for proof in proofs
    )


@dataclass(frozen=True, slots=True)
class _Expectations:
    """What the caller expects of every proof (Data Integrity §"Verify Proof")."""

    purpose: str
    domain: str | None
    challenge: str | None
    now: datetime | None
    suites: frozenset[str]


def _suite_of(proof: Mapping[str, Any]) -> str | None:
    if proof.get("type") == di.DATA_INTEGRITY_PROOF:
        suite = proof.get("cryptosuite")
        return suite if isinstance(suite, str) else None
    kind = proof.get("type")
    return kind if isinstance(kind, str) else None


def _failure(proof: Mapping[str, Any], code: ProofErrorCode, message: str) -> ProofResult:
    method = proof.get("verificationMethod")
    return ProofResult(
        verified=False,
        suite=_suite_of(proof),
        verification_method=method if isinstance(method, str) else None,
        error=code,
        message=message,
        proof=proof,
    )


def _check_expectations(proof: Mapping[str, Any], checks: _Expectations) -> ProofResult | None:
    """Data Integrity §"Verify Proof": the generic checks, before any cryptography."""
    suite = _suite_of(proof)
    if suite not in SUPPORTED_SUITES or suite not in checks.suites:
        return _failure(
            proof,
            ProofErrorCode.UNSUPPORTED_CRYPTOSUITE,
            f"The proof uses {suite or 'no known suite'}, which this verifier does not accept.",
        )
    try:
        di.check_required_members(proof)
    except MalformedProof as err:
        return _failure(proof, ProofErrorCode.MALFORMED_PROOF_ERROR, err.message)
    if proof["proofPurpose"] != checks.purpose:
        return _failure(
            proof,
            ProofErrorCode.MISMATCHED_PROOF_PURPOSE_ERROR,
            f"The proof's purpose is {proof['proofPurpose']!r}, expected {checks.purpose!r}.",
        )
    if checks.domain is not None and checks.domain not in _as_strings(proof.get("domain")):
        return _failure(
            proof, ProofErrorCode.INVALID_DOMAIN_ERROR, "The proof is not for this domain."
        )
    if checks.challenge is not None and proof.get("challenge") != checks.challenge:
        return _failure(
            proof, ProofErrorCode.INVALID_CHALLENGE_ERROR, "The proof answers another challenge."
        )
    if checks.now is not None and "expires" in proof:
        expires = di.parse_datetime_stamp(proof["expires"], field="expires")
        if expires < checks.now:
            return _failure(proof, ProofErrorCode.PROOF_EXPIRED_ERROR, "The proof has expired.")
    return None


def _input_document(
    proof: Mapping[str, Any], unsecured: di.JsonObject, by_id: Mapping[str, di.JsonObject]
) -> di.JsonObject | None:
    """A chained proof signed the document holding the proofs its ``previousProof`` names."""
    previous = proof.get("previousProof")
    if previous is None:
        return unsecured
    names = _as_strings(previous)
    if not names or any(name not in by_id for name in names):
        return None
    return {**unsecured, "proof": [by_id[name] for name in names]}


def _verify_one(
    proof: di.JsonObject,
    unsecured: di.JsonObject,
    by_id: Mapping[str, di.JsonObject],
    *,
    public_key_for: PublicKeyResolver,
    loader: DocumentLoader,
    checks: _Expectations,
) -> ProofResult:
    failure = _check_expectations(proof, checks)
    if failure is not None:
        return failure
    suite = _suite_of(proof)
    method: str = proof["verificationMethod"]
    input_document = _input_document(proof, unsecured, by_id)
    if input_document is None:
        return _failure(
            proof,
            ProofErrorCode.PREVIOUS_PROOF_NOT_FOUND,
            "The proof chains to a previous proof that is not in the document.",
        )
    try:
        public_key = public_key_for(method)
    except DomainError as err:
        return _failure(proof, ProofErrorCode.INVALID_VERIFICATION_METHOD, err.message)
    try:
        if suite == EDDSA_RDFC_2022:
            verified = eddsa_rdfc_2022.verify_proof(
                input_document, proof, public_key=public_key, loader=loader
            )
        elif suite == EDDSA_JCS_2022:
            verified = eddsa_jcs_2022.verify_proof(input_document, proof, public_key=public_key)
        else:
            verified = ed25519_signature_2020.verify_proof(
                input_document, proof, public_key=public_key, loader=loader
            )
    except DataLossDetected as err:
        return _failure(proof, ProofErrorCode.DATA_LOSS_DETECTION_ERROR, err.message)
    except CanonicalizationError as err:
        return _failure(proof, ProofErrorCode.PROOF_TRANSFORMATION_ERROR, err.message)
    except ProofError as err:
        return _failure(proof, ProofErrorCode.MALFORMED_PROOF_ERROR, err.message)
    if not verified:
        return _failure(
            proof,
            ProofErrorCode.PROOF_VERIFICATION_ERROR,
            "The signature does not match the credential: it was changed after signing, "
            "or signed with another key.",
        )
    return ProofResult(
        verified=True, suite=suite, verification_method=method, proof=proof, message="Verified."
    )


def _as_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return []
