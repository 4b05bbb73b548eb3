"""Assessor review on both backends: queue, decisions, two approvals, conflicts, appeals, mail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Role, create_organisation, grant_role, register
from badges.mail import MailMessage
from issuer import Achievement, Keyring, create_issuer, generate_key
from paths import (
    AlreadyDecided,
    AlreadyReviewed,
    AppealNotAllowed,
    ConflictOfInterest,
    Enrolment,
    EnrolmentNotFound,
    EvidenceItem,
    InvalidReview,
    LocalEvidenceStore,
    NotAnAssessor,
    OwnWork,
    PathUnitAward,
    Requirement,
    Review,
    ReviewOutcome,
    Submission,
    SubmissionNotFound,
    Unit,
    ValidationPath,
    WorkRole,
    add_requirement,
    appeal,
    assign_assessor,
    create_draft,
    declare_conflict,
    enrol,
    import_framework,
    load_framework_json,
    progress,
    publish,
    review_log,
    review_queue,
    review_submission,
    submit_evidence,
)
from tests.environment import NOW, TEST_KEK

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
BASE_URL = "http://127.0.0.1:5000"
RUBRIC = [
    {"level": n, "title": {"en": name}} for n, name in ((1, "Emerging"), (2, "Competent"),
                                                         (3, "Proficient"))
]  # fmt: skip


@dataclass
class World:
    """A published role path (units U1, U2; one two-approval element), its people, an enrolment."""

    path: ValidationPath
    participant: int
    other_participant: int
    assessors: list[int]
    outsider: int
    enrolment_id: int
    store: LocalEvidenceStore
    requirements: dict[str, Requirement]
    unit_achievements: dict[str, int]

    def submit(
        self,
        session: Session,
        key: str,
        text: str = "My work",
        *,
        user_id: int | None = None,
        enrolment_id: int | None = None,
    ) -> Submission:
        """Send a text as the participant's (or ``user_id``'s) evidence for requirement ``key``."""
        return submit_evidence(
            session,
            enrolment_id or self.enrolment_id,
            self.requirements[key].id,
            user_id=user_id or self.participant,
            items=[EvidenceItem.of_text(text)],
            store=self.store,
            max_upload_mb=1,
            now=NOW,
        )


def review(
    session: Session,
    submission_id: int,
    assessor_id: int,
    decision: str = "approve",
    *,
    feedback: str = "",
    level: int | None = 2,
    method: str | None = None,
) -> ReviewOutcome:
    """An assessor's review at NOW, rubric level 2 unless told."""
    return review_submission(
        session,
        submission_id,
        assessor_id=assessor_id,
        decision=decision,
        feedback=feedback,
        rubric_level=level,
        method=method,
        now=NOW,
        base_url=BASE_URL,
    )


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager tasks (mail, issuing) find the app's database through the app context."""
    with app.app_context():
        yield


def _achievement(session: Session, issuer_id: int, name: str) -> int:
    achievement = Achievement(
        issuer_id=issuer_id, name=name, description=f"{name} of the mini framework.",
        criteria_narrative="Completed the validation path.", achievement_type="Certificate",
        version=1, created_at=NOW,
    )  # fmt: skip
    session.add(achievement)
    session.flush()
    return achievement.id


def _user(session: Session, name: str, *roles: Role) -> int:
    user = register(session, email=f"{name.lower()}@example.org", name=name,
                    password="a long passphrase 1", now=NOW)  # fmt: skip
    for role in roles:
        grant_role(session, user.id, role)
    return user.id


