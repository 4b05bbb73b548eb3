"""The checks, in the order of OB 3.0 "Verification" (ob3-spec §7.1), each a small function.

parse -> contexts -> type -> schema (conformance) -> safe_mode (JSON-LD) -> proof -> key_binding
-> refresh -> status -> validity -> recipient -> endorsements. The proof, key and status checks
live in :mod:`verifier.trust`; this module holds the structural ones and :data:`CHECKS`, the order.

Every message is written for an employer who is not an expert and marked with ``N_`` (the web
edge translates it); technical facts go in ``details``. A check that cannot mean anything after
an earlier failure is ``skipped`` with :data:`NOT_CHECKED`, never failed twice for one cause.
Nothing here logs or keeps the credential or the recipient's e-mail address.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from badges.errors import N_, DomainError
from badges.jsonld.contexts import (
    BUNDLED_CONTEXTS,
    OB_V3_CONTEXT,
    OB_V3_CONTEXTS,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
)
from badges.jsonld.rdf import to_quads
from badges.ob3.schema import CredentialSchemas, SchemaUnavailable, validate_credential
from badges.proofs.errors import ProofError
from badges.proofs.jwt import decode_compact_jws
from badges.proofs.jwt_claims import credential_of
from verifier import recipient, related, trust
from verifier.dates import InvalidDate, parse_date
from verifier.report import Check, CheckId, Outcome
from verifier.state import Verification

NOT_CHECKED = N_("Not checked, because an earlier check failed.")
_BADGE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


def check_parse(v: Verification) -> Check:
    """The input is a credential: a JSON object, or a VC-JWT whose payload is one."""
    if isinstance(v.original, dict):
        v.credential = v.original
        return Check.of(
            CheckId.PARSE, Outcome.PASS, N_("The badge could be read."), details={"format": "json"}
        )
    try:
        jws = decode_compact_jws(v.original)
        v.credential, v.jws = credential_of(jws.payload), v.original
    except ProofError as err:
        return Check.of(
            CheckId.PARSE,
            Outcome.FAIL,
            N_("The badge could not be read: %(reason)s"),
            params={"reason": err.message},
            details={"format": "jws"},
        )
    return Check.of(
        CheckId.PARSE,
        Outcome.PASS,
        N_("The badge could be read."),
        details={"format": "jws", "alg": jws.header.alg, "kid": jws.header.kid or ""},
    )


def check_contexts(v: Verification) -> Check:
    """``@context``: VC v2 (or v1.1) first, then an OB 3.0 context; every IRI one we bundle."""
    contexts = v.credential.get("@context") if v.credential else None
    if not isinstance(contexts, list) or not contexts:
        return _fail(CheckId.CONTEXTS, N_("The badge does not say which vocabulary it uses."))
    iris = [item for item in contexts if isinstance(item, str)]
    unknown = [iri for iri in iris if iri not in BUNDLED_CONTEXTS and not _loader_allows(v, iri)]
    details = {"contexts": " ".join(iris)[:1000]}
    if unknown:
        return Check.of(
            CheckId.CONTEXTS,
            Outcome.FAIL,
            N_("The badge uses a vocabulary this verifier does not know: %(iri)s"),
            params={"iri": unknown[0][:200]},
            details=details,
        )
    if contexts[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        return _fail(CheckId.CONTEXTS, N_("The badge is not a W3C Verifiable Credential."), details)
    ob = [iri for iri in iris if iri in OB_V3_CONTEXTS]
    if not ob and not v.settings.endorsement:
        return _fail(CheckId.CONTEXTS, N_("The badge is not an Open Badges 3.0 badge."), details)
    details["vcdm"] = "1.1" if contexts[0] == VC_V1_CONTEXT else "2.0"
    if (ob and ob[0] != OB_V3_CONTEXT) or (
        contexts[0] == VC_V2_CONTEXT and contexts[1:2] != ob[:1]
    ):
        return Check.of(
            CheckId.CONTEXTS,
            Outcome.WARNING,
            N_("The badge uses an older or unusual arrangement of the Open Badges vocabulary."),
            details=details,
        )
    return Check.of(
        CheckId.CONTEXTS,
        Outcome.PASS,
        N_("The badge uses the standard Open Badges vocabulary."),
        details=details,
    )


def check_type(v: Verification) -> Check:
    """``type`` holds VerifiableCredential and OpenBadgeCredential (or its alias)."""
    raw = v.credential.get("type") if v.credential else None
    # Only strings count; a hostile list may hold objects, which are not hashable (fuzz find).
    types = {item for item in (raw if isinstance(raw, list) else [raw]) if isinstance(item, str)}
    wanted = {"EndorsementCredential"} if v.settings.endorsement else _BADGE_TYPES
    if "VerifiableCredential" in types and types & wanted:
        return Check.of(
            CheckId.TYPE,
            Outcome.PASS,
            N_("The badge is an Open Badges credential."),
            details={"type": " ".join(sorted(str(t) for t in types))},
        )
    return _fail(CheckId.TYPE, N_("The document is not an Open Badges credential."))


def check_schema(v: Verification) -> Check:
    """OB conformance (§7.1 step 1): required members, then the official JSON Schema."""
    problems = _conformance(v.credential or {}, v)
    if problems:
        return Check.of(
            CheckId.SCHEMA,
            Outcome.FAIL,
            N_("The badge is missing required information: %(problems)s"),
            params={"problems": "; ".join(problems)},
        )
    try:
        issues = validate_credential(v.credential, schemas=_official_schemas())
    except SchemaUnavailable:
        return Check.of(
            CheckId.SCHEMA,
            Outcome.SKIPPED,
            N_(
                "The required information is present; the official Open Badges schema is not"
                " available to this verifier, so the full structure was not checked."
            ),
        )
    if issues:
        return Check.of(
            CheckId.SCHEMA,
            Outcome.FAIL,
            N_("The badge does not follow the Open Badges format: %(problems)s"),
            params={"problems": "; ".join(f"{i.path}: {i.message}" for i in issues[:5])},
        )
    return Check.of(CheckId.SCHEMA, Outcome.PASS, N_("The badge follows the Open Badges format."))


@functools.cache
def _official_schemas() -> CredentialSchemas:
    """The bundled official schemas, read and compiled once per process (package data)."""
    return CredentialSchemas.bundled()


def _conformance(credential: Mapping[str, Any], v: Verification) -> list[str]:
    problems = []
    if v.issuer_id is None:
        problems.append("issuer")
    if not isinstance(credential.get("id"), str) and not v.settings.endorsement:
        problems.append("id")
    date_member = "issuanceDate" if v.is_v1 else "validFrom"
    if date_member not in credential:
        problems.append(date_member)
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        problems.append("credentialSubject")
    elif not v.settings.endorsement and not ("id" in subject or "identifier" in subject):
        problems.append("credentialSubject.id or credentialSubject.identifier")
    return problems


def check_safe_mode(v: Verification) -> Check:
    """Every term is defined, so a signature covers all of it (Data Integrity §4.5).

    Speed: an RDFC proof's verification converts the document and each proof's options to RDF
    in the same safe mode (``badges.jsonld.rdf.to_quads``). When every proof got that far, its
    outcome is this check's answer and the document is not converted twice; otherwise (a JWT,
    JCS, an unresolvable key) the document is converted here. The proof results are kept for
    :func:`verifier.trust.check_proof`, which reports them in their own place.
    """
    if not v.passed(CheckId.CONTEXTS):
        return Check.of(CheckId.SAFE_MODE, Outcome.SKIPPED, NOT_CHECKED)
    lost = trust.data_loss_from_proofs(v)
    if lost is None:
        try:
            quads = to_quads(v.credential or {}, loader=v.settings.loader)
        except DomainError as err:
            lost = f"{err.code}: {err.message}"
        else:
            details = {"quads": str(len(quads))}
    else:
        details = {"checked_by": "the RDF canonicalisation of every proof"}
    if lost:
        return Check.of(
            CheckId.SAFE_MODE,
            Outcome.FAIL,
            N_(
                "The badge contains information outside its declared vocabulary, which a"
                " signature cannot protect."
            ),
            details={"error": lost[:1000]},
        )
    return Check.of(
        CheckId.SAFE_MODE,
        Outcome.PASS,
        N_("Every piece of information in the badge is defined by its vocabulary."),
        details=details,
    )


def check_validity(v: Verification) -> Check:
    """``validFrom``/``validUntil`` (``issuanceDate``/``expirationDate`` on VCDM 1.1)."""
    start, end = ("issuanceDate", "expirationDate") if v.is_v1 else ("validFrom", "validUntil")
    credential = v.credential or {}
    try:
        valid_from, valid_until = parse_date(credential.get(start)), parse_date(credential.get(end))
    except InvalidDate as err:
        return Check.of(
            CheckId.VALIDITY,
            Outcome.FAIL,
            N_("The badge's dates cannot be read: %(reason)s"),
            params={"reason": err.message},
            details={"reason": "invalid_date"},
        )
    now, skew = v.settings.now, v.settings.max_clock_skew
    details = {start: str(credential.get(start, "")), end: str(credential.get(end, ""))}
    if valid_from is not None and now + skew < valid_from:
        return Check.of(
            CheckId.VALIDITY,
            Outcome.FAIL,
            N_("This badge is not valid yet: it becomes valid on %(date)s."),
            params={"date": details[start]},
            details={**details, "reason": "not_yet_valid"},
        )
    if valid_until is not None and valid_until < now - skew:
        return Check.of(
            CheckId.VALIDITY,
            Outcome.FAIL,
            N_("This badge expired on %(date)s."),
            params={"date": details[end]},
            details={**details, "reason": "expired"},
        )
    if valid_until is None:
        return Check.of(
            CheckId.VALIDITY, Outcome.PASS, N_("This badge does not expire."), details=details
        )
    return Check.of(
        CheckId.VALIDITY,
        Outcome.PASS,
        N_("This badge is valid until %(date)s."),
        params={"date": details[end]},
        details=details,
    )


def _loader_allows(v: Verification, iri: str) -> bool:
    allows = getattr(v.settings.loader, "allows", None)
    return bool(allows(iri)) if callable(allows) else False


def _fail(check_id: CheckId, template: str, details: Mapping[str, str] | None = None) -> Check:
    return Check.of(check_id, Outcome.FAIL, template, details=details)


#: The checks in spec order (ob3-spec §7.1, with the 1EdTech validator's structural probes first).
CHECKS: tuple[tuple[CheckId, Callable[[Verification], Check]], ...] = (
    (CheckId.PARSE, check_parse),
    (CheckId.CONTEXTS, check_contexts),
    (CheckId.TYPE, check_type),
    (CheckId.SCHEMA, check_schema),
    (CheckId.SAFE_MODE, check_safe_mode),
    (CheckId.PROOF, trust.check_proof),
    (CheckId.KEY_BINDING, trust.check_key_binding),
    (CheckId.REFRESH, related.check_refresh),
    (CheckId.STATUS, trust.check_status),
    (CheckId.VALIDITY, check_validity),
    (CheckId.RECIPIENT, recipient.check_recipient),
    (CheckId.ENDORSEMENTS, related.check_endorsements),
)


def run_checks(v: Verification) -> list[Check]:
    """Run :data:`CHECKS` in order; after a failed parse, everything else is skipped."""
    for check_id, check in CHECKS:
        if check_id != CheckId.PARSE and v.credential is None:
            v.checks.append(Check.of(check_id, Outcome.SKIPPED, NOT_CHECKED))
            continue
        v.checks.append(check(v))
    return v.checks
