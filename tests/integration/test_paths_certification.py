"""Certification on both backends: one credential per completed unit and path, built right."""

from __future__ import annotations

import json
import threading

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from badges.context import current_database
from badges.ob3 import from_json_ld
from issuer import Credential, Issuance
from paths import (
    Certification,
    CertificationNotFound,
    Enrolment,
    Submission,
    check_completion,
    public_evidence,
    set_evidence_public,
)
from paths.certification import PATH_SCOPE, _claim
from tests.environment import NOW
from tests.integration import test_paths_review as review_tests
from tests.integration.test_paths_review import BASE_URL, World, review

# The review tests' fixtures, shared rather than copied.
context = review_tests.context
world = review_tests.world


def approve_all(session: Session, world: World, *keys: str) -> dict[str, Submission]:
    """Submit and approve ``keys`` (two assessors for the two-approval element), committing."""
    a, b, _c = world.assessors
    made = {}
    for key in keys:
        submission = world.submit(session, key, f"Evidence for {key}")
        session.commit()
        level = None if key == "E1-doc" else 2
        review(session, submission.id, a, level=level)
        if key == "E2":
            review(session, submission.id, b, level=3)
        session.commit()
        made[key] = submission
    return made


def certifications(session: Session) -> dict[str, Certification]:
    return {c.scope_key: c for c in session.scalars(select(Certification))}


def test_units_then_the_path_are_certified_once_each(session: Session, world: World) -> None:
    approve_all(session, world, "E1-doc", "E1")
    assert certifications(session) == {}
    approve_all(session, world, "E2")
    made = certifications(session)
    u1 = next(k for k in made)
    assert list(made) == [u1]
    assert u1.startswith("unit:")
    assert made[u1].achievement_id == world.unit_achievements["U1"]
    approve_all(session, world, "U2")
    made = certifications(session)
    assert len(made) == 3
    assert "path" in made
    assert made["path"].achievement_id == world.path.achievement_id
    enrolment = session.get_one(Enrolment, world.enrolment_id)
    assert (enrolment.state, enrolment.completed_at) == ("completed", NOW)
    issuances = {i.id: i for i in session.scalars(select(Issuance))}
    assert set(issuances) == {c.issuance_id for c in made.values()}
    for issuance in issuances.values():
        assert issuance.recipient_user_id == world.participant
        assert (issuance.recipient_name, issuance.recipient_email) == ("Maria", "maria@example.org")
        assert issuance.state == "issued"  # the eager task ran after commit
    # Checking again certifies nothing more.
    assert check_completion(session, enrolment, now=NOW, base_url=BASE_URL) == []
    assert session.scalar(select(func.count()).select_from(Issuance)) == 3


def test_the_credential_content_names_framework_methods_results_and_evidence(
    session: Session, world: World
) -> None:
    approve_all(session, world, "E1-doc", "E1", "E2")
    [unit] = certifications(session).values()
    extras = unit.extras
    element_url = f"{BASE_URL}/paths/frameworks/mini-city/1.0.0/elements/U1.E1"
    alignments = extras["achievement"]["alignment"]
    assert alignments[0] == {
        "type": ["Alignment"],
        "targetName": "Open data publishing",
        "targetUrl": element_url,
        "targetFramework": "Mini smart-city framework 1.0.0",
        "targetCode": "U1.E1",
        "targetType": "ceasn:Competency",
    }
    assert alignments[1]["targetFramework"] == "ESCO"
    assert alignments[1]["targetUrl"].startswith("http://data.europa.eu/esco/skill/")
    assert [a.get("targetCode") for a in alignments] == ["U1.E1", None, "U1.E2"]
    descriptions = extras["achievement"]["resultDescription"]
    results = extras["credentialSubject"]["result"]
    assert [r["resultDescription"] for r in results] == [d["id"] for d in descriptions]
    assert [d["resultType"] for d in descriptions] == ["RubricCriterionLevel"] * 2
    assert [len(d["rubricCriterionLevel"]) for d in descriptions] == [3, 3]
    # E1 approved at level 2; E2 by two assessors at 2 and 3: the lower level is the result.
    assert [r["achievedLevel"] for r in results] == [f"{d['id']}-level-2" for d in descriptions]
    assert descriptions[0]["id"] == f"{element_url}#result-{world.requirements['E1'].id}"
    assert [level["id"] for level in descriptions[0]["rubricCriterionLevel"]] == [
        f"{descriptions[0]['id']}-level-{n}" for n in (1, 2, 3)
    ]
    evidence = extras["evidence"]
    assert [e["genre"] for e in evidence] == ["documentation", "assessment", "assessment"]
    assert all(
        e["id"].startswith(f"{BASE_URL}/paths/certifications/{unit.public_id}/evidence/")
        for e in evidence
    )
    narrative = extras["credentialSubject"]["narrative"]
    for words in ("Mini smart-city framework", "1.0.0", "interview", "portfolio review"):
        assert words in narrative
    assert extras["framework"] == {"code": "mini-city", "version": "1.0.0"}
    assert extras["methods"] == ["interview", "portfolio_review"]
    assert extras["credentialSubject"]["activityEndDate"] == "2026-11-25T09:00:00Z"