@pytest.fixture
def world(session: Session, tmp_path: Path, context: None) -> World:
    """Everything committed; assessors A, B, C are assigned to the path."""
    framework = import_framework(session, load_framework_json(MINI.read_bytes(), "mini"), now=NOW)
    framework_id = framework.framework_id
    organisation = create_organisation(session, slug="academy", name="Sofia Academy", now=NOW)
    issuer = create_issuer(session, organisation.id, name="Sofia Academy", base_url=BASE_URL,
                           now=NOW)  # fmt: skip
    generate_key(session, issuer.id, keyring=Keyring([TEST_KEK]), now=NOW)
    role = session.scalars(
        select(WorkRole).where(WorkRole.framework_id == framework_id, WorkRole.code == "DEV")
    ).one()
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.framework_id == framework_id))
    }
    path = create_draft(
        session, code="dev", title={"en": "Developer"}, description={}, languages=["en"],
        framework_id=framework_id, scope="role", role_id=role.id, unit_id=None,
        issuer_id=issuer.id, achievement_id=_achievement(session, issuer.id, "Developer"),
        now=NOW,
    )  # fmt: skip
    elements = {e.code: e for u in units.values() for e in u.elements}
    requirements = {
        "E1-doc": add_requirement(session, path, element_id=elements["U1.E1"].id,
                                  stage="documentation", evidence_kinds=["text"], min_items=1),
        "E1": add_requirement(session, path, element_id=elements["U1.E1"].id, stage="assessment",
                              evidence_kinds=["text"], min_items=1, method="portfolio_review",
                              rubric=RUBRIC),
        "E2": add_requirement(session, path, element_id=elements["U1.E2"].id, stage="assessment",
                              evidence_kinds=["text"], min_items=1, approvals_needed=2,
                              method="interview", rubric=RUBRIC),
        "U2": add_requirement(session, path, element_id=elements["U2.E1"].id, stage="assessment",
                              evidence_kinds=["text"], min_items=1, method="portfolio_review",
                              rubric=RUBRIC),
    }  # fmt: skip
    unit_achievements = {}
    for code in ("U1", "U2"):
        unit_achievements[code] = _achievement(session, issuer.id, f"Unit {code}")
        path.unit_awards.append(
            PathUnitAward(unit_id=units[code].id, achievement_id=unit_achievements[code])
        )
    session.flush()
    publish(session, path.id, now=NOW)
    participant = _user(session, "Maria", Role.PARTICIPANT)
    other = _user(session, "Ivan", Role.PARTICIPANT)
    assessors = [_user(session, name, Role.ASSESSOR) for name in ("Anna", "Boris", "Carla")]
    outsider = _user(session, "Olga", Role.ASSESSOR)
    for assessor in assessors:
        assign_assessor(session, "dev", assessor, now=NOW)
    enrolment = enrol(session, path.id, user_id=participant, now=NOW)
    session.commit()
    store = LocalEvidenceStore(tmp_path / "evidence")
    return World(path, participant, other, assessors, outsider, enrolment.id, store,
                 requirements, unit_achievements)  # fmt: skip


def mails_to(session: Session, address: str) -> list[MailMessage]:
    return list(
        session.scalars(
            select(MailMessage).where(MailMessage.to_address == address).order_by(MailMessage.id)
        )
    )


def test_only_assessors_can_be_assigned(session: Session, world: World) -> None:
    with pytest.raises(NotAnAssessor):
        assign_assessor(session, "dev", world.participant, now=NOW)
    again = assign_assessor(session, "dev", world.assessors[0], now=NOW)
    assert again.user_id == world.assessors[0]


