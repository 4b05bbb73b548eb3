"""The one edge where errors become HTTP: a friendly page, or application/problem+json (RFC 9457).

Domain errors carry a code, never a status; the status is decided here. Unexpected exceptions are
logged with their traceback and shown to the user as a plain apology, never as a stack trace.

An error page answering a GET starts no session for an anonymous visitor (issue #5: a mistyped
or withdrawn QR link is as frequent as the credential page); its language switcher is the same
GET with ``?lang=``, which every error answer honours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from functools import wraps
from http import HTTPStatus
from types import MappingProxyType
from typing import Any, TypeVar

from flask import Flask, Request, Response, jsonify, render_template, request
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
)

from badges.context import current_settings
from badges.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from badges.web.i18n import LANGUAGES
from badges.web.translate import _

log = logging.getLogger(__name__)

#: Status for each kind of domain error; packages subclass these kinds for their own errors.
STATUS_BY_KIND: Mapping[type[DomainError], int] = MappingProxyType(
    {
        NotFound: 404,
        Conflict: 409,
        InvalidInput: 422,
        PermissionDenied: 403,
        Unauthenticated: 401,
    }
)


def status_for(error: DomainError) -> int:
    """The status of the nearest kind in the error's ancestry; 400 for any other domain error."""
    for cls in type(error).__mro__:
        status = STATUS_BY_KIND.get(cls)
        if status is not None:
            return status
    return 400


def wants_json() -> bool:
    """Answer with JSON for API paths, JSON bodies, and clients that prefer JSON to HTML."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(
        ["text/html", "application/json", "application/problem+json"]
    )
    return best in {"application/json", "application/problem+json"}


class MalformedJSON(BadRequest):
    """The body claimed to be JSON and was not (Flask's own error forgets why outside debug)."""

    description = "The JSON in the request body is not valid."


class BadgesRequest(Request):
    """Flask's request, with a distinct error for malformed JSON bodies."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        """Raise :class:`MalformedJSON` instead of a bare 400."""
        raise MalformedJSON() from e


def register_error_handlers(app: Flask) -> None:
    """Install the handlers for domain errors, HTTP errors and anything unexpected."""
    app.request_class = BadgesRequest
    app.register_error_handler(DomainError, _in_page_language(_domain_error))
    app.register_error_handler(HTTPException, _in_page_language(_http_error))
    app.register_error_handler(Exception, _in_page_language(_unexpected_error))


_E = TypeVar("_E", bound=BaseException)
_R = TypeVar("_R")


def _in_page_language(handler: Callable[[_E], _R]) -> Callable[[_E], _R]:
    """Translate the whole answer (message and page) in the language picked with ``?lang=``."""

    @wraps(handler)
    def handle(error: _E) -> _R:
        with _page_language():
            return handler(error)

    return handle


def _page_language() -> AbstractContextManager[None]:
    chosen = request.args.get("lang", "")
    return force_locale(chosen) if chosen in LANGUAGES else nullcontext()


def _domain_error(error: DomainError) -> tuple[Response | str, int]:
    return _respond(status_for(error), _(error.template, **error.params), code=error.code)


def _http_error(error: HTTPException) -> tuple[Response | str, int] | HTTPException:
    if error.code is None or error.code < 400:  # redirects raised as exceptions (routing)
        return error
    return _respond(error.code, _describe(error), code=_code_of(error))


def _unexpected_error(error: Exception) -> tuple[Response | str, int]:
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return _respond(500, _describe(InternalServerError()), code="internal_error")


def _describe(error: HTTPException) -> str:
    """A plain message for each status, in the reader's language."""
    if isinstance(error, CSRFError):
        return _(
            "This form has expired or did not come from this site. "
            "Please go back, reload the page and try again."
        )
    if isinstance(error, RequestEntityTooLarge):
        return _(
            "What you sent is larger than %(size)d MB, the most this site accepts.",
            size=current_settings().max_upload_mb,
        )
    messages = {
        400: _("The request could not be understood. Please check what you sent."),
        401: _("Please sign in first."),
        403: _("You do not have permission to see this page."),
        404: _("There is nothing at this address. Please check the link."),
        405: _("This address does not accept that kind of request."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("Something went wrong on our side. It has been logged; please try again later."),
    }
    if isinstance(error, MalformedJSON):
        return _("The JSON in the request body is not valid.")
    code = error.code or 500
    return messages.get(code, error.name)


def _code_of(error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf_failed"
    if isinstance(error, MalformedJSON):
        return "malformed_json"
    return (error.name or "error").lower().replace(" ", "_")


def _respond(status: int, message: str, *, code: str) -> tuple[Response | str, int]:
    if wants_json():
        body = jsonify(
            type="about:blank",
            title=_title(status),
            status=status,
            detail=message,
            code=code,
        )
        body.mimetype = "application/problem+json"
        return body, status
    return render_template("errors/error.html", status=status, message=message), status


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)
