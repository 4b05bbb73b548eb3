"""The issuer admin pages on both databases: access, achievements, awards, the list, revocation."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import User, add_membership, create_organisation
from issuer import Achievement, Credential, Issuance, Issuer, create_issuer
from issuer.status import status_events
from tests.environment import NOW
from tests.forms import csrf_token, register_user
from tests.integration.test_achievements import SCRIPTED_SVG, png
from tests.integration.test_issuance import BASE_URL, issue, make_achievement
from tests.integration.test_status_lists import status_reason

IMAGE_MESSAGE = "The image must be a PNG or SVG file under 1 MB."


@pytest.fixture
def achievement(session: Session) -> Achievement:
    """The academy issuer (slug ``academy``) with a key and one achievement."""
    return make_achievement(session)


@pytest.fixture
def award_to(app: Flask, session: Session) -> Callable[[Achievement], Issuance]:
    """Issue outside any request; eager tasks need an app context, but a request's ``g``
    must not outlive it (the test client would share it between requests)."""

    def award(achievement: Achievement) -> Issuance:
        with app.app_context():
            return issue(session, achievement)

    return award


def sign_in_admin(client: FlaskClient, session: Session, organisation_id: int, email: str) -> None:
    """Register through the form, then make the user an admin of the organisation."""
    register_user(client, email)
    user = session.scalars(select(User).where(User.email == email)).one()
    add_membership(session, user.id, organisation_id)
    session.commit()


@pytest.fixture
def admin(client: FlaskClient, session: Session, achievement: Achievement) -> FlaskClient:
    """A client signed in as an admin of the academy."""
    issuer = session.get_one(Issuer, achievement.issuer_id)
    sign_in_admin(client, session, issuer.organisation_id, "admin@academy.example")
    return client


def post(client: FlaskClient, path: str, data: dict[str, object]) -> tuple[int, str]:
    """Post the form on ``path`` with its CSRF token; return the status and the page."""
    response = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), **data},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def fresh(session: Session, credential: Credential) -> Credential:
    """The credential as now stored."""
    session.refresh(credential)
    return credential


def achievement_form(**overrides: object) -> dict[str, object]:
    """A valid achievement form."""
    values: dict[str, object] = {
        "name": "Open data steward",
        "description": "Publishes city data sets.",
        "criteria_narrative": "Published **three** data sets.",
        "achievement_type": "Badge",
        "validity_days": "365",
        "language": "bg",
        "alignments": "ESCO data steward | https://esco.example/ds\n",
    }
    values.update(overrides)
    return values


def test_anonymous_users_are_sent_to_sign_in(client: FlaskClient, achievement: Achievement) -> None:
    for path in ("/issuer/", "/issuer/academy/", "/issuer/academy/issued"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_participants_get_403(client: FlaskClient, achievement: Achievement) -> None:
    register_user(client, "someone@example.org")
    assert client.get("/issuer/").status_code == 403
    assert client.get("/issuer/academy/achievements/").status_code == 403


def test_another_issuers_admin_gets_404(
    client: FlaskClient,
    session: Session,
    achievement: Achievement,
    award_to: Callable[[Achievement], Issuance],
) -> None:
    issuance = award_to(achievement)
    other = create_organisation(session, slug="other", name="Other City", now=NOW)
    create_issuer(session, other.id, name="Other City", base_url=BASE_URL, now=NOW)
    session.commit()
    sign_in_admin(client, session, other.id, "admin@other.example")

    dashboard = client.get("/issuer/").get_data(as_text=True)
    assert "Other City" in dashboard
    assert "Sofia Academy" not in dashboard
    for path in (
        "/issuer/academy/",
        "/issuer/academy/achievements/",
        f"/issuer/academy/achievements/{achievement.id}/edit",
        "/issuer/academy/award",
        "/issuer/academy/issued",
        f"/issuer/academy/issued/{issuance.id}",
        f"/issuer/academy/issued/{issuance.id}/revoke",
        "/issuer/academy/profile",
        "/issuer/nowhere/",
    ):
        assert client.get(path).status_code == 404, path
    # Their own issuer's URLs cannot reach the academy's objects either.
    assert client.get(f"/issuer/other/issued/{issuance.id}").status_code == 404
    assert client.get(f"/issuer/other/achievements/{achievement.id}/edit").status_code == 404


def test_dashboard_overview_and_navigation(admin: FlaskClient) -> None:
    dashboard = admin.get("/issuer/").get_data(as_text=True)
    overview = admin.get("/issuer/academy/")

    assert 'href="/issuer/"' in dashboard  # the "Issuing" navigation entry
    assert "Issuing" in dashboard
    assert "/issuer/academy/" in dashboard
    assert overview.status_code == 200
    assert "admin.css" in overview.get_data(as_text=True)


def test_create_an_achievement_with_an_image(admin: FlaskClient, session: Session) -> None:
    status, _page = post(
        admin,
        "/issuer/academy/achievements/new",
        achievement_form(image=(io.BytesIO(png()), "badge.png", "image/png")),
    )

    assert status == 302
    created = session.scalars(
        select(Achievement).where(Achievement.name == "Open data steward")
    ).one()
    assert created.image_media_type == "image/png"
    assert created.language == "bg"
    assert json.loads(created.alignments_json or "[]") == [
        {"targetName": "ESCO data steward", "targetUrl": "https://esco.example/ds"}
    ]
    listing = admin.get("/issuer/academy/achievements/").get_data(as_text=True)
    assert "Open data steward" in listing


def test_a_bad_image_is_refused_with_the_message_and_nothing_stored(
    admin: FlaskClient, session: Session
) -> None:
    status, page = post(
        admin,
        "/issuer/academy/achievements/new",
        achievement_form(image=(io.BytesIO(b"GIF89a"), "badge.gif", "image/gif")),
    )
    unsafe_status, unsafe_page = post(
        admin,
        "/issuer/academy/achievements/new",
        achievement_form(image=(io.BytesIO(SCRIPTED_SVG), "badge.svg", "image/svg+xml")),
    )

    assert status == 422
    assert IMAGE_MESSAGE in page
    assert unsafe_status == 422
    assert "scripts" in unsafe_page
    assert (
        session.scalars(select(Achievement).where(Achievement.name == "Open data steward")).all()
        == []
    )


def test_bad_fields_show_the_message(admin: FlaskClient) -> None:
    status, page = post(
        admin, "/issuer/academy/achievements/new", achievement_form(alignments="no url here")
    )
    assert status == 422
    assert "Each alignment needs a name and a web address" in page


def test_edit_and_archive(admin: FlaskClient, session: Session, achievement: Achievement) -> None:
    path = f"/issuer/academy/achievements/{achievement.id}/edit"
    assert "IoT field technician" in admin.get(path).get_data(as_text=True)

    status, _page = post(admin, path, achievement_form(name="IoT technician"))
    session.refresh(achievement)
    assert status == 302
    assert (achievement.name, achievement.version) == ("IoT technician", 2)

    archived = admin.post(
        f"/issuer/academy/achievements/{achievement.id}/archive",
        data={"csrf_token": csrf_token(admin, "/issuer/academy/achievements/")},
    )
    session.refresh(achievement)
    assert archived.status_code == 302
    assert achievement.archived_at is not None
    award_page = admin.get("/issuer/academy/award").get_data(as_text=True)
    assert ">IoT technician</option>" not in award_page


def test_a_post_without_csrf_token_is_refused(
    admin: FlaskClient, session: Session, achievement: Achievement
) -> None:
    response = admin.post(f"/issuer/academy/achievements/{achievement.id}/archive", data={})
    award = admin.post(
        "/issuer/academy/award",
        data={
            "achievement": achievement.id,
            "recipient_name": "A",
            "recipient_email": "a@b.example",
        },
    )

    assert response.status_code == 400
    assert award.status_code in (400, 422)
    session.refresh(achievement)
    assert achievement.archived_at is None
    assert session.scalars(select(Issuance)).all() == []


def test_award_one_person(admin: FlaskClient, session: Session, achievement: Achievement) -> None:
    status, _page = post(
        admin,
        "/issuer/academy/award",
        {
            "achievement": achievement.id,
            "recipient_name": "Ivan Georgiev",
            "recipient_email": "Ivan@Example.org",
        },
    )

    assert status == 302
    issuance = session.scalars(select(Issuance)).one()
    assert (issuance.state, issuance.recipient_email) == ("issued", "ivan@example.org")
    admin_id = session.scalars(select(User.id).where(User.email == "admin@academy.example")).one()
    assert issuance.requested_by_id == admin_id
    listing = admin.get("/issuer/academy/issued").get_data(as_text=True)
    assert "Ivan Georgiev" in listing
    assert "Issued" in listing


def test_award_refuses_a_bad_email(admin: FlaskClient, achievement: Achievement) -> None:
    status, page = post(
        admin,
        "/issuer/academy/award",
        {"achievement": achievement.id, "recipient_name": "Ivan", "recipient_email": "nope"},
    )
    assert status == 422
    assert "valid email address" in page


def test_the_issued_list_searches_and_pages(
    admin: FlaskClient, session: Session, achievement: Achievement
) -> None:
    for number in range(55):
        session.add(
            Issuance(
                issuer_id=achievement.issuer_id,
                achievement_id=achievement.id,
                recipient_name=f"Person {number:02d}",
                recipient_email=f"person{number:02d}@example.org",
                state="pending",
                requested_at=NOW,
            )
        )
    session.add(
        Issuance(
            issuer_id=achievement.issuer_id,
            achievement_id=achievement.id,
            recipient_name="Maria Ionescu",
            recipient_email="maria@example.ro",
            state="pending",
            requested_at=NOW,
        )
    )
    session.commit()

    first = admin.get("/issuer/academy/issued").get_data(as_text=True)
    assert first.count("@example.org") == 49  # with Maria: 50 rows, newest first
    assert "Maria Ionescu" in first
    assert "Person 06" in first
    assert "Person 05" not in first
    assert "before=" in first
    oldest = session.scalars(select(Issuance).order_by(Issuance.id)).all()[6].id
    second = admin.get(f"/issuer/academy/issued?before={oldest}").get_data(as_text=True)
    assert "Person 00" in second
    assert "Person 06" not in second

    found = admin.get("/issuer/academy/issued?q=maria").get_data(as_text=True)
    by_name = admin.get("/issuer/academy/issued?q=MARIA%20I").get_data(as_text=True)
    none = admin.get("/issuer/academy/issued?q=%25").get_data(as_text=True)
    assert "Maria Ionescu" in found
    assert "Person" not in found
    assert "Maria Ionescu" in by_name
    assert "No badges found." in none
    pending = admin.get(f"/issuer/academy/issued/{oldest}").get_data(as_text=True)
    assert "Person 06" in pending
    assert "Waiting" in pending
    assert admin.get(f"/issuer/academy/issued/{oldest}/revoke").status_code == 404


def test_revoke_with_confirmation_and_twice(
    admin: FlaskClient,
    session: Session,
    achievement: Achievement,
    award_to: Callable[[Achievement], Issuance],
) -> None:
    issuance = award_to(achievement)
    credential = session.scalars(select(Credential)).one()
    path = f"/issuer/academy/issued/{issuance.id}/revoke"

    unconfirmed, _ = post(admin, path, {"reason": "Issued in error"})
    no_reason, _ = post(admin, path, {"reason": "", "confirm": "y"})
    assert (unconfirmed, no_reason) == (422, 422)
    assert fresh(session, credential).revoked_at is None

    done, _ = post(admin, path, {"reason": "Issued in error", "confirm": "y"})
    assert done == 302
    assert fresh(session, credential).revoked_at is not None
    assert status_reason(session, credential) == "revoked"  # bit set, list re-signed
    [event] = status_events(session, credential.id)
    assert event.actor_id is not None
    detail = admin.get(f"/issuer/academy/issued/{issuance.id}").get_data(as_text=True)
    assert "Issued in error" in detail
    assert "Revoked on 2026-11-25" in detail

    again, page = post(admin, path, {"reason": "Again", "confirm": "y"})
    assert again == 409
    assert "This badge was already revoked on 2026-11-25." in page


def test_suspend_and_unsuspend_from_the_detail_page(
    admin: FlaskClient,
    session: Session,
    achievement: Achievement,
    award_to: Callable[[Achievement], Issuance],
) -> None:
    achievement.allow_suspension = True
    session.commit()
    issuance = award_to(achievement)
    credential = session.scalars(select(Credential)).one()
    detail = f"/issuer/academy/issued/{issuance.id}"

    suspended = admin.post(
        f"{detail}/suspend", data={"csrf_token": csrf_token(admin, detail), "reason": "Check"}
    )
    session.refresh(credential)
    assert suspended.status_code == 303
    assert credential.suspended
    assert status_reason(session, credential) == "suspended"
    assert "Make valid again" in admin.get(detail).get_data(as_text=True)

    no_reason = admin.post(
        f"{detail}/unsuspend", data={"csrf_token": csrf_token(admin, detail), "reason": ""}
    )
    session.refresh(credential)
    assert no_reason.status_code == 303
    assert credential.suspended

    admin.post(
        f"{detail}/unsuspend", data={"csrf_token": csrf_token(admin, detail), "reason": "OK"}
    )
    assert not fresh(session, credential).suspended
    assert status_reason(session, credential) is None


def test_a_plain_badge_cannot_be_suspended_from_the_web(
    admin: FlaskClient,
    session: Session,
    achievement: Achievement,
    award_to: Callable[[Achievement], Issuance],
) -> None:
    issuance = award_to(achievement)
    detail = f"/issuer/academy/issued/{issuance.id}"
    assert "Suspend" not in admin.get(detail).get_data(as_text=True)

    response = admin.post(
        f"{detail}/suspend",
        data={"csrf_token": csrf_token(admin, detail), "reason": "Try"},
        follow_redirects=True,
    )
    assert "This badge cannot be suspended." in response.get_data(as_text=True)


def test_edit_the_profile_and_refuse_a_bad_logo(admin: FlaskClient, session: Session) -> None:
    path = "/issuer/academy/profile"
    bad, page = post(
        admin,
        path,
        {"name": "Renamed", "logo": (io.BytesIO(b"<svg"), "logo.svg", "image/svg+xml")},
    )
    issuer = session.scalars(select(Issuer)).one()
    assert bad == 422
    assert IMAGE_MESSAGE in page
    assert issuer.name == "Sofia Academy"

    good, _ = post(
        admin,
        path,
        {
            "name": "Sofia Smart City Academy",
            "url": "https://academy.example",
            "address_country_code": "BG",
            "logo": (io.BytesIO(png()), "logo.png", "image/png"),
        },
    )
    session.refresh(issuer)
    assert good == 302
    assert (issuer.name, issuer.address_country_code) == ("Sofia Smart City Academy", "BG")
    assert issuer.logo_media_type == "image/png"
