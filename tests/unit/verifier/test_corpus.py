"""The named corpus of issue #5: each valid credential verifies, each bad one fails one check."""

from __future__ import annotations

import json
from typing import Any

import pytest

from badges.jsonld.loader import StaticDocumentLoader
from tests.unit.verifier.builders import CORPUS, NOW, Case, corpus
from verifier import (
    CheckId,
    MapFetcher,
    Outcome,
    Verdict,
    VerificationReport,
    read_credential,
    verify_credential,
)

CASES = corpus()
VALID = [name for name, case in CASES.items() if case.check is None]
BAD = [name for name, case in CASES.items() if case.check is not None]
#: The bad cases the issue names, so a rename cannot quietly drop one.
ISSUE_5_CORPUS = {
    "tampered-name",
    "tampered-achievement",
    "swapped-proof-value",
    "wrong-verification-method",
    "controller-not-issuer",
    "undefined-property",
    "expired",
    "not-yet-valid",
    "revoked",
    "suspended",
    "status-list-tampered",
    "unknown-context",
    "missing-proof",
    "jwt-mismatched-iss",
}
AMBER = {"expired": Verdict.EXPIRED, "suspended": Verdict.SUSPENDED}


def _verify(
    document: dict[str, Any] | str, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> VerificationReport:
    return verify_credential(document, loader=loader, fetcher=fetcher, now=NOW)


def test_the_corpus_holds_every_case_the_issue_names() -> None:
    assert set(BAD) >= ISSUE_5_CORPUS


@pytest.mark.parametrize("name", VALID)
def test_valid_credentials_verify(
    name: str, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    report = _verify(CASES[name].document, loader, fetcher)

    assert report.failures == ()
    assert report.verified is True
    assert report.verdict == Verdict.VERIFIED
    assert report.outcome(CheckId.PROOF) == Outcome.PASS
    assert report.outcome(CheckId.KEY_BINDING) == Outcome.PASS


@pytest.mark.parametrize("name", BAD)
def test_bad_credentials_fail_the_expected_check_first(
    name: str, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    case: Case = CASES[name]

    report = _verify(case.document, loader, fetcher)

    assert report.verified is False
    first = report.failures[0]
    assert (first.id.value, first.outcome) == (case.check, Outcome.FAIL)
    assert report.verdict == AMBER.get(name, Verdict.INVALID)


def test_checks_come_in_spec_order_every_time(
    loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    for case in CASES.values():
        report = _verify(case.document, loader, fetcher)
        assert [check.id for check in report.checks] == list(CheckId)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("expired", "expired"),
        ("not-yet-valid", "not_yet_valid"),
        ("revoked", "revoked"),
        ("suspended", "suspended"),
        ("status-list-tampered", "status_unverifiable"),
    ],
)
def test_failures_say_why_in_details(
    name: str, reason: str, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    report = _verify(CASES[name].document, loader, fetcher)

    assert report.failures[0].details["reason"] == reason


def test_committed_corpus_matches_the_generator() -> None:
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    assert expected["at"] == NOW.isoformat()
    for name, case in CASES.items():
        suffix = ".jws" if isinstance(case.document, str) else ".json"
        stored = read_credential((CORPUS / f"{name}{suffix}").read_bytes())
        assert stored == case.document, "regenerate with python -m tests.unit.verifier.builders"
        assert expected["cases"][name]["check"] == case.check


def test_unsigned_credential_never_fetches_its_status_list(loader: StaticDocumentLoader) -> None:
    class Recording(MapFetcher):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
            self.urls.append(url)
            return super().fetch(url, accept=accept)

    recording = Recording()
    report = verify_credential(
        CASES["missing-proof"].document, loader=loader, fetcher=recording, now=NOW
    )

    assert report.outcome(CheckId.STATUS) == Outcome.SKIPPED
    assert recording.urls == []
