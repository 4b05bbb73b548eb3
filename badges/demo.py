"""Demo data for a first look: partner organisations, one issuer with a key, a user of every role.

Loading twice changes nothing: what exists is left alone. The logins are printed by
``badges demo load`` and ``make run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import (
    Organisation,
    Role,
    User,
    add_membership,
    create_organisation,
    grant_role,
    register,
)
from issuer import Issuer, Keyring, create_issuer, current_key, generate_key

#: Shared by every demo account; the demo is for looking around, never for real people.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed on purpose, demo only


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One demo account: what it is for, and how to sign in."""

    role: Role
    email: str
    name: str


DEMO_ORGANISATIONS = (
    ("sofia-smart-city-academy", "Sofia Smart City Academy (demo)"),
    ("cluj-urban-innovation-lab", "Cluj Urban Innovation Lab (demo)"),
)

DEMO_LOGINS = (
    DemoLogin(Role.PARTICIPANT, "participant@demo.example", "Maria Ivanova"),
    DemoLogin(Role.ASSESSOR, "assessor@demo.example", "Dr. Andrei Popescu"),
    DemoLogin(Role.ISSUER_ADMIN, "issuer@demo.example", "Elena Georgieva"),
    DemoLogin(Role.PLATFORM_ADMIN, "admin@demo.example", "Platform Administrator"),
)


def load_demo(
    session: Session, *, now: datetime, keyring: Keyring, base_url: str
) -> tuple[DemoLogin, ...]:
    """Create the demo organisations, issuer and users that do not exist yet."""
    organisations = [_organisation(session, slug, name, now) for slug, name in DEMO_ORGANISATIONS]
    _issuer(session, organisations[0], now=now, keyring=keyring, base_url=base_url)
    for login in DEMO_LOGINS:
        user = session.scalar(select(User).where(User.email == login.email))
        if user is None:
            user = register(
                session, email=login.email, name=login.name, password=DEMO_PASSWORD, now=now
            )
        if login.role is Role.ISSUER_ADMIN:
            add_membership(session, user.id, organisations[0].id, Role.ISSUER_ADMIN)
        elif login.role is not Role.PARTICIPANT:
            grant_role(session, user.id, login.role)
    return DEMO_LOGINS


def _issuer(
    session: Session, organisation: Organisation, *, now: datetime, keyring: Keyring, base_url: str
) -> None:
    issuer = session.scalar(select(Issuer).where(Issuer.organisation_id == organisation.id))
    if issuer is None:
        issuer = create_issuer(
            session,
            organisation.id,
            name=organisation.name,
            base_url=base_url,
            now=now,
            description="Demo issuer of the smart-city validation paths.",
        )
    if current_key(session, issuer.id) is None:
        generate_key(session, issuer.id, keyring=keyring, now=now)


def _organisation(session: Session, slug: str, name: str, now: datetime) -> Organisation:
    existing = session.scalar(select(Organisation).where(Organisation.slug == slug))
    return existing or create_organisation(session, slug=slug, name=name, now=now)
