"""The "My data" pages on both backends (issue #6): download everything, delete the account.

Signed-in users only; both actions are POSTs with CSRF. Deleting asks for the password and a
tick, refuses without changing anything, and on success signs the user out and says so.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Role, User, grant_role
from badges.config import Settings
from paths import EvidenceItem, LocalEvidenceStore, enrol, evidence_store, submit_evidence
from tests.environment import NOW
from tests.forms import TEST_PASSWORD, csrf_token, register_user
from tests.integration.test_privacy import make_path

REPORT = b"Ana's report on the bike-sharing pilot.\n"
EMAIL = "ana@example.org"


@pytest.fixture
def store(settings: Settings) -> LocalEvidenceStore:
    """The app's own evidence store."""
    return evidence_store(settings)


@pytest.fixture
def ana(client: FlaskClient, session: Session, store: LocalEvidenceStore) -> FlaskClient:
    """A signed-in participant who sent one file."""
    register_user(client, EMAIL)
    setup = make_path(session)
    user_id = session.scalars(select(User.id).where(User.email == EMAIL)).one()
    enrolment = enrol(session, setup.path_id, user_id=user_id, now=NOW)
    submit_evidence(
        session, enrolment.id, setup.requirement_id, user_id=user_id,
        items=[EvidenceItem.of_file(REPORT, "report.txt")], store=store, max_upload_mb=1,
        now=NOW,
    )  # fmt: skip
    session.commit()
    return client


def post(client: FlaskClient, url: str, **fields: str) -> tuple[int, str]:
    response = client.post(url, data={"csrf_token": csrf_token(client, "/account/data"), **fields})
    return response.status_code, response.get_data(as_text=True)


def account_exists(session: Session) -> bool:
    session.expire_all()
    return session.scalar(select(User.id).where(User.email == EMAIL)) is not None


def stored(store: LocalEvidenceStore, data: bytes) -> bool:
    digest = hashlib.sha256(data).hexdigest()
    return (store.root / digest[:2] / digest[2:4] / digest).exists()


def test_strangers_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/account/data")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_page_says_what_is_deleted_and_what_is_kept(ana: FlaskClient) -> None:
    response = ana.get("/account/data")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert 'action="/account/data/export"' in html
    assert 'action="/account/data/delete"' in html
    assert "What is kept" in html
    assert "still verify" in html
    assert EMAIL in html


def test_download_my_data_is_a_zip_with_my_files(ana: FlaskClient) -> None:
    token = csrf_token(ana, "/account/data")
    # Closed like a WSGI server closes it, which closes the spooled zip.
    with ana.post("/account/data/export", data={"csrf_token": token}) as response:
        body = response.get_data()

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "my-data-2026-11-25.zip" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(body))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == EMAIL
    [enrolment] = data["enrolments"]
    [artefact] = enrolment["evidence"]
    assert archive.read(artefact["file"]) == REPORT


def test_download_needs_the_csrf_token(ana: FlaskClient) -> None:
    assert ana.post("/account/data/export").status_code == 400


def test_a_wrong_password_deletes_nothing(
    ana: FlaskClient, session: Session, store: LocalEvidenceStore
) -> None:
    status, html = post(ana, "/account/data/delete", password="not my password", understood="y")

    assert status == 422
    assert "This is not your password." in html
    assert account_exists(session)
    assert stored(store, REPORT)
    assert ana.get("/account/data").status_code == 200  # still signed in


def test_deleting_needs_the_tick(
    ana: FlaskClient, session: Session, store: LocalEvidenceStore
) -> None:
    status, html = post(ana, "/account/data/delete", password=TEST_PASSWORD)

    assert status == 422
    assert "Tick the box to confirm." in html
    assert account_exists(session)


def test_deleting_needs_the_csrf_token(ana: FlaskClient, session: Session) -> None:
    response = ana.post("/account/data/delete", data={"password": TEST_PASSWORD, "understood": "y"})
    assert response.status_code == 400
    assert account_exists(session)


def test_deleting_the_account_signs_out_and_removes_everything(
    ana: FlaskClient, session: Session, store: LocalEvidenceStore
) -> None:
    status, html = post(ana, "/account/data/delete", password=TEST_PASSWORD, understood="y")

    assert status == 200, html
    assert "Your account is deleted" in html
    assert "Sign in" in html  # the page is rendered signed out
    assert not account_exists(session)
    assert not stored(store, REPORT)
    assert ana.get("/account/data").status_code == 302
    login = ana.post(
        "/login",
        data={"csrf_token": csrf_token(ana), "email": EMAIL, "password": TEST_PASSWORD},
    )
    assert login.status_code == 401


def test_the_only_platform_admin_is_told_to_hand_over_first(
    ana: FlaskClient, session: Session
) -> None:
    user_id = session.scalars(select(User.id).where(User.email == EMAIL)).one()
    grant_role(session, user_id, Role.PLATFORM_ADMIN)
    session.commit()

    status, html = post(ana, "/account/data/delete", password=TEST_PASSWORD, understood="y")

    assert status == 409
    assert "only platform admin" in html
    assert account_exists(session)
