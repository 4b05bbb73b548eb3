"""Who administers an issuer: the domain rules and the admins page (issue #4)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Role, User, add_membership, create_organisation, grant_role
from badges.errors import Conflict, InvalidInput, NotFound
from issuer import Issuer, create_issuer
from issuer.admins import add_admin, is_admin, list_admins, remove_admin
from tests.environment import NOW
from tests.forms import csrf_token, register_user
from tests.integration.test_issuance import BASE_URL

ADMINS = "/issuer/academy/admins"


@pytest.fixture
def issuer(session: Session) -> Issuer:
    """The academy issuer, committed, with no admin yet."""
    organisation = create_organisation(session, slug="academy", name="Sofia Academy", now=NOW)
    created = create_issuer(
        session, organisation.id, name="Sofia Academy", base_url=BASE_URL, now=NOW
    )
    session.commit()
    return created


def signed_in(app: Flask, session: Session, email: str) -> tuple[FlaskClient, int]:
    """A new client signed in as a freshly registered user, and that user's id."""
    client = app.test_client()
    register_user(client, email)
    user_id = session.scalars(select(User.id).where(User.email == email)).one()
    return client, user_id


def admin_of(app: Flask, session: Session, issuer: Issuer, email: str) -> tuple[FlaskClient, int]:
    """A client signed in as an admin of ``issuer``."""
    client, user_id = signed_in(app, session, email)
    add_membership(session, user_id, issuer.organisation_id)
    session.commit()
    return client, user_id


def post(client: FlaskClient, path: str, data: dict[str, str]) -> tuple[int, str, str]:
    """Post the form on ``path`` with its CSRF token: the status, the page and the redirect."""
    response = client.post(path, data={"csrf_token": csrf_token(client, path), **data})
    location = response.headers.get("Location", "")
    return response.status_code, response.get_data(as_text=True), location


def emails(session: Session, issuer: Issuer) -> list[str]:
    """The issuer's admins' email addresses as now stored."""
    session.expire_all()
    return sorted(user.email for user in list_admins(session, issuer))


# ---------------------------------------------------------------- domain


def test_add_an_existing_account_by_email_in_any_case(
    app: Flask, session: Session, issuer: Issuer
) -> None:
    _client, user_id = signed_in(app, session, "elena@academy.example")

    added = add_admin(session, issuer, email="  Elena@Academy.Example ")
    session.commit()

    assert added.id == user_id
    assert is_admin(session, issuer, user_id)
    assert emails(session, issuer) == ["elena@academy.example"]


def test_add_refuses_unknown_addresses_and_existing_admins(
    app: Flask, session: Session, issuer: Issuer
) -> None:
    admin_of(app, session, issuer, "elena@academy.example")

    with pytest.raises(InvalidInput) as unknown:
        add_admin(session, issuer, email="nobody@academy.example")
    with pytest.raises(Conflict) as twice:
        add_admin(session, issuer, email="elena@academy.example")

    assert (unknown.value.code, unknown.value.field) == ("no_account", "email")
    assert "nobody@academy.example" in unknown.value.message
    assert twice.value.code == "already_admin"
    assert emails(session, issuer) == ["elena@academy.example"]


def test_remove_keeps_the_last_admin(app: Flask, session: Session, issuer: Issuer) -> None:
    _a, first = admin_of(app, session, issuer, "elena@academy.example")
    _b, second = admin_of(app, session, issuer, "ivan@academy.example")
    _c, stranger = signed_in(app, session, "stranger@example.org")

    with pytest.raises(NotFound):
        remove_admin(session, issuer, stranger)
    remove_admin(session, issuer, second)
    session.commit()
    with pytest.raises(Conflict) as last:
        remove_admin(session, issuer, first)
    session.rollback()

    assert last.value.code == "last_admin"
    assert emails(session, issuer) == ["elena@academy.example"]


# ---------------------------------------------------------------- who may see the page


def test_only_the_issuers_admins_and_platform_admins_get_in(
    app: Flask, session: Session, issuer: Issuer
) -> None:
    _admin, admin_id = admin_of(app, session, issuer, "elena@academy.example")
    other_org = create_organisation(session, slug="other", name="Other City", now=NOW)
    other = create_issuer(session, other_org.id, name="Other City", base_url=BASE_URL, now=NOW)
    session.commit()
    other_admin, _ = admin_of(app, session, other, "boss@other.example")
    participant, _ = signed_in(app, session, "ana@example.org")
    remove_page = f"{ADMINS}/{admin_id}/remove"

    assert app.test_client().get(ADMINS).headers["Location"].startswith("/login")
    assert participant.get(ADMINS).status_code == 403
    assert other_admin.get(ADMINS).status_code == 404
    assert other_admin.get(remove_page).status_code == 404
    token = csrf_token(other_admin, "/issuer/other/admins")
    forged = other_admin.post(remove_page, data={"csrf_token": token, "confirm": "y"})
    assert forged.status_code == 404
    assert "/issuer/other/admins" in other_admin.get("/issuer/other/").get_data(as_text=True)
    assert emails(session, issuer) == ["elena@academy.example"]


