"""Issuer admins: achievements, awards to one person, issued credentials, revocation (issue #4).

Thin views over :mod:`issuer` domain functions. Every route needs the issuer-admin role *and* a
membership in the organisation that owns the issuer in the URL; for anyone else the issuer does
not exist (404), so slugs cannot be probed. Platform admins may also manage issuers' admins.

This module holds the entry pages and assembles the blueprint: the other pages live in
:mod:`issuer.web.admin_achievements`, :mod:`issuer.web.admin_credentials` and
:mod:`issuer.web.admin_profile`, and importing them here registers their routes on ``bp``.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from badges.accounts import Role
from badges.web.auth import current_user, role_required
from badges.web.database import db_session
from issuer.achievements import list_achievements
from issuer.issued import issuance_counts
from issuer.models import Issuer
from issuer.web import admin_achievements, admin_credentials, admin_profile
from issuer.web.admin_common import admin_issuer, bp

#: The page modules whose routes this blueprint serves (imported for their side effect).
PAGES = (admin_achievements, admin_credentials, admin_profile)


@bp.get("/")
@role_required(Role.ISSUER_ADMIN, Role.PLATFORM_ADMIN)
def dashboard() -> ResponseReturnValue:
    """The issuers the signed-in admin acts for; platform admins see every issuer."""
    user = current_user()
    assert user is not None  # noqa: S101 - guaranteed by role_required
    administered = {m.organisation_id for m in user.memberships if m.role is Role.ISSUER_ADMIN}
    query = select(Issuer).order_by(Issuer.name)
    if not user.has_role(Role.PLATFORM_ADMIN):
        query = query.where(Issuer.organisation_id.in_(administered))
    return render_template(
        "issuer/admin/dashboard.html",
        issuers=list(db_session().scalars(query)),
        administered=administered,
    )


@bp.get("/<slug>/")
@role_required(Role.ISSUER_ADMIN)
def overview(slug: str) -> ResponseReturnValue:
    """One issuer at a glance: achievements and issuances by state."""
    issuer = admin_issuer(slug)
    session = db_session()
    return render_template(
        "issuer/admin/overview.html",
        issuer=issuer,
        achievements=len(list_achievements(session, issuer.id)),
        counts=issuance_counts(session, issuer.id),
    )


__all__ = ["PAGES", "bp"]
