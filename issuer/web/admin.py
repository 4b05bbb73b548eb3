"""Issuer admins: achievements, awards to one person, issued credentials, revocation."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("issuer_admin", __name__)
