"""Who may act for an issuer: its organisation's issuer admins (one check for every admin page).

Platform admins may also manage an issuer's admins, and nothing else: issuers are created from the
command line without any admin, so somebody has to name the first one.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import Session

from badges.accounts import Role
from badges.web.auth import current_user
from issuer import Issuer, get_issuer
from issuer.admins import is_admin


def administered_issuer(session: Session, slug: str) -> Issuer:
    """The issuer at ``slug`` if the signed-in user is an admin of its organisation; else 404.

    404 rather than 403, so that nobody can probe which issuers exist.
    """
    user = current_user()
    issuer = get_issuer(session, slug)  # IssuerNotFound -> 404
    if user is None or not is_admin(session, issuer, user.id):
        abort(404)
    return issuer


def admins_managed_issuer(session: Session, slug: str) -> Issuer:
    """The issuer at ``slug`` if the signed-in user may manage its admins; else 404.

    Its own admins may, and so may platform admins.
    """
    user = current_user()
    if user is not None and user.has_role(Role.PLATFORM_ADMIN):
        return get_issuer(session, slug)  # IssuerNotFound -> 404
    return administered_issuer(session, slug)
