"""Run every check on one credential and return the report (STYLE rule 8: never raises for data)."""

from __future__ import annotations

from typing import Any

from verifier.checks import run_checks
from verifier.report import VerificationReport
from verifier.resolve import KeyResolver
from verifier.state import Settings, Verification


def verify_with(credential: dict[str, Any] | str, settings: Settings) -> VerificationReport:
    """Verify a credential dict or compact JWS with explicit :class:`Settings`."""
    verification = Verification(
        original=credential, settings=settings, resolver=KeyResolver(settings.fetcher)
    )
    checks = run_checks(verification)
    return VerificationReport.from_checks(tuple(checks), verification.credential)
