"""The review queue's filters agree with the whole queue, however the query is built (issue #6).

A competence filter is answered by merging one page per requirement, and a path filter by
naming its requirements (so that PostgreSQL reads only their waiting rows at a million
submissions). Whatever the route, a filtered page must be exactly the whole queue filtered:
same order, same exclusions (own work, conflicts, reviewed, closed enrolments), same paging.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.accounts import Role
from badges.accounts.service import create_organisation, grant_role, register
from issuer import create_issuer
from paths import (
    QueueItem,
    Review,
    Submission,
    ValidationPath,
    assign_assessor,
    declare_conflict,
    enrol,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
    review_queue,
)
from tests.environment import NOW

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = ROOT / "paths" / "data" / "smart_city_framework.json"
DEMO_PATHS = ROOT / "paths" / "data" / "demo_paths.json"


@dataclass(frozen=True, slots=True)
class Queue:
    assessor: int
    paths: dict[str, ValidationPath]
    hidden: set[int]


def _user(session: Session, name: str, role: Role | None = None) -> int:
    user = register(session, email=f"{name}@example.org", name=name,
                    password="a long passphrase 1", now=NOW)  # fmt: skip
    if role is not None:
        grant_role(session, user.id, role)
    return user.id


@pytest.fixture
def queue(session: Session) -> Queue:
    """Waiting answers on three paths, spread in time with ties, and some that must not show."""
    import_framework(session, load_framework_json(FRAMEWORK.read_bytes(), "f"), now=NOW)
    for slug in ("sofia-smart-city-academy", "cluj-urban-innovation-lab"):
        organisation = create_organisation(session, slug=slug, name=slug, now=NOW)
        create_issuer(session, organisation.id, name=slug, base_url="http://x.example", now=NOW)
    import_paths(session, load_paths_json(DEMO_PATHS.read_bytes(), "demo_paths.json"), now=NOW)
    paths = {p.code: p for p in session.scalars(select(ValidationPath).order_by(ValidationPath.id))}
    anna, boris = _user(session, "anna", Role.ASSESSOR), _user(session, "boris", Role.ASSESSOR)
    for code in ("scpd", "scpm"):  # not iot-sensor-networks
        assign_assessor(session, code, anna, now=NOW)
        assign_assessor(session, code, boris, now=NOW)
    hidden: set[int] = set()
    for index in range(12):
        path = list(paths.values())[index % 3]
        user = _user(session, f"p{index}")
        enrolment = enrol(session, path.id, user_id=user, now=NOW)
        evidence = [r for r in path.requirements if r.stage != "identification"]
        for position, requirement in enumerate(evidence):
            if (index + position) % 3 == 2:
                continue
            state = ("submitted", "appealed", "approved")[(index * position) % 5 % 3]
            hours = (index * 7 + position * 3) % 40 // 5  # many ties, broken by id
            submission = Submission(enrolment_id=enrolment.id, requirement_id=requirement.id,
                                    version=1, state=state, note="",
                                    submitted_at=NOW - timedelta(hours=hours))  # fmt: skip
            session.add(submission)
            session.flush()
            if index == 4 and state != "approved":  # Anna already approved (of two needed)
                session.add(Review(submission_id=submission.id, assessor_id=anna,
                                   decision="approve", feedback="", at=NOW))  # fmt: skip
                hidden.add(submission.id)
            if index in (5, 6, 7) and state != "approved":
                hidden.add(submission.id)
        if index == 5:
            declare_conflict(session, assessor_id=anna, participant_id=user, reason="", now=NOW)
        if index == 6:
            enrolment.state = "withdrawn"
        if index == 7:  # Anna's own work: she enrolled on the path herself
            enrolment.user_id = anna
    session.commit()
    return Queue(anna, paths, hidden)


def pages(session: Session, assessor: int, size: int, **filters: object) -> list[QueueItem]:
    """Every item, fetched ``size`` at a time with the ``after`` cursor."""
    items: list[QueueItem] = []
    while True:
        after = items[-1].cursor if items else None
        page = review_queue(session, assessor, limit=size, after=after, **filters)  # type: ignore[arg-type]
        items += page
        if len(page) < size:
            return items


def test_filtered_pages_are_the_whole_queue_filtered(session: Session, queue: Queue) -> None:
    whole = review_queue(session, queue.assessor, limit=200)
    assert len(whole) > 30
    assert queue.hidden
    assert not queue.hidden & {item.submission_id for item in whole}
    assert {item.path_id for item in whole} == {queue.paths["scpd"].id, queue.paths["scpm"].id}
    elements = {r.element_id for p in queue.paths.values() for r in p.requirements}
    shared = {r.element_id for r in queue.paths["scpd"].requirements} & {
        r.element_id for r in queue.paths["scpm"].requirements
    }
    assert shared  # a competence on two paths: four requirements merged
    for path in (None, *(p.id for p in queue.paths.values())):
        for element in (None, *sorted(elements)):
            for older in (None, NOW - timedelta(hours=20)):
                expected = [
                    item
                    for item in whole
                    if (path is None or item.path_id == path)
                    and (element is None or item.element_id == element)
                    and (older is None or item.submitted_at < older)
                ]
                filters = {"path_id": path, "element_id": element, "older_than": older}
                got = review_queue(session, queue.assessor, limit=200, **filters)  # type: ignore[arg-type]
                assert got == expected, filters
                assert pages(session, queue.assessor, 2, **filters) == expected, filters
    merged = [review_queue(session, queue.assessor, element_id=e, limit=200) for e in shared]
    assert max(len({item.requirement_id for item in items}) for items in merged) > 2


def test_a_path_the_assessor_does_not_review_gives_nothing(session: Session, queue: Queue) -> None:
    iot = queue.paths["iot-sensor-networks"]
    element = iot.requirements[0].element_id
    assert review_queue(session, queue.assessor, path_id=iot.id) == []
    assert review_queue(session, queue.assessor, element_id=element) == []
    assert review_queue(session, queue.assessor, path_id=iot.id + 1000) == []
