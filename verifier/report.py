"""The verification report: named checks with stable ids, outcomes and plain-language messages.

STYLE rule 8: verifying returns this value and raises only for programmer error. The values of
:class:`CheckId`, :class:`Outcome` and :class:`Verdict` are a public JSON API (the CLI's
``--json`` lines and ``POST /api/v1/verify``): never rename one, only add.

How expiry and suspension map (issue #5, "amber for expired or suspended"): an expired or not yet
valid credential fails the ``validity`` check and a suspended one fails ``status``, so
``verified`` is false for both, as the 1EdTech validator's expiration probe decides. The failing
check carries ``details["reason"]`` (``expired``, ``not_yet_valid``, ``suspended``, ``revoked``)
and :attr:`VerificationReport.verdict` tells the page which colour to show: ``expired`` or
``suspended`` (amber) when that is the only thing wrong, ``invalid`` (red) otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class CheckId(StrEnum):
    """Every check, in the order they run (ob3-spec §7.1); the values are public API."""

    PARSE = "parse"
    CONTEXTS = "contexts"
    TYPE = "type"
    SCHEMA = "schema"
    SAFE_MODE = "safe_mode"
    PROOF = "proof"
    KEY_BINDING = "key_binding"
    REFRESH = "refresh"
    STATUS = "status"
    VALIDITY = "validity"
    RECIPIENT = "recipient"
    ENDORSEMENTS = "endorsements"


class Outcome(StrEnum):
    """What a check found; only ``fail`` makes a credential unverified."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    WARNING = "warning"
    SKIPPED = "skipped"


class Verdict(StrEnum):
    """The headline for a person: green, amber or red."""

    VERIFIED = "verified"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    INVALID = "invalid"


#: ``details["reason"]`` values that make a failure amber rather than red.
AMBER_REASONS: Mapping[str, Verdict] = MappingProxyType(
    {"expired": Verdict.EXPIRED, "suspended": Verdict.SUSPENDED}
)


def _frozen(details: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(details or {}))


@dataclass(frozen=True, slots=True)
class Check:
    """One named check: its outcome, a message for an employer, and details for experts.

    ``message`` is English text marked with ``N_`` and already filled in; ``template`` and
    ``params`` keep the unfilled form so the web edge can translate before filling.
    """

    id: CheckId
    outcome: Outcome
    message: str
    details: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    template: str = ""
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(
        cls,
        check_id: CheckId,
        outcome: Outcome,
        template: str,
        *,
        params: Mapping[str, str] | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Check:
        """Build a check from an ``N_`` template and its parameters."""
        values = dict(params or {})
        message = template % values if values else template
        return cls(check_id, outcome, message, _frozen(details), template, _frozen(values))

    def to_json(self) -> dict[str, Any]:
        """The check as the public JSON shape: ``{id, outcome, message, details}``."""
        return {
            "id": self.id.value,
            "outcome": self.outcome.value,
            "message": self.message,
            "details": dict(self.details),
        }


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Every check, in order; ``verified`` is true only when none failed."""

    verified: bool
    checks: tuple[Check, ...]
    credential: dict[str, Any] | None

    @classmethod
    def from_checks(
        cls, checks: tuple[Check, ...], credential: dict[str, Any] | None
    ) -> VerificationReport:
        """A report whose ``verified`` follows from the checks (no failure, at least one pass)."""
        verified = all(check.outcome != Outcome.FAIL for check in checks) and any(
            check.outcome == Outcome.PASS for check in checks
        )
        return cls(verified, checks, credential)

    def check(self, check_id: CheckId) -> Check | None:
        """The check with ``check_id``, if it ran or was skipped."""
        return next((check for check in self.checks if check.id == check_id), None)

    def outcome(self, check_id: CheckId) -> Outcome | None:
        """The outcome of the check with ``check_id``, if it is in the report."""
        check = self.check(check_id)
        return check.outcome if check is not None else None

    @property
    def failures(self) -> tuple[Check, ...]:
        """The failed checks, in order."""
        return tuple(check for check in self.checks if check.outcome == Outcome.FAIL)

    @property
    def verdict(self) -> Verdict:
        """Green, amber (expired or suspended, nothing else wrong) or red."""
        if self.verified:
            return Verdict.VERIFIED
        ambers = {AMBER_REASONS.get(check.details.get("reason", "")) for check in self.failures}
        if None in ambers or not ambers:
            return Verdict.INVALID
        return Verdict.SUSPENDED if Verdict.SUSPENDED in ambers else Verdict.EXPIRED

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape: ``verified``, ``verdict``, ``checks`` and ``credential``."""
        return {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "checks": [check.to_json() for check in self.checks],
            "credential": self.credential,
        }

    def to_json_text(self) -> str:
        """:meth:`to_json` as one line of JSON."""
        return json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
