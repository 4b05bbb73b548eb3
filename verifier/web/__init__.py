"""The verifier's web front: the ``/verify`` page and ``POST /api/v1/verify`` (issue #5, "Web")."""

from __future__ import annotations

from flask import Flask

from badges.web.security import csrf
from verifier.web import api, pages
from verifier.web.service import install_services, use_fetcher

__all__ = ["init_verifier_web", "use_fetcher"]


def init_verifier_web(app: Flask) -> None:
    """Give ``app`` the verifier's services and register the page and API blueprints.

    Call before ``apply_rate_limits(app)`` so the views' rate limits are applied.
    """
    install_services(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    # The API is stateless and reads no cookie, so a forged cross-site request gains nothing.
    csrf.exempt(api.bp)
