"""The competence map (issue #6): roles x competences, and a participant's own map by status.

The map is a small typed model built with a handful of queries (never one per element), and
:func:`render_svg` draws it as a self-contained SVG: no scripts, no external references, every
text escaped, status shown by colour *and* symbol, a ``<title>``/``<desc>`` for screen readers.
Output depends only on the model, so the same data always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.enrolment import progress
from paths.languages import pick_text
from paths.models import Element, Enrolment, Framework, Requirement, RoleUnit, Unit, WorkRole
from paths.path_errors import PathNotFound


class ElementStatus(StrEnum):
    """Where a participant stands on one competence, across its evidence requirements."""

    NOT_STARTED = "not_started"
    SUBMITTED = "submitted"
    #: An assessor rejected a version and nothing newer is waiting or approved.
    NEEDS_WORK = "needs_work"
    APPROVED = "approved"


@dataclass(frozen=True, slots=True)
class MapElement:
    """One competence row; ``status`` is None on the framework's (impersonal) map."""

    id: int
    code: str
    title: str
    status: ElementStatus | None = None


@dataclass(frozen=True, slots=True)
class MapUnit:
    """A unit of competence: a group of rows."""

    code: str
    title: str
    elements: tuple[MapElement, ...]


@dataclass(frozen=True, slots=True)
class MapRole:
    """A column: a work role and the competences it needs."""

    code: str
    title: str
    element_ids: frozenset[int]

    def needs(self, element_id: int) -> bool:
        """Whether the role asks for this competence."""
        return element_id in self.element_ids


@dataclass(frozen=True, slots=True)
class CompetenceMap:
    """Roles x competences (grouped by unit), in the reader's language."""

    title: str
    framework_code: str
    framework_version: str
    roles: tuple[MapRole, ...]
    units: tuple[MapUnit, ...]

    @property
    def personal(self) -> bool:
        """Whether rows carry a participant's status."""
        return any(e.status is not None for e in self.elements())

    def elements(self) -> Iterator[MapElement]:
        """Every competence row, in map order."""
        for unit in self.units:
            yield from unit.elements


def framework_map(session: Session, framework_id: int, locale: str) -> CompetenceMap:
    """The framework version's roles x competences picture.

    Raises:
        LookupError: no framework has this id (callers look it up by code first).
    """
    framework = session.get(Framework, framework_id)
    if framework is None:
        raise LookupError(framework_id)
    roles = session.scalars(
        select(WorkRole).where(WorkRole.framework_id == framework_id).order_by(WorkRole.position)
    ).all()
    return _build(session, framework, list(roles), only=None, locale=locale, statuses=None)


def participant_map(session: Session, enrolment: Enrolment, locale: str) -> CompetenceMap:
    """The enrolment's path as a map, each competence coloured by the participant's status."""
    path = enrolment.path
    if path is None:  # pragma: no cover - the foreign key guarantees a path
        raise PathNotFound
    element_ids = set(
        session.scalars(select(Requirement.element_id).where(Requirement.path_id == path.id))
    )
    if path.scope == "role":
        roles = session.scalars(select(WorkRole).where(WorkRole.id == path.role_id)).all()
    else:
        roles = session.scalars(
            select(WorkRole)
            .join(RoleUnit, RoleUnit.role_id == WorkRole.id)
            .where(RoleUnit.unit_id == path.unit_id)
            .order_by(WorkRole.position)
        ).all()
    return _build(
        session,
        path.framework,
        list(roles),
        only=element_ids,
        locale=locale,
        statuses=_statuses(session, enrolment),
    )


def _build(
    session: Session,
    framework: Framework,
    roles: list[WorkRole],
    *,
    only: set[int] | None,
    locale: str,
    statuses: dict[int, ElementStatus] | None,
) -> CompetenceMap:
    """Assemble the map from three queries: units, elements, role -> unit links."""
    units = session.scalars(
        select(Unit).where(Unit.framework_id == framework.id).order_by(Unit.position)
    ).all()
    elements = session.scalars(
        select(Element).where(Element.framework_id == framework.id).order_by(Element.position)
    ).all()
    links = session.execute(
        select(RoleUnit.role_id, RoleUnit.unit_id).where(
            RoleUnit.role_id.in_([role.id for role in roles])
        )
    ).all()
    by_unit: dict[int, list[MapElement]] = {}
    unit_elements: dict[int, set[int]] = {}
    for element in elements:
        unit_elements.setdefault(element.unit_id, set()).add(element.id)
        if only is not None and element.id not in only:
            continue
        status = None if statuses is None else statuses.get(element.id, ElementStatus.NOT_STARTED)
        row = MapElement(element.id, element.code, pick_text(element.title, locale), status)
        by_unit.setdefault(element.unit_id, []).append(row)
    needs: dict[int, set[int]] = {}
    for role_id, unit_id in links:
        needs.setdefault(role_id, set()).update(unit_elements.get(unit_id, set()))
    return CompetenceMap(
        title=framework.title_for(locale),
        framework_code=framework.code,
        framework_version=framework.version,
        roles=tuple(
            MapRole(r.code, pick_text(r.title, locale), frozenset(needs.get(r.id, set())))
            for r in roles
        ),
        units=tuple(
            MapUnit(u.code, pick_text(u.title, locale), tuple(by_unit[u.id]))
            for u in units
            if by_unit.get(u.id)
        ),
    )


def _statuses(session: Session, enrolment: Enrolment) -> dict[int, ElementStatus]:
    """Each element's status, folded from the per-requirement progress of the enrolment.

    Only evidence requirements (documentation, assessment) count: the self-assessment is the
    participant's own view, not something submitted for review.
    """
    rows = session.execute(
        select(Requirement.id, Requirement.stage, Requirement.element_id).where(
            Requirement.path_id == enrolment.path_id
        )
    ).all()
    evidence = {r.id: r.element_id for r in rows if r.stage != "identification"}
    seen: dict[int, list[str]] = {}
    for requirement_id, status in progress(session, enrolment).status.items():
        if requirement_id in evidence:
            seen.setdefault(evidence[requirement_id], []).append(status)
    return {element_id: _fold(states) for element_id, states in seen.items()}


def _fold(states: list[str]) -> ElementStatus:
    if all(state == "done" for state in states):
        return ElementStatus.APPROVED
    if "rejected" in states:
        return ElementStatus.NEEDS_WORK
    if any(state in ("done", "pending") for state in states):
        return ElementStatus.SUBMITTED
    return ElementStatus.NOT_STARTED
