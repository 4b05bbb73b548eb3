"""``POST /api/v1/verify``: the same report as the page, as JSON; and its OpenAPI description.

Accepts the credential as a JSON body (the credential itself, or ``{"credential": …,
"expectedRecipientEmail": …}``, or ``{"url": "https://…"}`` to fetch it through the verifier's
safe fetcher), a compact JWS as ``text/plain``, a multipart upload (field ``file``) or raw bytes
(a baked PNG or SVG). Unusable input raises :class:`~verifier.UnusableInput`, which
:mod:`badges.web.errors` answers with ``application/problem+json`` (422). Stateless and
cookie-free, so :func:`init_verifier_web` exempts this blueprint from CSRF. Every call is counted
anonymously (:mod:`verifier.web.counting`).

Speed (issue #5, p99 under 100 ms): the same bytes sent again within a few seconds get the same
report, as long as every document it rests on (status lists, DID documents, a fetched
credential) is unchanged; a call with an expected recipient email is never kept. Messages are
in the language of ``Accept-Language`` (en, de, bg, ro; English otherwise), said in
``Content-Language``; dates and numbers in them stay ISO 8601 text and plain digits, so that a
program can still read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from badges.errors import N_, DomainError
from badges.usage import Channel
from badges.web.i18n import LANGUAGES
from badges.web.security import rate_limited
from verifier import Fetcher, UnusableInput, VerificationReport, read_credential
from verifier.web.counting import count_verification
from verifier.web.openapi import openapi_document
from verifier.web.service import (
    fetch_credential,
    look_up,
    remember,
    translated_report_json,
    verify_input,
)

bp = Blueprint("verifier_api", __name__)

#: API verifications per minute from one address.
API_RATE_LIMIT = "30 per minute"
_WRAPPER_KEYS = frozenset({"credential", "url", "expectedRecipientEmail"})

Body = bytes | str | Mapping[str, Any]


@bp.post("/api/v1/verify")
@rate_limited(lambda: API_RATE_LIMIT, methods=("POST",))
def verify() -> ResponseReturnValue:
    """Verify the credential in the body and return the report."""
    try:
        report, kept = _report()
    except DomainError:
        count_verification(Channel.API, None)
        raise
    count_verification(Channel.API, report)
    language = reader_language()
    text = translated_report_json(report, language, keep=kept)
    response = Response(f"{text}\n", mimetype="application/json")
    response.headers["Content-Language"] = language
    return response


@bp.after_request
def _vary_by_language(response: Response) -> Response:
    # Problem responses are translated too (badges.web.errors), so every answer varies.
    if request.endpoint == "verifier_api.verify":
        response.vary.add("Accept-Language")
        if "Content-Language" not in response.headers:
            response.headers["Content-Language"] = str(get_locale())
    return response


@bp.get("/api/v1/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


def reader_language() -> str:
    """The best of our languages for ``Accept-Language``; English when none fits."""
    return request.accept_languages.best_match(list(LANGUAGES), default="en")


def _report() -> tuple[VerificationReport, bool]:
    """A recent report on the very same body, or the body verified now; and whether it is kept."""
    # A multipart body differs with every boundary, so uploads are neither looked up nor kept.
    raw = None if request.mimetype == "multipart/form-data" else request.get_data()
    lookup = look_up("api", raw, options=request.mimetype)
    if lookup.report is not None:
        return lookup.report, True
    body, email = _body(lookup.fetcher)
    report = verify_input(body, expected_recipient_email=email, lookup=lookup)
    # Never keep anything that came with an email.
    return report, email is None and remember(lookup, report)


def _body(fetcher: Fetcher) -> tuple[Body, str | None]:
    """The credential (bytes, text or parsed object) and the optional expected email."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise UnusableInput(N_("Send the credential as a file in the field 'file'."))
        return bytes(upload.read()), request.form.get("expectedRecipientEmail") or None
    raw = request.get_data()
    if request.mimetype != "application/json":
        return raw, None
    # Parsed by the verifier's bounded reader, not request.get_json (no depth cap there).
    parsed = read_credential(raw)
    if (
        isinstance(parsed, dict)
        and set(parsed) <= _WRAPPER_KEYS
        and set(parsed) & {"credential", "url"}
    ):
        return _unwrapped(parsed, fetcher), _email(parsed)
    return parsed, None


def _unwrapped(wrapper: Mapping[str, Any], fetcher: Fetcher) -> Body:
    """The wrapped credential, or the document fetched from the wrapped https URL."""
    if "credential" in wrapper and "url" in wrapper:
        raise UnusableInput(N_("Send either 'credential' or 'url', not both."))
    if "credential" in wrapper:
        credential: Body = wrapper["credential"]
        return credential
    url = wrapper["url"]
    if not isinstance(url, str):
        raise UnusableInput(N_("'url' must be a string."))
    return fetch_credential(url.strip(), fetcher=fetcher)


def _email(wrapper: Mapping[str, Any]) -> str | None:
    email = wrapper.get("expectedRecipientEmail")
    if email is not None and not isinstance(email, str):
        raise UnusableInput(N_("'expectedRecipientEmail' must be a string."))
    return email or None