def test_a_platform_admin_names_the_first_admin(
    app: Flask, session: Session, issuer: Issuer
) -> None:
    platform, platform_id = signed_in(app, session, "root@platform.example")
    grant_role(session, platform_id, Role.PLATFORM_ADMIN)
    session.commit()
    signed_in(app, session, "elena@academy.example")

    dashboard = platform.get("/issuer/").get_data(as_text=True)
    empty = platform.get(ADMINS).get_data(as_text=True)
    status, _page, location = post(platform, ADMINS, {"email": "elena@academy.example"})

    assert f'href="{ADMINS}"' in dashboard
    assert "This issuer has no admin yet." in empty
    assert 'href="/issuer/academy/issued"' not in empty  # no links to pages they cannot open
    assert (status, location) == (302, ADMINS)
    assert emails(session, issuer) == ["elena@academy.example"]
    assert platform.get("/issuer/academy/").status_code == 403  # their role stops at admins


# ---------------------------------------------------------------- adding


def test_add_an_admin_through_the_form(app: Flask, session: Session, issuer: Issuer) -> None:
    admin, _ = admin_of(app, session, issuer, "elena@academy.example")
    newcomer, _ = signed_in(app, session, "ivan@academy.example")
    assert newcomer.get("/issuer/academy/").status_code == 403

    status, _page, location = post(admin, ADMINS, {"email": "Ivan@Academy.Example"})
    listing = admin.get(ADMINS).get_data(as_text=True)

    assert (status, location) == (302, ADMINS)
    assert "ivan@academy.example" in listing
    assert "is now an admin of this issuer." in listing
    assert 'href="/issuer/academy/issued"' in listing  # the issuer's own sub-navigation
    assert emails(session, issuer) == ["elena@academy.example", "ivan@academy.example"]
    assert newcomer.get("/issuer/academy/").status_code == 200


def test_adding_an_unknown_address_says_so(app: Flask, session: Session, issuer: Issuer) -> None:
    admin, _ = admin_of(app, session, issuer, "elena@academy.example")

    status, page, _location = post(admin, ADMINS, {"email": "nobody@academy.example"})
    twice, again, _ = post(admin, ADMINS, {"email": "elena@academy.example"})
    empty, _, _ = post(admin, ADMINS, {"email": ""})

    assert status == 422
    assert "There is no account for nobody@academy.example." in page
    assert "ask them to register first" in page
    assert twice == 409
    assert "elena@academy.example is already an admin of this issuer." in again
    assert empty == 422
    assert emails(session, issuer) == ["elena@academy.example"]


def test_adding_needs_the_csrf_token(app: Flask, session: Session, issuer: Issuer) -> None:
    admin, _ = admin_of(app, session, issuer, "elena@academy.example")
    signed_in(app, session, "ivan@academy.example")

    response = admin.post(ADMINS, data={"email": "ivan@academy.example"})

    assert response.status_code == 400
    assert emails(session, issuer) == ["elena@academy.example"]


# ---------------------------------------------------------------- removing


def test_removing_another_admin_needs_confirmation(
    app: Flask, session: Session, issuer: Issuer
) -> None:
    admin, _ = admin_of(app, session, issuer, "elena@academy.example")
    removed, removed_id = admin_of(app, session, issuer, "ivan@academy.example")
    path = f"{ADMINS}/{removed_id}/remove"
    assert f'href="{path}"' in admin.get(ADMINS).get_data(as_text=True)

    unconfirmed, _page, _ = post(admin, path, {})
    assert unconfirmed == 422
    assert len(emails(session, issuer)) == 2

    status, _page, location = post(admin, path, {"confirm": "y"})
    assert (status, location) == (302, ADMINS)
    assert emails(session, issuer) == ["elena@academy.example"]
    assert "is no longer an admin" in admin.get(ADMINS).get_data(as_text=True)
    assert removed.get("/issuer/academy/").status_code == 403
    assert admin.get(path).status_code == 404  # no longer an admin: nothing to remove


def test_removing_yourself_warns_and_ends_your_access(
    app: Flask, session: Session, issuer: Issuer
) -> None:
    admin, admin_id = admin_of(app, session, issuer, "elena@academy.example")
    admin_of(app, session, issuer, "ivan@academy.example")
    path = f"{ADMINS}/{admin_id}/remove"

    warning = admin.get(path).get_data(as_text=True)
    unconfirmed, _page, _ = post(admin, path, {})
    status, _page, location = post(admin, path, {"confirm": "y"})

    assert "You are about to remove yourself." in warning
    assert unconfirmed == 422
    assert (status, location) == (302, "/")
    assert emails(session, issuer) == ["ivan@academy.example"]
    assert admin.get(ADMINS).status_code == 403


def test_the_last_admin_cannot_be_removed(app: Flask, session: Session, issuer: Issuer) -> None:
    admin, admin_id = admin_of(app, session, issuer, "elena@academy.example")
    path = f"{ADMINS}/{admin_id}/remove"
    message = "is the last admin of this issuer and cannot be removed. Add another admin first."

    listing = admin.get(ADMINS).get_data(as_text=True)
    page = admin.get(path).get_data(as_text=True)
    token = csrf_token(admin, ADMINS)  # the confirmation page offers no form to take it from
    refused = admin.post(path, data={"csrf_token": token, "confirm": "y"})

    assert f'href="{path}"' not in listing
    assert message in page
    assert 'type="checkbox"' not in page
    assert refused.status_code == 409
    assert refused.get_data(as_text=True).count(message) == 1
    assert emails(session, issuer) == ["elena@academy.example"]
