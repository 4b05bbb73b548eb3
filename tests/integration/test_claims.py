"""Event self-claim on both databases: a window, the public form, email confirmation, approval."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.clock import FixedClock
from badges.mail import MailMessage
from issuer import Credential, Issuance
from issuer.claims import ClaimWindowClosed, check_open, open_claim_window, token_hash
from issuer.models import Claim, ClaimWindow
from tests.environment import NOW
from tests.forms import csrf_token, register_user
from tests.integration.test_bulk_awards import Setup, make_issuer, sign_in_admin

LINK = re.compile(r"http://127\.0\.0\.1:5000(/claim/confirm/[A-Za-z0-9_-]+)")


@pytest.fixture
def setup(session: Session) -> Setup:
    return make_issuer(session)


@pytest.fixture
def admin(client: FlaskClient, session: Session, setup: Setup) -> FlaskClient:
    sign_in_admin(client, session, setup, "admin@academy.example")
    return client


def open_window(session: Session, setup: Setup, *, auto_approve: bool = True) -> ClaimWindow:
    window = open_claim_window(
        session,
        issuer_id=setup.issuer_id,
        achievement_id=setup.achievement_id,
        event_name="Smart Mobility Day",
        opens_at=NOW,
        closes_at=NOW + timedelta(hours=2),
        auto_approve=auto_approve,
        created_by_id=None,
        now=NOW,
    )
    session.commit()
    return window


def claim(client: FlaskClient, token: str, email: str, name: str = "Ana Petrova") -> int:
    path = f"/claim/{token}"
    data = {"csrf_token": csrf_token(client, path), "name": name, "email": email}
    return client.post(path, data=data).status_code


def last_link(session: Session, email: str) -> str:
    """The confirmation path in the newest mail to ``email``."""
    query = select(MailMessage).where(MailMessage.to_address == email).order_by(MailMessage.id)
    body = session.scalars(query).all()[-1].body
    match = LINK.search(body)
    assert match is not None, body
    return match.group(1)


def confirm(client: FlaskClient, path: str) -> int:
    page = client.get(path)
    if page.status_code != 200:
        return page.status_code
    return client.post(path, data={"csrf_token": csrf_token(client, path)}).status_code


def test_an_admin_opens_a_window_and_shows_its_qr_code(
    admin: FlaskClient, setup: Setup, session: Session
) -> None:
    path = f"/issuer/{setup.slug}/claims/"
    response = admin.post(
        path,
        data={
            "csrf_token": csrf_token(admin, path),
            "event_name": "Smart Mobility Day",
            "achievement": str(setup.achievement_id),
            "minutes": "90",
            "auto_approve": "y",
        },
    )

    assert response.status_code == 302
    window = session.scalars(select(ClaimWindow)).one()
    assert (window.opens_at, window.closes_at) == (NOW, NOW + timedelta(minutes=90))
    assert window.auto_approve
    assert len(window.token) == 32  # token_urlsafe(24)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert f"http://127.0.0.1:5000/claim/{window.token}" in page
    qr = admin.get(f"/issuer/{setup.slug}/claims/{window.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    assert qr.get_data(as_text=True).lstrip().startswith(("<svg", "<?xml"))
    assert "Smart Mobility Day" in admin.get(path).get_data(as_text=True)


def test_a_closing_time_in_utc_is_accepted(
    admin: FlaskClient, setup: Setup, session: Session
) -> None:
    path = f"/issuer/{setup.slug}/claims/"
    data = {
        "csrf_token": csrf_token(admin, path),
        "event_name": "Workshop",
        "achievement": str(setup.achievement_id),
        "closes_at": "2026-11-25T17:30",
    }

    assert admin.post(path, data=data).status_code == 302
    closes_at = session.scalars(select(ClaimWindow)).one().closes_at
    assert closes_at == NOW.replace(hour=17, minute=30)


def test_auto_approve_issues_a_credential_after_confirmation(
    app: Flask, setup: Setup, session: Session
) -> None:
    window = open_window(session, setup)
    attendee = app.test_client()

    assert claim(attendee, window.token, "Ana@Example.org ") == 200
    stored = session.scalars(select(Claim)).one()
    path = last_link(session, "ana@example.org")
    secret = path.rsplit("/", 1)[1]
    assert stored.confirmation_token_hash == token_hash(secret)  # the secret itself is not kept
    assert secret not in str(stored.confirmation_token_hash)

    assert confirm(attendee, path) == 200

    session.expire_all()
    stored = session.scalars(select(Claim)).one()
    assert stored.confirmed_at == NOW
    issuance = session.get_one(Issuance, stored.issuance_id)
    assert (issuance.state, issuance.recipient_email) == ("issued", "ana@example.org")
    assert session.scalar(select(func.count()).select_from(Credential)) == 1


def test_a_confirmation_link_works_once(app: Flask, setup: Setup, session: Session) -> None:
    window = open_window(session, setup)
    attendee = app.test_client()
    claim(attendee, window.token, "ana@example.org")
    path = last_link(session, "ana@example.org")

    assert confirm(attendee, path) == 200
    assert confirm(attendee, path) == 404
    assert session.scalar(select(func.count()).select_from(Issuance)) == 1


def test_one_claim_per_email_and_a_second_submit_resends_the_link(
    app: Flask, setup: Setup, session: Session
) -> None:
    window = open_window(session, setup)
    attendee = app.test_client()
    claim(attendee, window.token, "ana@example.org")
    first = last_link(session, "ana@example.org")

    assert claim(attendee, window.token, "ANA@example.org", name="Someone else") == 200

    assert session.scalar(select(func.count()).select_from(Claim)) == 1
    second = last_link(session, "ana@example.org")
    assert second != first
    assert confirm(attendee, first) == 404  # only the newest link counts
    assert confirm(attendee, second) == 200
    assert session.scalar(select(func.count()).select_from(Issuance)) == 1


def test_claims_are_refused_once_the_window_closed(
    app: Flask, setup: Setup, session: Session, clock: FixedClock
) -> None:
    window = open_window(session, setup)
    clock.advance(timedelta(hours=2))
    attendee = app.test_client()

    page = attendee.get(f"/claim/{window.token}")
    posted = attendee.post(
        f"/claim/{window.token}",
        data={"csrf_token": csrf_token(attendee, "/"), "name": "Ana", "email": "ana@example.org"},
    )

    assert page.status_code == 409
    assert "closed at 2026-11-25 11:00 UTC" in page.get_data(as_text=True)
    assert posted.status_code == 409
    assert session.scalar(select(func.count()).select_from(Claim)) == 0


def test_a_window_that_has_not_opened_says_when_it_opens(setup: Setup, session: Session) -> None:
    window = open_window(session, setup)
    window.opens_at = NOW + timedelta(hours=1)

    with pytest.raises(ClaimWindowClosed) as caught:
        check_open(window, NOW)

    assert caught.value.message == "Claims for this event open at 2026-11-25 10:00 UTC."


def test_an_unknown_claim_link_is_404(client: FlaskClient) -> None:
    assert client.get("/claim/not-a-real-token").status_code == 404
    assert client.get("/claim/confirm/not-a-real-secret").status_code == 404


def test_manual_windows_wait_for_the_admin(
    app: Flask, admin: FlaskClient, setup: Setup, session: Session
) -> None:
    window = open_window(session, setup, auto_approve=False)
    attendee = app.test_client()
    for email in ("ana@example.org", "jonas@example.org", "unconfirmed@example.org"):
        claim(attendee, window.token, email)
    for email in ("ana@example.org", "jonas@example.org"):
        assert confirm(attendee, last_link(session, email)) == 200
    assert session.scalar(select(func.count()).select_from(Issuance)) == 0
    ids = {c.email: c.id for c in session.scalars(select(Claim))}
    page = f"/issuer/{setup.slug}/claims/{window.id}"
    token = csrf_token(admin, page)

    admin.post(f"{page}/{ids['jonas@example.org']}/reject", data={"csrf_token": token})
    response = admin.post(
        f"{page}/approve", data={"csrf_token": token, "claim_id": list(ids.values())}
    )

    assert response.status_code == 302
    session.expire_all()
    [issuance] = session.scalars(select(Issuance))
    assert (issuance.recipient_email, issuance.state) == ("ana@example.org", "issued")
    claims = {c.email: c for c in session.scalars(select(Claim))}
    assert claims["jonas@example.org"].rejected_at == NOW
    assert claims["unconfirmed@example.org"].approved_at is None
    listing = admin.get(page).get_data(as_text=True)
    assert "Rejected" in listing
    assert "Email not confirmed yet" in listing


def test_closing_a_window_now_stops_claims(
    app: Flask, admin: FlaskClient, setup: Setup, session: Session
) -> None:
    window = open_window(session, setup)
    path = f"/issuer/{setup.slug}/claims/"

    response = admin.post(
        f"/issuer/{setup.slug}/claims/{window.id}/close",
        data={"csrf_token": csrf_token(admin, path)},
    )

    assert response.status_code == 302
    assert app.test_client().get(f"/claim/{window.token}").status_code == 409


def test_another_issuers_admin_gets_404_and_a_participant_403(
    app: Flask, client: FlaskClient, setup: Setup, session: Session
) -> None:
    window = open_window(session, setup)
    other = make_issuer(session, "city")
    stranger = app.test_client()
    sign_in_admin(stranger, session, other, "admin@city.example")
    base = f"/issuer/{setup.slug}/claims"

    for path in (
        f"{base}/",
        f"{base}/{window.id}",
        f"{base}/{window.id}/show",
        f"{base}/{window.id}/qr.svg",
    ):
        assert stranger.get(path).status_code == 404, path
    assert stranger.get(f"/issuer/{other.slug}/claims/{window.id}").status_code == 404
    token = csrf_token(stranger, f"/issuer/{other.slug}/claims/")
    assert stranger.post(f"{base}/{window.id}/close", data={"csrf_token": token}).status_code == 404
    register_user(client, email="participant@example.org")
    assert client.get(f"{base}/").status_code == 403


def test_the_public_claim_form_is_rate_limited(app: Flask, setup: Setup, session: Session) -> None:
    window = open_window(session, setup)
    attendee = app.test_client()
    path = f"/claim/{window.token}"
    token = csrf_token(attendee, path)

    statuses = [
        attendee.post(
            path, data={"csrf_token": token, "name": "Ana", "email": f"a{i}@example.org"}
        ).status_code
        for i in range(11)
    ]

    assert statuses == [200] * 10 + [429]
    assert attendee.get(path).status_code == 200  # reading the form is not limited


def test_a_bad_email_is_shown_on_the_form_and_nothing_is_stored(
    app: Flask, setup: Setup, session: Session
) -> None:
    window = open_window(session, setup)
    attendee = app.test_client()
    path = f"/claim/{window.token}"

    response = attendee.post(
        path, data={"csrf_token": csrf_token(attendee, path), "name": "Ana", "email": "ana@"}
    )

    assert response.status_code == 422
    assert "Please give a valid email address." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Claim)) == 0
    assert session.scalar(select(func.count()).select_from(MailMessage)) == 0
