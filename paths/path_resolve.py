"""Resolve the names in a validation path file to the ids they stand for (issue #6).

Split from :mod:`paths.path_import`, which calls these in turn (the header, then, once the
stored version is known to match it, the requirements and unit awards). Every unknown name is a
:class:`~paths.path_errors.PathInvalid` naming where in the file it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_
from issuer import Achievement, Issuer
from paths.errors import FrameworkIssue
from paths.models import Element, Framework, Unit, ValidationPath, WorkRole
from paths.path_errors import PathInvalid
from paths.path_json import PathsSpec
from paths.path_versions import STAGES, scope_element_ids


@dataclass(frozen=True, slots=True)
class Where:
    """Where in the file a path is, to name it in a problem."""

    filename: str
    where: str

    def fail(self, field: str, template: str, **params: str | int) -> PathInvalid:
        """The error to raise for one problem here (the import stops at the first)."""
        return PathInvalid(
            self.filename, [FrameworkIssue(self.filename, self.where, field, template, params)]
        )


def resolve_header(session: Session, where: Where, raw: Mapping[str, Any]) -> ValidationPath:
    """The path as the file describes it, every name resolved to an id; not added to the session.

    Raises:
        PathInvalid: no such framework, issuer, achievement, role or unit.
    """
    fw = raw["framework"]
    framework = session.scalar(
        select(Framework).where(
            Framework.code == fw.get("code"), Framework.version == fw.get("version")
        )
    )
    if framework is None:
        raise where.fail("framework", N_("no imported framework has this code and version"))
    issuer = session.scalar(select(Issuer).where(Issuer.slug == raw["issuer"]))
    if issuer is None:
        raise where.fail("issuer", N_("there is no issuer %(slug)s"), slug=raw["issuer"])
    achievement = achievement_id(session, issuer.id, raw["achievement"])
    if achievement is None:
        raise where.fail(
            "achievement",
            N_("%(issuer)s has no achievement %(name)s"),
            issuer=issuer.slug,
            name=raw["achievement"],
        )
    role_id, unit_id = _scope_ids(session, where, raw, framework.id)
    return ValidationPath(
        code=raw["code"],
        version=raw["version"],
        title=raw["title"],
        description=raw.get("description", {}),
        languages=raw.get("languages", ["en"]),
        framework_id=framework.id,
        scope=raw["scope"],
        role_id=role_id,
        unit_id=unit_id,
        issuer_id=issuer.id,
        achievement_id=achievement,
    )


def _scope_ids(
    session: Session, where: Where, raw: Mapping[str, Any], framework_id: int
) -> tuple[int | None, int | None]:
    """The (role id, unit id) of the path's scope: one of them, the other None."""
    if raw["scope"] == "role":
        role_id = session.scalar(
            select(WorkRole.id).where(
                WorkRole.framework_id == framework_id, WorkRole.code == raw["role"]
            )
        )
        if role_id is None:
            raise where.fail("role", N_("the framework has no role %(code)s"), code=raw["role"])
        return role_id, None
    unit_id = _unit_id(session, framework_id, raw["unit"])
    if unit_id is None:
        raise where.fail("unit", N_("the framework has no unit %(code)s"), code=raw["unit"])
    return None, unit_id


def wanted_requirements(
    session: Session,
    spec: PathsSpec,
    where: Where,
    raw: Mapping[str, Any],
    draft: ValidationPath,
) -> list[dict[str, Any]]:
    """One requirement per element in scope and stage: the defaults, then the overrides."""
    elements = {
        e.code: e
        for e in session.scalars(select(Element).where(Element.framework_id == draft.framework_id))
    }
    overrides = raw.get("elements", {})
    unknown = sorted(set(overrides) - set(elements))
    if unknown:
        raise where.fail("elements", N_("the framework has no element %(code)s"), code=unknown[0])
    by_id = {e.id: e for e in elements.values()}
    wanted: list[dict[str, Any]] = []
    for element_id in scope_element_ids(session, draft):
        element = by_id[element_id]
        for stage in STAGES:
            values = {
                **raw.get("defaults", {}).get(stage, {}),
                **overrides.get(element.code, {}).get(stage, {}),
            }
            if not values.get("skip"):
                wanted.append(_requirement_values(spec, where, element_id, stage, values))
    return wanted


def _requirement_values(
    spec: PathsSpec, where: Where, element_id: int, stage: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """The arguments of :func:`add_requirement` for one element and stage (a rubric by name)."""
    rubric = values.get("rubric", [])
    if isinstance(rubric, str):
        if rubric not in spec.rubrics:
            raise where.fail("rubric", N_("there is no rubric %(name)s"), name=rubric)
        rubric = spec.rubrics[rubric]
    return {
        "element_id": element_id,
        "stage": stage,
        "evidence_kinds": list(values.get("evidence_kinds", [])),
        "min_items": int(values.get("min_items", 0)),
        "approvals_needed": int(values.get("approvals_needed", 1)),
        "method": values.get("method"),
        "rubric": rubric,
        "instructions": dict(values.get("instructions", {})),
    }


def wanted_awards(
    session: Session, where: Where, raw: Mapping[str, Any], draft: ValidationPath
) -> dict[int, int]:
    """The unit awards the file asks for: unit id to achievement id."""
    awards: dict[int, int] = {}
    for unit_code, name in raw.get("unit_awards", {}).items():
        award_unit = _unit_id(session, draft.framework_id, unit_code)
        award_achievement = achievement_id(session, draft.issuer_id, name)
        if award_unit is None or award_achievement is None:
            raise where.fail(
                "unit_awards",
                N_("unknown unit %(unit)s or achievement %(name)s"),
                unit=unit_code,
                name=name,
            )
        awards[award_unit] = award_achievement
    return awards


def _unit_id(session: Session, framework_id: int, code: str) -> int | None:
    """The framework's unit with that code."""
    return session.scalar(
        select(Unit.id).where(Unit.framework_id == framework_id, Unit.code == code)
    )


def achievement_id(session: Session, issuer_id: int, name: str) -> int | None:
    """The issuer's achievement of that name; an archived one only if there is no other."""
    return session.scalar(
        select(Achievement.id)
        .where(Achievement.issuer_id == issuer_id, Achievement.name == name)
        .order_by(Achievement.archived_at.is_not(None), Achievement.id)
        .limit(1)
    )
