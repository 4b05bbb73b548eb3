"""Register, sign in, sign out and change the password through the real forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User
from badges.config import Settings
from badges.mail import MailMessage
from tests.environment import make_settings
from tests.forms import TEST_PASSWORD, csrf_token, register_user


def _login(client: FlaskClient, email: str, password: str, next_: str = "") -> tuple[int, str]:
    token = csrf_token(client, "/login")
    response = client.post(
        f"/login{next_}", data={"csrf_token": token, "email": email, "password": password}
    )
    return response.status_code, response.headers.get("Location", "")


def test_register_signs_in_and_queues_a_welcome_mail(client: FlaskClient, session: Session) -> None:
    register_user(client)

    page = client.get("/").get_data(as_text=True)
    assert "Signed in as Ana Petrova." in page
    mail = session.scalars(select(MailMessage)).one()
    assert mail.to_address == "ana@example.org"
    assert mail.sent_at is not None  # eager embedded mode: delivered after the commit
    assert mail.transport == "log"


def test_duplicate_registration_is_refused_and_writes_nothing(
    client: FlaskClient, session: Session
) -> None:
    register_user(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client, "/register")

    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "name": "Someone Else",
            "email": "ANA@example.org",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
        },
    )

    assert response.status_code == 409
    assert "An account with this email address already exists." in response.get_data(as_text=True)
    assert len(session.scalars(select(User)).all()) == 1
    assert len(session.scalars(select(MailMessage)).all()) == 1


def test_invalid_registration_form_shows_field_errors(client: FlaskClient) -> None:
    token = csrf_token(client, "/register")

    response = client.post(
        "/register",
        data={"csrf_token": token, "name": "A", "email": "nope", "password": "x", "confirm": "y"},
    )

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in body
    assert "The passwords differ." in body


def test_wrong_password_is_refused_with_401(client: FlaskClient) -> None:
    register_user(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    status, _ = _login(client, "ana@example.org", "not the password")

    assert status == 401
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


def test_login_follows_only_local_next(client: FlaskClient) -> None:
    register_user(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    assert _login(client, "ana@example.org", TEST_PASSWORD, "?next=/account")[1] == "/account"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    location = _login(client, "ana@example.org", TEST_PASSWORD, "?next=https://evil.example/")[1]
    assert location == "/"


def test_logout_needs_post_with_csrf(client: FlaskClient) -> None:
    register_user(client)

    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert "Signed in as" in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


def test_account_page_requires_sign_in(client: FlaskClient) -> None:
    response = client.get("/account")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_password_change_ends_other_sessions(
    app_client_pair: tuple[FlaskClient, FlaskClient],
) -> None:
    first, second = app_client_pair
    register_user(first)
    assert _login(second, "ana@example.org", TEST_PASSWORD)[0] == 302
    token = csrf_token(first, "/account")

    response = first.post(
        "/account",
        data={
            "csrf_token": token,
            "current_password": TEST_PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )

    assert response.status_code == 302
    assert first.get("/account").status_code == 200
    assert second.get("/account").status_code == 302
    assert _login(second, "ana@example.org", "a brand new password")[0] == 302


def test_password_change_with_wrong_current_password(client: FlaskClient) -> None:
    register_user(client)
    token = csrf_token(client, "/account")

    response = client.post(
        "/account",
        data={
            "csrf_token": token,
            "current_password": "not my password",
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )

    assert response.status_code == 422
    assert "Your current password is not correct." in response.get_data(as_text=True)


@pytest.fixture
def app_client_pair(client: FlaskClient) -> tuple[FlaskClient, FlaskClient]:
    assert client.application is not None
    return client, client.application.test_client()


def test_login_is_rate_limited(tmp_path: Path, database_url: str) -> None:
    from badges.app import create_app  # noqa: PLC0415

    settings: Settings = make_settings(tmp_path, database_url, login_rate_limit="3 per minute")
    client = create_app(settings).test_client()
    token = csrf_token(client, "/login")
    statuses = [
        client.post(
            "/login", data={"csrf_token": token, "email": "x@example.org", "password": "p"}
        ).status_code
        for _ in range(4)
    ]

    assert statuses == [401, 401, 401, 429]
    assert client.get("/login").status_code == 200  # only attempts are limited, not the page


@pytest.mark.parametrize(
    ("next_", "expected"),
    [("/backpack/claim/abc", "/backpack/claim/abc"), ("https://evil.example/", "/")],
)
def test_register_follows_only_local_next(client: FlaskClient, next_: str, expected: str) -> None:
    response = client.post(
        f"/register?next={next_}",
        data={
            "csrf_token": csrf_token(client, "/register"),
            "name": "Ana Petrova",
            "email": "ana@example.org",
            "password": TEST_PASSWORD,
            "confirm": TEST_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == expected
