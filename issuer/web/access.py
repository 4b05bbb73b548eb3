"""Who may act for an issuer: its organisation's issuer admins (one check for every admin page)."""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import Session

from badges.accounts import Membership, Role
from badges.web.auth import current_user
from issuer import Issuer, get_issuer


def administered_issuer(session: Session, slug: str) -> Issuer:
    """The issuer at ``slug`` if the signed-in user is an admin of its organisation; else 404.

    404 rather than 403, so that nobody can probe which issuers exist.
    """
    user = current_user()
    issuer = get_issuer(session, slug)  # IssuerNotFound -> 404
    membership = session.get(Membership, (user.id, issuer.organisation_id)) if user else None
    if membership is None or membership.role is not Role.ISSUER_ADMIN:
        abort(404)
    return issuer
