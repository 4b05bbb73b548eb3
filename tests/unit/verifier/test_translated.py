"""Renderings of a report are kept per report object and language, and bounded (issue #5)."""

from __future__ import annotations

from verifier import Check, CheckId, Outcome, VerificationReport
from verifier.web.translated import Translated


def _report() -> VerificationReport:
    check = Check.of(CheckId.PARSE, Outcome.PASS, "The badge could be read.")
    return VerificationReport(True, (check,), None)


class Renderer:
    """Writes the first message in a made-up language and counts its calls."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.calls = 0

    def __call__(self, report: VerificationReport) -> str:
        self.calls += 1
        return f"[{self.language}] {report.checks[0].message}"


def test_a_report_is_rendered_once_per_language() -> None:
    kept = Translated[str]()
    report = _report()
    german, bulgarian = Renderer("de"), Renderer("bg")

    assert kept.get(report, "de", german) == "[de] The badge could be read."
    assert kept.get(report, "de", german) == "[de] The badge could be read."
    assert kept.get(report, "bg", bulgarian) == "[bg] The badge could be read."
    assert (german.calls, bulgarian.calls) == (1, 1)


def test_a_new_report_is_rendered_afresh_even_when_equal() -> None:
    kept = Translated[str]()
    german = Renderer("de")

    kept.get(_report(), "de", german)
    kept.get(_report(), "de", german)

    assert german.calls == 2


def test_the_renderings_kept_are_bounded() -> None:
    kept = Translated[str](max_entries=2)
    reports = [_report() for _ in range(3)]
    german = Renderer("de")

    for report in reports:
        kept.get(report, "de", german)
    kept.get(reports[0], "de", german)  # dropped as the least recently used

    assert len(kept) == 2
    assert german.calls == 4
