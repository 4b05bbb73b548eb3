"""The credentials a badge leads to: its refreshed copy and its endorsements (ob3-spec §7.1).

Step 3: the refresh service is tried once, after the proof, and its copy replaces the badge only
if it verifies, is signed by the issuer's key and is the same credential (same ``id`` and
``issuer.id``, the spec's equality rule); otherwise the badge as presented is checked. Step 6:
each embedded EndorsementCredential is verified like a badge, to a bounded depth. Both recurse
into :func:`verifier.verify.verify_with`, hence the imports inside the functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from badges.errors import N_, DomainError
from verifier.report import Check, CheckId, Outcome, VerificationReport
from verifier.state import MAX_ENDORSEMENT_DEPTH, MAX_ENDORSEMENTS, Verification
from verifier.trust import NOT_CHECKED_UNSIGNED

REFRESH_SERVICE = "1EdTechCredentialRefresh"


def check_refresh(v: Verification) -> Check:
    """§7.1 step 3: fetch a refreshed copy once; on any failure keep the original."""
    service = (v.credential or {}).get("refreshService")
    services = service if isinstance(service, list) else [service]
    urls = [
        s.get("id") for s in services if isinstance(s, dict) and s.get("type") == REFRESH_SERVICE
    ]
    if not urls or not isinstance(urls[0], str) or not v.settings.refresh:
        return Check.of(CheckId.REFRESH, Outcome.SKIPPED, N_("The badge has no refresh service."))
    if not v.passed(CheckId.PROOF, CheckId.KEY_BINDING):
        return Check.of(CheckId.REFRESH, Outcome.SKIPPED, NOT_CHECKED_UNSIGNED)
    details = {"refreshService": urls[0][:300]}
    refreshed = _refreshed(v, urls[0])
    if refreshed is None:
        return Check.of(
            CheckId.REFRESH,
            Outcome.WARNING,
            N_(
                "The issuer's refresh service did not give a usable updated copy; the badge as"
                " presented was checked."
            ),
            details=details,
        )
    v.credential, v.jws = refreshed.credential, None
    return Check.of(
        CheckId.REFRESH,
        Outcome.PASS,
        N_("The issuer provided an updated copy of this badge, which was verified and checked."),
        details=details,
    )


def _refreshed(v: Verification, url: str) -> VerificationReport | None:
    from verifier.inputs import read_credential  # noqa: PLC0415 - inputs is a sibling leaf
    from verifier.verify import verify_with  # noqa: PLC0415 - the checks recurse into verify

    try:
        document = read_credential(v.settings.fetcher.fetch(url))
    except DomainError:
        return None
    report = verify_with(document, replace(v.settings, refresh=False))
    credential = report.credential or {}
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    same = credential.get("id") == (v.credential or {}).get("id") and issuer_id == v.issuer_id
    outcomes = {check.id: check.outcome for check in report.checks}
    trusted = all(outcomes.get(c) == Outcome.PASS for c in (CheckId.PROOF, CheckId.KEY_BINDING))
    return report if same and trusted else None


def check_endorsements(v: Verification) -> Check:
    """§7.1 step 6: every embedded EndorsementCredential, verified like the badge itself."""
    endorsements = list(_endorsements(v.credential or {}))
    if not endorsements:
        return Check.of(CheckId.ENDORSEMENTS, Outcome.SKIPPED, N_("The badge has no endorsements."))
    if v.settings.depth >= MAX_ENDORSEMENT_DEPTH or len(endorsements) > MAX_ENDORSEMENTS:
        return Check.of(
            CheckId.ENDORSEMENTS,
            Outcome.WARNING,
            N_("The badge has too many nested endorsements to check them all."),
        )
    if not v.passed(CheckId.PROOF, CheckId.KEY_BINDING):
        return Check.of(CheckId.ENDORSEMENTS, Outcome.SKIPPED, NOT_CHECKED_UNSIGNED)
    from verifier.verify import verify_with  # noqa: PLC0415 - the checks recurse into verify

    nested = replace(
        v.settings,
        endorsement=True,
        refresh=False,
        depth=v.settings.depth + 1,
        expected_recipient_email=None,
    )
    reports = [verify_with(e, nested) for e in endorsements]
    details = {f"endorsement{n}": r.verdict.value for n, r in enumerate(reports, start=1)}
    good = sum(r.verified for r in reports)
    if good == len(reports):
        return Check.of(
            CheckId.ENDORSEMENTS,
            Outcome.PASS,
            N_("All %(count)s endorsements of this badge are valid."),
            params={"count": str(good)},
            details=details,
        )
    return Check.of(
        CheckId.ENDORSEMENTS,
        Outcome.WARNING,
        N_("%(bad)s of %(count)s endorsements of this badge could not be verified."),
        params={"bad": str(len(reports) - good), "count": str(len(reports))},
        details=details,
    )


def _endorsements(credential: Mapping[str, Any]) -> Iterator[dict[str, Any] | str]:
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    for holder in (credential, credential.get("issuer"), achievement):
        if not isinstance(holder, dict):
            continue
        for member in ("endorsement", "endorsementJwt"):
            value = holder.get(member)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict | str):
                    yield item
