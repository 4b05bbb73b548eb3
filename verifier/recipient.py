"""Optional recipient check (ob3-spec §1.7, §7.1 step 5): is this badge the visitor's?

The visitor types the e-mail address they expect; it is compared with the salted hash in
``credentialSubject.identifier`` by :func:`badges.ob3.matches` and is never stored, logged or
put in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badges.errors import N_
from badges.ob3 import matches
from badges.ob3.identity import IdentityObject
from verifier.report import Check, CheckId, Outcome
from verifier.state import Verification


def check_recipient(v: Verification) -> Check:
    """Optional: does the badge name the e-mail address the visitor typed (§1.7)?"""
    email = v.settings.expected_recipient_email
    if email is None:
        return Check.of(
            CheckId.RECIPIENT,
            Outcome.SKIPPED,
            N_("No e-mail address was given to compare with the recipient."),
        )
    subject = (v.credential or {}).get("credentialSubject")
    identities = subject.get("identifier") if isinstance(subject, dict) else None
    found = (
        any(matches(_identity(item), email) for item in identities if isinstance(item, dict))
        if isinstance(identities, list)
        else False
    )
    if not found and isinstance(subject, dict):
        found = subject.get("id") == f"mailto:{email.strip()}"
    if found:
        return Check.of(
            CheckId.RECIPIENT,
            Outcome.PASS,
            N_("The badge was awarded to the e-mail address you entered."),
        )
    return Check.of(
        CheckId.RECIPIENT,
        Outcome.FAIL,
        N_("The badge was not awarded to the e-mail address you entered."),
    )


def _identity(item: Mapping[str, Any]) -> IdentityObject:
    return IdentityObject(
        identity_hash=str(item.get("identityHash", "")),
        identity_type=str(item.get("identityType", "")),
        hashed=item.get("hashed") is True,
        salt=item["salt"] if isinstance(item.get("salt"), str) else None,
    )
