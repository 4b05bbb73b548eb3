"""Recipients' backpack: my badges, sharing, downloads, PDF certificate, claiming by link."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("issuer_backpack", __name__)
