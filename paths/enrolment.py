"""Enrol in a path, self-assess (the identification stage), withdraw, and measure progress.

Progress is computed from three indexed queries per enrolment (requirements of the path version,
the enrolment's live submissions, its self-assessments) and folded in memory over the path's few
dozen requirements, never over the participant's rows one query at a time: the benchmark has a
million submissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.models import Element, Enrolment, Requirement, SelfAssessment, Submission
from paths.path_errors import (
    AlreadyEnrolled,
    ElementNotInPath,
    EnrolmentClosed,
    EnrolmentNotFound,
    InvalidEvidence,
    PathClosed,
)
from paths.path_versions import STAGES, get_path

#: Self-assessed levels: 0 (not yet) or an EQF level 1..8, the scale elements are set at.
MAX_LEVEL = 8
MAX_NOTE = 2000


def enrol(session: Session, path_id: int, *, user_id: int, now: datetime) -> Enrolment:
    """Enrol ``user_id`` in a published path version.

    Raises:
        PathNotFound: no such path.
        PathClosed: it is a draft or retired.
        AlreadyEnrolled: the user has a current (active or completed) enrolment in it.
    """
    path = get_path(session, path_id)
    if path.state != "published":
        raise PathClosed
    current = session.scalar(
        select(Enrolment.id).where(
            Enrolment.user_id == user_id,
            Enrolment.path_id == path_id,
            Enrolment.state != "withdrawn",
        )
    )
    if current is not None:
        raise AlreadyEnrolled
    enrolment = Enrolment(user_id=user_id, path_id=path_id, state="active", enrolled_at=now)
    try:
        with session.begin_nested():
            session.add(enrolment)
    except IntegrityError as err:  # two requests racing: the partial unique index decides
        raise AlreadyEnrolled from err
    return enrolment


def get_enrolment(session: Session, enrolment_id: int, *, user_id: int) -> Enrolment:
    """The user's own enrolment; another user's answers exactly like a missing one.

    Raises:
        EnrolmentNotFound: none with this id belongs to ``user_id``.
    """
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != user_id:
        raise EnrolmentNotFound
    return enrolment


def active_enrolment(session: Session, enrolment_id: int, *, user_id: int) -> Enrolment:
    """The user's enrolment, which must still be active to take changes.

    Raises:
        EnrolmentNotFound: not theirs or missing.
        EnrolmentClosed: withdrawn or completed.
    """
    enrolment = get_enrolment(session, enrolment_id, user_id=user_id)
    if enrolment.state != "active":
        raise EnrolmentClosed
    return enrolment


def withdraw(session: Session, enrolment_id: int, *, user_id: int, now: datetime) -> Enrolment:
    """Leave the path; earlier evidence is kept (and can be exported), nothing more is taken."""
    enrolment = active_enrolment(session, enrolment_id, user_id=user_id)
    enrolment.state = "withdrawn"
    enrolment.withdrawn_at = now
    session.flush()
    return enrolment


def my_enrolments(session: Session, *, user_id: int) -> list[Enrolment]:
    """The user's enrolments, newest first."""
    return list(
        session.scalars(
            select(Enrolment)
            .where(Enrolment.user_id == user_id)
            .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        )
    )


def self_assess(
    session: Session,
    enrolment_id: int,
    *,
    user_id: int,
    levels: Mapping[int, int],
    notes: Mapping[int, str] | None = None,
    now: datetime,
) -> list[SelfAssessment]:
    """Record (or change) the participant's own level for elements of their path.

    ``levels`` maps element id to 0 (not yet) .. 8 (EQF level).

    Raises:
        ElementNotInPath: an element the path does not cover.
        InvalidEvidence: a level outside 0..8 or an over-long note.
    """
    enrolment = active_enrolment(session, enrolment_id, user_id=user_id)
    notes = notes or {}
    allowed = set(
        session.scalars(
            select(Requirement.element_id).where(Requirement.path_id == enrolment.path_id)
        )
    )
    existing = {
        s.element_id: s
        for s in session.scalars(
            select(SelfAssessment).where(SelfAssessment.enrolment_id == enrolment.id)
        )
    }
    saved: list[SelfAssessment] = []
    for element_id, level in levels.items():
        if element_id not in allowed:
            raise ElementNotInPath
        if not 0 <= level <= MAX_LEVEL:
            raise InvalidEvidence(
                N_("Choose a level between 0 and %(max)s."),
                params={"max": MAX_LEVEL},
                field="level",
            )
        note = notes.get(element_id, "").strip()
        if len(note) > MAX_NOTE:
            raise InvalidEvidence(
                N_("A note can be at most %(max)s characters."),
                params={"max": MAX_NOTE},
                field="note",
            )
        row = existing.get(element_id)
        if row is None:
            row = SelfAssessment(enrolment_id=enrolment.id, element_id=element_id)
            session.add(row)
        row.level, row.note, row.assessed_at = level, note, now
        saved.append(row)
    session.flush()
    return saved


