"""The issuer's web edge: thin views over the :mod:`issuer` public API (issue #4).

Only :func:`init_issuer_web` is for the composition root; each blueprint lives in its own module.
"""

from __future__ import annotations

from flask import Flask

from issuer.web import admin, backpack, bulk, claims, credentials, public


def init_issuer_web(app: Flask) -> None:
    """Register the issuer's blueprints on ``app`` (called by ``badges.app``)."""
    for module in (public, credentials, admin, backpack, bulk, claims):
        app.register_blueprint(module.bp)


__all__ = ["init_issuer_web"]
