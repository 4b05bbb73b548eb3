"""The DID documents anyone may fetch: each did:web issuer's, and the platform's own.

Both are public interfaces (ARCHITECTURE.md "Interfaces"): verifiers, including ones running in
a browser, dereference a ``did:web`` to these URLs (did:web §3.2), so the responses allow any
origin and may be cached for five minutes, the same time our own verifier caches a fetch. A
removed (compromised) key therefore stops verifying elsewhere within about five minutes.

Decision on ``/.well-known/did.json``: when ``BASE_URL`` is an https origin, the platform is
``did:web:<host>`` and publishes a document with its ``id`` and no keys, because the platform
signs nothing yet. A keyless document states that the DID exists while no credential can
verify against it; the platform's key will be listed here once it has one. With an http
``BASE_URL``, or one with a path (whose did:web would live at ``<path>/did.json``, not here),
there is no platform did:web and the answer is 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from flask.typing import ResponseReturnValue

from badges.context import current_settings
from badges.did import DID_CONTEXTS, InvalidDid, did_web_from_url
from badges.web.database import db_session
from issuer import KeyUnavailable, get_issuer
from issuer import did_document as issuer_did_document

bp = Blueprint("issuer_public", __name__)

#: DID Core §6.2.1; clients that ask only for plain JSON get ``application/json``.
DID_JSON = "application/did+json"
CACHE_CONTROL = "public, max-age=300"


@bp.get("/issuers/<slug>/did.json")
def did_document(slug: str) -> ResponseReturnValue:
    """The issuer's did:web document; 404 for unknown slugs and issuers without a did:web."""
    session = db_session()
    issuer = get_issuer(session, slug)  # IssuerNotFound -> 404
    if not issuer.uses_did_web:
        abort(404)  # a did:key resolves from the DID alone; nothing is published here
    try:
        document = issuer_did_document(session, issuer)
    except KeyUnavailable:
        abort(404)  # no key yet, or every key removed: nothing to publish
    return _did_response(document)


@bp.get("/.well-known/did.json")
def platform_did_document() -> ResponseReturnValue:
    """The platform's own did:web document (keyless for now); 404 unless BASE_URL allows one."""
    document = _platform_document(current_settings().base_url)
    if document is None:
        abort(404)
    return _did_response(document)


@bp.after_request
def _allow_any_origin(response: Response) -> Response:
    # On 404s too, so that a verifier in a browser can read why resolution failed.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _platform_document(base_url: str) -> dict[str, Any] | None:
    """The platform's DID document for ``base_url``, or None when it names no did:web here."""
    origin = base_url.rstrip("/")
    if not origin.startswith("https://") or "/" in origin.removeprefix("https://"):
        return None
    try:
        did = did_web_from_url(origin)
    except InvalidDid:
        return None
    return {"@context": [DID_CONTEXTS[0]], "id": did}


def _did_response(document: dict[str, Any]) -> Response:
    response = jsonify(document)
    wanted = request.accept_mimetypes.best_match([DID_JSON, "application/json"])
    response.mimetype = wanted or DID_JSON
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept")
    return response