def test_a_rolled_back_approval_leaves_no_certification_or_issuance(
    session: Session, world: World
) -> None:
    approve_all(session, world, "E1-doc", "E1", "E2")
    submission = world.submit(session, "U2")
    session.commit()
    outcome = review(session, submission.id, world.assessors[0])
    assert len(outcome.certifications) == 2
    session.rollback()
    assert set(certifications(session)) == {next(iter(certifications(session)))}
    assert session.scalar(select(func.count()).select_from(Issuance)) == 1
    assert session.get_one(Enrolment, world.enrolment_id).state == "active"
    assert session.get_one(Submission, submission.id).state == "submitted"


def test_racing_last_approvals_certify_the_path_exactly_once(
    app: Flask, session: Session, world: World, database_url: str
) -> None:
    """Two assessors approve the last two requirements at once (PostgreSQL row locks)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    approve_all(session, world, "E1-doc", "E2")
    e1 = world.submit(session, "E1")
    u2 = world.submit(session, "U2")
    session.commit()
    a, b, _c = world.assessors
    database = current_database()
    errors: list[BaseException] = []
    first = database.sessionmaker()
    review(first, e1.id, a)

    def second() -> None:
        with app.app_context(), database.sessionmaker() as other:
            try:
                review(other, u2.id, b)
                other.commit()
            except BaseException as err:  # reported to the test below
                errors.append(err)

    thread = threading.Thread(target=second)
    thread.start()
    # Wait (without a timer) until the second transaction is blocked on the enrolment lock.
    with database.sessionmaker() as watcher:
        for _ in range(10_000):
            waiting = watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            watcher.rollback()
            if waiting:
                break
    first.commit()
    first.close()
    thread.join()
    assert errors == []
    session.expire_all()
    made = certifications(session)
    assert sorted(made) == sorted(["path", *(k for k in made if k.startswith("unit:"))])
    assert len(made) == 3
    assert session.scalar(select(func.count()).select_from(Issuance)) == 3
    assert session.get_one(Enrolment, world.enrolment_id).state == "completed"


def test_a_lost_certification_race_rolls_back_only_its_savepoint(
    session: Session, world: World
) -> None:
    """The unique (enrolment, scope_key) decides; the loser's transaction carries on."""
    enrolment = session.get_one(Enrolment, world.enrolment_id)

    def claim(public_id: str) -> Certification | None:
        return _claim(session, enrolment, PATH_SCOPE, None, world.path.achievement_id,
                      public_id=public_id, extras={}, now=NOW)  # fmt: skip

    assert claim("first") is not None
    assert claim("second") is None
    session.commit()
    assert list(certifications(session)) == ["path"]


def test_evidence_pages_open_only_when_the_participant_makes_them_public(
    session: Session, world: World
) -> None:
    made = approve_all(session, world, "E1-doc", "E1", "E2")
    [unit] = certifications(session).values()
    requirement_id = world.requirements["E1"].id
    with pytest.raises(CertificationNotFound):
        public_evidence(session, unit.public_id, requirement_id)
    with pytest.raises(CertificationNotFound):
        set_evidence_public(session, unit.id, user_id=world.other_participant, public=True)
    set_evidence_public(session, unit.id, user_id=world.participant, public=True)
    session.commit()
    page = public_evidence(session, unit.public_id, requirement_id)
    assert page.submission.id == made["E1"].id
    assert page.requirement.id == requirement_id
    with pytest.raises(CertificationNotFound):  # not part of this unit's credential
        public_evidence(session, unit.public_id, world.requirements["U2"].id)
    with pytest.raises(CertificationNotFound):
        public_evidence(session, "no-such-id", requirement_id)


def test_the_issued_credential_carries_alignments_results_and_evidence(
    session: Session, world: World
) -> None:
    approve_all(session, world, "E1-doc", "E1", "E2")
    [unit] = certifications(session).values()
    issuance = session.get_one(Issuance, unit.issuance_id)
    assert issuance.state == "issued", issuance.failure_reason  # signed and self-verified
    credential = session.scalars(
        select(Credential).where(Credential.issuance_id == unit.issuance_id)
    ).one()
    model = from_json_ld(json.loads(credential.document))
    assert len(model.evidence) == 3
    assert [r.achieved_level for r in model.credential_subject.result] == [
        r["achievedLevel"] for r in unit.extras["credentialSubject"]["result"]
    ]
    achievement = model.credential_subject.achievement
    assert [d.result_type for d in achievement.result_description] == ["RubricCriterionLevel"] * 2
    assert "U1.E1" in [a.target_code for a in achievement.alignment]
