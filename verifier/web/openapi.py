"""The OpenAPI 3.1 description of ``POST /api/v1/verify`` (ARCHITECTURE.md "Interfaces").

The ids and outcomes are the public values of :class:`~verifier.CheckId` and
:class:`~verifier.Outcome`, so the description cannot drift from the report.
"""

from __future__ import annotations

from typing import Any

from badges.web.i18n import LANGUAGES
from verifier import CheckId, Outcome, Verdict

_CREDENTIAL = {"type": "object", "description": "An Open Badges 3.0 credential (JSON-LD)."}
_JWS = {"type": "string", "description": "A compact JWS (VC-JWT)."}
_EMAIL = {
    "type": "string",
    "description": "Compared with the hashed recipient; never stored or logged.",
}


_LANGUAGE_HEADERS = {
    "Content-Language": {
        "description": "The language the messages are written in.",
        "schema": {"enum": list(LANGUAGES)},
    },
    "Vary": {
        "description": "Includes Accept-Language: the same body gets messages in each language.",
        "schema": {"type": "string"},
    },
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, built fresh each call (it is small)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Smart City Badges verifier",
            "version": "1.0.0",
            "description": (
                "Verify any Open Badges 3.0 credential, checked in the spec's order. Send the"
                " credential itself, wrapped with an expected recipient email, or its https"
                " address. Credentials are not stored or logged; only anonymous daily counts"
                " of verifications are kept."
            ),
        },
        "paths": {"/api/v1/verify": {"post": _verify_operation()}},
        "components": {"schemas": _schemas()},
    }


def _verify_operation() -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "operationId": "verifyCredential",
        "summary": "Verify a credential and return a report of named checks.",
        "parameters": [
            {
                "name": "Accept-Language",
                "in": "header",
                "required": False,
                "description": (
                    "The language of the check messages: en, de, bg or ro (English when none"
                    " fits). Dates and numbers in messages stay ISO 8601 text and plain digits."
                ),
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            _CREDENTIAL,
                            {"$ref": "#/components/schemas/Request"},
                            {"$ref": "#/components/schemas/UrlRequest"},
                        ]
                    }
                },
                "text/plain": {"schema": _JWS},
                "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"}},
                "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                "image/svg+xml": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            "200": {
                "description": "The verification report (also when the credential failed).",
                "headers": _LANGUAGE_HEADERS,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Report"}}
                },
            },
            "400": {"description": "Malformed request body.", "content": problem},
            "413": {"description": "The body is larger than the site accepts.", "content": problem},
            "422": {
                "description": "Not a credential in any readable format, or its address could"
                " not be fetched.",
                "content": problem,
            },
            "429": {"description": "Too many requests; try again in a minute.", "content": problem},
        },
    }


def _schemas() -> dict[str, Any]:
    return {
        "Request": {
            "type": "object",
            "required": ["credential"],
            "properties": {
                "credential": {"oneOf": [_CREDENTIAL, _JWS]},
                "expectedRecipientEmail": _EMAIL,
            },
        },
        "UrlRequest": {
            "type": "object",
            "required": ["url"],
            "description": (
                "Fetch the credential (JSON, JWS, or a baked PNG or SVG) from an https address."
                " Only public addresses are fetched; the response size and time are capped."
            ),
            "properties": {
                "url": {
                    "type": "string",
                    "format": "uri",
                    "pattern": "^https://",
                    "maxLength": 2048,
                },
                "expectedRecipientEmail": _EMAIL,
            },
        },
        "Upload": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                "expectedRecipientEmail": {"type": "string"},
            },
        },
        "Check": {
            "type": "object",
            "required": ["id", "outcome", "message"],
            "properties": {
                "id": {"enum": [check.value for check in CheckId]},
                "outcome": {"enum": [outcome.value for outcome in Outcome]},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Report": {
            "type": "object",
            "required": ["verified", "verdict", "checks"],
            "properties": {
                "verified": {"type": "boolean"},
                "verdict": {"enum": [verdict.value for verdict in Verdict]},
                "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}},
                "credential": {"type": ["object", "null"]},
            },
        },
        "Problem": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "code": {"type": "string"},
            },
        },
    }
