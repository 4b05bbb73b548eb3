"""The VC-JWT registered claims and the credential fields they must repeat (ob3-spec §2.5).

``iss`` = ``issuer`` (or ``issuer.id``), ``sub`` = ``credentialSubject.id``, ``jti`` = ``id``,
``nbf`` = ``validFrom`` and ``exp`` = ``validUntil`` as NumericDate (whole seconds). VCDM 1.1
payloads carry the credential in a ``vc`` claim, where ``issuanceDate``/``expirationDate`` stand
for the dates and the claims may replace ``id`` and ``issuer`` (VC-JWT 1.1 §6.3.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from badges.jsonld.contexts import VC_V1_CONTEXT, VC_V2_CONTEXT
from badges.proofs.errors import JwtClaimMismatch

REGISTERED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})


def credential_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential in a payload: the ``vc`` claim (VCDM 1.1) or the payload less its claims.

    The first ``@context`` must match the style (OB impl guide): v1 with ``vc``, v2 without.
    """
    if "vc" in payload:
        credential = payload["vc"]
        if not isinstance(credential, dict) or _first_context(credential) != VC_V1_CONTEXT:
            raise JwtClaimMismatch("A 'vc' claim holds a VCDM 1.1 credential (v1 @context first).")
        return dict(credential)
    if _first_context(payload) != VC_V2_CONTEXT:
        raise JwtClaimMismatch("A VC-JWT payload without 'vc' is a VCDM 2.0 credential.")
    return {key: value for key, value in payload.items() if key not in REGISTERED_CLAIMS}


def claims_for(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The registered claims to add when signing a VCDM 2.0 credential as a VC-JWT."""
    issuer = _issuer_id(credential)
    if issuer is None:
        raise JwtClaimMismatch("The credential has no issuer id to put in 'iss'.")
    claims: dict[str, Any] = {"iss": issuer}
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    subject = _subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    for claim, member in (("nbf", "validFrom"), ("exp", "validUntil")):
        if member in credential:
            claims[claim] = _numeric_date(credential[member], member)
    return claims


def check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any]) -> None:
    """Every claim must agree with the credential; raise :class:`JwtClaimMismatch` otherwise."""
    v1 = "vc" in payload
    if not isinstance(payload.get("iss"), str):
        raise JwtClaimMismatch("The JWT has no 'iss' claim.")
    _same("iss", payload.get("iss"), _issuer_id(credential), may_stand_in=v1)
    _same("jti", payload.get("jti"), _string(credential.get("id")), may_stand_in=v1)
    _same("sub", payload.get("sub"), _subject_id(credential), may_stand_in=v1)
    dates = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
    for claim, member in zip(("nbf", "exp"), dates, strict=True):
        value = payload.get(claim)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise JwtClaimMismatch(
                "The '%(claim)s' claim is not a number.", params={"claim": claim}
            )
        expected = _numeric_date(credential[member], member) if member in credential else None
        _same(claim, None if value is None else int(value), expected, may_stand_in=False)


def _same(claim: str, value: object, expected: object, *, may_stand_in: bool) -> None:
    if value == expected or (expected is None and may_stand_in):
        return
    if value is None:
        raise JwtClaimMismatch(
            "The JWT has no '%(claim)s' claim, but the credential has the field it must repeat.",
            params={"claim": claim},
        )
    raise JwtClaimMismatch(
        "The JWT's '%(claim)s' claim does not match the credential.", params={"claim": claim}
    )


def _first_context(document: Mapping[str, Any]) -> object:
    context = document.get("@context")
    return context[0] if isinstance(context, list) and context else context


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return _string(issuer.get("id")) if isinstance(issuer, dict) else _string(issuer)


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if len(subject) == 1 else None
    return _string(subject.get("id")) if isinstance(subject, dict) else None


def _numeric_date(value: object, member: str) -> int:
    """A credential date as NumericDate (RFC 7519 §2), in whole seconds."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise JwtClaimMismatch(
            "The credential's %(member)s is not a date-time with a time zone.",
            params={"member": member},
        )
    return int(moment.timestamp())
