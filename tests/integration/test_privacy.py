"""GDPR export and account deletion on both backends (issue #6).

The export holds every version of the participant's work and their files byte for byte, and
nobody else's. Deletion removes the person and their evidence (files only when no one else sent
the same bytes), keeps others' records anonymised, and keeps issued credentials verifiable and
revocable; a wrong password or a failure part-way deletes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import Role, User, create_organisation, grant_role, register
from badges.mail import MailMessage
from issuer import (
    Achievement,
    Credential,
    Issuance,
    Keyring,
    create_issuer,
    generate_key,
    request_issuance,
)
from issuer.claims import ClaimNotFound, claim_by_secret, token_hash
from issuer.models import BulkAward, BulkAwardRow, Claim, ClaimWindow
from issuer.privacy import ERASED
from issuer.status import revoke
from paths import (
    Artefact,
    Enrolment,
    EvidenceFile,
    EvidenceItem,
    LocalEvidenceStore,
    Review,
    ReviewEvent,
    SelfAssessment,
    Submission,
    Unit,
    add_requirement,
    assign_assessor,
    create_draft,
    enrol,
    import_framework,
    load_framework_json,
    publish,
    review_submission,
    self_assess,
    submit_evidence,
)
from paths import privacy as privacy_module
from paths.privacy import (
    DELETED_NAME,
    LastPlatformAdmin,
    WrongPassword,
    confirm_password,
    delete_account,
    export_personal_data,
    purge_evidence_files,
)
from tests.environment import NOW, TEST_KEK
from tests.integration.test_issuance import verify_stored

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
BASE_URL = "http://127.0.0.1:5000"
PASSWORD = "a long passphrase 1"
RUBRIC = [{"level": n, "title": {"en": f"Level {n}"}} for n in (1, 2, 3)]
#: Evidence files (plain text is an accepted type): only Maria's, and one Ivan sent too.
MARIA_DRAFT = b"Maria's first report on the open data portal.\n"
MARIA_FINAL = b"Maria's final report, with the usage figures.\n"
SHARED = b"The city's open data charter (a public document).\n"


@dataclass
class PathSetup:
    """A published unit path with one assessment requirement taking files and texts."""

    path_id: int
    requirement_id: int
    element_id: int


def make_path(session: Session) -> PathSetup:
    """Framework, issuer with a key, achievement and the path; committed."""
    framework = import_framework(session, load_framework_json(MINI.read_bytes(), "mini"), now=NOW)
    organisation = create_organisation(session, slug="academy", name="Sofia Academy", now=NOW)
    issuer = create_issuer(
        session, organisation.id, name="Sofia Academy", base_url=BASE_URL, now=NOW
    )
    generate_key(session, issuer.id, keyring=Keyring([TEST_KEK]), now=NOW)
    achievement = Achievement(
        issuer_id=issuer.id, name="Smart-city officer", description="Unit U2.",
        criteria_narrative="Completed the path.", version=1, created_at=NOW,
    )  # fmt: skip
    session.add(achievement)
    unit = session.scalars(
        select(Unit).where(Unit.framework_id == framework.framework_id, Unit.code == "U2")
    ).one()
    path = create_draft(
        session, code="officer", title={"en": "Officer"}, description={}, languages=["en"],
        framework_id=framework.framework_id, scope="unit", role_id=None, unit_id=unit.id,
        issuer_id=issuer.id, achievement_id=achievement.id, now=NOW,
    )  # fmt: skip
    element_id = unit.elements[0].id
    requirement = add_requirement(
        session, path, element_id=element_id, stage="assessment",
        evidence_kinds=["file", "text"], min_items=1, method="portfolio_review", rubric=RUBRIC,
    )  # fmt: skip
    publish(session, path.id, now=NOW)
    session.commit()
    return PathSetup(path.id, requirement.id, element_id)


def make_user(session: Session, name: str, *roles: Role) -> int:
    user = register(
        session, email=f"{name.lower()}@example.org", name=name, password=PASSWORD, now=NOW
    )
    for role in roles:
        grant_role(session, user.id, role)
    return user.id


def send(
    session: Session, store: LocalEvidenceStore, setup: PathSetup, enrolment_id: int,
    user_id: int, *items: EvidenceItem, note: str = "",
) -> int:  # fmt: skip
    return submit_evidence(
        session, enrolment_id, setup.requirement_id, user_id=user_id, items=items, store=store,
        max_upload_mb=1, now=NOW, note=note,
    ).id  # fmt: skip


def decide(session: Session, submission_id: int, assessor: int, decision: str, **kw: Any) -> None:
    review_submission(
        session, submission_id, assessor_id=assessor, decision=decision,
        feedback=kw.get("feedback", ""), rubric_level=kw.get("level"), method=None, now=NOW,
        base_url=BASE_URL,
    )  # fmt: skip


@dataclass
class Story:
    """Maria was rejected once, then approved and certified; Ivan waits for review."""

    setup: PathSetup
    store: LocalEvidenceStore
    maria: int
    ivan: int
    anna: int
    maria_enrolment: int
    ivan_enrolment: int
    versions: list[int]
    ivan_submission: int


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager tasks (issuing, mail, status lists) find the app's database."""
    with app.app_context():
        yield


