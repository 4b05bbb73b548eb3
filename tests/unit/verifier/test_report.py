"""The report: verdict colours, the public JSON shape, stable ids."""

from __future__ import annotations

import json

import pytest

from badges.errors import N_
from verifier import Check, CheckId, Outcome, Verdict, VerificationReport


def _check(check_id: CheckId, outcome: Outcome, reason: str = "") -> Check:
    return Check.of(check_id, outcome, N_("x"), details={"reason": reason} if reason else None)


PASSING = (_check(CheckId.PARSE, Outcome.PASS), _check(CheckId.PROOF, Outcome.PASS))


@pytest.mark.parametrize(
    ("extra", "verified", "verdict"),
    [
        ((), True, Verdict.VERIFIED),
        ((_check(CheckId.REFRESH, Outcome.WARNING),), True, Verdict.VERIFIED),
        ((_check(CheckId.VALIDITY, Outcome.FAIL, "expired"),), False, Verdict.EXPIRED),
        ((_check(CheckId.STATUS, Outcome.FAIL, "suspended"),), False, Verdict.SUSPENDED),
        (
            (
                _check(CheckId.STATUS, Outcome.FAIL, "suspended"),
                _check(CheckId.VALIDITY, Outcome.FAIL, "expired"),
            ),
            False,
            Verdict.SUSPENDED,
        ),
        ((_check(CheckId.STATUS, Outcome.FAIL, "revoked"),), False, Verdict.INVALID),
        (
            (
                _check(CheckId.PROOF, Outcome.FAIL),
                _check(CheckId.VALIDITY, Outcome.FAIL, "expired"),
            ),
            False,
            Verdict.INVALID,
        ),
        ((_check(CheckId.VALIDITY, Outcome.FAIL, "not_yet_valid"),), False, Verdict.INVALID),
    ],
)
def test_verdicts(extra: tuple[Check, ...], verified: bool, verdict: Verdict) -> None:
    report = VerificationReport.from_checks((*PASSING, *extra), None)

    assert (report.verified, report.verdict) == (verified, verdict)


def test_a_report_with_nothing_passed_is_not_verified() -> None:
    report = VerificationReport.from_checks((_check(CheckId.PARSE, Outcome.SKIPPED),), None)

    assert not report.verified


def test_json_shape() -> None:
    check = Check.of(
        CheckId.STATUS,
        Outcome.FAIL,
        N_("Revoked on %(date)s."),
        params={"date": "2026-01-01"},
        details={"reason": "revoked"},
    )
    report = VerificationReport.from_checks((*PASSING, check), {"id": "urn:x"})

    data = json.loads(report.to_json_text())

    assert data["verified"] is False
    assert data["verdict"] == "invalid"
    assert data["credential"] == {"id": "urn:x"}
    assert data["checks"][-1] == {
        "id": "status",
        "outcome": "fail",
        "message": "Revoked on 2026-01-01.",
        "details": {"reason": "revoked"},
    }
    assert check.template == "Revoked on %(date)s."


def test_check_ids_are_the_public_api() -> None:
    assert [c.value for c in CheckId] == [
        "parse",
        "contexts",
        "type",
        "schema",
        "safe_mode",
        "proof",
        "key_binding",
        "refresh",
        "status",
        "validity",
        "recipient",
        "endorsements",
    ]
    assert [o.value for o in Outcome] == ["pass", "fail", "warning", "skipped"]
