"""The report in the reader's language: translated check names, outcomes, messages and dates.

The library stays locale-free: a message's dates travel in its ``params`` as ISO 8601 text and
its numbers as plain digits; here they are translated and formatted for the reader's locale
(en, de, bg, ro) with Flask-Babel, after the template itself is translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from flask_babel import format_datetime, format_decimal
from flask_babel.speaklater import LazyString

from badges.web.translate import _, _l
from verifier import Check, CheckId, Outcome, Verdict, VerificationReport
from verifier.dates import InvalidDate, parse_date

#: Message parameters that hold a date and time (``verifier.checks.check_validity``).
DATE_PARAMS = frozenset({"date"})
#: Message parameters that hold a whole number (endorsement counts, input size caps).
NUMBER_PARAMS = frozenset({"count", "bad", "max"})

CHECK_LABELS: Mapping[CheckId, LazyString] = MappingProxyType(
    {
        CheckId.PARSE: _l("Readable credential"),
        CheckId.CONTEXTS: _l("Known vocabulary"),
        CheckId.TYPE: _l("Open Badges credential"),
        CheckId.SCHEMA: _l("Required information present"),
        CheckId.SAFE_MODE: _l("No undefined terms"),
        CheckId.PROOF: _l("Signature"),
        CheckId.KEY_BINDING: _l("Signed by the issuer"),
        CheckId.REFRESH: _l("Latest version"),
        CheckId.STATUS: _l("Not revoked or suspended"),
        CheckId.VALIDITY: _l("Within its validity dates"),
        CheckId.RECIPIENT: _l("Recipient"),
        CheckId.ENDORSEMENTS: _l("Endorsements"),
    }
)

OUTCOME_LABELS: Mapping[Outcome, LazyString] = MappingProxyType(
    {
        Outcome.PASS: _l("Passed"),
        Outcome.FAIL: _l("Failed"),
        Outcome.WARNING: _l("Warning"),
        Outcome.SKIPPED: _l("Skipped"),
    }
)

#: The headline for each verdict; the page shows it as text, with the colour only as a support.
VERDICT_HEADLINES: Mapping[Verdict, LazyString] = MappingProxyType(
    {
        Verdict.VERIFIED: _l("This badge is genuine and current"),
        Verdict.EXPIRED: _l("This badge is genuine but has expired"),
        Verdict.SUSPENDED: _l("This badge is genuine but suspended by its issuer"),
        Verdict.INVALID: _l("This badge could not be verified"),
    }
)


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One line of the checks list, ready to render."""

    id: str
    label: str
    outcome: str
    outcome_label: str
    message: str
    details: Mapping[str, str]


def check_lines(report: VerificationReport) -> list[CheckLine]:
    """Every check of ``report``, in order, translated."""
    return [
        CheckLine(
            id=check.id.value,
            label=str(CHECK_LABELS.get(check.id, check.id.value)),
            outcome=check.outcome.value,
            outcome_label=str(OUTCOME_LABELS[check.outcome]),
            message=translated_message(check),
            details=check.details,
        )
        for check in report.checks
    ]


def translated_message(check: Check) -> str:
    """The check's message in the reader's language (English when there is no template)."""
    if not check.template:
        return check.message
    return _(check.template, **localised_params(check.params))


def report_json(report: VerificationReport) -> dict[str, Any]:
    """The report's public JSON with each message in the reader's language.

    Only the template is translated: the parameters stay as the library wrote them (ISO 8601
    dates, plain digits), because programs read this JSON too.
    """
    document = report.to_json()
    for check, item in zip(report.checks, document["checks"], strict=True):
        if check.template:
            item["message"] = _(check.template, **check.params)
    return document


def localised_params(params: Mapping[str, object]) -> dict[str, object]:
    """``params`` with dates and numbers written the reader's way; anything else unchanged."""
    return {key: _localised(key, value) for key, value in params.items()}


def _localised(key: str, value: object) -> object:
    if key in DATE_PARAMS:
        try:
            moment = parse_date(value)
        except InvalidDate:
            return value
        return local_datetime(moment) or value
    text = str(value)
    if key in NUMBER_PARAMS and text.isascii() and text.isdigit():
        return local_number(int(text))
    return value


def local_number(number: int) -> str:
    """``number`` with the reader's digit grouping (1,234 / 1.234 / 1 234)."""
    return str(format_decimal(number))


def headline(verdict: Verdict) -> str:
    """The verdict as a sentence for a person."""
    return str(VERDICT_HEADLINES[verdict])


def local_datetime(moment: datetime | None) -> str | None:
    """``moment`` in the reader's locale, or ``None``."""
    if moment is None:
        return None
    return str(format_datetime(moment, "medium"))
