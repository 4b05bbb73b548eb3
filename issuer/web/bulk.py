"""Bulk awards: CSV upload, preview with row errors, background issuing with live progress."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("issuer_bulk", __name__)
