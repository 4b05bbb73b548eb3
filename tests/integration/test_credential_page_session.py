"""Public pages start no session for anonymous visitors; forms elsewhere keep their CSRF (issue #5).

The credential page is the QR target: every stranger who scans a badge opens it. Creating a
signed session and a CSRF token for each of them cost about a third of the page's server time,
for a language switcher they rarely press. Anonymous visitors therefore get a switcher that only
shows the page in another language (``?lang=``, a GET that changes nothing); signed-in viewers,
and every other page, keep the POST switcher with its CSRF token.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from issuer.rendering import markdown_html
from tests.forms import csrf_token
from tests.integration.test_credential_page import award, share, sign_in


def _shared_page(app: Flask, session: Session) -> str:
    awarded = award(app, session)
    share(session, awarded.credential)
    return f"/credentials/{awarded.credential.public_id}"


def test_an_anonymous_visit_to_the_credential_page_sets_no_cookie(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    url = _shared_page(app, session)

    response = client.get(url)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None
    assert "csrf_token" not in body
    assert f'<form method="get" action="{url}" class="language-switcher">' in body
    assert 'name="lang" value="de"' in body
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_the_anonymous_switcher_shows_the_page_in_the_chosen_language(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    url = _shared_page(app, session)

    german = client.get(f"{url}?lang=de", headers={"Accept-Language": "en"})
    unknown = client.get(f"{url}?lang=xx", headers={"Accept-Language": "en"})

    german_body = german.get_data(as_text=True)
    assert '<html lang="de">' in german_body
    assert 'value="de" lang="de"\n                aria-pressed="true"' in german_body
    assert "Set-Cookie" not in german.headers
    assert unknown.status_code == 200
    assert '<html lang="en">' in unknown.get_data(as_text=True)
    assert "Set-Cookie" not in unknown.headers


def test_an_anonymous_visit_to_the_achievement_page_sets_no_cookie(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)

    response = client.get(f"/achievements/{awarded.achievement.id}?lang=bg")

    assert response.status_code == 200
    assert '<html lang="bg">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_viewer_keeps_the_csrf_protected_switcher(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    url = _shared_page(app, session)
    sign_in(client, "recipient@academy.example.org")

    token = csrf_token(client, url)
    changed = client.post("/language", data={"csrf_token": token, "locale": "ro", "next": url})

    assert 'action="/language"' in client.get(url).get_data(as_text=True)
    assert changed.status_code == 302
    assert changed.headers["Location"] == url
    assert '<html lang="ro">' in client.get(url).get_data(as_text=True)


def test_other_pages_still_start_a_session_with_a_csrf_token(client: FlaskClient) -> None:
    response = client.get("/")

    assert client.get_cookie("session") is not None
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert 'action="/language"' in response.get_data(as_text=True)


def test_the_language_form_still_refuses_a_post_without_a_token(client: FlaskClient) -> None:
    client.get("/")

    response = client.post("/language", data={"locale": "de", "next": "/"})

    assert response.status_code == 400
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_criteria_markdown_is_rendered_once_and_stays_safe() -> None:
    text = "Passed **this** <script>alert(1)</script> [x](javascript:alert(1))"

    first = markdown_html(text)

    assert markdown_html(text) is first  # kept, not rendered again
    assert "<strong>this</strong>" in first
    assert "<script>" not in first
    assert 'href="javascript:' not in first
