"""Bulk awards on both databases: upload, preview, confirm, exactly one issuance per valid row."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import issuer.bulk_tasks  # noqa: F401 - registers the task until badges.app imports it
from badges.accounts import User, add_membership, create_organisation
from issuer import Achievement, Issuance, Keyring, create_issuer, generate_key, request_issuance
from issuer.bulk import (
    HAS_BADGE,
    ISSUING,
    bulk_progress,
    confirm_bulk_award,
    create_bulk_award,
    issue_next_batch,
)
from issuer.bulk_tasks import run_bulk_award
from issuer.models import BulkAward, BulkAwardRow
from tests.environment import NOW, TEST_KEK
from tests.forms import csrf_token, register_user

BASE_URL = "http://127.0.0.1:5000"
KEYRING = Keyring([TEST_KEK])
CSV = (
    b"name,email\n"
    b"Ana Petrova,ana@example.org\n"
    b"Bogdan,not-an-email\n"
    b"Jonas Weber,jonas@example.org\n"
    b"Ana twice,ana@example.org\n"
    b"Ioana Pop,ioana@example.org\n"
)


@dataclass(frozen=True)
class Setup:
    """An issuer with a key and one achievement."""

    slug: str
    organisation_id: int
    issuer_id: int
    achievement_id: int


def make_issuer(session: Session, slug: str = "academy") -> Setup:
    """An issuer with a signing key and one achievement, committed."""
    organisation = create_organisation(session, slug=slug, name=f"{slug} org", now=NOW)
    owner = create_issuer(session, organisation.id, name=f"{slug} org", base_url=BASE_URL, now=NOW)
    generate_key(session, owner.id, keyring=KEYRING, now=NOW)
    achievement = Achievement(
        issuer_id=owner.id,
        name="IoT field technician",
        description="Installs and maintains city sensor networks.",
        criteria_narrative="Passed the field assessment.",
        version=1,
        created_at=NOW,
    )
    session.add(achievement)
    session.commit()
    return Setup(slug, organisation.id, owner.id, achievement.id)


def sign_in_admin(client: FlaskClient, session: Session, setup: Setup, email: str) -> int:
    """Register through the form, then make the user an admin of the issuer's organisation."""
    register_user(client, email=email)
    user = session.scalars(select(User).where(User.email == email)).one()
    add_membership(session, user.id, setup.organisation_id)
    session.commit()
    return user.id


@pytest.fixture
def setup(session: Session) -> Setup:
    # No app context held open here: requests would share its ``g`` (signed-in user, CSRF).
    return make_issuer(session)


@pytest.fixture
def admin(client: FlaskClient, session: Session, setup: Setup) -> FlaskClient:
    sign_in_admin(client, session, setup, "admin@academy.example")
    return client


def upload(client: FlaskClient, setup: Setup, data: bytes) -> tuple[int, str, str]:
    path = f"/issuer/{setup.slug}/bulk/"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "achievement": str(setup.achievement_id),
            "file": (io.BytesIO(data), "recipients.csv"),
        },
        content_type="multipart/form-data",
    )
    return response.status_code, response.headers.get("Location", ""), response.get_data(True)


def issuances(session: Session) -> list[Issuance]:
    session.expire_all()
    return list(session.scalars(select(Issuance).order_by(Issuance.id)))


def test_preview_lists_every_row_with_errors_first(admin: FlaskClient, setup: Setup) -> None:
    status, location, body = upload(admin, setup, CSV)
    assert status == 302, body
    assert re.fullmatch(r"/issuer/academy/bulk/\d+", location)

    page = admin.get(location).get_data(as_text=True)

    assert "3 will receive the badge." in page
    assert "2 rows will be skipped" in page
    assert page.index("not-an-email") < page.index("jonas@example.org")  # errors first
    assert "This is not a valid email address." in page
    assert "Same email as line 2." in page


