"""Competence maps and the cohort overview on both backends (issue #6).

The framework's map (public SVG and page), a participant's map coloured by status (owner only),
and the cohort overview's counts and shares (platform admins and the path's issuer admins only).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element as XmlElement

import pytest
from defusedxml import ElementTree
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Role, User
from badges.accounts.service import add_membership, grant_role
from issuer import Issuer
from paths import (
    Enrolment,
    Framework,
    Requirement,
    Submission,
    ValidationPath,
    enrol,
)
from paths.cohort import cohort_overview
from paths.competence_map import ElementStatus, framework_map, participant_map
from tests.environment import NOW
from tests.forms import register_user
from tests.paths_demo import load_demo_paths

SVG_NS = "{http://www.w3.org/2000/svg}"
CSP = "default-src 'none'; style-src 'unsafe-inline'"


@pytest.fixture
def demo(session: Session) -> dict[str, ValidationPath]:
    """The demo framework, both demo issuers and the three published demo paths."""
    paths = load_demo_paths(session)
    session.commit()
    return paths


def signed_in(app: Flask, session: Session, email: str) -> tuple[FlaskClient, int]:
    """A new client registered (and so signed in) as ``email``, and the user's id."""
    client = app.test_client()
    register_user(client, email)
    user_id = session.scalars(select(User.id).where(User.email == email)).one()
    return client, user_id


def parse(svg: str) -> XmlElement:
    root: XmlElement = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return root


def evidence_requirements(path: ValidationPath, code: str) -> list[Requirement]:
    return [r for r in path.requirements if r.element.code == code and r.stage != "identification"]


def answer(session: Session, enrolment: Enrolment, requirement: Requirement, state: str) -> None:
    session.add(
        Submission(
            enrolment_id=enrolment.id,
            requirement_id=requirement.id,
            version=1,
            state=state,
            note="",
            submitted_at=NOW,
        )
    )


def test_the_framework_map_has_every_role_and_competence(
    session: Session, demo: dict[str, ValidationPath]
) -> None:
    framework = session.scalars(select(Framework)).one()
    competence_map = framework_map(session, framework.id, "de")
    assert competence_map.title == "Smart-City-Kompetenzrahmen (Demo)"
    assert [r.code for r in competence_map.roles] == ["SCPD", "SCPM", "SCPMC", "SCT", "SCE"]
    assert [u.code for u in competence_map.units] == [f"U{n}" for n in range(1, 8)]
    elements = {e.code: e for e in competence_map.elements()}
    assert len(elements) == 26
    assert all(e.status is None for e in elements.values())
    assert not competence_map.personal
    scpd = competence_map.roles[0]
    needed = sorted(code for code, e in elements.items() if scpd.needs(e.id))
    assert {code.split(".")[0] for code in needed} == {"U1", "U2", "U4"}
    assert len(needed) == 10


def test_the_framework_svg_is_public_safe_and_well_formed(
    client: FlaskClient, demo: dict[str, ValidationPath]
) -> None:
    response = client.get("/paths/framework/smart-city-referent/map.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == CSP
    root = parse(response.get_data(as_text=True))
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG_NS}title") == "Smart City Competence Framework (demo)"
    assert root.findtext(f"{SVG_NS}desc")
    assert not list(root.iter(f"{SVG_NS}script"))
    assert not [e for e in root.iter() if any("href" in name for name in e.attrib)]
    texts = {"".join(e.itertext()) for e in root.iter(f"{SVG_NS}text")}
    assert {"SCPD", "SCE", "Legend", "Needed by the role"} <= texts
    assert sum(t.startswith("U2.E3  ") for t in texts) == 1


