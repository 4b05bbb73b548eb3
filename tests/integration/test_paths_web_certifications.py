"""The participant's certifications page and the evidence switch, on both backends (issue #6).

Unit badges and the role credential are listed with their state (being issued, then issued with a
link to the credential page); making a certification's evidence public opens the public
evidence pages, making it private closes them again; only the owner may switch (404 otherwise),
and a switch without CSRF token or with a bad value answers 400.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import badges.celery
from badges.accounts import Role, create_organisation, grant_role, register
from badges.config import Settings
from badges.outbox import DeferredTask
from issuer import Achievement, Credential, Keyring, create_issuer, generate_key, revoke
from paths import (
    Certification,
    EvidenceItem,
    LocalEvidenceStore,
    PathUnitAward,
    Unit,
    WorkRole,
    add_requirement,
    assign_assessor,
    create_draft,
    enrol,
    evidence_store,
    import_framework,
    load_framework_json,
    publish,
    review_submission,
    submit_evidence,
)
from tests.environment import NOW, TEST_KEK
from tests.forms import TEST_PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
BASE_URL = "http://127.0.0.1:5000"
RUBRIC = [{"level": n, "title": {"en": t}} for n, t in ((1, "Emerging"), (2, "Competent"))]
PAGE = "/paths/my/certifications"
CREDENTIAL_LINK = re.compile(r'href="/credentials/([0-9a-f-]{36})"')
STATE = re.compile(r'data-state="([a-z]+)"')
EVIDENCE_LINK = re.compile(r'href="(/paths/certifications/[0-9a-f-]{36}/evidence/\d+)"')


@dataclass
class World:
    """Role path "dev" (unit U1: E1, E2; unit U2: U2), a badge per unit, Maria enrolled."""

    requirements: dict[str, int]
    users: dict[str, int]
    enrolment_id: int
    store: LocalEvidenceStore

    def approve(self, app: Flask, session: Session, *keys: str) -> None:
        """Maria sends evidence for ``keys``; Anna approves each (and Boris too for E2)."""
        with app.app_context():  # the eager worker issues credentials after each commit
            for key in keys:
                submission = submit_evidence(
                    session, self.enrolment_id, self.requirements[key], user_id=self.users["maria"],
                    items=[EvidenceItem.of_text(f"My work for {key}")], store=self.store,
                    max_upload_mb=1, now=NOW,
                )  # fmt: skip
                session.commit()
                for assessor in ("anna", "boris") if key == "E2" else ("anna",):
                    review_submission(
                        session, submission.id, assessor_id=self.users[assessor],
                        decision="approve", feedback="", rubric_level=2, method=None, now=NOW,
                        base_url=BASE_URL,
                    )  # fmt: skip
                    session.commit()


def _achievement(session: Session, issuer_id: int, name: str) -> int:
    achievement = Achievement(
        issuer_id=issuer_id, name=name, description=name, criteria_narrative="Completed.",
        achievement_type="Certificate", version=1, created_at=NOW,
    )  # fmt: skip
    session.add(achievement)
    session.flush()
    return achievement.id


@pytest.fixture
def world(app: Flask, session: Session, settings: Settings) -> World:
    with app.app_context():
        framework_id = import_framework(
            session, load_framework_json(MINI.read_bytes(), "mini"), now=NOW
        ).framework_id
        organisation = create_organisation(session, slug="academy", name="Academy", now=NOW)
        issuer = create_issuer(session, organisation.id, name="Academy", base_url=BASE_URL, now=NOW)
        generate_key(session, issuer.id, keyring=Keyring([TEST_KEK]), now=NOW)
        role = session.scalars(
            select(WorkRole).where(WorkRole.framework_id == framework_id, WorkRole.code == "DEV")
        ).one()
        units = {
            u.code: u
            for u in session.scalars(select(Unit).where(Unit.framework_id == framework_id))
        }
        elements = {e.code: e for u in units.values() for e in u.elements}
        path = create_draft(
            session, code="dev", title={"en": "Developer path"}, description={},
            languages=["en"], framework_id=framework_id, scope="role", role_id=role.id,
            unit_id=None, issuer_id=issuer.id,
            achievement_id=_achievement(session, issuer.id, "Developer"), now=NOW,
        )  # fmt: skip
        requirements = {}
        for key, code, needed in (("E1", "U1.E1", 1), ("E2", "U1.E2", 2), ("U2", "U2.E1", 1)):
            requirements[key] = add_requirement(
                session, path, element_id=elements[code].id, stage="assessment",
                evidence_kinds=["text"], min_items=1, approvals_needed=needed,
                method="portfolio_review", rubric=RUBRIC,
            ).id  # fmt: skip
        for code in ("U1", "U2"):
            path.unit_awards.append(
                PathUnitAward(
                    unit_id=units[code].id,
                    achievement_id=_achievement(session, issuer.id, f"Unit badge {code}"),
                )
            )
        session.flush()
        publish(session, path.id, now=NOW)
        users = {}
        for name, role_name in (("maria", Role.PARTICIPANT), ("ivan", Role.PARTICIPANT),
                                ("anna", Role.ASSESSOR), ("boris", Role.ASSESSOR)):  # fmt: skip
            user = register(session, email=f"{name}@example.org", name=name.title(),
                            password=TEST_PASSWORD, now=NOW)  # fmt: skip
            grant_role(session, user.id, role_name)
            users[name] = user.id
        for name in ("anna", "boris"):
            assign_assessor(session, "dev", users[name], now=NOW)
        enrolment = enrol(session, path.id, user_id=users["maria"], now=NOW)
        enrol(session, path.id, user_id=users["ivan"], now=NOW)
        session.commit()
    # Outside the app context: requests must not share its ``g`` (signed-in user, CSRF token).
    return World(requirements, users, enrolment.id, evidence_store(settings))


def sign_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": f"{name}@example.org",
              "password": TEST_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def page(client: FlaskClient) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def certifications(session: Session) -> dict[str, Certification]:
    session.expire_all()
    return {c.scope_key: c for c in session.scalars(select(Certification))}


def switch(client: FlaskClient, certification_id: int, public: str) -> int:
    """Press the evidence switch as a browser does; returns the status."""
    response = client.post(
        f"{PAGE}/{certification_id}/evidence",
        data={"csrf_token": csrf_token(client, PAGE), "public": public},
    )
    return response.status_code


def evidence_pages(certification: Certification) -> list[str]:
    """The paths of the public evidence pages the credential links to."""
    return [urlsplit(entry["id"]).path for entry in certification.extras["evidence"]]


def test_anonymous_visitors_sign_in_first(app: Flask, world: World) -> None:
    client = app.test_client()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = client.post(
        f"{PAGE}/1/evidence", data={"csrf_token": csrf_token(client), "public": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_before_any_certification_the_page_says_so(app: Flask, world: World) -> None:
    maria = sign_in(app, "maria")
    html = page(maria)
    assert re.search(rf'<a href="{PAGE}"[^>]*>My certifications</a>', html)  # main navigation
    assert "You have no certifications yet." in html


def test_a_unit_badge_is_listed_while_issued_then_links_to_its_credential(
    app: Flask, world: World, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[tuple[Any, DeferredTask]] = []
    send = badges.celery.dispatch
    # The broker is a process boundary: keep the issuing task from reaching the worker.
    monkeypatch.setattr(badges.celery, "dispatch", lambda app_, task: held.append((app_, task)))
    world.approve(app, session, "E1", "E2")
    [unit] = certifications(session).values()
    assert unit.scope_key.startswith("unit:")
    maria = sign_in(app, "maria")
    html = page(maria)
    assert "Unit badge U1" in html
    assert "Unit U1:" in html
    assert "Developer path" in html
    assert "2026-11-25" in html
    assert "Being issued" in html
    assert STATE.findall(html) == ["pending"]
    assert CREDENTIAL_LINK.findall(html) == []
    monkeypatch.undo()
    with app.app_context():
        for celery_app, task in held:
            send(celery_app, task)
    html = page(maria)
    assert STATE.findall(html) == ["issued"]
    credential = session.scalars(
        select(Credential).where(Credential.issuance_id == unit.issuance_id)
    ).one()
    assert CREDENTIAL_LINK.findall(html) == [credential.public_id]
    assert maria.get(f"/credentials/{credential.public_id}").status_code == 200


def test_the_unit_badges_and_the_role_credential_are_listed(
    app: Flask, world: World, session: Session
) -> None:
    world.approve(app, session, "E1", "E2", "U2")
    made = certifications(session)
    assert len(made) == 3
    html = page(sign_in(app, "maria"))
    titles = re.findall(r'<h2 id="certification-title-\d+">([^<]+)</h2>', html)
    assert titles == ["Unit badge U1", "Unit badge U2", "Developer"]
    assert "The whole path" in html
    assert STATE.findall(html) == ["issued"] * 3
    credentials_by_issuance = {c.issuance_id: c for c in session.scalars(select(Credential))}
    credentials = {key: c.public_id for key, c in credentials_by_issuance.items()}
    expected = set()
    for certification in made.values():
        assert certification.issuance_id is not None
        expected.add(credentials[certification.issuance_id])
    assert set(CREDENTIAL_LINK.findall(html)) == expected
    # An issuer revokes the role credential: the list says so.
    with app.app_context():
        revoke(session, credentials_by_issuance[made["path"].issuance_id or 0].id,
               reason="Issued by mistake.", now=NOW)  # fmt: skip
        session.commit()
    assert STATE.findall(page(sign_in(app, "maria"))) == ["issued", "issued", "revoked"]
    # Ivan, on the same path, has none of them.
    assert "You have no certifications yet." in page(sign_in(app, "ivan"))
    # The completed path's progress page points here.
    progress = sign_in(app, "maria").get(f"/paths/enrolments/{world.enrolment_id}")
    assert f'<a href="{PAGE}">See my certifications</a>' in progress.get_data(as_text=True)


def test_the_switch_opens_and_closes_the_public_evidence_pages(
    app: Flask, world: World, session: Session
) -> None:
    world.approve(app, session, "U2")
    [unit] = certifications(session).values()
    public_pages = evidence_pages(unit)
    assert public_pages == [
        f"/paths/certifications/{unit.public_id}/evidence/{world.requirements['U2']}"
    ]
    anyone = app.test_client()
    assert anyone.get(public_pages[0]).status_code == 404
    maria = sign_in(app, "maria")
    html = page(maria)
    assert "Private: the evidence pages are closed to everyone." in html
    assert "Make this evidence public" in html
    assert EVIDENCE_LINK.findall(html) == []
    assert switch(maria, unit.id, "1") == 302
    assert certifications(session)[unit.scope_key].evidence_public is True
    response = anyone.get(public_pages[0])
    assert response.status_code == 200
    assert "My work for U2" in response.get_data(as_text=True)
    html = page(maria)
    assert "Your evidence pages for this credential are now public." in html
    assert "Make this evidence private" in html
    assert EVIDENCE_LINK.findall(html) == public_pages
    assert switch(maria, unit.id, "0") == 302
    assert certifications(session)[unit.scope_key].evidence_public is False
    assert anyone.get(public_pages[0]).status_code == 404
    assert "Make this evidence public" in page(maria)


def test_only_the_owner_may_switch_and_only_with_a_csrf_token(
    app: Flask, world: World, session: Session
) -> None:
    world.approve(app, session, "U2")
    [unit] = certifications(session).values()
    ivan = sign_in(app, "ivan")
    assert switch(ivan, unit.id, "1") == 404
    assert switch(ivan, 99999, "1") == 404
    maria = sign_in(app, "maria")
    for value in ("", "yes", "2"):
        assert switch(maria, unit.id, value) == 400, value
    response = maria.post(f"{PAGE}/{unit.id}/evidence", data={"public": "1"})
    assert response.status_code == 400  # no CSRF token
    assert certifications(session)[unit.scope_key].evidence_public is False
    assert app.test_client().get(evidence_pages(unit)[0]).status_code == 404
