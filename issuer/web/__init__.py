"""The issuer's web edge: thin views over the :mod:`issuer` public API (issue #4).

Only :func:`init_issuer_web` is for the composition root; each blueprint lives in its own module.
"""

from __future__ import annotations

from flask import Flask

from badges.context import current_settings
from issuer.web import admin, backpack, bulk, claims, credentials, public
from issuer.web.platform_fetch import PlatformFetcher
from verifier import SafeFetcher
from verifier.web.service import FETCHER_EXTENSION


def init_issuer_web(app: Flask) -> None:
    """Register the issuer's blueprints, and let our verifier read our own documents locally.

    Called by ``badges.app`` before ``init_verifier_web``, which keeps a fetcher already given.
    """
    for module in (public, credentials, admin, backpack, bulk, claims):
        app.register_blueprint(module.bp)
    with app.app_context():
        base_url = current_settings().base_url
    app.extensions.setdefault(FETCHER_EXTENSION, PlatformFetcher(base_url, SafeFetcher()))


__all__ = ["init_issuer_web"]