@pytest.fixture
def story(session: Session, tmp_path: Path, context: None) -> Story:
    setup = make_path(session)
    store = LocalEvidenceStore(tmp_path / "evidence")
    maria = make_user(session, "Maria", Role.PARTICIPANT)
    ivan = make_user(session, "Ivan", Role.PARTICIPANT)
    anna = make_user(session, "Anna", Role.ASSESSOR)
    assign_assessor(session, "officer", anna, now=NOW)
    maria_enrolment = enrol(session, setup.path_id, user_id=maria, now=NOW).id
    ivan_enrolment = enrol(session, setup.path_id, user_id=ivan, now=NOW).id
    self_assess(session, maria_enrolment, user_id=maria, levels={setup.element_id: 5},
                notes={setup.element_id: "I run the city portal."}, now=NOW)  # fmt: skip
    session.commit()
    first = send(session, store, setup, maria_enrolment, maria,
                 EvidenceItem.of_file(MARIA_DRAFT, "draft.txt"),
                 EvidenceItem.of_file(SHARED, "charter.txt"),
                 note="Please look at page 2.")  # fmt: skip
    session.commit()
    decide(session, first, anna, "reject", feedback="Maria, the figures are missing.")
    session.commit()
    second = send(session, store, setup, maria_enrolment, maria,
                  EvidenceItem.of_file(MARIA_FINAL, "final: report.txt"),
                  EvidenceItem.of_text("I added the usage figures."))  # fmt: skip
    session.commit()
    decide(session, second, anna, "approve", level=2)
    session.commit()  # certifies; the eager task issues the credential
    ivan_submission = send(session, store, setup, ivan_enrolment, ivan,
                           EvidenceItem.of_file(SHARED, "charter.txt"))  # fmt: skip
    session.commit()
    return Story(setup, store, maria, ivan, anna, maria_enrolment, ivan_enrolment,
                 [first, second], ivan_submission)  # fmt: skip


def export(session: Session, story: Story, user_id: int) -> zipfile.ZipFile:
    user = session.get_one(User, user_id)
    with export_personal_data(session, user, story.store, now=NOW) as archive:
        return zipfile.ZipFile(io.BytesIO(archive.read()))


def data_json(archive: zipfile.ZipFile) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(archive.read("data.json"))
    return loaded


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def only_credential(session: Session) -> Credential:
    """Maria's, the one credential of the story."""
    return session.scalars(select(Credential)).one()


def delete(session: Session, story: Story, user_id: int) -> privacy_module.AccountDeletion:
    deletion = delete_account(session, session.get_one(User, user_id), now=NOW)
    session.commit()
    purge_evidence_files(session, story.store, deletion.orphaned_files)
    return deletion


# ---------------------------------------------------------------- export


