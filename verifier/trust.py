"""The checks that decide whether to trust the badge: proof, key binding, status.

OB 3.0 "Verification" steps 2 and 4 (ob3-spec §7.1): any one valid proof suffices and all are
reported; the key must be retrieved per CID 1.0 §3.3 and be controlled by ``issuer.id`` (§3.2);
the status is read only for a badge whose proof held (no fetching on behalf of forgeries).
Refresh and endorsements are in :mod:`verifier.related`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from badges.errors import N_, DomainError
from badges.proofs import (
    ED25519_SIGNATURE_2020,
    EDDSA_RDFC_2022,
    ProofErrorCode,
    ProofResult,
    verify_proof,
)
from badges.proofs.dataintegrity import proofs_of
from badges.proofs.errors import JwtClaimMismatch, MalformedProof
from badges.proofs.jwt import decode_compact_jws, verify_jwt
from verifier.report import Check, CheckId, Outcome
from verifier.resolve import Binding, origin
from verifier.state import Verification
from verifier.status import StatusContext, check_entry

NOT_CHECKED_UNSIGNED = N_("Not checked, because the badge's signature could not be verified.")
_HOW_BOUND = {
    "did:key": "did:key: the issuer is whoever holds this key",
    "did:web": "did:web: the key is published on the issuer's web domain (DNS and TLS)",
    "https": "https: the key is published at the issuer's web address (TLS)",
    "jwk": "JWK published at the issuer's web address (TLS)",
}


#: Suites whose verification converts the document and the proof options to RDF in safe mode.
_RDF_SUITES = frozenset({EDDSA_RDFC_2022, ED25519_SIGNATURE_2020})
#: Results that prove the conversion ran to the end (the signature check came after it).
_CONVERTED = frozenset({None, ProofErrorCode.PROOF_VERIFICATION_ERROR})


def data_loss_from_proofs(v: Verification) -> str | None:
    """Run the proofs early and tell what their RDF conversion says about data loss.

    ``""`` when every proof was converted without loss, the loss when one found some, ``None``
    when some proof never reached the conversion (the caller must convert the document itself).
    """
    if v.jws is not None:
        return None
    _verify_proofs(v)
    for result in v.proof_results:
        if result.error == ProofErrorCode.DATA_LOSS_DETECTION_ERROR:
            return f"{result.error}: {result.message}"
    if v.proof_results and all(
        r.suite in _RDF_SUITES and r.error in _CONVERTED for r in v.proof_results
    ):
        return ""
    return None


def _verify_proofs(v: Verification) -> None:
    """Verify every embedded proof once per verification; results land on ``v``."""
    if v.proofs_checked:
        return
    v.proofs_checked = True
    try:
        proofs = proofs_of(v.credential or {})
    except MalformedProof:
        return
    if not proofs:
        return
    settings = v.settings
    v.proof_results = verify_proof(
        v.credential or {},
        public_key_for=v.resolver,
        loader=settings.loader,
        suites=settings.suites,
        now=settings.now,
    )
    v.verified_methods = tuple(
        r.verification_method for r in v.proof_results if r.verified and r.verification_method
    )


def check_proof(v: Verification) -> Check:
    """At least one proof verifies (Data Integrity "Verify Proof", or VC-JWT §2.5)."""
    if not v.passed(CheckId.CONTEXTS):
        return Check.of(CheckId.PROOF, Outcome.SKIPPED, NOT_CHECKED_UNSIGNED)
    if v.jws is not None:
        return _check_jwt(v, v.jws)
    try:
        proofs = proofs_of(v.credential or {})
    except MalformedProof as err:
        return _proof_fail(err.message, {"error": "MALFORMED_PROOF_ERROR"})
    if not proofs:
        return Check.of(
            CheckId.PROOF,
            Outcome.FAIL,
            N_("This badge carries no signature, so nothing shows who issued it."),
            details={"reason": "no_proof"},
        )
    _verify_proofs(v)
    details = dict(_proof_details(v.proof_results))
    if v.verified_methods:
        return Check.of(
            CheckId.PROOF,
            Outcome.PASS,
            N_(
                "The issuer's signature is valid: the badge has not been changed since it was"
                " signed."
            ),
            details=details,
        )
    first = v.proof_results[0]
    return _proof_fail(first.message, details)


def _proof_fail(reason: str, details: Mapping[str, str]) -> Check:
    return Check.of(
        CheckId.PROOF,
        Outcome.FAIL,
        N_(
            "The signature does not match: this badge was changed after it was signed, or was"
            " not signed by the key it names."
        ),
        details={**details, "reason": reason[:500]},
    )


def _proof_details(results: tuple[ProofResult, ...]) -> Iterator[tuple[str, str]]:
    for number, result in enumerate(results, start=1):
        yield f"proof{number}.suite", result.suite or ""
        yield f"proof{number}.verificationMethod", result.verification_method or ""
        yield f"proof{number}.result", "verified" if result.verified else str(result.error)
        if not result.verified:
            yield f"proof{number}.message", result.message[:500]


def _check_jwt(v: Verification, token: str) -> Check:
    # ``now`` is not passed: nbf/exp must equal validFrom/validUntil (checked here), and whether
    # the badge is current is the ``validity`` check's question, so expiry shows as expiry.
    try:
        verify_jwt(token, public_key_for=v.resolver.jwt_key)
    except JwtClaimMismatch as err:
        return Check.of(
            CheckId.PROOF,
            Outcome.FAIL,
            N_("The signed token around the badge contradicts the badge itself: %(reason)s"),
            params={"reason": err.message},
            details={"suite": "VC-JWT", "error": err.code, "reason": err.message},
        )
    except DomainError as err:
        return _proof_fail(err.message, {"suite": "VC-JWT", "error": err.code})
    kid = decode_compact_jws(token).header.kid or ""
    v.verified_methods = (kid,)
    return Check.of(
        CheckId.PROOF,
        Outcome.PASS,
        N_("The issuer's signature is valid: the badge has not been changed since it was signed."),
        details={"suite": "VC-JWT", "kid": kid},
    )


def check_key_binding(v: Verification) -> Check:
    """The signing key was found where its controller publishes it, and is the issuer's."""
    issuer = v.issuer_id
    bindings = [v.resolver.bindings[m] for m in v.verified_methods if m in v.resolver.bindings]
    bound = [b for b in bindings if _belongs_to(b, issuer)]
    if bound:
        binding = bound[0]
        return Check.of(
            CheckId.KEY_BINDING,
            Outcome.PASS,
            N_("The signing key belongs to the issuer %(issuer)s."),
            params={"issuer": str(issuer)[:200]},
            details=_binding_details(binding),
        )
    if bindings:
        return Check.of(
            CheckId.KEY_BINDING,
            Outcome.FAIL,
            N_("The badge was signed with a key that does not belong to its issuer."),
            details={**_binding_details(bindings[0]), "issuer": str(issuer)[:200]},
        )
    if v.resolver.errors:
        method, reason = next(iter(v.resolver.errors.items()))
        return Check.of(
            CheckId.KEY_BINDING,
            Outcome.FAIL,
            N_("The issuer's signing key could not be found: %(reason)s"),
            params={"reason": reason[:300]},
            details={"verificationMethod": method[:300]},
        )
    return Check.of(CheckId.KEY_BINDING, Outcome.SKIPPED, NOT_CHECKED_UNSIGNED)


