"""Who acts for an issuer (issue #4): list, add and remove its admins.

An issuer belongs to one organisation, and its admins are that organisation's issuer-admin
memberships (:mod:`badges.accounts`). An issuer never loses its last admin, so somebody can always
act for it. Changes lock the organisation's row first: two admins removing each other at the same
time are served one after the other, and the second is refused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Membership, Organisation, Role, User, add_membership, normalise_email
from badges.errors import N_, Conflict, InvalidInput, NotFound
from issuer.models import Issuer


def list_admins(session: Session, issuer: Issuer) -> list[User]:
    """The issuer's admins, by name."""
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == issuer.organisation_id,
                Membership.role == Role.ISSUER_ADMIN,
            )
            .order_by(User.name, User.email)
        )
    )


def is_admin(session: Session, issuer: Issuer, user_id: int) -> bool:
    """Whether the user is an admin of the issuer."""
    membership = session.get(Membership, (user_id, issuer.organisation_id))
    return membership is not None and membership.role is Role.ISSUER_ADMIN


def add_admin(session: Session, issuer: Issuer, *, email: str) -> User:
    """Make the account with this email address an admin of the issuer.

    Only existing accounts: an admin cannot create an account for somebody else, so they are
    asked to register first.
    """
    address = normalise_email(email)
    user = session.scalar(select(User).where(User.email == address))
    if user is None:
        raise InvalidInput(
            N_("There is no account for %(email)s. Ask them to register first, then add them."),
            code="no_account",
            params={"email": address},
            field="email",
        )
    _lock(session, issuer)
    if is_admin(session, issuer, user.id):
        raise Conflict(
            N_("%(email)s is already an admin of this issuer."),
            code="already_admin",
            params={"email": address},
        )
    add_membership(session, user.id, issuer.organisation_id, Role.ISSUER_ADMIN)
    return user


def remove_admin(session: Session, issuer: Issuer, user_id: int) -> User:
    """Remove one admin; refused when they are the last one."""
    _lock(session, issuer)
    membership = session.get(Membership, (user_id, issuer.organisation_id), populate_existing=True)
    if membership is None or membership.role is not Role.ISSUER_ADMIN:
        raise NotFound(N_("This person is not an admin of this issuer."), code="not_an_admin")
    user = membership.user
    if len(list_admins(session, issuer)) <= 1:
        raise Conflict(
            N_(
                "%(name)s is the last admin of this issuer and cannot be removed. "
                "Add another admin first."
            ),
            code="last_admin",
            params={"name": user.name},
        )
    session.delete(membership)
    session.flush()
    session.expire(user, ["memberships"])
    return user


def _lock(session: Session, issuer: Issuer) -> None:
    """Serialise admin changes of one organisation (a no-op on SQLite, which locks the file)."""
    session.execute(
        select(Organisation.id).where(Organisation.id == issuer.organisation_id).with_for_update()
    )
