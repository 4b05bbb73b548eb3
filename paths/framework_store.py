"""Store framework versions, immutably, and read them back as specs for export and comparison.

Validation paths and credentials name one framework version (issue #6), so a stored version never
changes: the same file again changes nothing, a changed file under the same version is refused,
and a new version is stored alongside the old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.errors import FrameworkNotFound, FrameworkVersionConflict
from paths.framework_spec import (
    CriterionSpec,
    CurriculumSpec,
    ElementSpec,
    FrameworkSpec,
    LearningUnitSpec,
    RoleSpec,
    UnitSpec,
)
from paths.models import (
    Curriculum,
    Element,
    Framework,
    LearningUnit,
    LearningUnitElement,
    PerformanceCriterion,
    RoleUnit,
    Unit,
    WorkRole,
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: ``created`` is False when the identical version was already there."""

    created: bool
    framework_id: int


def import_framework(session: Session, spec: FrameworkSpec, *, now: datetime) -> ImportResult:
    """Store ``spec`` as a new framework version, or confirm the identical one is stored.

    Raises:
        FrameworkVersionConflict: the code and version are stored with other content.
    """
    existing = session.scalar(
        select(Framework).where(Framework.code == spec.code, Framework.version == spec.version)
    )
    if existing is not None:
        if framework_spec(existing) != spec:
            raise FrameworkVersionConflict(spec.code, spec.version)
        return ImportResult(created=False, framework_id=existing.id)
    framework = Framework(
        code=spec.code,
        version=spec.version,
        title=dict(spec.title),
        description=dict(spec.description),
        publisher=spec.publisher,
        source_url=spec.source_url,
        imported_at=now,
    )
    session.add(framework)
    session.flush()
    units = {
        u.code: _add_unit(session, framework, u, position) for position, u in enumerate(spec.units)
    }
    elements = {e.code: e for unit in units.values() for e in unit.elements}
    for position, role in enumerate(spec.roles):
        framework.roles.append(_role(role, position, units))
    for position, curriculum in enumerate(spec.curricula):
        framework.curricula.append(_curriculum(curriculum, position, elements))
    session.flush()
    return ImportResult(created=True, framework_id=framework.id)


def _add_unit(session: Session, framework: Framework, spec: UnitSpec, position: int) -> Unit:
    unit = Unit(
        code=spec.code,
        title=dict(spec.title),
        description=dict(spec.description),
        position=position,
    )
    framework.units.append(unit)
    for index, element in enumerate(spec.elements):
        unit.elements.append(
            Element(
                framework_id=framework.id,
                code=element.code,
                title=dict(element.title),
                description=dict(element.description),
                eqf_level=element.eqf_level,
                ecf_code=element.ecf_code,
                ecf_level=element.ecf_level,
                esco=list(element.esco),
                digcomp=list(element.digcomp),
                position=index,
                criteria=[
                    PerformanceCriterion(code=c.code, text=dict(c.text), position=n)
                    for n, c in enumerate(element.criteria)
                ],
            )
        )
    # Elements need ids before learning units link to them.
    session.flush()
    return unit


def _role(spec: RoleSpec, position: int, units: dict[str, Unit]) -> WorkRole:
    return WorkRole(
        code=spec.code,
        title=dict(spec.title),
        description=dict(spec.description),
        eqf_level=spec.eqf_level,
        position=position,
        unit_links=[RoleUnit(unit=units[code], position=n) for n, code in enumerate(spec.units)],
    )


def _curriculum(spec: CurriculumSpec, position: int, elements: dict[str, Element]) -> Curriculum:
    return Curriculum(
        code=spec.code,
        title=dict(spec.title),
        description=dict(spec.description),
        position=position,
        learning_units=[
            LearningUnit(
                code=lu.code,
                title=dict(lu.title),
                description=dict(lu.description),
                hours=lu.hours,
                ects=lu.ects,
                position=n,
                element_links=[
                    LearningUnitElement(element=elements[code], position=k)
                    for k, code in enumerate(lu.elements)
                ],
            )
            for n, lu in enumerate(spec.learning_units)
        ],
    )


def framework_spec(framework: Framework) -> FrameworkSpec:
    """A stored framework version as the spec that would import it."""
    return FrameworkSpec(
        code=framework.code,
        version=framework.version,
        title=framework.title,
        description=framework.description,
        publisher=framework.publisher,
        source_url=framework.source_url,
        roles=tuple(
            RoleSpec(
                code=r.code,
                title=r.title,
                description=r.description,
                eqf_level=r.eqf_level,
                units=tuple(link.unit.code for link in r.unit_links),
            )
            for r in framework.roles
        ),
        units=tuple(
            UnitSpec(
                code=u.code,
                title=u.title,
                description=u.description,
                elements=tuple(_element_spec(e) for e in u.elements),
            )
            for u in framework.units
        ),
        curricula=tuple(
            CurriculumSpec(
                code=c.code,
                title=c.title,
                description=c.description,
                learning_units=tuple(
                    LearningUnitSpec(
                        code=lu.code,
                        title=lu.title,
                        description=lu.description,
                        hours=lu.hours,
                        ects=lu.ects,
                        elements=tuple(link.element.code for link in lu.element_links),
                    )
                    for lu in c.learning_units
                ),
            )
            for c in framework.curricula
        ),
    )


def _element_spec(element: Element) -> ElementSpec:
    return ElementSpec(
        code=element.code,
        title=element.title,
        description=element.description,
        eqf_level=element.eqf_level,
        ecf_code=element.ecf_code,
        ecf_level=element.ecf_level,
        esco=tuple(element.esco),
        digcomp=tuple(element.digcomp),
        criteria=tuple(CriterionSpec(code=c.code, text=c.text) for c in element.criteria),
    )


def find_framework(session: Session, code: str, version: str | None = None) -> Framework:
    """Framework ``code`` at ``version``, or its most recently imported version."""
    query = select(Framework).where(Framework.code == code)
    if version is not None:
        query = query.where(Framework.version == version)
    framework = session.scalar(query.order_by(Framework.imported_at.desc(), Framework.id.desc()))
    if framework is None:
        raise FrameworkNotFound(code, version)
    return framework


def list_frameworks(session: Session) -> list[Framework]:
    """Every stored framework version, by code and then oldest first."""
    return list(session.scalars(select(Framework).order_by(Framework.code, Framework.id)))