@dataclass(frozen=True, slots=True)
class Gap:
    """One element of the gap map: the level the path asks for against the participant's own."""

    element_id: int
    element_code: str
    title: Mapping[str, str]
    required_level: int
    self_level: int | None

    @property
    def gap(self) -> int | None:
        """Levels still to close (0: none); None before the participant self-assessed."""
        if self.self_level is None:
            return None
        return max(self.required_level - self.self_level, 0)


def gap_map(session: Session, enrolment: Enrolment) -> list[Gap]:
    """Every element of the path, in path order, with the required and self-assessed levels."""
    rows = session.execute(
        select(Element.id, Element.code, Element.title, Element.eqf_level, Requirement.position)
        .join(Requirement, Requirement.element_id == Element.id)
        .where(Requirement.path_id == enrolment.path_id)
        .order_by(Requirement.position)
    ).all()
    query = select(SelfAssessment.element_id, SelfAssessment.level).where(
        SelfAssessment.enrolment_id == enrolment.id
    )
    levels: dict[int, int] = {row.element_id: row.level for row in session.execute(query)}
    seen: set[int] = set()
    gaps: list[Gap] = []
    for element_id, code, title, eqf_level, _position in rows:
        if element_id in seen:
            continue
        seen.add(element_id)
        gaps.append(Gap(element_id, code, title, eqf_level, levels.get(element_id)))
    return gaps


@dataclass(frozen=True, slots=True)
class Tally:
    """Requirements met, waiting for review, rejected (to resubmit) and in all."""

    total: int = 0
    done: int = 0
    pending: int = 0
    rejected: int = 0

    @property
    def percent(self) -> int:
        """Share met, rounded down, so 100 means truly complete."""
        return 100 * self.done // self.total if self.total else 0

    def add(self, status: str) -> Tally:
        """This tally with one more requirement in ``status``."""
        return Tally(
            self.total + 1,
            self.done + (status == "done"),
            self.pending + (status == "pending"),
            self.rejected + (status == "rejected"),
        )


@dataclass(frozen=True, slots=True)
class Progress:
    """An enrolment's progress: overall, per element (in path order) and per stage."""

    overall: Tally
    by_element: Mapping[int, Tally]
    by_stage: Mapping[str, Tally]
    #: Requirement id -> ``done`` | ``pending`` | ``rejected`` | ``open``.
    status: Mapping[int, str]

    @property
    def complete(self) -> bool:
        """Every requirement is met: ready for certification."""
        return self.overall.total > 0 and self.overall.done == self.overall.total


def progress(session: Session, enrolment: Enrolment) -> Progress:
    """Where the enrolment stands on every requirement of its path version."""
    requirements = session.execute(
        select(Requirement.id, Requirement.element_id, Requirement.stage)
        .where(Requirement.path_id == enrolment.path_id)
        .order_by(Requirement.position)
    ).all()
    states: dict[int, set[str]] = {}
    for requirement_id, state in session.execute(
        select(Submission.requirement_id, Submission.state).where(
            Submission.enrolment_id == enrolment.id, Submission.state != "superseded"
        )
    ):
        states.setdefault(requirement_id, set()).add(state)
    assessed = set(
        session.scalars(
            select(SelfAssessment.element_id).where(SelfAssessment.enrolment_id == enrolment.id)
        )
    )
    overall = Tally()
    by_element: dict[int, Tally] = {}
    by_stage: dict[str, Tally] = {stage: Tally() for stage in STAGES}
    status: dict[int, str] = {}
    for requirement_id, element_id, stage in requirements:
        if stage == "identification":
            current = "done" if element_id in assessed else "open"
        else:
            current = _status(states.get(requirement_id, set()))
        status[requirement_id] = current
        overall = overall.add(current)
        by_element[element_id] = by_element.get(element_id, Tally()).add(current)
        by_stage[stage] = by_stage[stage].add(current)
    return Progress(overall, by_element, by_stage, status)


def _status(states: set[str]) -> str:
    if "approved" in states:
        return "done"
    if "submitted" in states or "appealed" in states:  # an appeal waits for a second assessor
        return "pending"
    if "rejected" in states:
        return "rejected"
    return "open"
