"""User accounts, roles and organisation memberships (no Flask here)."""

from badges.accounts.models import Membership, Organisation, Role, User, UserRole
from badges.accounts.service import (
    InvalidCredentials,
    add_membership,
    authenticate,
    change_password,
    create_organisation,
    grant_role,
    normalise_email,
    register,
)

__all__ = [
    "InvalidCredentials",
    "Membership",
    "Organisation",
    "Role",
    "User",
    "UserRole",
    "add_membership",
    "authenticate",
    "change_password",
    "create_organisation",
    "grant_role",
    "normalise_email",
    "register",
]
