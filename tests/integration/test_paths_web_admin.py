"""The platform admin's assessor assignments and review log on both backends (issue #6).

Only platform admins get in; assigning by email shows clear errors (unknown account, not an
assessor, already assigned) and changes nothing when refused; the log reads newest first, pages
by key and filters by path and by assessor; each line links to a read-only submission page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Role, add_membership, create_organisation, grant_role, register
from badges.clock import FixedClock
from badges.config import Settings
from issuer import Achievement, Keyring, create_issuer, generate_key
from paths import (
    AssessorAssignment,
    EvidenceItem,
    ValidationPath,
    WorkRole,
    add_requirement,
    appeal,
    assessors_of,
    assign_assessor,
    create_draft,
    enrol,
    evidence_store,
    import_framework,
    load_framework_json,
    publish,
    review_submission,
    scope_element_ids,
    submit_evidence,
)
from paths.audit import MAX_AUDIT_PAGE, review_events
from paths.web import admin
from tests.environment import NOW, TEST_KEK
from tests.forms import TEST_PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
BASE_URL = "http://127.0.0.1:5000"
ASSESSORS = "/paths/admin/assessors"
UNASSIGN = "/paths/admin/assessors/unassign"
AUDIT = "/paths/admin/audit"
ROW = re.compile(
    r'<tr class="audit-(\w+)" data-event="(\d+)">.*?/paths/admin/submissions/(\d+)"', re.S
)


@dataclass
class World:
    """Paths "dev" (Anna, Boris) and "other" (Olga); Maria and Pete took part; events logged."""

    users: dict[str, int]
    #: Submission ids: Maria's on "dev" (rejected, appealed, approved) and Pete's on "other".
    dev_submission: int
    other_submission: int


def _path(session: Session, code: str, *, framework_id: int, issuer_id: int) -> ValidationPath:
    role = session.scalars(
        select(WorkRole).where(WorkRole.framework_id == framework_id, WorkRole.code == "DEV")
    ).one()
    achievement = Achievement(
        issuer_id=issuer_id, name=code, description=code, criteria_narrative="Completed.",
        achievement_type="Certificate", version=1, created_at=NOW,
    )  # fmt: skip
    session.add(achievement)
    session.flush()
    path = create_draft(
        session, code=code, title={"en": f"Path {code}"}, description={}, languages=["en"],
        framework_id=framework_id, scope="role", role_id=role.id, unit_id=None,
        issuer_id=issuer_id, achievement_id=achievement.id, now=NOW,
    )  # fmt: skip
    for element_id in sorted(scope_element_ids(session, path)):
        add_requirement(session, path, element_id=element_id, stage="assessment",
                        evidence_kinds=["text"], min_items=1, method="interview",
                        rubric=[{"level": 1, "title": {"en": "Competent"}}])  # fmt: skip
    session.flush()
    publish(session, path.id, now=NOW)
    return path


@pytest.fixture
def world(app: Flask, session: Session, settings: Settings, clock: FixedClock) -> World:
    with app.app_context():
        spec = load_framework_json(MINI.read_bytes(), "mini")
        framework_id = import_framework(session, spec, now=NOW).framework_id
        organisation = create_organisation(session, slug="academy", name="Academy", now=NOW)
        issuer = create_issuer(session, organisation.id, name="Academy", base_url=BASE_URL, now=NOW)
        generate_key(session, issuer.id, keyring=Keyring([TEST_KEK]), now=NOW)
        made = {c: _path(session, c, framework_id=framework_id, issuer_id=issuer.id)
                for c in ("dev", "other")}  # fmt: skip
        users = {}
        for name, roles in (("maria", [Role.PARTICIPANT]), ("pete", [Role.PARTICIPANT]),
                            ("anna", [Role.ASSESSOR]), ("boris", [Role.ASSESSOR]),
                            ("olga", [Role.ASSESSOR]), ("admin", [Role.PLATFORM_ADMIN]),
                            ("ivan", [])):  # fmt: skip
            user = register(session, email=f"{name}@example.org", name=name.title(),
                            password=TEST_PASSWORD, now=NOW)  # fmt: skip
            for role in roles:
                grant_role(session, user.id, role)
            users[name] = user.id
        add_membership(session, users["ivan"], organisation.id, Role.ISSUER_ADMIN)
        for name in ("anna", "boris"):
            assign_assessor(session, "dev", users[name], now=NOW)
        assign_assessor(session, "other", users["olga"], now=NOW)
        store = evidence_store(settings)

        def submit(name: str, code: str) -> int:
            path = made[code]
            enrolment = enrol(session, path.id, user_id=users[name], now=clock.now())
            return submit_evidence(
                session, enrolment.id, path.requirements[0].id, user_id=users[name],
                items=[EvidenceItem.of_text("My plan")], store=store, max_upload_mb=1,
                now=clock.now(),
            ).id  # fmt: skip

        def review(name: str, submission_id: int, decision: str, feedback: str = "") -> None:
            clock.advance(timedelta(hours=1))
            review_submission(
                session, submission_id, assessor_id=users[name], decision=decision,
                feedback=feedback, rubric_level=1 if decision == "approve" else None,
                method=None, now=clock.now(), base_url=BASE_URL,
            )  # fmt: skip

        dev = submit("maria", "dev")
        review("anna", dev, "reject", "Add the budget.")  # reject, rejected
        clock.advance(timedelta(hours=1))
        appeal(
            session, dev, participant_id=users["maria"], reason="It is on page 2.", now=clock.now()
        )
        review("boris", dev, "approve")  # approve, approved
        other = submit("pete", "other")
        review("olga", other, "reject", "Too short.")  # reject, rejected
        session.commit()
    return World(users, dev, other)


def sign_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": f"{name}@example.org",
              "password": TEST_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def assign(client: FlaskClient, path_code: str, email: str) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, ASSESSORS), "path_code": path_code, "email": email}
    response = client.post(ASSESSORS, data=data)
    return response.status_code, response.get_data(as_text=True)


def assigned(app: Flask, session: Session, code: str) -> list[str]:
    with app.app_context():
        names = [user.name for user in assessors_of(session, code)]
        session.rollback()  # the next read sees what later requests commit
    return names


def rows(html: str) -> list[tuple[str, int, int]]:
    """(action, event id, submission id) of each line of the log, in page order."""
    return [(a, int(e), int(s)) for a, e, s in ROW.findall(html)]


EXPECTED = [  # newest first: Olga on Pete's work, then Maria's appeal story backwards
    ("rejected", "other"), ("reject", "other"), ("approved", "dev"), ("approve", "dev"),
    ("appeal", "dev"), ("rejected", "dev"), ("reject", "dev"),
]  # fmt: skip


def test_only_platform_admins_get_in(app: Flask, world: World) -> None:
    urls = (ASSESSORS, AUDIT, f"/paths/admin/submissions/{world.dev_submission}")
    anonymous = app.test_client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    for name in ("maria", "anna", "ivan"):  # participant, assessor, issuer admin
        client = sign_in(app, name)
        for url in urls:
            assert client.get(url).status_code == 403, (name, url)
        token = csrf_token(client, "/account")
        form = {"csrf_token": token, "path_code": "dev", "email": "olga@example.org"}
        assert client.post(ASSESSORS, data=form).status_code == 403
        form = {"csrf_token": token, "path_code": "dev", "user_id": str(world.users["anna"])}
        assert client.post(UNASSIGN, data=form).status_code == 403
        html = client.get("/account").get_data(as_text=True)
        assert ASSESSORS not in html
        assert AUDIT not in html
    html = sign_in(app, "admin").get("/account").get_data(as_text=True)
    assert re.search(rf'<a href="{ASSESSORS}"[^>]*>Assessors</a>', html)
    assert re.search(rf'<a href="{AUDIT}"[^>]*>Review log</a>', html)


def test_assign_then_unassign_by_email(app: Flask, world: World, session: Session) -> None:
    client = sign_in(app, "admin")
    html = client.get(ASSESSORS).get_data(as_text=True)
    assert "Path dev" in html
    assert "Path other" in html
    assert "anna@example.org" in html
    status, _html = assign(client, "dev", "  Olga@Example.org ")
    assert status == 302
    assert assigned(app, session, "dev") == ["Anna", "Boris", "Olga"]
    with app.app_context():
        row = session.scalars(
            select(AssessorAssignment).where(
                AssessorAssignment.path_code == "dev",
                AssessorAssignment.user_id == world.users["olga"],
            )
        ).one()
        assert row.assigned_by_id == world.users["admin"]
        session.rollback()
    html = client.get(ASSESSORS).get_data(as_text=True)
    assert "Olga now assesses dev." in html
    dev_section = html.split('id="path-dev"')[1].split("</section>")[0]
    assert "olga@example.org" in dev_section

    form = {"csrf_token": csrf_token(client, ASSESSORS), "path_code": "dev",
            "user_id": str(world.users["anna"])}  # fmt: skip
    response = client.post(UNASSIGN, data=form)
    assert response.status_code == 302
    assert assigned(app, session, "dev") == ["Boris", "Olga"]
    html = client.get(ASSESSORS).get_data(as_text=True)
    assert "Anna no longer assesses dev." in html
    # Her earlier review stays in the log.
    assert ("reject", world.dev_submission) in {
        (a, s) for a, _e, s in rows(client.get(f"{AUDIT}?assessor={world.users['anna']}").text)
    }


@pytest.mark.parametrize(
    ("path_code", "email", "status", "message"),
    [
        ("dev", "nobody@example.org", 422, "No account uses this email address."),
        ("dev", "maria@example.org", 422, "This person is not an assessor."),
        ("dev", "anna@example.org", 409, "Anna already assesses this path."),
        ("dev", "", 422, "This field is required."),
        ("nope", "olga@example.org", 422, "Not a valid choice"),
    ],
)
def test_refused_assignments_explain_and_change_nothing(
    app: Flask, world: World, session: Session, *, path_code: str, email: str, status: int,
    message: str,
) -> None:  # fmt: skip
    client = sign_in(app, "admin")
    got, html = assign(client, path_code, email)
    assert got == status
    assert message in html
    assert assigned(app, session, "dev") == ["Anna", "Boris"]
    assert assigned(app, session, "nope") == []


def test_forms_without_csrf_and_stale_unassigns_are_refused(
    app: Flask, world: World, session: Session
) -> None:
    client = sign_in(app, "admin")
    form = {"path_code": "dev", "email": "olga@example.org"}
    assert client.post(ASSESSORS, data=form).status_code == 400
    form = {"path_code": "dev", "user_id": str(world.users["anna"])}
    assert client.post(UNASSIGN, data=form).status_code == 400
    token = csrf_token(client, ASSESSORS)
    for user_id in (str(world.users["olga"]), "999999", "x"):
        form = {"csrf_token": token, "path_code": "dev", "user_id": user_id}
        response = client.post(UNASSIGN, data=form, follow_redirects=True)
        assert response.status_code == (400 if user_id == "x" else 200)
        if user_id != "x":
            assert "This person was not assessing this path." in response.text
    assert assigned(app, session, "dev") == ["Anna", "Boris"]
    assert assigned(app, session, "other") == ["Olga"]


def test_the_log_is_newest_first_and_links_each_submission(app: Flask, world: World) -> None:
    html = sign_in(app, "admin").get(AUDIT).get_data(as_text=True)
    found = rows(html)
    submission = {"dev": world.dev_submission, "other": world.other_submission}
    assert [(a, s) for a, _e, s in found] == [(a, submission[c]) for a, c in EXPECTED]
    ids = [e for _a, e, _s in found]
    assert ids == sorted(ids, reverse=True)
    for text in ("Olga", "Pete", "Participant appealed", "Submission approved", "Platform",
                 "U1.E1", "2026-11-25 10:00 UTC"):  # fmt: skip
        assert text in html
    assert 'rel="next"' not in html
    assert 'rel="first"' not in html


def test_the_log_pages_by_key(app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin, "PAGE_SIZE", 3)
    client = sign_in(app, "admin")
    url: str | None = f"{AUDIT}?path=dev"
    pages = []
    while url is not None:
        html = client.get(url).get_data(as_text=True)
        pages.append([a for a, _e, _s in rows(html)])
        match = re.search(r'href="([^"]+)" rel="next"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
        if url is not None:
            assert "path=dev" in url
            assert 'rel="first"' in client.get(url).text
    assert pages == [["approved", "approve", "appeal"], ["rejected", "reject"]]


def test_the_log_filters_by_path_and_assessor(app: Flask, world: World) -> None:
    client = sign_in(app, "admin")

    def actions(query: str) -> list[tuple[str, int]]:
        return [(a, s) for a, _e, s in rows(client.get(f"{AUDIT}?{query}").text)]

    other = world.other_submission
    dev = world.dev_submission
    assert actions("path=other") == [("rejected", other), ("reject", other)]
    assert actions(f"assessor={world.users['olga']}") == [("reject", other)]
    assert actions(f"assessor={world.users['boris']}&path=dev") == [("approve", dev)]
    assert actions(f"assessor={world.users['boris']}&path=other") == []
    assert actions(f"assessor={world.users['maria']}") == [("appeal", dev)]
    assert actions("path=unknown") == []
    everything = actions("")
    assert actions("assessor=x&before=y&path=") == everything  # malformed: the first page
    html = client.get(f"{AUDIT}?assessor={world.users['olga']}").text
    assert f'<option value="{world.users["olga"]}" selected>' in html
    assert "No review events match." in client.get(f"{AUDIT}?path=unknown").text


def test_the_submission_page_shows_its_events_read_only(app: Flask, world: World) -> None:
    client = sign_in(app, "admin")
    response = client.get(f"/paths/admin/submissions/{world.dev_submission}")
    assert response.status_code == 200
    html = response.text
    for text in ("Maria", "Add the budget.", "It is on page 2.", "Anna", "Boris", "My plan",
                 "Assessor sent back", "Approved"):  # fmt: skip
        assert text in html
    assert "Too short." not in html  # Pete's submission's feedback
    assert '<form method="post"' not in html.split("<main")[1]
    assert client.get("/paths/admin/submissions/999999").status_code == 404


def test_review_events_query_pages_and_clamps(app: Flask, world: World, session: Session) -> None:
    with app.app_context():
        everything = review_events(session)
        assert [e.action for e in everything] == [a for a, _c in EXPECTED]
        first = review_events(session, limit=2)
        rest = review_events(session, before_id=first[-1].event_id, limit=MAX_AUDIT_PAGE * 10)
        assert first + rest == everything
        assert len(review_events(session, limit=0)) == 1
        mine = review_events(session, submission_id=world.dev_submission)
        assert {e.submission_id for e in mine} == {world.dev_submission}
        assert [e.actor_name for e in mine] == [None, "Boris", "Maria", None, "Anna"]
        assert mine[-1].detail == "Add the budget."
        assert mine[0].participant_name == "Maria"
        assert mine[0].path_code == "dev"
        session.rollback()