def test_the_export_holds_every_version_with_the_files_byte_identical(
    session: Session, story: Story
) -> None:
    archive = export(session, story, story.maria)
    data = data_json(archive)

    assert data["account"]["email"] == "maria@example.org"
    assert data["account"]["roles"] == ["participant"]
    [enrolment] = data["enrolments"]
    assert enrolment["self_assessments"][0]["note"] == "I run the city portal."
    submissions = enrolment["submissions"]
    assert [(s["version"], s["state"]) for s in submissions] == [(1, "rejected"), (2, "approved")]
    assert submissions[0]["note"] == "Please look at page 2."
    assert submissions[0]["reviews"][0]["feedback"] == "Maria, the figures are missing."
    assert submissions[1]["reviews"][0]["rubric_level"] == 2
    evidence = {item["id"]: item for item in enrolment["evidence"]}
    first_files = [evidence[i]["file"] for i in submissions[0]["evidence"]]
    assert first_files == [
        f"files/{sha(MARIA_DRAFT)}-draft.txt",
        f"files/{sha(SHARED)}-charter.txt",
    ]
    final = [evidence[i] for i in submissions[1]["evidence"]]
    assert final[0]["file"] == f"files/{sha(MARIA_FINAL)}-final_ report.txt"  # ":" made safe
    assert final[0]["filename"] == "final: report.txt"
    assert final[1]["text"] == "I added the usage figures."
    names = [*first_files, final[0]["file"]]
    assert [archive.read(name) for name in names] == [MARIA_DRAFT, SHARED, MARIA_FINAL]
    assert data["missing_files"] == []
    assert len(enrolment["certifications"]) == 1


def test_the_export_holds_the_signed_credential_exactly_as_issued(
    session: Session, story: Story
) -> None:
    credential = only_credential(session)
    archive = export(session, story, story.maria)
    data = data_json(archive)

    assert archive.read(f"credentials/{credential.public_id}.json").decode() == credential.document
    [issued] = data["credentials"]["issuances"]
    assert issued["recipient_email"] == "maria@example.org"
    assert issued["credential"]["document"] == json.loads(credential.document)
    assert (issued["credential"]["shared"], issued["credential"]["show_name"]) == (False, False)


def test_the_export_holds_no_one_elses_data(session: Session, story: Story) -> None:
    archive = export(session, story, story.maria)
    everything = b"".join(archive.read(name) for name in archive.namelist())

    assert b"ivan" not in everything.lower()
    ivan_artefacts = set(
        session.scalars(select(Artefact.id).where(Artefact.enrolment_id == story.ivan_enrolment))
    )
    [enrolment] = data_json(archive)["enrolments"]
    assert not ivan_artefacts & {item["id"] for item in enrolment["evidence"]}
    # Ivan's own export has his one submission and the file he sent, not Maria's.
    ivans = export(session, story, story.ivan)
    [his] = data_json(ivans)["enrolments"]
    assert [s["id"] for s in his["submissions"]] == [story.ivan_submission]
    assert [n for n in ivans.namelist() if n.startswith("files/")] == [
        f"files/{sha(SHARED)}-charter.txt"
    ]
    assert data_json(ivans)["credentials"]["issuances"] == []


def test_a_lost_file_is_listed_instead_of_failing_the_export(
    session: Session, story: Story
) -> None:
    story.store.delete(sha(MARIA_DRAFT))
    data = data_json(export(session, story, story.maria))
    assert data["missing_files"] == [f"files/{sha(MARIA_DRAFT)}-draft.txt"]


# ---------------------------------------------------------------- deletion


def test_deletion_removes_the_person_and_the_evidence_only_they_had(
    session: Session, story: Story
) -> None:
    deletion = delete(session, story, story.maria)

    assert session.get(User, story.maria) is None
    assert session.scalar(select(User).where(User.email == "maria@example.org")) is None
    assert set(deletion.orphaned_files) == {sha(MARIA_DRAFT), sha(MARIA_FINAL)}
    for gone in (MARIA_DRAFT, MARIA_FINAL):
        assert not (story.store.root / sha(gone)[:2] / sha(gone)[2:4] / sha(gone)).exists()
        assert session.get(EvidenceFile, sha(gone)) is None
    assert story.store.open(sha(SHARED)) == SHARED  # Ivan sent the same file
    assert session.get(EvidenceFile, sha(SHARED)) is not None
    left = select(Artefact.id).where(Artefact.enrolment_id == story.maria_enrolment)
    assert session.scalars(left).all() == []
    assert session.scalar(select(func.count()).select_from(SelfAssessment)) == 0
    assert (
        session.scalars(
            select(MailMessage).where(MailMessage.to_address == "maria@example.org")
        ).all()
        == []
    )
    # Ivan's work is untouched.
    ivan = session.get_one(Submission, story.ivan_submission)
    assert (ivan.state, len(ivan.items)) == ("submitted", 1)