def test_queue_is_oldest_first_filtered_and_paged(session: Session, world: World) -> None:
    a, b, _c = world.assessors
    first = world.submit(session, "E1")
    session.flush()
    later = [world.submit(session, key) for key in ("E2", "U2")]
    first.submitted_at = NOW - timedelta(days=3)
    later[0].submitted_at = NOW - timedelta(days=2)
    later[1].submitted_at = NOW - timedelta(days=2)  # a tie, broken by id
    session.commit()
    ids = [first.id, *sorted(s.id for s in later)]
    assert [i.submission_id for i in review_queue(session, a)] == ids
    page = review_queue(session, a, limit=2)
    assert [i.submission_id for i in page] == ids[:2]
    rest = review_queue(session, a, limit=2, after=page[-1].cursor)
    assert [i.submission_id for i in rest] == ids[2:]
    element = world.requirements["E2"].element_id
    assert [i.submission_id for i in review_queue(session, a, element_id=element)] == [later[0].id]
    assert [i.submission_id for i in review_queue(session, a, path_id=world.path.id)] == ids
    assert review_queue(session, a, path_id=world.path.id + 1000) == []
    older = review_queue(session, a, older_than=NOW - timedelta(days=2, hours=12))
    assert [i.submission_id for i in older] == [first.id]
    # Not assigned: nothing. Reviewed: gone for that assessor only.
    assert review_queue(session, world.outsider) == []
    review(session, later[0].id, a)
    session.commit()
    assert later[0].id not in [i.submission_id for i in review_queue(session, a)]
    assert later[0].id in [i.submission_id for i in review_queue(session, b)]


def test_queue_excludes_own_work_conflicts_and_closed_enrolments(
    session: Session, world: World
) -> None:
    a, b, c = world.assessors
    submission = world.submit(session, "E1")
    # Assessor C enrols on the path too: C never sees their own work.
    own = enrol(session, world.path.id, user_id=c, now=NOW)
    own_submission = world.submit(session, "E1", "C's work", user_id=c, enrolment_id=own.id)
    declare_conflict(session, assessor_id=b, participant_id=world.participant,
                     reason="My colleague", now=NOW)  # fmt: skip
    session.commit()
    assert [i.submission_id for i in review_queue(session, a)] == [
        submission.id, own_submission.id
    ]  # fmt: skip
    assert [i.submission_id for i in review_queue(session, b)] == [own_submission.id]
    assert [i.submission_id for i in review_queue(session, c)] == [submission.id]
    with pytest.raises(ConflictOfInterest):
        review(session, submission.id, b)
    with pytest.raises(OwnWork):
        review(session, own_submission.id, c)
    with pytest.raises(SubmissionNotFound):
        review(session, submission.id, world.outsider)
    session.rollback()
    assert session.scalars(select(Review)).all() == []


def test_approve_and_reject_rules(session: Session, world: World) -> None:
    a = world.assessors[0]
    submission = world.submit(session, "E1")
    session.commit()
    with pytest.raises(InvalidReview) as caught:
        review(session, submission.id, a, "reject", feedback="  ")
    assert caught.value.field == "feedback"
    with pytest.raises(InvalidReview) as caught:
        review(session, submission.id, a, level=7)
    assert caught.value.field == "rubric_level"
    with pytest.raises(InvalidReview) as caught:
        review(session, submission.id, a, level=None)
    assert caught.value.field == "rubric_level"
    with pytest.raises(InvalidReview) as caught:
        review(session, submission.id, a, method="interview")
    assert caught.value.field == "method"
    with pytest.raises(InvalidReview):
        review(session, submission.id, a, "maybe")
    assert session.scalars(select(Review)).all() == []
    outcome = review(session, submission.id, a, "reject", feedback="Add the licence you chose.",
                     level=1)  # fmt: skip
    session.commit()
    assert outcome.state == "rejected"
    saved = session.scalars(select(Review)).one()
    assert (saved.decision, saved.method, saved.rubric_level, saved.feedback) == (
        "reject", "portfolio_review", 1, "Add the licence you chose."
    )  # fmt: skip
    with pytest.raises(AlreadyDecided):
        review(session, submission.id, world.assessors[1])
    mail = mails_to(session, "maria@example.org")
    assert len(mail) == 1
    assert "needs more work" in mail[0].subject
    assert "Add the licence you chose." in mail[0].body
    assert "Open data publishing" in mail[0].body
    assert [e.action for e in review_log(session, submission.id)] == ["reject", "rejected"]
    # The participant resubmits: a new version, back in the queue.
    second = world.submit(session, "E1", "My work, with the licence")
    session.commit()
    assert second.version == 2
    assert [i.submission_id for i in review_queue(session, a)] == [second.id]


