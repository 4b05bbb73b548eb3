"""A path's cohort at a glance (issue #6): enrolments by state, and progress per competence.

Every figure comes from a GROUP BY query over all versions of the path at once, never from a
loop over participants. A competence counts as approved for a participant when every evidence
requirement of it (documentation, assessment) has an approved submission; as submitted when
anything was sent.

Those queries still read every live submission of the path: ``bench/paths.py`` measured 0.7 to
1.6 s with 100,000 participants and 1,000,000 submissions, far over the page's 100 ms. Exact
running counters would need every writer of submissions and enrolments (evidence, reviews,
withdrawal, completion, account deletion) to keep them in step; an admin's overview does not
need to be exact to the second. So the page uses :func:`recent_cohort_overview`, which keeps the
figures in :class:`paths.models.CohortSnapshot` and computes them again once they are
``SNAPSHOT_MAX_AGE`` old (or a version was added); the page says how old they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, case, distinct, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paths.models import (
    CohortSnapshot,
    Element,
    Enrolment,
    Requirement,
    Submission,
    ValidationPath,
)
from paths.path_versions import get_path

ENROLMENT_STATES = ("active", "completed", "withdrawn")
#: How old the figures on the cohort page may be before they are computed again.
SNAPSHOT_MAX_AGE = timedelta(minutes=5)


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
    #: When the figures were computed; None when computed for this call.
    as_of: datetime | None = None


#: Per path version id: enrolment counts by state, and the competence shares in path order.
Figures = dict[int, tuple[dict[str, int], list[ElementShare]]]


def cohort_overview(session: Session, path_id: int) -> CohortOverview:
    """The cohort of every version of the path ``path_id`` belongs to, computed now.

    Raises:
        PathNotFound: no such path.
    """
    path = get_path(session, path_id)
    versions = _versions(session, path.code)
    return _overview(path, versions, _figures(session, [row.id for row in versions]), None)


def recent_cohort_overview(
    session: Session, path_id: int, *, now: datetime, max_age: timedelta = SNAPSHOT_MAX_AGE
) -> CohortOverview:
    """The cohort as last computed if that is younger than ``max_age``; else computed and kept.

    Computed again too when the path gained a version since. The caller commits, so that the
    next viewers get the kept copy; two viewers computing at once keep one of theirs.

    Raises:
        PathNotFound: no such path.
    """
    path = get_path(session, path_id)
    versions = _versions(session, path.code)
    ids = [row.id for row in versions]
    snapshot = session.get(CohortSnapshot, path.code)
    if (
        snapshot is not None
        and now - snapshot.computed_at < max_age
        and set(snapshot.figures) == {str(version_id) for version_id in ids}
    ):
        return _overview(path, versions, _loaded(snapshot.figures), snapshot.computed_at)
    figures = _figures(session, ids)
    if snapshot is None:
        try:
            with session.begin_nested():
                snapshot = CohortSnapshot(
                    path_code=path.code, figures=_dumped(figures), computed_at=now
                )
                session.add(snapshot)
        except IntegrityError:  # another viewer kept theirs first: as good as ours
            pass
    else:
        snapshot.figures, snapshot.computed_at = _dumped(figures), now
        session.flush()
    return _overview(path, versions, figures, now)


def _versions(session: Session, code: str) -> Sequence[Row[int, int, str]]:
    return session.execute(
        select(ValidationPath.id, ValidationPath.version, ValidationPath.state)
        .where(ValidationPath.code == code)
        .order_by(ValidationPath.version.desc())
    ).all()


def _overview(
    path: ValidationPath,
    versions: Sequence[Row[int, int, str]],
    figures: Figures,
    as_of: datetime | None,
) -> CohortOverview:
    return CohortOverview(
        code=path.code,
        title=path.title,
        issuer_id=path.issuer_id,
        versions=tuple(
            VersionOverview(
                row.id,
                row.version,
                row.state,
                figures.get(row.id, ({}, []))[0],
                tuple(figures.get(row.id, ({}, []))[1]),
            )
            for row in versions
        ),
        as_of=as_of,
    )


def _figures(session: Session, ids: list[int]) -> Figures:
    counts = _enrolment_counts(session, ids)
    shares = _element_shares(session, ids, counts)
    return {
        version_id: (
            {state: counts.get((version_id, state), 0) for state in ENROLMENT_STATES},
            shares.get(version_id, []),
        )
        for version_id in ids
    }


def _dumped(figures: Figures) -> dict[str, Any]:
    """JSON for the snapshot: object keys are strings, so version ids become text."""
    return {
        str(version_id): {
            "counts": counts,
            "elements": [
                {
                    "id": e.element_id,
                    "code": e.code,
                    "title": dict(e.title),
                    "active": e.active,
                    "approved": e.approved,
                    "submitted": e.submitted,
                }
                for e in shares
            ],
        }
        for version_id, (counts, shares) in figures.items()
    }


def _loaded(data: Mapping[str, Any]) -> Figures:
    return {
        int(version_id): (
            {state: int(entry["counts"].get(state, 0)) for state in ENROLMENT_STATES},
            [
                ElementShare(
                    e["id"], e["code"], e["title"], e["active"], e["approved"], e["submitted"]
                )
                for e in entry["elements"]
            ],
        )
        for version_id, entry in data.items()
    }


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