def test_deletion_keeps_an_anonymous_record_of_the_decisions(
    session: Session, story: Story
) -> None:
    deletion = delete(session, story, story.maria)

    enrolment = session.get_one(Enrolment, story.maria_enrolment)
    tombstone = session.get_one(User, enrolment.user_id)
    assert tombstone.id == deletion.tombstone_id
    assert (tombstone.name, tombstone.roles, tombstone.memberships) == (DELETED_NAME, [], [])
    assert tombstone.email.endswith("@deleted.invalid")
    assert enrolment.state == "completed"
    versions = [session.get_one(Submission, s) for s in story.versions]
    assert [(s.version, s.state, s.note) for s in versions] == [
        (1, "rejected", ""),
        (2, "approved", ""),
    ]
    reviews = session.scalars(select(Review).order_by(Review.id)).all()
    assert [(r.decision, r.assessor_id, r.feedback, r.rubric_level) for r in reviews] == [
        ("reject", story.anna, "", None),
        ("approve", story.anna, "", 2),
    ]
    details = session.scalars(
        select(ReviewEvent.detail).where(ReviewEvent.submission_id.in_(story.versions))
    ).all()
    assert details == ["", "", "", ""]  # reject, rejected, approve, approved


def test_the_credential_still_verifies_and_the_issuer_can_still_revoke_it(
    session: Session, story: Story
) -> None:
    credential = only_credential(session)
    document, credential_id = credential.document, credential.id
    credential.shared = credential.show_name = True
    session.commit()
    assert verify_stored(session, credential).verified

    deletion = delete(session, story, story.maria)

    kept = session.get_one(Credential, credential_id)
    assert kept.document == document
    assert (kept.shared, kept.show_name) == (False, False)
    issuance = session.get_one(Issuance, kept.issuance_id)
    assert (issuance.recipient_name, issuance.recipient_email) == (ERASED, ERASED)
    assert issuance.recipient_user_id is None
    assert (deletion.issuer.issuances, deletion.issuer.credentials) == (1, 1)
    assert verify_stored(session, kept).verified
    revoke(session, kept.id, reason="Issued in error", now=NOW)
    session.commit()  # the eager task re-signs the status list
    report = verify_stored(session, session.get_one(Credential, credential_id))
    assert not report.verified


def test_a_pending_issuance_is_never_issued_after_erasure(session: Session, story: Story) -> None:
    achievement_id = session.scalars(select(Achievement.id)).first()
    assert achievement_id is not None
    issuer_id = session.get_one(Achievement, achievement_id).issuer_id
    pending = request_issuance(
        session, issuer_id=issuer_id, achievement_id=achievement_id,
        recipient_name="Maria", recipient_email="maria@example.org", now=NOW,
    )  # fmt: skip
    session.flush()  # not committed: its issuing task has not run

    deletion = delete(session, story, story.maria)

    issuance = session.get_one(Issuance, pending.id)
    assert (issuance.state, issuance.recipient_email) == ("failed", ERASED)
    assert session.scalar(select(Credential).where(Credential.issuance_id == pending.id)) is None
    assert deletion.issuer.cancelled == 1


def test_a_wrong_password_is_refused(session: Session, story: Story) -> None:
    maria = session.get_one(User, story.maria)
    with pytest.raises(WrongPassword):
        confirm_password(maria, "not my password")
    with pytest.raises(WrongPassword):
        confirm_password(maria, PASSWORD + "x" * 300)
    confirm_password(maria, PASSWORD)