def test_two_approvals_need_two_different_assessors(session: Session, world: World) -> None:
    a, b, _c = world.assessors
    submission = world.submit(session, "E2")
    session.commit()
    first = review(session, submission.id, a)
    session.commit()
    assert (first.state, first.approvals, first.approvals_needed) == ("submitted", 1, 2)
    assert mails_to(session, "maria@example.org") == []
    with pytest.raises(AlreadyReviewed):
        review(session, submission.id, a)
    session.rollback()
    second = review(session, submission.id, b, level=3)
    session.commit()
    assert (second.state, second.approvals) == ("approved", 2)
    assert submission.decided_at == NOW
    [mail] = mails_to(session, "maria@example.org")
    assert "approved" in mail.subject
    assert [e.action for e in review_log(session, submission.id)] == [
        "approve", "approve", "approved"
    ]  # fmt: skip


def test_the_same_assessor_racing_gets_a_conflict_not_a_500(session: Session, world: World) -> None:
    """The savepoint path: a review row slipped in between the check and the insert."""
    a = world.assessors[0]
    submission = world.submit(session, "E2")
    session.commit()
    session.add(Review(submission_id=submission.id, assessor_id=a, decision="approve",
                       feedback="", rubric_level=2, method="interview", at=NOW))  # fmt: skip
    session.flush()
    with pytest.raises(AlreadyReviewed):
        review(session, submission.id, a)
    assert session.scalars(select(Review)).one().assessor_id == a


def test_an_appeal_goes_to_a_different_assessor_and_is_final(
    session: Session, world: World
) -> None:
    a, b, c = world.assessors
    submission = world.submit(session, "E1")
    session.commit()
    with pytest.raises(AppealNotAllowed):
        appeal(session, submission.id, participant_id=world.participant, reason="Why?", now=NOW)
    review(session, submission.id, a, "reject", feedback="Not enough.", level=1)
    session.commit()
    with pytest.raises(EnrolmentNotFound):
        appeal(session, submission.id, participant_id=world.other_participant, reason="x",
               now=NOW)  # fmt: skip
    with pytest.raises(InvalidReview):
        appeal(session, submission.id, participant_id=world.participant, reason=" ", now=NOW)
    made = appeal(session, submission.id, participant_id=world.participant,
                  reason="The licence is on page 3.", now=NOW)  # fmt: skip
    session.commit()
    assert submission.state == "appealed"
    enrolment = session.get_one(Enrolment, world.enrolment_id)
    assert progress(session, enrolment).status[submission.requirement_id] == "pending"
    assert review_queue(session, a) == []
    assert [i.submission_id for i in review_queue(session, b)] == [submission.id]
    with pytest.raises(AlreadyReviewed):
        review(session, submission.id, a)
    session.rollback()
    outcome = review(session, submission.id, b, "reject", feedback="Still not enough.", level=1)
    session.commit()
    assert outcome.state == "rejected"
    decided = session.scalars(select(Review).where(Review.assessor_id == b)).one()
    assert decided.appeal_of_id == made.rejected_review_id
    assert review_queue(session, c) == []
    with pytest.raises(AppealNotAllowed):
        appeal(session, submission.id, participant_id=world.participant, reason="Again",
               now=NOW)  # fmt: skip
    assert [e.action for e in review_log(session, submission.id)] == [
        "reject", "rejected", "appeal", "reject", "rejected"
    ]  # fmt: skip
    assert len(mails_to(session, "maria@example.org")) == 2


def test_an_upheld_appeal_approves(session: Session, world: World) -> None:
    a, b, _c = world.assessors
    submission = world.submit(session, "E1")
    session.commit()
    review(session, submission.id, a, "reject", feedback="Not enough.", level=1)
    appeal(session, submission.id, participant_id=world.participant, reason="See page 3.",
           now=NOW)  # fmt: skip
    session.commit()
    outcome = review(session, submission.id, b, level=2)
    session.commit()
    assert outcome.state == "approved"