def _belongs_to(binding: Binding, issuer: str | None) -> bool:
    if issuer is None:
        return False
    if binding.method == "jwk":
        # OB recommended practices §Key provenance: the JWKS lives at the issuer's authority
        # and, when a JWK names an ``iss``, it must be the issuer.
        return binding.controller == origin(issuer) and binding.claimed_issuer in (None, issuer)
    return binding.controller == issuer


def _binding_details(binding: Binding) -> dict[str, str]:
    return {
        "verificationMethod": binding.verification_method,
        "controller": binding.controller,
        "publicKey": binding.public_key,
        "resolution": _HOW_BOUND.get(binding.method, binding.method),
    }


def check_status(v: Verification) -> Check:
    """§7.1 step 4: revocation and suspension, from a status list that is itself verified."""
    raw = (v.credential or {}).get("credentialStatus")
    if raw is None:
        return Check.of(
            CheckId.STATUS,
            Outcome.SKIPPED,
            N_("The issuer publishes no revocation status for this badge."),
        )
    if not v.passed(CheckId.PROOF, CheckId.KEY_BINDING):
        return Check.of(CheckId.STATUS, Outcome.SKIPPED, NOT_CHECKED_UNSIGNED)
    entries = raw if isinstance(raw, list) else [raw]
    context = StatusContext(
        fetcher=v.settings.fetcher,
        loader=v.settings.loader,
        now=v.settings.now,
        max_clock_skew=v.settings.max_clock_skew,
        suites=v.settings.suites,
        issuer_id=v.issuer_id,
        credential_id=(v.credential or {}).get("id"),
        cache=v.settings.status_cache,
    )
    findings = [
        check_entry(entry, context) if isinstance(entry, dict) else None for entry in entries[:8]
    ]
    usable = [f for f in findings if f is not None]
    if not usable:
        return Check.of(CheckId.STATUS, Outcome.FAIL, N_("The badge's status entry is malformed."))
    rank = {Outcome.FAIL: 0, Outcome.WARNING: 1, Outcome.PASS: 2, Outcome.SKIPPED: 3}
    # Revoked outranks suspended outranks anything else that failed.
    severity = {"revoked": 0, "suspended": 1}
    worst = min(
        usable, key=lambda f: (rank[f.outcome], severity.get(f.details.get("reason", ""), 2))
    )
    return Check.of(
        CheckId.STATUS, worst.outcome, worst.template, params=worst.params, details=worst.details
    )
