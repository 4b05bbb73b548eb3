from __future__ import annotations

import pytest
from argon2 import Type
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import (
    InvalidCredentials,
    Role,
    User,
    add_membership,
    authenticate,
    change_password,
    create_organisation,
    grant_role,
    register,
)
from badges.accounts.passwords import (
    STRONG_HASHER,
    hash_password,
    needs_rehash,
    verify_password,
)
from badges.errors import Conflict, InvalidInput, NotFound
from tests.environment import NOW

pytestmark = pytest.mark.usefixtures("app")
PASSWORD = "correct horse battery"


def _register(session: Session, email: str = "Ana@Example.org ") -> User:
    return register(session, email=email, name=" Ana Petrova ", password=PASSWORD, now=NOW)


def test_register_normalises_and_hashes(session: Session) -> None:
    user = _register(session)
    session.commit()

    assert user.email == "ana@example.org"
    assert user.name == "Ana Petrova"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert user.has_role(Role.PARTICIPANT)
    assert not user.has_role(Role.ASSESSOR)


def test_duplicate_email_is_a_conflict_whatever_the_case(session: Session) -> None:
    _register(session)
    session.commit()

    with pytest.raises(Conflict) as caught:
        _register(session, "ANA@example.ORG")

    assert caught.value.code == "email_taken"


@pytest.mark.parametrize(
    ("email", "name", "password", "field"),
    [
        ("not-an-email", "Ana", PASSWORD, "email"),
        ("ana@example.org", "   ", PASSWORD, "name"),
        ("ana@example.org", "Ana", "short", "password"),
        ("ana@example.org", "Ana", "x" * 257, "password"),
    ],
)
def test_register_rejects_bad_input_naming_the_field(
    session: Session, email: str, name: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        register(session, email=email, name=name, password=password, now=NOW)

    assert caught.value.field == field
    assert session.scalars(select(User)).all() == []


def test_authenticate_accepts_the_right_password(session: Session) -> None:
    _register(session)

    user = authenticate(session, email=" ANA@example.org", password=PASSWORD, now=NOW)

    assert user.last_login_at == NOW


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)],
)
def test_authenticate_gives_one_error_for_both_failures(
    session: Session, email: str, password: str
) -> None:
    _register(session)

    with pytest.raises(InvalidCredentials) as caught:
        authenticate(session, email=email, password=password, now=NOW)

    assert caught.value.message == "The email address or password is not correct."


def test_change_password_checks_the_current_one_and_ends_other_sessions(session: Session) -> None:
    user = _register(session)
    epoch = user.session_epoch

    with pytest.raises(InvalidInput):
        change_password(session, user.id, current="not it at all", new="another long password")
    change_password(session, user.id, current=PASSWORD, new="another long password")

    assert user.session_epoch == epoch + 1
    assert authenticate(session, email=user.email, password="another long password", now=NOW)


def test_change_password_of_unknown_user(session: Session) -> None:
    with pytest.raises(NotFound):
        change_password(session, 999, current=PASSWORD, new="another long password")


def test_roles_and_memberships(session: Session) -> None:
    user = _register(session)
    organisation = create_organisation(session, slug="sofia", name="Sofia", now=NOW)

    grant_role(session, user.id, Role.ASSESSOR)
    grant_role(session, user.id, Role.ASSESSOR)
    add_membership(session, user.id, organisation.id)
    add_membership(session, user.id, organisation.id)
    session.commit()
    session.expire_all()

    assert user.has_role(Role.ASSESSOR)
    assert user.has_role(Role.ISSUER_ADMIN)
    assert [m.organisation.slug for m in user.memberships] == ["sofia"]
    assert len([r for r in user.roles if r.role is Role.ASSESSOR]) == 1


def test_issuer_admin_is_granted_per_organisation(session: Session) -> None:
    user = _register(session)

    with pytest.raises(InvalidInput):
        grant_role(session, user.id, Role.ISSUER_ADMIN)
    with pytest.raises(NotFound):
        grant_role(session, 12345, Role.ASSESSOR)


def test_organisation_slugs_are_unique(session: Session) -> None:
    create_organisation(session, slug="cluj", name="Cluj", now=NOW)

    with pytest.raises(Conflict, match="cluj"):
        create_organisation(session, slug="cluj", name="Cluj again", now=NOW)


def test_password_hashing_round_trip() -> None:
    hashed = hash_password("a long enough password")

    assert verify_password(hashed, "a long enough password")
    assert not verify_password(hashed, "another password")
    assert not verify_password("not a hash", "anything")
    assert not needs_rehash(hashed)


def test_the_app_hashes_with_argon2id_at_rfc_9106_strength() -> None:
    assert STRONG_HASHER.type is Type.ID
    assert STRONG_HASHER.memory_cost >= 65536
    assert STRONG_HASHER.time_cost >= 3
