"""Who may sign in, and in which capacity."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.db import Base, UTCDateTime


class Role(StrEnum):
    """What a user may do; values are stored in the database and must not change."""

    PARTICIPANT = "participant"
    ASSESSOR = "assessor"
    ISSUER_ADMIN = "issuer_admin"
    PLATFORM_ADMIN = "platform_admin"


def _role_type() -> Enum:
    return Enum(
        Role,
        native_enum=False,
        length=32,
        values_callable=lambda roles: [role.value for role in roles],
        validate_strings=True,
        name="role",
    )


class User(Base):
    """A person with a login."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Trimmed and lower-cased, so that one person cannot register twice by changing case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Argon2id PHC string; never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Preferred interface language (en, de, bg, ro); None means "ask the browser".
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Bumped on password change so that every other signed-in session ends.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def has_role(self, role: Role) -> bool:
        """Whether the user holds ``role`` globally or, for issuer admins, in any organisation."""
        if any(granted.role is role for granted in self.roles):
            return True
        return any(membership.role is role for membership in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    """A platform-wide role (participant, assessor, platform admin)."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_role_type(), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


class Organisation(Base):
    """A partner organisation (university, city) whose admins issue badges in its name."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL-safe short name, used in did:web identifiers and public URLs.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Membership(Base):
    """A user's role inside one organisation (issuer admin)."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_role_type())

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
