"""Public credential surfaces: the credential page (QR target), downloads, status lists."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("issuer_credentials", __name__)