def test_a_failure_part_way_deletes_nothing(
    session: Session, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = session.scalar(select(func.count()).select_from(User))
    artefacts = session.scalar(select(func.count()).select_from(Artefact))

    def crash(*_args: object, **_kwargs: object) -> None:
        # Fault injection: the issuer's part fails after the paths' rows were changed.
        raise RuntimeError("database went away")

    monkeypatch.setattr(privacy_module, "erase_recipient_data", crash)
    with pytest.raises(RuntimeError):
        delete_account(session, session.get_one(User, story.maria), now=NOW)
    session.rollback()

    assert session.get_one(User, story.maria).email == "maria@example.org"
    assert session.scalar(select(func.count()).select_from(User)) == users
    assert session.scalar(select(func.count()).select_from(Artefact)) == artefacts
    assert session.get_one(Enrolment, story.maria_enrolment).user_id == story.maria
    assert session.get_one(Submission, story.versions[0]).note == "Please look at page 2."
    assert story.store.open(sha(MARIA_DRAFT)) == MARIA_DRAFT
    assert session.scalars(select(Issuance.recipient_email)).all() == ["maria@example.org"]


def test_an_assessor_who_leaves_keeps_their_reviews_without_their_name(
    session: Session, story: Story
) -> None:
    delete(session, story, story.anna)

    reviews = session.scalars(select(Review).order_by(Review.id)).all()
    assert [(r.assessor_id, r.feedback) for r in reviews] == [
        (None, "Maria, the figures are missing."),
        (None, ""),
    ]
    actors = session.scalars(
        select(ReviewEvent.actor_id).where(ReviewEvent.action.in_(("approve", "reject")))
    ).all()
    assert actors == [None, None]
    assert session.get_one(Submission, story.versions[1]).state == "approved"


def test_the_only_platform_admin_cannot_delete_their_account(
    session: Session, story: Story
) -> None:
    grant_role(session, story.anna, Role.PLATFORM_ADMIN)
    session.commit()
    with pytest.raises(LastPlatformAdmin):
        delete_account(session, session.get_one(User, story.anna), now=NOW)
    session.rollback()

    grant_role(session, story.ivan, Role.PLATFORM_ADMIN)
    session.commit()
    delete(session, story, story.anna)
    assert session.get(User, story.anna) is None


def test_event_claims_and_bulk_lines_lose_the_name_and_address(
    session: Session, story: Story
) -> None:
    credential = only_credential(session)
    issuance = session.get_one(Issuance, credential.issuance_id)
    window = ClaimWindow(
        issuer_id=issuance.issuer_id, achievement_id=issuance.achievement_id, token="t" * 32,
        event_name="Open data day", opens_at=NOW, closes_at=NOW, created_at=NOW,
    )  # fmt: skip
    bulk = BulkAward(
        issuer_id=issuance.issuer_id, achievement_id=issuance.achievement_id,
        filename="cohort.csv", created_at=NOW,
    )  # fmt: skip
    session.add_all([window, bulk])
    session.flush()
    waiting = Claim(window_id=window.id, name="Maria", email="maria@example.org",
                    confirmation_token_hash=token_hash("waiting"), created_at=NOW)  # fmt: skip
    granted = Claim(window_id=window.id, name="Maria P.", email="maria.p@example.org",
                    confirmation_token_hash=token_hash("granted"), created_at=NOW,
                    issuance_id=issuance.id)  # fmt: skip
    others = Claim(window_id=window.id, name="Ivan", email="ivan@example.org",
                   confirmation_token_hash=token_hash("ivan"), created_at=NOW)  # fmt: skip
    line = BulkAwardRow(
        bulk_award_id=bulk.id, row_number=2, name="Maria", email="maria@example.org"
    )
    session.add_all([waiting, granted, others, line])
    session.commit()
    ids = (waiting.id, granted.id, others.id, line.id)
    exported = data_json(export(session, story, story.maria))["credentials"]["claims"]
    assert [(c["event"], c["name"]) for c in exported] == [
        ("Open data day", "Maria"),
        ("Open data day", "Maria P."),
    ]

    delete(session, story, story.maria)

    assert session.get(Claim, ids[0]) is None  # never became a badge: nothing to keep
    kept = session.get_one(Claim, ids[1])
    assert (kept.name, kept.email) == (ERASED, f"{ERASED}-{ids[1]}")
    with pytest.raises(ClaimNotFound):
        claim_by_secret(session, "granted")  # the emailed link is dead
    assert session.get_one(Claim, ids[2]).email == "ivan@example.org"
    scrubbed = session.get_one(BulkAwardRow, ids[3])
    assert (scrubbed.name, scrubbed.email) == (ERASED, ERASED)
