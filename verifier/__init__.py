"""The public verifier: any Open Badges 3.0 credential, checked in spec order (issue #5).

A library with no Flask, database or Celery: :func:`read_credential` turns an upload into a
credential, :func:`verify_credential` checks it with everything nondeterministic injected (clock,
document loader, fetcher) and returns a :class:`VerificationReport` of named checks. The web and
command-line fronts are thin adapters around these two functions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from badges.proofs import ED25519_SIGNATURE_2020, EDDSA_JCS_2022, EDDSA_RDFC_2022
from badges.proofs.canonical import DocumentLoader
from verifier.errors import FetchError, FetchRefused, FetchTimeout, FetchTooLarge, UnusableInput
from verifier.fetch import Fetcher, SafeFetcher
from verifier.inputs import read_credential
from verifier.maps import MapFetcher
from verifier.report import Check, CheckId, Outcome, Verdict, VerificationReport
from verifier.report_cache import RecordingFetcher, ReportCache, report_key
from verifier.state import Settings
from verifier.status_cache import StatusListCache
from verifier.verify import verify_with

#: Every suite we verify. eddsa-rdfc-2022 is what OB certification uses; eddsa-jcs-2022 and the
#: legacy Ed25519Signature2020 are accepted because other issuers use them (ob3-spec §2.1).
DEFAULT_SUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022, ED25519_SIGNATURE_2020)

__all__ = [
    "DEFAULT_SUITES",
    "Check",
    "CheckId",
    "FetchError",
    "FetchRefused",
    "FetchTimeout",
    "FetchTooLarge",
    "Fetcher",
    "MapFetcher",
    "Outcome",
    "RecordingFetcher",
    "ReportCache",
    "SafeFetcher",
    "StatusListCache",
    "UnusableInput",
    "Verdict",
    "VerificationReport",
    "read_credential",
    "report_key",
    "verify_credential",
]


def verify_credential(
    credential: Mapping[str, Any] | str,
    *,
    loader: DocumentLoader,
    fetcher: Fetcher,
    now: datetime,
    max_clock_skew: timedelta = timedelta(minutes=5),
    suites: Collection[str] = DEFAULT_SUITES,
    expected_recipient_email: str | None = None,
    status_cache: StatusListCache | None = None,
) -> VerificationReport:
    """Check a credential (a dict, or a compact JWS) in spec order and report every check.

    Args:
        credential: what :func:`read_credential` returned.
        loader: the JSON-LD document loader (bundled contexts only); reuse one across calls.
        fetcher: how DID documents, status lists and refreshed copies are fetched.
        now: the instant to judge validity at (timezone-aware).
        max_clock_skew: tolerance on ``validFrom``/``validUntil`` and status list windows.
        suites: the proof suites accepted (STYLE rule 5: the caller decides).
        expected_recipient_email: compared with the hashed recipient; never stored or logged.
        status_cache: reuse status lists verified by earlier calls (a server or CLI run keeps
            one); ``None`` verifies every list afresh.

    Returns:
        The report; ``verified`` is true only when no check failed.

    Raises:
        TypeError: ``credential`` is neither a mapping nor a string (programmer error).
        ValueError: ``now`` is naive.
    """
    if not isinstance(credential, Mapping | str):
        raise TypeError("verify_credential() takes a credential dict or a compact JWS")
    if now.tzinfo is None:
        raise ValueError("verify_credential() needs a timezone-aware 'now'")
    settings = Settings(
        loader=loader,
        fetcher=fetcher,
        now=now,
        max_clock_skew=max_clock_skew,
        suites=tuple(suites),
        expected_recipient_email=expected_recipient_email,
        status_cache=status_cache,
    )
    document = credential if isinstance(credential, str) else dict(credential)
    return verify_with(document, settings)
