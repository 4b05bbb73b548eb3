"""Validation paths on both backends: publishing, immutability, enrolment, evidence, progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts.service import register
from paths import (
    AlreadyEnrolled,
    DuplicateSubmission,
    Element,
    EnrolmentClosed,
    EnrolmentNotFound,
    EvidenceFile,
    EvidenceItem,
    InvalidEvidence,
    LocalEvidenceStore,
    PathClosed,
    PathInvalid,
    PathNotEditable,
    PathVersionConflict,
    Requirement,
    Submission,
    UnsupportedFileType,
    ValidationPath,
    add_requirement,
    catalogue,
    check_path,
    enrol,
    gap_map,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
    new_version,
    progress,
    publish,
    remove_requirement,
    self_assess,
    submit_evidence,
    withdraw,
)
from paths.models import PublishedPathChanged
from tests.environment import NOW
from tests.paths_demo import load_demo_paths

ROOT = Path(__file__).resolve().parents[2]
DEMO_PATHS = ROOT / "paths" / "data" / "demo_paths.json"
PDF = b"%PDF-1.7\nA project plan\n"
FILE_AND_LINK = (EvidenceItem.of_file(PDF, "a.pdf"), EvidenceItem.of_link("https://a.example"))


@pytest.fixture
def demo(session: Session) -> dict[str, ValidationPath]:
    """The demo framework, both demo issuers and the three demo paths, committed."""
    paths = load_demo_paths(session)
    session.commit()
    return paths


@pytest.fixture
def user_id(session: Session) -> int:
    user = register(
        session, email="maria@example.org", name="Maria", password="a long passphrase 1", now=NOW
    )
    session.commit()
    return user.id


@pytest.fixture
def store(tmp_path: Path) -> LocalEvidenceStore:
    return LocalEvidenceStore(tmp_path / "evidence")


def requirements(session: Session, path: ValidationPath, stage: str) -> list[Requirement]:
    return [r for r in path.requirements if r.stage == stage]


def submit(
    session: Session,
    store: LocalEvidenceStore,
    enrolment_id: int,
    requirement_id: int,
    user_id: int,
    *items: EvidenceItem,
) -> Submission:
    return submit_evidence(session, enrolment_id, requirement_id, user_id=user_id, items=items,
                           store=store, max_upload_mb=1, now=NOW)  # fmt: skip


def test_the_demo_paths_are_published_and_cover_their_scope(
    session: Session, demo: dict[str, ValidationPath]
) -> None:
    assert set(demo) == {"scpd", "scpm", "iot-sensor-networks"}
    assert all(p.state == "published" and p.published_at == NOW for p in demo.values())
    scpd = demo["scpd"]
    codes = {r.element.code for r in scpd.requirements}
    assert codes == {f"U{u}.E{e}" for u, n in ((1, 3), (2, 4), (4, 3)) for e in range(1, n + 1)}
    assert len(scpd.requirements) == 3 * len(codes)
    two = [r for r in scpd.requirements if r.approvals_needed == 2]
    assert [(r.element.code, r.stage) for r in two] == [("U2.E3", "assessment")]
    assert {len(r.rubric) for r in requirements(session, scpd, "assessment")} == {3}
    assert check_path(session, scpd) == []


def test_importing_the_same_file_twice_changes_nothing(
    session: Session, demo: dict[str, ValidationPath]
) -> None:
    spec = load_paths_json(DEMO_PATHS.read_bytes(), "demo_paths.json")
    results = import_paths(session, spec, now=NOW)
    assert [r.created for r in results] == [False, False, False]
    assert session.scalar(select(func.count()).select_from(Requirement)) == sum(
        len(p.requirements) for p in demo.values()
    )
    changed = json.loads(DEMO_PATHS.read_bytes())
    changed["paths"][0]["defaults"]["documentation"]["min_items"] = 3
    with pytest.raises(PathVersionConflict):
        import_paths(session, load_paths_json(json.dumps(changed).encode(), "x.json"), now=NOW)


def test_a_published_path_never_changes(session: Session, demo: dict[str, ValidationPath]) -> None:
    scpd = demo["scpd"]
    with pytest.raises(PathNotEditable):
        add_requirement(session, scpd, element_id=scpd.requirements[0].element_id,
                        stage="documentation", evidence_kinds=["text"], min_items=1)  # fmt: skip
    with pytest.raises(PathNotEditable):
        remove_requirement(session, scpd, scpd.requirements[0].id)
    scpd.title = {"en": "Renamed"}
    with pytest.raises(PublishedPathChanged):
        session.flush()
    session.rollback()
    scpd.requirements[0].min_items = 5
    with pytest.raises(PublishedPathChanged):
        session.flush()
    session.rollback()


def test_an_edit_is_a_new_version_and_enrolments_stay_on_theirs(
    session: Session, demo: dict[str, ValidationPath], user_id: int
) -> None:
    enrolment = enrol(session, demo["scpd"].id, user_id=user_id, now=NOW)
    draft = new_version(session, demo["scpd"].id, now=NOW)
    assert (draft.version, draft.state, len(draft.requirements)) == (
        2, "draft", len(demo["scpd"].requirements)
    )  # fmt: skip
    doomed = requirements(session, draft, "assessment")[0]
    remove_requirement(session, draft, doomed.id)
    with pytest.raises(PathInvalid) as caught:
        publish(session, draft.id, now=NOW)
    assert [i.field for i in caught.value.issues] == ["assessment"]
    add_requirement(session, draft, element_id=doomed.element_id, stage="assessment",
                    method="interview", rubric=doomed.rubric)  # fmt: skip
    publish(session, draft.id, now=NOW)
    session.commit()
    assert demo["scpd"].state == "retired"
    assert enrolment.path_id == demo["scpd"].id
    assert [p.version for p in catalogue(session) if p.code == "scpd"] == [2]
    with pytest.raises(PathClosed):
        enrol(session, demo["scpd"].id, user_id=user_id, now=NOW)


def test_publishing_refuses_elements_of_another_framework_and_bad_rubrics(
    session: Session, demo: dict[str, ValidationPath]
) -> None:
    mini = load_framework_json((ROOT / "tests/fixtures/frameworks/mini.json").read_bytes(), "m")
    import_framework(session, mini, now=NOW)
    foreign = session.scalars(
        select(Element).where(Element.framework_id != demo["scpd"].framework_id)
    ).first()
    assert foreign is not None
    draft = new_version(session, demo["iot-sensor-networks"].id, now=NOW)
    add_requirement(session, draft, element_id=foreign.id, stage="documentation",
                    evidence_kinds=["pdf"], min_items=1)  # fmt: skip
    add_requirement(session, draft, element_id=draft.requirements[0].element_id,
                    stage="assessment", method="guessing", rubric=[{"level": 2}])  # fmt: skip
    with pytest.raises(PathInvalid) as caught:
        publish(session, draft.id, now=NOW)
    assert {(i.where, i.field) for i in caught.value.issues} == {
        (f"requirements[{len(draft.requirements) - 2}]", "element"),
        (f"requirements[{len(draft.requirements) - 1}]", "method"),
        (f"requirements[{len(draft.requirements) - 1}]", "rubric"),
    }


def test_the_catalogue_filters_by_role_language_and_issuer(
    session: Session, demo: dict[str, ValidationPath]
) -> None:
    assert [p.code for p in catalogue(session)] == ["iot-sensor-networks", "scpd", "scpm"]
    assert [p.code for p in catalogue(session, role_code="SCPD")] == ["scpd"]
    # The engineer role includes unit U5, so the IoT unit path shows up on the way.
    assert [p.code for p in catalogue(session, role_code="SCE")] == ["iot-sensor-networks"]
    assert [p.code for p in catalogue(session, language="de")] == ["iot-sensor-networks", "scpd"]
    cluj = demo["iot-sensor-networks"].issuer_id
    assert [p.code for p in catalogue(session, issuer_id=cluj)] == ["iot-sensor-networks"]


def test_enrolment_is_one_at_a_time_and_withdrawal_closes_it(
    session: Session, demo: dict[str, ValidationPath], user_id: int, store: LocalEvidenceStore
) -> None:
    path = demo["iot-sensor-networks"]
    enrolment = enrol(session, path.id, user_id=user_id, now=NOW)
    with pytest.raises(AlreadyEnrolled):
        enrol(session, path.id, user_id=user_id, now=NOW)
    withdraw(session, enrolment.id, user_id=user_id, now=NOW)
    session.commit()
    requirement = requirements(session, path, "documentation")[0]
    with pytest.raises(EnrolmentClosed):
        submit(session, store, enrolment.id, requirement.id, user_id, *FILE_AND_LINK)
    with pytest.raises(EnrolmentNotFound):
        withdraw(session, enrolment.id, user_id=user_id + 1, now=NOW)
    again = enrol(session, path.id, user_id=user_id, now=NOW)
    assert again.id != enrolment.id
    assert again.state == "active"


def test_self_assessment_gives_the_gap_map(
    session: Session, demo: dict[str, ValidationPath], user_id: int
) -> None:
    path = demo["iot-sensor-networks"]
    enrolment = enrol(session, path.id, user_id=user_id, now=NOW)
    gaps = gap_map(session, enrolment)
    assert [g.element_code for g in gaps] == ["U5.E1", "U5.E2", "U5.E3", "U5.E4"]
    assert all(g.gap is None for g in gaps)
    first = gaps[0]
    self_assess(session, enrolment.id, user_id=user_id, levels={first.element_id: 2}, now=NOW)
    self_assess(session, enrolment.id, user_id=user_id, levels={first.element_id: 1}, now=NOW)
    again = gap_map(session, enrolment)[0]
    assert (again.self_level, again.gap) == (1, max(first.required_level - 1, 0))
    with pytest.raises(InvalidEvidence):
        self_assess(session, enrolment.id, user_id=user_id, levels={first.element_id: 9}, now=NOW)


def test_evidence_rules_duplicates_and_resubmission(
    session: Session, demo: dict[str, ValidationPath], user_id: int, store: LocalEvidenceStore
) -> None:
    path = demo["scpd"]
    enrolment = enrol(session, path.id, user_id=user_id, now=NOW)
    doc = requirements(session, path, "documentation")[0]
    with pytest.raises(InvalidEvidence):
        submit(session, store, enrolment.id, doc.id, user_id)  # min_items 1
    with pytest.raises(InvalidEvidence):
        submit(session, store, enrolment.id, doc.id, user_id, EvidenceItem.of_link("javascript:x"))
    with pytest.raises(InvalidEvidence):
        submit(session, store, enrolment.id, doc.id, user_id, EvidenceItem.of_text("x" * 20_001))
    with pytest.raises(UnsupportedFileType):
        submit(session, store, enrolment.id, doc.id, user_id,
               EvidenceItem.of_file(b"<html><script>1</script></html>", "plan.pdf"))  # fmt: skip
    first = submit(session, store, enrolment.id, doc.id, user_id,
                   EvidenceItem.of_file(PDF, "../../plan.pdf"))  # fmt: skip
    session.commit()
    with pytest.raises(DuplicateSubmission):
        submit(session, store, enrolment.id, doc.id, user_id, EvidenceItem.of_file(PDF, "b.pdf"))
    # The same file serves a second requirement: one artefact, one stored file.
    other = requirements(session, path, "documentation")[1]
    reused = submit(session, store, enrolment.id, other.id, user_id,
                    EvidenceItem.of_file(PDF, "plan.pdf"))  # fmt: skip
    assert reused.items[0].artefact_id == first.items[0].artefact_id
    assert first.items[0].artefact.filename == "plan.pdf"
    assert session.scalar(select(func.count()).select_from(EvidenceFile)) == 1
    assert store.open(first.items[0].artefact.file_sha256 or "") == PDF
    # Rejected (by the next slice's review), then sent again: both versions are kept.
    first.state = "rejected"
    second = submit(session, store, enrolment.id, doc.id, user_id,
                    EvidenceItem.of_text("I led the procurement."))  # fmt: skip
    third = submit(session, store, enrolment.id, doc.id, user_id,
                   EvidenceItem.of_link("https://city.example/report"))  # fmt: skip
    session.commit()
    assert [tuple(v) for v in session.execute(
        select(Submission.version, Submission.state)
        .where(Submission.requirement_id == doc.id).order_by(Submission.version)
    )] == [(1, "rejected"), (2, "superseded"), (3, "submitted")]  # fmt: skip
    assert (second.version, third.version) == (2, 3)


def test_another_participant_cannot_submit_to_my_enrolment(
    session: Session, demo: dict[str, ValidationPath], user_id: int, store: LocalEvidenceStore
) -> None:
    enrolment = enrol(session, demo["scpd"].id, user_id=user_id, now=NOW)
    doc = requirements(session, demo["scpd"], "documentation")[0]
    with pytest.raises(EnrolmentNotFound):
        submit(session, store, enrolment.id, doc.id, user_id + 1, EvidenceItem.of_text("mine"))


def test_progress_counts_per_element_and_stage(
    session: Session, demo: dict[str, ValidationPath], user_id: int, store: LocalEvidenceStore
) -> None:
    path = demo["iot-sensor-networks"]  # 4 elements x 3 stages
    enrolment = enrol(session, path.id, user_id=user_id, now=NOW)
    docs = requirements(session, path, "documentation")
    element = docs[0].element_id
    self_assess(session, enrolment.id, user_id=user_id, levels={element: 3}, now=NOW)
    a = submit(session, store, enrolment.id, docs[0].id, user_id, *FILE_AND_LINK)
    link = EvidenceItem.of_link("https://b.example")
    submit(session, store, enrolment.id, docs[1].id, user_id, FILE_AND_LINK[0], link)
    a.state = "approved"
    session.commit()

    result = progress(session, enrolment)
    assert (result.overall.total, result.overall.done, result.overall.pending) == (12, 2, 1)
    assert result.overall.percent == 16
    assert result.by_stage["identification"].done == 1
    assert (result.by_stage["documentation"].done, result.by_stage["documentation"].pending) == (
        1,
        1,
    )
    assert result.by_stage["assessment"].done == 0
    assert (result.by_element[element].done, result.by_element[element].total) == (2, 3)
    assert result.by_element[element].percent == 66
    assert not result.complete


def test_the_cli_imports_paths(runner: FlaskCliRunner, session: Session, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "badges-validation-paths/1", "paths": [{"code": 1}]}')
    result = runner.invoke(args=["paths", "import-paths", str(bad)])
    assert result.exit_code == 1
    assert "bad.json:paths[0]: code:" in result.output
