"""The recipients' backpack: my badges, sharing switches, LinkedIn, claiming by link (issue #4)."""

from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from issuer import Credential, Issuance
from tests.forms import csrf_token
from tests.integration.test_credential_page import BASE_URL, award, make_user, sign_in

SECRET = "a-claim-secret-only-in-the-email"


def test_the_backpack_asks_strangers_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/backpack")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/backpack")


def test_my_badges_lists_the_credential_with_downloads_and_a_nav_entry(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    public_id = awarded.credential.public_id
    sign_in(client, "recipient@academy.example.org")

    page = client.get("/backpack").get_data(as_text=True)

    assert "IoT field technician" in page
    assert 'href="/backpack"' in page  # "My badges" in the main navigation
    assert 'data-status="valid"' in page
    for suffix in (".json", ".png", ".svg", "/certificate.pdf"):
        assert f'href="/credentials/{public_id}{suffix}"' in page
    assert "linkedin.com" not in page  # private: nothing to share yet
    assert "js/share.js" in page


def test_sharing_on_shows_the_link_and_a_linkedin_url_with_the_badge(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    public_id = awarded.credential.public_id
    sign_in(client, "recipient@academy.example.org")

    response = client.post(
        f"/backpack/{public_id}/sharing",
        data={"csrf_token": csrf_token(client, "/backpack"), "shared": "y", "show_name": "y"},
    )

    assert response.status_code == 302
    session.expire_all()
    credential = session.get_one(Credential, awarded.credential.id)
    assert credential.shared
    assert credential.show_name
    page = client.get("/backpack").get_data(as_text=True)
    assert f"{BASE_URL}/credentials/{public_id}" in page
    match = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    assert match is not None
    query = parse_qs(urlsplit(html.unescape(match.group(1))).query)
    assert query == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["IoT field technician"],
        "organizationName": ["Sofia Academy"],
        "issueYear": ["2026"],
        "issueMonth": ["11"],
        "expirationYear": ["2027"],
        "expirationMonth": ["11"],
        "certUrl": [f"{BASE_URL}/credentials/{public_id}"],
        "certId": [public_id],
    }
    stranger = app.test_client()
    assert stranger.get(f"/credentials/{public_id}").status_code == 200


def test_sharing_off_makes_the_page_private_again(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    awarded.credential.shared = True
    session.commit()
    sign_in(client, "recipient@academy.example.org")

    response = client.post(
        f"/backpack/{awarded.credential.public_id}/sharing",
        data={"csrf_token": csrf_token(client, "/backpack")},
    )

    assert response.status_code == 302
    stranger = app.test_client()
    assert stranger.get(f"/credentials/{awarded.credential.public_id}").status_code == 404


def test_another_user_cannot_toggle_sharing(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    make_user(session, "mallory@example.org")
    sign_in(client, "mallory@example.org")

    response = client.post(
        f"/backpack/{awarded.credential.public_id}/sharing",
        data={"csrf_token": csrf_token(client, "/backpack"), "shared": "y"},
    )

    assert response.status_code == 404
    session.expire_all()
    assert not session.get_one(Credential, awarded.credential.id).shared


def test_sharing_without_a_csrf_token_is_refused(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    sign_in(client, "recipient@academy.example.org")

    response = client.post(
        f"/backpack/{awarded.credential.public_id}/sharing", data={"shared": "y"}
    )

    assert response.status_code == 400
    session.expire_all()
    assert not session.get_one(Credential, awarded.credential.id).shared


def _claimable(app: Flask, session: Session) -> Issuance:
    """A credential mailed to someone without an account: a claim hash, no user."""
    awarded = award(app, session)
    issuance = session.get_one(Issuance, awarded.credential.issuance_id)
    issuance.recipient_user_id = None
    issuance.claim_token_hash = hashlib.sha256(SECRET.encode()).hexdigest()
    session.commit()
    return issuance


def test_a_claim_link_explains_sign_in_and_keeps_the_link(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    _claimable(app, session)

    response = client.get(f"/backpack/claim/{SECRET}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "IoT field technician" in page
    assert f"/login?next=/backpack/claim/{SECRET}" in page
    token = csrf_token(client, f"/backpack/claim/{SECRET}")
    anonymous = client.post(f"/backpack/claim/{SECRET}", data={"csrf_token": token})
    assert anonymous.headers["Location"].startswith("/login?next=")


def test_a_claim_link_works_once(app: Flask, client: FlaskClient, session: Session) -> None:
    issuance = _claimable(app, session)
    user_id = make_user(session, "newcomer@example.org")
    sign_in(client, "newcomer@example.org")
    token = csrf_token(client, f"/backpack/claim/{SECRET}")

    first = client.post(f"/backpack/claim/{SECRET}", data={"csrf_token": token})

    assert first.status_code == 302
    assert first.headers["Location"] == "/backpack"
    session.expire_all()
    claimed = session.get_one(Issuance, issuance.id)
    assert claimed.recipient_user_id == user_id
    assert claimed.claim_token_hash is None
    assert "IoT field technician" in client.get("/backpack").get_data(as_text=True)
    second = client.post(f"/backpack/claim/{SECRET}", data={"csrf_token": token})
    assert second.status_code == 404
    assert client.get(f"/backpack/claim/{SECRET}").status_code == 404


def test_a_wrong_claim_secret_is_404(app: Flask, client: FlaskClient, session: Session) -> None:
    _claimable(app, session)
    make_user(session, "newcomer@example.org")
    sign_in(client, "newcomer@example.org")

    assert client.get("/backpack/claim/wrong").status_code == 404
    response = client.post(
        "/backpack/claim/wrong", data={"csrf_token": csrf_token(client, "/backpack")}
    )
    assert response.status_code == 404
