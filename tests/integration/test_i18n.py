"""Four languages: chosen by the user, else by the browser; every string translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User
from tests.forms import csrf_token, register_user

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "badges" / "translations"


def test_accept_language_picks_the_interface_language(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "bg-BG,bg;q=0.9,en;q=0.5"})

    body = page.get_data(as_text=True)
    assert '<html lang="bg">' in body
    assert "Вход" in body


def test_unsupported_languages_fall_back_to_english(client: FlaskClient) -> None:
    body = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)

    assert '<html lang="en">' in body
    assert "Sign in" in body


def test_switcher_choice_beats_the_browser(client: FlaskClient) -> None:
    token = csrf_token(client, "/")

    response = client.post(
        "/language", data={"csrf_token": token, "locale": "ro", "next": "/login"}
    )
    page = client.get("/login", headers={"Accept-Language": "de"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Autentificare" in page.get_data(as_text=True)


def test_switcher_ignores_unknown_languages_and_foreign_redirects(client: FlaskClient) -> None:
    token = csrf_token(client, "/")

    response = client.post(
        "/language", data={"csrf_token": token, "locale": "xx", "next": "//evil.example/"}
    )

    assert response.headers["Location"] == "/"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_signed_in_choice_is_kept_on_the_account(client: FlaskClient, session: Session) -> None:
    register_user(client)
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "locale": "de"})

    user = session.scalars(select(User)).one()
    assert user.locale == "de"
    assert "Abmelden" in client.get("/").get_data(as_text=True)


def test_domain_errors_are_translated(client: FlaskClient) -> None:
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "locale": "bg"})
    token = csrf_token(client, "/login")

    response = client.post(
        "/login", data={"csrf_token": token, "email": "x@example.org", "password": "whatever"}
    )

    assert "Имейл адресът или паролата не са верни." in response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["de", "bg", "ro"])
def test_every_message_is_translated(language: str) -> None:
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = {message.id for message in read_po(handle) if message.id}
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)

    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert template - translated == set()


def test_message_template_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "N_",
            "--no-location",
            "--omit-header",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    def ids(path: Path) -> set[str]:
        with path.open("rb") as handle:
            return {str(message.id) for message in read_po(handle) if message.id}

    assert ids(fresh) == ids(TRANSLATIONS / "messages.pot"), "run `make extract-messages`"
