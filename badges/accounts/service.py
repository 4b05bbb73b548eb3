"""Registration, sign-in and role changes: plain functions over a Session, no Flask."""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts.models import Membership, Organisation, Role, User, UserRole
from badges.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from badges.errors import N_, Conflict, InvalidInput, NotFound, Unauthenticated

MIN_PASSWORD_LENGTH = 10
#: Argon2 hashes any length, but a megabyte password is a denial-of-service attempt.
MAX_PASSWORD_LENGTH = 256
SUPPORTED_LOCALES = ("en", "de", "bg", "ro")


class InvalidCredentials(Unauthenticated):
    """Unknown email or wrong password; deliberately the same error for both."""

    code = "invalid_credentials"


def normalise_email(email: str) -> str:
    """Trim and lower-case an address, so one person has one account."""
    return email.strip().lower()


def register(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    now: datetime,
    locale: str | None = None,
) -> User:
    """Create a participant account; raises Conflict if the email is taken."""
    address = _valid_email(email)
    clean_name = name.strip()
    if not clean_name or len(clean_name) > 200:
        raise InvalidInput(N_("Please give your name (at most 200 characters)."), field="name")
    check_password_rules(password)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(N_("An account with this email address already exists."), code="email_taken")
    user = User(
        email=address,
        name=clean_name,
        password_hash=hash_password(password),
        locale=locale if locale in SUPPORTED_LOCALES else None,
        created_at=now,
    )
    user.roles.append(UserRole(role=Role.PARTICIPANT))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str, now: datetime) -> User:
    """Return the user whose credentials these are, upgrading an outdated hash on the way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        verify_password(DUMMY_HASH, password)
        raise InvalidCredentials(N_("The email address or password is not correct."))
    if len(password) > MAX_PASSWORD_LENGTH or not verify_password(user.password_hash, password):
        raise InvalidCredentials(N_("The email address or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def change_password(session: Session, user_id: int, *, current: str, new: str) -> User:
    """Set a new password after checking the current one; ends the user's other sessions."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    if not verify_password(user.password_hash, current):
        raise InvalidInput(N_("Your current password is not correct."), field="current_password")
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    return user


def grant_role(session: Session, user_id: int, role: Role) -> None:
    """Give a platform-wide role (idempotent); issuer admin is granted per organisation instead."""
    if role is Role.ISSUER_ADMIN:
        raise InvalidInput(N_("Issuer admin is granted per organisation (add_membership)."))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    if not any(granted.role is role for granted in user.roles):
        user.roles.append(UserRole(role=role))
        session.flush()


def create_organisation(session: Session, *, slug: str, name: str, now: datetime) -> Organisation:
    """Create a partner organisation; raises Conflict if the slug is taken."""
    taken = session.scalar(select(func.count()).where(Organisation.slug == slug))
    if taken:
        raise Conflict(
            N_("An organisation called %(slug)s already exists."),
            code="slug_taken",
            params={"slug": slug},
        )
    organisation = Organisation(slug=slug, name=name, created_at=now)
    session.add(organisation)
    session.flush()
    return organisation


def add_membership(
    session: Session, user_id: int, organisation_id: int, role: Role = Role.ISSUER_ADMIN
) -> None:
    """Make the user ``role`` of the organisation (idempotent)."""
    membership = session.get(Membership, (user_id, organisation_id))
    if membership is None:
        session.add(Membership(user_id=user_id, organisation_id=organisation_id, role=role))
    else:
        membership.role = role
    session.flush()


def check_password_rules(password: str) -> None:
    """Length rules only (NIST SP 800-63B): no composition rules, no forced rotation."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("Choose a password of at least %(count)d characters."),
            field="password",
            params={"count": MIN_PASSWORD_LENGTH},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("Choose a password of at most %(count)d characters."),
            field="password",
            params={"count": MAX_PASSWORD_LENGTH},
        )


def _valid_email(email: str) -> str:
    address = normalise_email(email)
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(N_("Please give a valid email address."), field="email") from None
    return address
