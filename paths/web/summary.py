"""What the participant's pages show, gathered in a few queries (no Flask here).

The progress page needs, per requirement, its status, the latest version sent and the
assessors' feedback on it; the catalogue needs the roles and issuers to filter by. Each is one
query over the enrolment's or the catalogue's rows, never one query per requirement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from issuer.models import Achievement, Issuer
from paths.enrolment import Progress, Tally
from paths.models import (
    Element,
    Enrolment,
    Requirement,
    Review,
    Submission,
    ValidationPath,
    WorkRole,
)


@dataclass(frozen=True, slots=True)
class RequirementRow:
    """One requirement on the progress page: where it stands and what the assessors said."""

    requirement: Requirement
    #: ``done`` | ``pending`` | ``rejected`` | ``open`` (see :class:`paths.Progress`).
    status: str
    latest: Submission | None
    reviews: Sequence[Review]


@dataclass(frozen=True, slots=True)
class ElementRow:
    """One competence on the progress page with its requirements in path order."""

    element: Element
    tally: Tally
    requirements: Sequence[RequirementRow]


def latest_submissions(session: Session, enrolment_id: int) -> dict[int, Submission]:
    """The newest version sent for each requirement of the enrolment."""
    latest: dict[int, Submission] = {}
    for submission in session.scalars(
        select(Submission)
        .where(Submission.enrolment_id == enrolment_id)
        .order_by(Submission.version)
    ):
        latest[submission.requirement_id] = submission
    return latest


def reviews_of(session: Session, submission_ids: Iterable[int]) -> dict[int, list[Review]]:
    """Every review of the given submissions, oldest first, by submission id."""
    ids = list(submission_ids)
    reviews: dict[int, list[Review]] = {}
    if not ids:
        return reviews
    for review in session.scalars(
        select(Review).where(Review.submission_id.in_(ids)).order_by(Review.at, Review.id)
    ):
        reviews.setdefault(review.submission_id, []).append(review)
    return reviews


def element_rows(session: Session, enrolment: Enrolment, result: Progress) -> list[ElementRow]:
    """The path's competences in path order, each with its requirements and their status."""
    latest = latest_submissions(session, enrolment.id)
    reviews = reviews_of(session, (s.id for s in latest.values()))
    grouped: dict[int, list[RequirementRow]] = {}
    elements: dict[int, Element] = {}
    for requirement in path_requirements(session, enrolment.path_id):
        submission = latest.get(requirement.id)
        grouped.setdefault(requirement.element_id, []).append(
            RequirementRow(
                requirement,
                result.status.get(requirement.id, "open"),
                submission,
                reviews.get(submission.id, []) if submission else [],
            )
        )
        elements[requirement.element_id] = requirement.element
    return [
        ElementRow(elements[element_id], result.by_element.get(element_id, Tally()), rows)
        for element_id, rows in grouped.items()
    ]


def path_requirements(session: Session, path_id: int) -> list[Requirement]:
    """The path's requirements in order, with their elements loaded in the same round trip."""
    return list(
        session.scalars(
            select(Requirement)
            .where(Requirement.path_id == path_id)
            .options(selectinload(Requirement.element))
            .order_by(Requirement.position)
        )
    )


@dataclass(frozen=True, slots=True)
class CatalogueChoices:
    """What the catalogue can be filtered by: roles (by code) and issuers of published paths."""

    roles: Mapping[str, Mapping[str, str]]
    issuers: Mapping[int, str]


def catalogue_choices(session: Session) -> CatalogueChoices:
    """The roles of the frameworks that published paths use, and the issuers offering them."""
    published = select(ValidationPath.framework_id).where(ValidationPath.state == "published")
    roles: dict[str, Mapping[str, str]] = {}
    for role in session.scalars(
        select(WorkRole).where(WorkRole.framework_id.in_(published)).order_by(WorkRole.position)
    ):
        roles.setdefault(role.code, role.title)
    issuer_ids = select(ValidationPath.issuer_id).where(ValidationPath.state == "published")
    issuers = {
        row.id: row.name
        for row in session.execute(
            select(Issuer.id, Issuer.name).where(Issuer.id.in_(issuer_ids)).order_by(Issuer.name)
        )
    }
    return CatalogueChoices(roles, issuers)


def issuer_names(session: Session, issuer_ids: Iterable[int]) -> dict[int, str]:
    """Issuer names by id, for paths listed together."""
    ids = set(issuer_ids)
    if not ids:
        return {}
    rows = session.execute(select(Issuer.id, Issuer.name).where(Issuer.id.in_(ids)))
    return {row.id: row.name for row in rows}


def achievement_name(session: Session, achievement_id: int) -> str:
    """The name of the badge a path awards."""
    return session.scalar(select(Achievement.name).where(Achievement.id == achievement_id)) or ""


def current_enrolments(session: Session, user_id: int) -> dict[int, Enrolment]:
    """The user's active or completed enrolments, by path version id."""
    return {
        enrolment.path_id: enrolment
        for enrolment in session.scalars(
            select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.state != "withdrawn")
        )
    }
