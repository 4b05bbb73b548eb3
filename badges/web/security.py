"""CSRF on every form, rate limits, security headers and cookie settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from flask import Flask, Response
from flask.typing import ResponseReturnValue, RouteCallable
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from badges.config import Settings

csrf = CSRFProtect()

#: Set on a view by :func:`rate_limited`; :func:`apply_rate_limits` reads it.
RATE_LIMIT_ATTRIBUTE = "badges_rate_limit"
_LIMITER = "badges.limiter"

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A limit (read when the request comes, so it can depend on the app's settings)."""

    limit: Callable[[], str]
    methods: tuple[str, ...]


def rate_limited(limit: Callable[[], str], *, methods: tuple[str, ...]) -> Callable[[View], View]:
    """Mark a view as rate-limited per client address.

    Only a mark: each app applies it with its own limiter (Flask-Limiter keeps its storage on the
    limiter object, so one module-level limiter would be shared by every app in a process).
    """

    def mark(view: View) -> View:
        setattr(view, RATE_LIMIT_ATTRIBUTE, RateLimit(limit, methods))
        return view

    return mark


#: Pages use only our own CSS, scripts and images; nothing may frame them.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security(app: Flask, settings: Settings) -> None:
    """Configure CSRF, rate limiting, upload size, cookies and response headers."""
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.uses_https,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the signed session
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_KEY_PREFIX=settings.instance_name,
        # If Redis is briefly away, keep serving with in-memory limits rather than failing logins.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    csrf.init_app(app)
    app.extensions[_LIMITER] = Limiter(key_func=get_remote_address, app=app, default_limits=[])
    app.after_request(_security_headers)


def apply_rate_limits(app: Flask) -> None:
    """Wrap every view marked with :func:`rate_limited` in this app's limiter."""
    limiter: Limiter = app.extensions[_LIMITER]
    for endpoint, view in list(app.view_functions.items()):
        mark: RateLimit | None = getattr(view, RATE_LIMIT_ATTRIBUTE, None)
        if mark is not None:
            limited = limiter.limit(mark.limit, methods=list(mark.methods))(view)
            # Flask-Limiter types its wrapper as possibly async; ours wraps a sync view.
            app.view_functions[endpoint] = cast("RouteCallable", limited)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response