def test_confirm_issues_exactly_one_credential_per_valid_row_even_when_run_twice(
    app: Flask, admin: FlaskClient, setup: Setup, session: Session
) -> None:
    _status, location, _body = upload(admin, setup, CSV)
    bulk_id = int(location.rsplit("/", 1)[1])
    token = csrf_token(admin, location)

    response = admin.post(f"{location}/confirm", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{location}/progress"
    with app.app_context():
        assert run_bulk_award(bulk_id) == 0  # a second delivery finds nothing left to do

    awarded = issuances(session)
    assert sorted(i.recipient_email for i in awarded) == [
        "ana@example.org",
        "ioana@example.org",
        "jonas@example.org",
    ]
    assert {(i.state, i.bulk_award_id) for i in awarded} == {("issued", bulk_id)}
    progress = admin.get(f"{location}/progress.json").get_json()
    assert {k: progress[k] for k in ("state", "total", "requested", "issued", "failed")} == {
        "state": "done",
        "total": 3,
        "requested": 3,
        "issued": 3,
        "failed": 0,
    }
    assert progress["pending"] == 0
    assert progress["rows"] == [
        {"line": 2, "status": "issued"},
        {"line": 4, "status": "issued"},
        {"line": 6, "status": "issued"},
    ]
    page = admin.get(f"{location}/progress").get_data(as_text=True)
    assert 'aria-live="polite"' in page
    assert "3 of 3 finished: 3 issued, 0 failed." in page
    assert session.get_one(BulkAward, bulk_id).state == "done"


def test_confirming_twice_sends_one_task(
    admin: FlaskClient, setup: Setup, session: Session
) -> None:
    _status, location, _body = upload(admin, setup, CSV)
    token = csrf_token(admin, location)
    admin.post(f"{location}/confirm", data={"csrf_token": token})

    again = admin.post(f"{location}/confirm", data={"csrf_token": token})

    assert again.status_code == 302
    assert len(issuances(session)) == 3


def test_progress_counts_while_issuing(setup: Setup, session: Session) -> None:
    bulk = create_bulk_award(
        session,
        issuer_id=setup.issuer_id,
        achievement_id=setup.achievement_id,
        filename="x.csv",
        data=CSV,
        created_by_id=None,
        now=NOW,
    )
    bulk.state = ISSUING  # as confirm does, without sending the task

    assert issue_next_batch(session, bulk.id, now=NOW, limit=2) == 2
    progress = bulk_progress(session, bulk.id)

    assert (progress.state, progress.total, progress.requested) == ("issuing", 3, 2)
    assert (progress.issued, progress.failed, progress.pending) == (0, 0, 3)
    assert [status for _line, status in progress.rows] == ["pending", "pending", "waiting"]
    assert issue_next_batch(session, bulk.id, now=NOW, limit=2) == 1
    assert issue_next_batch(session, bulk.id, now=NOW, limit=2) == 0
    session.rollback()  # nothing committed: no task ran


def test_people_who_already_hold_the_badge_are_skipped(
    admin: FlaskClient, setup: Setup, session: Session
) -> None:
    request_issuance(
        session,
        issuer_id=setup.issuer_id,
        achievement_id=setup.achievement_id,
        recipient_name="Jonas Weber",
        recipient_email="Jonas@Example.org",
        now=NOW,
    )
    session.commit()

    _status, location, _body = upload(admin, setup, CSV)
    page = admin.get(location).get_data(as_text=True)
    admin.post(f"{location}/confirm", data={"csrf_token": csrf_token(admin, location)})

    assert "Already has this badge." in page
    row = session.scalars(select(BulkAwardRow).where(BulkAwardRow.row_number == 4)).one()
    assert row.error == HAS_BADGE
    emails = [i.recipient_email.lower() for i in issuances(session)]
    assert emails.count("jonas@example.org") == 1
    assert len(emails) == 3


def test_a_cancelled_preview_cannot_be_confirmed(
    admin: FlaskClient, setup: Setup, session: Session
) -> None:
    _status, location, _body = upload(admin, setup, CSV)
    token = csrf_token(admin, location)

    assert admin.post(f"{location}/cancel", data={"csrf_token": token}).status_code == 302
    response = admin.post(f"{location}/confirm", data={"csrf_token": token})

    assert response.status_code == 409
    assert issuances(session) == []


def test_a_file_error_is_shown_on_the_form(
    admin: FlaskClient, setup: Setup, session: Session
) -> None:
    status, _location, body = upload(
        admin, setup, "name;email\nJürgen;j@example.org\n".encode("cp1252")
    )

    assert status == 422
    assert "CSV UTF-8" in body
    assert session.scalar(select(func.count()).select_from(BulkAward)) == 0


def test_the_sample_file_is_a_valid_upload(admin: FlaskClient, setup: Setup) -> None:
    sample = admin.get(f"/issuer/{setup.slug}/bulk/sample.csv")

    assert sample.mimetype == "text/csv"
    assert upload(admin, setup, sample.get_data())[0] == 302


def test_another_issuers_admin_gets_404(
    app: Flask, admin: FlaskClient, setup: Setup, session: Session
) -> None:
    _status, location, _body = upload(admin, setup, CSV)
    other = make_issuer(session, "city")
    stranger = app.test_client()
    sign_in_admin(stranger, session, other, "admin@city.example")

    assert stranger.get(f"/issuer/{setup.slug}/bulk/").status_code == 404
    assert stranger.get(location).status_code == 404
    assert stranger.get(f"{location}/progress.json").status_code == 404
    token = csrf_token(stranger, f"/issuer/{other.slug}/bulk/")
    assert stranger.post(f"{location}/confirm", data={"csrf_token": token}).status_code == 404
    # Their own issuer's URL with our bulk award's id: still not theirs.
    assert (
        stranger.get(f"/issuer/{other.slug}/bulk/{location.rsplit('/', 1)[1]}").status_code == 404
    )


def test_a_participant_gets_403_and_a_stranger_is_asked_to_sign_in(
    app: Flask, client: FlaskClient, setup: Setup
) -> None:
    assert app.test_client().get(f"/issuer/{setup.slug}/bulk/").status_code == 302
    register_user(client, email="participant@example.org")

    assert client.get(f"/issuer/{setup.slug}/bulk/").status_code == 403


def test_confirm_refuses_a_preview_without_valid_rows(setup: Setup, session: Session) -> None:
    bulk = create_bulk_award(
        session,
        issuer_id=setup.issuer_id,
        achievement_id=setup.achievement_id,
        filename="x.csv",
        data=b"name,email\n,nobody@example.org\n",
        created_by_id=None,
        now=NOW,
    )

    with pytest.raises(Exception, match="No row can be awarded"):
        confirm_bulk_award(session, bulk.id, issuer_id=setup.issuer_id, now=NOW)
