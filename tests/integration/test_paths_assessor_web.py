"""The assessor's review pages on both backends (issue #6).

Queue filters and paging, safe previews and evidence downloads, decisions with the domain's
refusals shown on the form, two approvals from two assessors, conflicts of interest, appeals,
and access: anonymous visitors sign in, other paths' assessors get 404, own work 403.
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

from badges.accounts import Role, create_organisation, grant_role, register
from badges.clock import FixedClock
from badges.config import Settings
from issuer import Achievement, Keyring, create_issuer, generate_key
from paths import (
    Artefact,
    EvidenceItem,
    LocalEvidenceStore,
    Requirement,
    Submission,
    Unit,
    ValidationPath,
    WorkRole,
    add_requirement,
    appeal,
    assign_assessor,
    create_draft,
    enrol,
    evidence_store,
    import_framework,
    load_framework_json,
    publish,
    submit_evidence,
)
from paths.web import assessor
from tests.environment import NOW, TEST_KEK
from tests.forms import TEST_PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
BASE_URL = "http://127.0.0.1:5000"
RUBRIC = [{"level": n, "title": {"en": t}} for n, t in ((1, "Emerging"), (2, "Competent"))]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\nplan\n%%EOF\n"


@dataclass
class World:
    """A published path "dev" with assessors Anna and Boris; Olga reviews another path."""

    path: ValidationPath
    requirements: dict[str, Requirement]
    users: dict[str, int]
    enrolment_id: int
    store: LocalEvidenceStore
    clock: FixedClock

    def submit(self, session: Session, key: str, *items: EvidenceItem) -> Submission:
        made = submit_evidence(
            session, self.enrolment_id, self.requirements[key].id, user_id=self.users["maria"],
            items=list(items) or [EvidenceItem.of_text("My work <b>bold</b>")], store=self.store,
            max_upload_mb=1, now=self.clock.now(),
        )  # fmt: skip
        session.commit()
        return made


def _achievement(session: Session, issuer_id: int, name: str) -> int:
    achievement = Achievement(
        issuer_id=issuer_id, name=name, description=name, criteria_narrative="Completed.",
        achievement_type="Certificate", version=1, created_at=NOW,
    )  # fmt: skip
    session.add(achievement)
    session.flush()
    return achievement.id


@pytest.fixture
def world(app: Flask, session: Session, settings: Settings, clock: FixedClock) -> World:
    with app.app_context():
        spec = load_framework_json(MINI.read_bytes(), "mini")
        framework_id = import_framework(session, spec, now=NOW).framework_id
        organisation = create_organisation(session, slug="academy", name="Academy", now=NOW)
        issuer = create_issuer(session, organisation.id, name="Academy", base_url=BASE_URL, now=NOW)
        generate_key(session, issuer.id, keyring=Keyring([TEST_KEK]), now=NOW)
        role = session.scalars(
            select(WorkRole).where(WorkRole.framework_id == framework_id, WorkRole.code == "DEV")
        ).one()
        units = list(session.scalars(select(Unit).where(Unit.framework_id == framework_id)))
        elements = {e.code: e for u in units for e in u.elements}
        paths_made = {}
        for code in ("dev", "other"):
            paths_made[code] = create_draft(
                session, code=code, title={"en": f"Path {code}"}, description={},
                languages=["en"], framework_id=framework_id, scope="role", role_id=role.id,
                unit_id=None, issuer_id=issuer.id,
                achievement_id=_achievement(session, issuer.id, code), now=NOW,
            )  # fmt: skip
        path = paths_made["dev"]
        requirements: dict[str, Requirement] = {}
        for made in (paths_made["other"], path):
            requirements = {
                "E1": add_requirement(session, made, element_id=elements["U1.E1"].id,
                                      stage="assessment", evidence_kinds=["text", "file", "link"],
                                      min_items=1, method="portfolio_review", rubric=RUBRIC),
                "E2": add_requirement(session, made, element_id=elements["U1.E2"].id,
                                      stage="assessment", evidence_kinds=["text"], min_items=1,
                                      approvals_needed=2, method="interview", rubric=RUBRIC),
                "U2": add_requirement(session, made, element_id=elements["U2.E1"].id,
                                      stage="assessment", evidence_kinds=["text"], min_items=1,
                                      method="portfolio_review", rubric=RUBRIC),
            } if made is path or not requirements else requirements  # fmt: skip
        session.flush()
        for made in paths_made.values():
            publish(session, made.id, now=NOW)
        users = {}
        for name, roles in (("maria", [Role.PARTICIPANT]), ("anna", [Role.ASSESSOR]),
                            ("boris", [Role.ASSESSOR]), ("olga", [Role.ASSESSOR]),
                            ("carla", [Role.ASSESSOR, Role.PARTICIPANT]),
                            ("admin", [Role.PLATFORM_ADMIN])):  # fmt: skip
            user = register(session, email=f"{name}@example.org", name=name.title(),
                            password=TEST_PASSWORD, now=NOW)  # fmt: skip
            for role_name in roles:
                grant_role(session, user.id, role_name)
            users[name] = user.id
        for name in ("anna", "boris", "carla"):
            assign_assessor(session, "dev", users[name], now=NOW)
        assign_assessor(session, "other", users["olga"], now=NOW)
        enrolment = enrol(session, path.id, user_id=users["maria"], now=NOW)
        session.commit()
    # Outside the app context: requests must not share its ``g`` (signed-in user, CSRF token).
    return World(path, requirements, users, enrolment.id, evidence_store(settings), clock)


def sign_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": f"{name}@example.org",
              "password": TEST_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def queue_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/review/submissions/(\d+)"', html)]


def decide(client: FlaskClient, submission_id: int, **fields: str) -> tuple[int, str]:
    url = f"/review/submissions/{submission_id}"
    data = {"csrf_token": csrf_token(client, url), "method": "", "feedback": ""}
    data.update(fields)
    response = client.post(url, data=data)
    return response.status_code, response.get_data(as_text=True)


def test_anonymous_visitors_sign_in_and_others_are_refused(app: Flask, world: World) -> None:
    client = app.test_client()
    for url in ("/review/", "/review/submissions/1", "/review/evidence/1"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    maria = sign_in(app, "maria")
    assert maria.get("/review/").status_code == 403


def test_the_queue_is_oldest_first_filtered_and_paged(
    app: Flask, world: World, session: Session, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = world.submit(session, "E1")
    clock.advance(timedelta(days=3))
    second = world.submit(session, "E2")
    clock.advance(timedelta(days=1))
    third = world.submit(session, "U2")
    anna = sign_in(app, "anna")
    html = anna.get("/review/").get_data(as_text=True)
    assert re.search(r'<a href="/review/"[^>]*>Review queue</a>', html)  # main navigation
    assert queue_ids(html) == [first.id, second.id, third.id]
    assert "maria@example.org" not in html
    element = world.requirements["E2"].element_id
    assert queue_ids(anna.get(f"/review/?element={element}").get_data(as_text=True)) == [second.id]
    assert queue_ids(anna.get("/review/?older=2").get_data(as_text=True)) == [first.id]
    assert queue_ids(anna.get(f"/review/?path={world.path.id}&older=bad&after=x").get_data(
        as_text=True)) == [first.id, second.id, third.id]  # fmt: skip
    monkeypatch.setattr(assessor, "PAGE_SIZE", 2)
    html = anna.get("/review/").get_data(as_text=True)
    assert queue_ids(html) == [first.id, second.id]
    match = re.search(r'href="(/review/\?after=[^"]+)" rel="next"', html)
    assert match is not None
    html = anna.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert queue_ids(html) == [third.id]
    assert 'rel="next"' not in html
    olga = sign_in(app, "olga")
    assert queue_ids(olga.get("/review/").get_data(as_text=True)) == []


def test_the_submission_page_previews_safely_and_serves_files_by_sniffed_type(
    app: Flask, world: World, session: Session
) -> None:
    made = world.submit(
        session, "E1", EvidenceItem.of_text("<script>alert(1)</script>"),
        EvidenceItem.of_link("https://example.org/report"),
        EvidenceItem.of_file(PNG, "site.png"), EvidenceItem.of_file(PDF, "plan.pdf"),
    )  # fmt: skip
    anna = sign_in(app, "anna")
    html = anna.get(f"/review/submissions/{made.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        '<a href="https://example.org/report" rel="noopener noreferrer nofollow" '
        'target="_blank">' in html
    )
    artefacts = {a.filename: a.id for a in session.scalars(select(Artefact))}
    assert f'<img src="/review/evidence/{artefacts["site.png"]}"' in html
    assert f'href="/review/evidence/{artefacts["plan.pdf"]}" download' in html
    assert "Emerging" in html
    assert "Competent" in html
    image = anna.get(f"/review/evidence/{artefacts['site.png']}")
    assert image.status_code == 200
    assert image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in image.headers["Content-Security-Policy"]
    assert "attachment" not in image.headers.get("Content-Disposition", "")
    pdf = anna.get(f"/review/evidence/{artefacts['plan.pdf']}")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    olga = sign_in(app, "olga")
    assert olga.get(f"/review/submissions/{made.id}").status_code == 404
    assert olga.get(f"/review/evidence/{artefacts['plan.pdf']}").status_code == 404
    assert olga.get("/review/evidence/99999").status_code == 404


def test_reject_needs_feedback_and_approve_decides(
    app: Flask, world: World, session: Session
) -> None:
    made = world.submit(session, "E1")
    anna = sign_in(app, "anna")
    status, html = decide(anna, made.id, decision="reject")
    assert status == 422
    assert "Tell the participant why: feedback is needed to reject." in html
    status, html = decide(anna, made.id, decision="approve")
    assert status == 422
    assert "Choose the level reached on the rubric." in html
    response = anna.post(f"/review/submissions/{made.id}", data={"decision": "approve"})
    assert response.status_code == 400  # no CSRF token
    status, _html = decide(anna, made.id, decision="approve", rubric_level="2")
    assert status == 302
    session.expire_all()
    assert session.get_one(Submission, made.id).state == "approved"
    status, html = decide(anna, made.id, decision="approve", rubric_level="2")
    assert status == 409


def test_two_approvals_need_two_assessors(app: Flask, world: World, session: Session) -> None:
    made = world.submit(session, "E2")
    anna, boris = sign_in(app, "anna"), sign_in(app, "boris")
    assert "0 of 2 approvals" in anna.get(f"/review/submissions/{made.id}").get_data(as_text=True)
    assert decide(anna, made.id, decision="approve", rubric_level="1")[0] == 302
    assert made.id not in queue_ids(anna.get("/review/").get_data(as_text=True))
    html = boris.get(f"/review/submissions/{made.id}").get_data(as_text=True)
    assert "1 of 2 approvals" in html
    assert decide(boris, made.id, decision="approve", rubric_level="2")[0] == 302
    session.expire_all()
    assert session.get_one(Submission, made.id).state == "approved"


def test_own_work_and_declared_conflicts_are_refused(
    app: Flask, world: World, session: Session
) -> None:
    made = world.submit(session, "E1")
    anna = sign_in(app, "anna")
    url = f"/review/submissions/{made.id}"
    response = anna.post(
        f"{url}/conflict", data={"csrf_token": csrf_token(anna, url), "reason": "My cousin"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/"
    assert anna.get(url).status_code == 403
    assert made.id not in queue_ids(anna.get("/review/").get_data(as_text=True))
    with app.app_context():
        carla_enrolment = enrol(session, world.path.id, user_id=world.users["carla"], now=NOW)
        own = submit_evidence(
            session, carla_enrolment.id, world.requirements["E1"].id,
            user_id=world.users["carla"], items=[EvidenceItem.of_text("mine")],
            store=world.store, max_upload_mb=1, now=NOW,
        )  # fmt: skip
        session.commit()
    carla = sign_in(app, "carla")
    assert carla.get(f"/review/submissions/{own.id}").status_code == 403


def test_an_appeal_goes_to_another_assessor(app: Flask, world: World, session: Session) -> None:
    made = world.submit(session, "E1")
    anna, boris = sign_in(app, "anna"), sign_in(app, "boris")
    assert decide(anna, made.id, decision="reject", feedback="Add the licence.")[0] == 302
    with app.app_context():
        appeal(session, made.id, participant_id=world.users["maria"], reason="It is there.",
               now=NOW)  # fmt: skip
        session.commit()
    assert made.id not in queue_ids(anna.get("/review/").get_data(as_text=True))
    html = boris.get("/review/").get_data(as_text=True)
    assert made.id in queue_ids(html)
    assert "Appeal" in html
    assert "Add the licence." in boris.get(f"/review/submissions/{made.id}").get_data(as_text=True)
    assert decide(boris, made.id, decision="approve", rubric_level="2")[0] == 302


def test_the_public_element_page_in_html_and_json(app: Flask, world: World) -> None:
    client = app.test_client()
    url = "/paths/frameworks/mini-city/" + world.path.framework.version + "/elements/U1.E1"
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chooses an open licence." in html
    assert "A.1" in html
    data = client.get(url, headers={"Accept": "application/json"}).get_json()
    assert data["code"] == "U1.E1"
    assert data["ecf"] == {"code": "A.1", "level": 3}
    assert data["unit"]["code"] == "U1"
    assert "Chooses an open licence." in data["criteria"]
    assert client.get(url.replace("U1.E1", "NOPE")).status_code == 404
    assert client.get(url.replace("mini-city", "nope")).status_code == 404
