"""What one verification carries from check to check: inputs, injected services, findings."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from badges.proofs import ProofResult
from badges.proofs.canonical import DocumentLoader
from verifier.fetch import Fetcher
from verifier.report import Check, CheckId, Outcome
from verifier.resolve import KeyResolver
from verifier.status_cache import StatusListCache

#: Endorsements are verified recursively, but an endorsement of an endorsement is as deep as
#: we go, and a credential may carry at most this many.
MAX_ENDORSEMENT_DEPTH = 2
MAX_ENDORSEMENTS = 20


@dataclass(frozen=True, slots=True)
class Settings:
    """The injected, nondeterministic or policy inputs (STYLE rule 5)."""

    loader: DocumentLoader
    fetcher: Fetcher
    now: datetime
    max_clock_skew: timedelta
    suites: Collection[str]
    expected_recipient_email: str | None = field(default=None, repr=False)
    #: ``OpenBadgeCredential``/``AchievementCredential``, or ``EndorsementCredential``.
    #: Verified status lists to reuse across verifications (see ``StatusListCache``).
    status_cache: StatusListCache | None = None
    endorsement: bool = False
    refresh: bool = True
    depth: int = 0


@dataclass(slots=True)
class Verification:
    """Mutable state of a single verification; created per call, never shared."""

    original: dict[str, Any] | str
    settings: Settings
    resolver: KeyResolver
    credential: dict[str, Any] | None = None
    jws: str | None = None
    proof_results: tuple[ProofResult, ...] = ()
    #: Whether the embedded proofs were verified already (the safe-mode check may do it first).
    proofs_checked: bool = False
    #: Verification methods of proofs whose signature verified.
    verified_methods: tuple[str, ...] = ()
    checks: list[Check] = field(default_factory=list)

    def outcome(self, check_id: CheckId) -> Outcome | None:
        """The outcome of a check that already ran."""
        return next((c.outcome for c in self.checks if c.id == check_id), None)

    def passed(self, *check_ids: CheckId) -> bool:
        """Whether every named check ran and did not fail or get skipped."""
        return all(
            self.outcome(check_id) in (Outcome.PASS, Outcome.WARNING) for check_id in check_ids
        )

    @property
    def issuer_id(self) -> str | None:
        """``issuer.id`` (or ``issuer`` when it is a bare URL)."""
        issuer = self.credential.get("issuer") if self.credential else None
        if isinstance(issuer, dict):
            issuer = issuer.get("id")
        return issuer if isinstance(issuer, str) else None

    @property
    def is_v1(self) -> bool:
        """Whether the credential is on the VCDM 1.1 context."""
        context = self.credential.get("@context") if self.credential else None
        first = context[0] if isinstance(context, list) and context else context
        return first == "https://www.w3.org/2018/credentials/v1"
