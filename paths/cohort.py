"""A path's cohort at a glance (issue #6): enrolments by state, and progress per competence.

Every figure comes from a GROUP BY query over all versions of the path at once, never from a
loop over participants: the benchmark has 100,000 participants and a million submissions, and
these queries read only the indexed ``enrolments (path_id, state)`` and ``submissions`` rows.
A competence counts as approved for a participant when every evidence requirement of it
(documentation, assessment) has an approved submission; as submitted when anything was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from paths.models import Element, Enrolment, Requirement, Submission, ValidationPath
from paths.path_versions import get_path

ENROLMENT_STATES = ("active", "completed", "withdrawn")


@dataclass(frozen=True, slots=True)
class ElementShare:
    """How the active participants of one version stand on one competence."""

    element_id: int
    code: str
    title: Mapping[str, str]
    active: int
    approved: int
    submitted: int

    @property
    def not_started(self) -> int:
        """Active participants who have sent nothing for it yet."""
        return self.active - self.approved - self.submitted

    def percent(self, count: int) -> int:
        """``count`` as a whole percentage of the active participants."""
        return 100 * count // self.active if self.active else 0


@dataclass(frozen=True, slots=True)
class VersionOverview:
    """One path version: enrolments by state and the per-competence shares."""

    path_id: int
    version: int
    state: str
    counts: Mapping[str, int]
    elements: tuple[ElementShare, ...] = field(default_factory=tuple)

    @property
    def enrolled(self) -> int:
        """Everyone who ever enrolled in this version."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class CohortOverview:
    """All versions of a path, newest first."""

    code: str
    title: Mapping[str, str]
    issuer_id: int
    versions: tuple[VersionOverview, ...]


def cohort_overview(session: Session, path_id: int) -> CohortOverview:
    """The cohort of every version of the path ``path_id`` belongs to.

    Raises:
        PathNotFound: no such path.
    """
    path = get_path(session, path_id)
    versions = session.execute(
        select(ValidationPath.id, ValidationPath.version, ValidationPath.state)
        .where(ValidationPath.code == path.code)
        .order_by(ValidationPath.version.desc())
    ).all()
    ids = [row.id for row in versions]
    counts = _enrolment_counts(session, ids)
    shares = _element_shares(session, ids, counts)
    return CohortOverview(
        code=path.code,
        title=path.title,
        issuer_id=path.issuer_id,
        versions=tuple(
            VersionOverview(
                row.id,
                row.version,
                row.state,
                {state: counts.get((row.id, state), 0) for state in ENROLMENT_STATES},
                tuple(shares.get(row.id, [])),
            )
            for row in versions
        ),
    )


def _enrolment_counts(session: Session, ids: list[int]) -> dict[tuple[int, str], int]:
    rows = session.execute(
        select(Enrolment.path_id, Enrolment.state, func.count())
        .where(Enrolment.path_id.in_(ids))
        .group_by(Enrolment.path_id, Enrolment.state)
    ).all()
    return {(path_id, state): count for path_id, state, count in rows}


def _element_shares(
    session: Session, ids: list[int], counts: Mapping[tuple[int, str], int]
) -> dict[int, list[ElementShare]]:
    """Per version and element: active participants with it approved, and with anything sent."""
    evidence = and_(Requirement.path_id.in_(ids), Requirement.stage != "identification")
    needed = (
        select(
            Requirement.path_id,
            Requirement.element_id,
            func.count().label("needed"),
            func.min(Requirement.position).label("position"),
        )
        .where(evidence)
        .group_by(Requirement.path_id, Requirement.element_id)
        .subquery()
    )
    approved_requirement = case((Submission.state == "approved", Submission.requirement_id))
    per_participant = (
        select(
            Requirement.path_id,
            Requirement.element_id,
            func.count(distinct(approved_requirement)).label("approved"),
        )
        .join(Submission, Submission.requirement_id == Requirement.id)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(evidence, Enrolment.state == "active", Submission.state != "superseded")
        .group_by(Submission.enrolment_id, Requirement.path_id, Requirement.element_id)
        .subquery()
    )
    done = case((per_participant.c.approved >= needed.c.needed, 1), else_=0)
    tallies = session.execute(
        select(
            needed.c.path_id,
            needed.c.element_id,
            func.coalesce(func.sum(done), 0),
            func.count(per_participant.c.element_id),
        )
        .outerjoin(
            per_participant,
            and_(
                per_participant.c.path_id == needed.c.path_id,
                per_participant.c.element_id == needed.c.element_id,
            ),
        )
        .group_by(needed.c.path_id, needed.c.element_id, needed.c.position)
        .order_by(needed.c.path_id, needed.c.position)
    ).all()
    names = {
        row.id: (row.code, row.title)
        for row in session.execute(
            select(Element.id, Element.code, Element.title).where(
                Element.id.in_({row[1] for row in tallies})
            )
        )
    }
    shares: dict[int, list[ElementShare]] = {}
    for path_id, element_id, approved, started in tallies:
        active = counts.get((path_id, "active"), 0)
        code, title = names[element_id]
        share = ElementShare(element_id, code, title, active, int(approved), started - approved)
        shares.setdefault(path_id, []).append(share)
    return shares
