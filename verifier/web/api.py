"""``POST /api/v1/verify``: the same report as the page, as JSON; and its OpenAPI description.

Accepts the credential as a JSON body (the credential itself, or ``{"credential": …,
"expectedRecipientEmail": …}``, or ``{"url": "https://…"}`` to fetch it through the verifier's
safe fetcher), a compact JWS as ``text/plain``, a multipart upload (field ``file``) or raw bytes
(a baked PNG or SVG). Unusable input raises :class:`~verifier.UnusableInput`, which
:mod:`badges.web.errors` answers with ``application/problem+json`` (422). Stateless and
cookie-free, so :func:`init_verifier_web` exempts this blueprint from CSRF. Every call is counted
anonymously (:mod:`verifier.web.counting`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from badges.errors import N_, DomainError
from badges.usage import Channel
from badges.web.security import rate_limited
from verifier import UnusableInput, read_credential
from verifier.web.counting import count_verification
from verifier.web.openapi import openapi_document
from verifier.web.service import fetch_credential, verify_input

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
        body, email = _body()
        report = verify_input(body, expected_recipient_email=email)
    except DomainError:
        count_verification(Channel.API, None)
        raise
    count_verification(Channel.API, report)
    return jsonify(report.to_json())


@bp.get("/api/v1/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


def _body() -> tuple[Body, str | None]:
    """The credential (bytes, text or parsed object) and the optional expected email."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise UnusableInput(N_("Send the credential as a file in the field 'file'."))
        return bytes(upload.read()), request.form.get("expectedRecipientEmail") or None
    raw = request.get_data(cache=False)
    if request.mimetype != "application/json":
        return raw, None
    # Parsed by the verifier's bounded reader, not request.get_json (no depth cap there).
    parsed = read_credential(raw)
    if (
        isinstance(parsed, dict)
        and set(parsed) <= _WRAPPER_KEYS
        and set(parsed) & {"credential", "url"}
    ):
        return _unwrapped(parsed), _email(parsed)
    return parsed, None


def _unwrapped(wrapper: Mapping[str, Any]) -> Body:
    """The wrapped credential, or the document fetched from the wrapped https URL."""
    if "credential" in wrapper and "url" in wrapper:
        raise UnusableInput(N_("Send either 'credential' or 'url', not both."))
    if "credential" in wrapper:
        credential: Body = wrapper["credential"]
        return credential
    url = wrapper["url"]
    if not isinstance(url, str):
        raise UnusableInput(N_("'url' must be a string."))
    return fetch_credential(url.strip())


def _email(wrapper: Mapping[str, Any]) -> str | None:
    email = wrapper.get("expectedRecipientEmail")
    if email is not None and not isinstance(email, str):
        raise UnusableInput(N_("'expectedRecipientEmail' must be a string."))
    return email or None
