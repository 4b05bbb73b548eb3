"""Posting forms the way a browser does: fetch the page, take its CSRF token, submit."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

TEST_PASSWORD = "correct horse battery"

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path`` (tests post forms as a browser would)."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match is not None, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def register_user(
    client: FlaskClient, email: str = "ana@example.org", password: str = TEST_PASSWORD
) -> None:
    """Register (and so sign in) through the real form."""
    response = client.post(
        "/register",
        data={
            "csrf_token": csrf_token(client, "/register"),
            "name": "Ana Petrova",
            "email": email,
            "password": password,
            "confirm": password,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
