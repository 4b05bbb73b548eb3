"""Is the credential revoked or suspended? Fetch, verify and read its status list (ob3-spec §4).

W3C Bitstring Status List v1.0 §3.2 "Validate Algorithm" (``BitstringStatusListEntry``, with
``statusSize`` > 1 and ``statusMessage``), its predecessor ``StatusList2021Entry``, and the
deprecated 1EdTech Revocation List (VCRL 1.0). For the two bitstring kinds the list credential
is only believed once its own proof verifies with a key its issuer controls, its issuer is the
credential's issuer (``vc-bitstring-status-list`` ``verifyMatchingIssuers``), it is within its
validity window and it serves the entry's ``statusPurpose``; then the bit is read with
:class:`badges.statuslist.StatusBits`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from badges.errors import N_, DomainError
from badges.proofs import verify_proof
from badges.proofs.canonical import DocumentLoader
from badges.proofs.jwt import verify_jwt
from badges.statuslist import StatusBits, StatusListError
from verifier.dates import parse_date
from verifier.errors import FetchError
from verifier.fetch import Fetcher
from verifier.report import Outcome
from verifier.resolve import KeyResolver, fetch_json, parse_json_object
from verifier.status_cache import StatusListCache

BITSTRING_ENTRY = "BitstringStatusListEntry"
STATUS_LIST_2021_ENTRY = "StatusList2021Entry"
REVOCATION_LIST = "1EdTechRevocationList"
_LIST_TYPES = {
    BITSTRING_ENTRY: "BitstringStatusListCredential",
    STATUS_LIST_2021_ENTRY: ("StatusList2021Credential"),
}
_MAX_STATUS_SIZE = 8
_INDEX = re.compile(r"[0-9]{1,10}")
_JWS = re.compile(rb"\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\s*")


@dataclass(frozen=True, slots=True)
class StatusContext:
    """What checking a status needs, injected by the caller."""

    fetcher: Fetcher
    loader: DocumentLoader
    now: datetime
    max_clock_skew: timedelta
    suites: Collection[str]
    issuer_id: str | None
    credential_id: str | None
    cache: StatusListCache | None = None


@dataclass(frozen=True, slots=True)
class StatusFinding:
    """The verdict for one ``credentialStatus`` entry."""

    outcome: Outcome
    template: str
    params: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, str] = field(default_factory=dict)


class StatusProblem(DomainError):
    """The status list could not be fetched, trusted or read."""

    code = "status_unverifiable"


def check_entry(entry: Mapping[str, Any], context: StatusContext) -> StatusFinding:
    """Check one ``credentialStatus`` entry; never raises for bad data."""
    kind = entry.get("type")
    details = {"type": str(kind)[:100]}
    try:
        if kind in _LIST_TYPES:
            return _bitstring(entry, context, details)
        if kind == REVOCATION_LIST:
            return _revocation_list(entry, context, details)
    except (DomainError, StatusListError) as err:
        return StatusFinding(
            Outcome.FAIL,
            N_("The issuer's status list could not be checked: %(reason)s"),
            {"reason": err.message},
            {**details, "reason": "status_unverifiable"},
        )
    return StatusFinding(
        Outcome.WARNING,
        N_("The credential uses a kind of status (%(type)s) this verifier cannot check."),
        {"type": str(kind)[:100]},
        details,
    )


def _bitstring(
    entry: Mapping[str, Any], context: StatusContext, details: dict[str, str]
) -> StatusFinding:
    purpose, index, size, url = _entry_fields(entry)
    details.update({"statusPurpose": purpose, "statusListIndex": str(index), "list": url})
    subject = _trusted_list(url, entry["type"], context, details)
    purposes = subject.get("statusPurpose")
    listed = purposes if isinstance(purposes, list) else [purposes]
    if purpose not in listed:
        raise StatusProblem(
            N_("the list does not serve the purpose %(purpose)s."), params={"purpose": purpose[:50]}
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusProblem(N_("the list has no encodedList."))
    bits = (
        context.cache.status_bits(encoded, size)
        if context.cache is not None
        else StatusBits.decode(encoded, status_size=size)
    )
    status = bits.get(index)
    details["status"] = hex(status)
    return _finding(purpose, status, entry, details)


def _finding(
    purpose: str, status: int, entry: Mapping[str, Any], details: dict[str, str]
) -> StatusFinding:
    if status == 0:
        details["reason"] = "ok"
        return StatusFinding(Outcome.PASS, _OK.get(purpose, _OK[""]), {}, details)
    message = _status_message(entry, status)
    if message:
        details["statusMessage"] = message
    if purpose == "revocation":
        details["reason"] = "revoked"
        return StatusFinding(Outcome.FAIL, N_("This badge was revoked by its issuer."), {}, details)
    if purpose == "suspension":
        details["reason"] = "suspended"
        return StatusFinding(
            Outcome.FAIL, N_("This badge is suspended by its issuer for now."), {}, details
        )
    details["reason"] = purpose[:50]
    return StatusFinding(
        Outcome.WARNING,
        N_("The issuer has set a status on this badge: %(message)s"),
        {"message": message or hex(status)},
        details,
    )


_OK = {
    "revocation": N_("The issuer has not revoked this badge."),
    "suspension": N_("The issuer has not suspended this badge."),
    "": N_("The issuer has set no status on this badge."),
}


def _entry_fields(entry: Mapping[str, Any]) -> tuple[str, int, int, str]:
    purpose, index, url = (
        entry.get("statusPurpose"),
        entry.get("statusListIndex"),
        entry.get("statusListCredential"),
    )
    size = entry.get("statusSize", 1)
    if isinstance(index, int) and not isinstance(index, bool):
        index = str(index)  # the 1EdTech fixture writes a number; the spec a string
    if not isinstance(purpose, str) or not isinstance(url, str) or not isinstance(index, str):
        raise StatusProblem(N_("the status entry lacks its purpose, index or list address."))
    if not _INDEX.fullmatch(index):
        raise StatusProblem(N_("the status list index is not a whole number."))
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= _MAX_STATUS_SIZE:
        raise StatusProblem(N_("statusSize must be a whole number from 1 to 8."))
    if size > 1 and not isinstance(entry.get("statusMessage"), list):
        raise StatusProblem(N_("a statusSize above 1 needs statusMessage entries."))
    return purpose, int(index), size, url


def _status_message(entry: Mapping[str, Any], status: int) -> str:
    messages = entry.get("statusMessage")
    for item in messages if isinstance(messages, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("status"), str):
            continue
        try:
            value = int(item["status"], 16)
        except ValueError:
            continue
        if value == status and isinstance(item.get("message"), str):
            return str(item["message"])[:200]
    return ""


def _trusted_list(
    url: str, entry_type: str, context: StatusContext, details: dict[str, str]
) -> Mapping[str, Any]:
    """Fetch the list credential and believe it only if everything about it checks out."""
    resolver = KeyResolver(context.fetcher)
    status_list = _verified_list(url, resolver, context)
    list_types = status_list.get("type")
    if _LIST_TYPES[entry_type] not in (list_types if isinstance(list_types, list) else []):
        raise StatusProblem(
            N_("the document is not a %(type)s."), params={"type": _LIST_TYPES[entry_type]}
        )
    list_issuer = _id_of(status_list.get("issuer"))
    if list_issuer != context.issuer_id:
        raise StatusProblem(N_("the list was issued by someone other than the badge's issuer."))
    _check_window(status_list, context)
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict):
        raise StatusProblem(N_("the list has no credentialSubject."))
    details["listIssuer"] = str(list_issuer)
    return subject


def _verified_list(url: str, resolver: KeyResolver, context: StatusContext) -> dict[str, Any]:
    body = context.fetcher.fetch(url, accept="application/vc+ld+json, application/json")
    cached = context.cache.get(url, body) if context.cache is not None else None
    if cached is not None:
        return cached
    document = _verify_list_body(url, body, resolver, context)
    if context.cache is not None:
        context.cache.put(url, body, document)
    return document


def _verify_list_body(
    url: str, body: bytes, resolver: KeyResolver, context: StatusContext
) -> dict[str, Any]:
    if _JWS.fullmatch(body):
        credential = verify_jwt(
            body.decode("ascii").strip(),
            public_key_for=resolver.jwt_key,
            now=context.now,
            max_clock_skew=context.max_clock_skew,
        )
        _check_controllers(resolver, _id_of(credential.get("issuer")))
        return credential
    status_list = parse_json_object(body, url)
    results = verify_proof(
        status_list,
        public_key_for=resolver,
        loader=context.loader,
        suites=context.suites,
        now=context.now,
    )
    verified = [result for result in results if result.verified]
    if not verified:
        reason = results[0].message if results else "it carries no proof."
        raise StatusProblem(
            N_("the list's signature does not verify: %(reason)s"), params={"reason": reason}
        )
    _check_controllers(resolver, _id_of(status_list.get("issuer")))
    return status_list


def _check_controllers(resolver: KeyResolver, issuer: str | None) -> None:
    if not any(binding.controller == issuer for binding in resolver.bindings.values()):
        raise StatusProblem(N_("the list was signed with a key its issuer does not control."))


def _check_window(document: Mapping[str, Any], context: StatusContext) -> None:
    valid_from = parse_date(document.get("validFrom"))
    valid_until = parse_date(document.get("validUntil"))
    if valid_from is not None and valid_from > context.now + context.max_clock_skew:
        raise StatusProblem(N_("the list is not valid yet."))
    if valid_until is not None and valid_until < context.now - context.max_clock_skew:
        raise StatusProblem(N_("the list has expired."))


def _revocation_list(
    entry: Mapping[str, Any], context: StatusContext, details: dict[str, str]
) -> StatusFinding:
    """VCRL 1.0 as the 1EdTech validator reads it: revoked if listed (fetch failure: warning)."""
    url = entry.get("id")
    if not isinstance(url, str):
        raise StatusProblem(N_("the revocation list entry has no id."))
    details["list"] = url
    try:
        document = fetch_json(context.fetcher, url, accept="application/json")
    except (FetchError, DomainError) as err:
        return StatusFinding(
            Outcome.WARNING,
            N_("The issuer's revocation list could not be read: %(reason)s"),
            {"reason": err.message},
            details,
        )
    revoked = document.get("revokedCredential")
    for item in revoked if isinstance(revoked, list) else []:
        listed = isinstance(item, dict) and item.get("id") == context.credential_id
        if listed and item.get("revoked", True) is not False:
            details["reason"] = "revoked"
            return StatusFinding(
                Outcome.FAIL, N_("This badge was revoked by its issuer."), {}, details
            )
    details["reason"] = "ok"
    return StatusFinding(Outcome.PASS, _OK["revocation"], {}, details)


def _id_of(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else None