def test_the_framework_page_shows_the_picture_and_a_table_in_the_readers_language(
    client: FlaskClient, demo: dict[str, ValidationPath]
) -> None:
    response = client.get("/paths/framework/smart-city-referent", headers={"Accept-Language": "bg"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="img"' in html
    assert "<table" in html
    assert "Разработчик на проекти за интелигентни градове" in html
    assert 'href="/paths/framework/smart-city-referent/map.svg"' in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_an_unknown_framework_is_not_found(client: FlaskClient, demo: object) -> None:
    assert client.get("/paths/framework/nope/map.svg").status_code == 404
    assert client.get("/paths/framework/nope").status_code == 404


def test_the_participant_map_is_coloured_by_status(
    app: Flask, session: Session, demo: dict[str, ValidationPath]
) -> None:
    owner, owner_id = signed_in(app, session, "ana@example.org")
    other, _ = signed_in(app, session, "ion@example.org")
    path = demo["scpd"]
    enrolment = enrol(session, path.id, user_id=owner_id, now=NOW)
    for requirement in evidence_requirements(path, "U1.E1"):
        answer(session, enrolment, requirement, "approved")
    first, *_ = evidence_requirements(path, "U1.E2")
    answer(session, enrolment, first, "approved")  # one of two: still submitted
    answer(session, enrolment, evidence_requirements(path, "U1.E3")[0], "submitted")
    answer(session, enrolment, evidence_requirements(path, "U2.E1")[0], "rejected")
    session.commit()

    competence_map = participant_map(session, enrolment, "en")
    statuses = {e.code: e.status for e in competence_map.elements()}
    assert len(statuses) == 10
    assert statuses["U1.E1"] is ElementStatus.APPROVED
    assert statuses["U1.E2"] is ElementStatus.SUBMITTED
    assert statuses["U1.E3"] is ElementStatus.SUBMITTED
    assert statuses["U2.E1"] is ElementStatus.NEEDS_WORK
    assert statuses["U4.E3"] is ElementStatus.NOT_STARTED
    assert [r.code for r in competence_map.roles] == ["SCPD"]

    url = f"/paths/enrolments/{enrolment.id}/map.svg"
    response = owner.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == CSP
    root = parse(response.get_data(as_text=True))
    desc = root.findtext(f"{SVG_NS}desc") or ""
    assert "Approved: 1" in desc
    assert "Submitted, waiting for review: 2" in desc
    assert "Needs work: 1" in desc
    assert "Not started: 6" in desc
    assert other.get(url).status_code == 404
    assert owner.get("/paths/enrolments/999999/map.svg").status_code == 404
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")


def test_a_unit_path_map_shows_the_roles_needing_the_unit(
    app: Flask, session: Session, demo: dict[str, ValidationPath]
) -> None:
    _, user_id = signed_in(app, session, "ana@example.org")
    enrolment = enrol(session, demo["iot-sensor-networks"].id, user_id=user_id, now=NOW)
    session.commit()
    competence_map = participant_map(session, enrolment, "ro")
    assert [r.code for r in competence_map.roles] == ["SCT", "SCE"]
    assert [u.code for u in competence_map.units] == ["U5"]
    assert {e.status for e in competence_map.elements()} == {ElementStatus.NOT_STARTED}


@pytest.fixture
def cohort(app: Flask, session: Session, demo: dict[str, ValidationPath]) -> ValidationPath:
    """SCPD with two active participants, one completed and one withdrawn."""
    path = demo["scpd"]
    enrolments = []
    for name in ("a", "b", "c", "d"):
        _, user_id = signed_in(app, session, f"{name}@example.org")
        enrolments.append(enrol(session, path.id, user_id=user_id, now=NOW))
    first, second, done, gone = enrolments
    for requirement in evidence_requirements(path, "U1.E1"):
        answer(session, first, requirement, "approved")
        answer(session, second, requirement, "submitted")
        answer(session, done, requirement, "approved")
    answer(session, first, evidence_requirements(path, "U1.E2")[0], "rejected")
    answer(session, gone, evidence_requirements(path, "U1.E2")[0], "submitted")
    done.state, gone.state = "completed", "withdrawn"
    session.commit()
    return path


def test_the_cohort_overview_counts_enrolments_and_shares(
    session: Session, cohort: ValidationPath
) -> None:
    overview = cohort_overview(session, cohort.id)
    assert overview.code == "scpd"
    (version,) = overview.versions
    assert version.version == 1
    assert dict(version.counts) == {"active": 2, "completed": 1, "withdrawn": 1}
    assert version.enrolled == 4
    shares = {share.code: share for share in version.elements}
    assert len(shares) == 10
    assert list(shares)[:3] == ["U1.E1", "U1.E2", "U1.E3"]
    e1, e2, e3 = shares["U1.E1"], shares["U1.E2"], shares["U1.E3"]
    assert (e1.approved, e1.submitted, e1.not_started) == (1, 1, 0)
    assert e1.percent(e1.approved) == 50
    assert (e2.approved, e2.submitted, e2.not_started) == (0, 1, 1)
    assert (e3.approved, e3.submitted, e3.not_started) == (0, 0, 2)


def test_the_cohort_page_is_for_admins_of_the_paths_issuer(
    app: Flask, session: Session, cohort: ValidationPath
) -> None:
    url = f"/paths/cohorts/{cohort.id}"
    participant, _ = signed_in(app, session, "p@example.org")
    assert participant.get(url).status_code == 403
    own, own_id = signed_in(app, session, "own@example.org")
    other, other_id = signed_in(app, session, "other@example.org")
    platform, platform_id = signed_in(app, session, "platform@example.org")
    issuers = {i.slug: i for i in session.scalars(select(Issuer))}
    add_membership(session, own_id, issuers["sofia-smart-city-academy"].organisation_id)
    add_membership(session, other_id, issuers["cluj-urban-innovation-lab"].organisation_id)
    grant_role(session, platform_id, Role.PLATFORM_ADMIN)
    session.commit()

    assert other.get(url).status_code == 404
    assert platform.get("/paths/cohorts/999999").status_code == 404
    for client in (own, platform):
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Smart City Project Developer" in html
        assert '<progress id="share-' in html
        assert 'value="50"' in html
        assert "css/maps.css" in html
    assert app.test_client().get(url).status_code == 302
