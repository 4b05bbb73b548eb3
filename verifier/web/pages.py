"""``/verify``: paste, upload or point at a credential; a plain verdict first, then every check.

A thin adapter (STYLE rule 2): it reads the form, calls :func:`verify_input` and renders. What
was submitted, and the expected recipient email, are never stored or logged.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from badges.errors import N_, DomainError
from badges.usage import Channel
from badges.web.security import rate_limited
from badges.web.translate import _
from verifier import UnusableInput, VerificationReport
from verifier.web.counting import checked_this_month, count_verification
from verifier.web.presentation import (
    check_lines,
    headline,
    local_datetime,
    local_number,
    localised_params,
)
from verifier.web.service import fetch_credential, verify_input
from verifier.web.summary import summarize

bp = Blueprint("verifier_pages", __name__)

#: Verifications per minute from one address (each may fetch DID documents and status lists).
PAGE_RATE_LIMIT = "30 per minute"


@bp.get("/verify")
def verify_form() -> ResponseReturnValue:
    """The form: paste JSON or a JWS, upload a baked image or a file, or give an https URL."""
    checked = checked_this_month()  # shown only once there is something to show
    return render_template("verifier/form.html", checked=local_number(checked) if checked else None)


@bp.post("/verify")
@rate_limited(lambda: PAGE_RATE_LIMIT, methods=("POST",))
def verify() -> ResponseReturnValue:
    """Verify what was submitted and show the verdict, the facts and every check."""
    email = request.form.get("expected_email", "").strip()
    try:
        report = verify_input(_submitted(), expected_recipient_email=email or None)
    except DomainError as err:
        count_verification(Channel.PAGE, None)
        error = _(err.template, **localised_params(err.params))
        return render_template("verifier/form.html", error=error, checked=None), 422
    count_verification(Channel.PAGE, report)
    return render_template("verifier/result.html", **_result_context(report))


def _submitted() -> bytes | str:
    """The one thing submitted: a file, else pasted text, else a URL to fetch."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return bytes(upload.read())
    pasted = request.form.get("credential", "").strip()
    if pasted:
        return pasted
    url = request.form.get("url", "").strip()
    if url:
        return fetch_credential(url)
    raise UnusableInput(N_("Paste a credential, choose a file or give its https address."))


def _result_context(report: VerificationReport) -> dict[str, object]:
    summary = summarize(report.credential)
    return {
        "verdict": report.verdict.value,
        "headline": headline(report.verdict),
        "summary": summary,
        "dates": {
            "awarded": local_datetime(summary.awarded),
            "valid_from": local_datetime(summary.valid_from),
            "valid_until": local_datetime(summary.valid_until),
        },
        "checks": check_lines(report),
    }
