"""Event self-claim: claim windows, the public claim form, email confirmation, admin approval."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("issuer_claims", __name__)
