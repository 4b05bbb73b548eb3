"""Import parsed validation paths idempotently: resolve every name, then create and publish.

Every element of the path's role or unit gets one requirement per stage (the file's ``defaults``
with per-element overrides), so a path always covers its scope. Importing the same file twice
changes nothing; a changed path under the same version is refused (publish it as the next
version). The file itself is read by :mod:`paths.path_json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_
from issuer import Achievement, Issuer
from paths.errors import FrameworkIssue
from paths.models import Element, Framework, PathUnitAward, Unit, ValidationPath, WorkRole
from paths.path_errors import PathInvalid, PathVersionConflict
from paths.path_json import PathsSpec
from paths.path_versions import STAGES, add_requirement, create_draft, publish, scope_element_ids


@dataclass(frozen=True, slots=True)
class PathImport:
    """What happened to one path of the file."""

    code: str
    version: int
    path_id: int
    created: bool


def import_paths(session: Session, spec: PathsSpec, *, now: datetime) -> list[PathImport]:
    """Create the file's achievements (if missing) and paths (if new), and publish those asked.

    Raises:
        PathInvalid: unknown framework, element, issuer or achievement, or a path that fails
            the publishing checks (every problem listed).
        PathVersionConflict: a code and version already stored with other content.
    """
    for achievement in spec.achievements:
        _ensure_achievement(session, spec.filename, achievement, now)
    return [_import_path(session, spec, index, path, now) for index, path in enumerate(spec.paths)]


def _import_path(
    session: Session, spec: PathsSpec, index: int, raw: Mapping[str, Any], now: datetime
) -> PathImport:
    where = f"paths[{index}]"

    def fail(field: str, template: str, **params: str | int) -> PathInvalid:
        return PathInvalid(
            spec.filename, [FrameworkIssue(spec.filename, where, field, template, params)]
        )

    fw = raw["framework"]
    framework = session.scalar(
        select(Framework).where(
            Framework.code == fw.get("code"), Framework.version == fw.get("version")
        )
    )
    if framework is None:
        raise fail("framework", N_("no imported framework has this code and version"))
    issuer = session.scalar(select(Issuer).where(Issuer.slug == raw["issuer"]))
    if issuer is None:
        raise fail("issuer", N_("there is no issuer %(slug)s"), slug=raw["issuer"])
    achievement_id = _achievement_id(session, issuer.id, raw["achievement"])
    if achievement_id is None:
        raise fail(
            "achievement",
            N_("%(issuer)s has no achievement %(name)s"),
            issuer=issuer.slug,
            name=raw["achievement"],
        )
    role_id = unit_id = None
    if raw["scope"] == "role":
        role_id = session.scalar(
            select(WorkRole.id).where(
                WorkRole.framework_id == framework.id, WorkRole.code == raw["role"]
            )
        )
        if role_id is None:
            raise fail("role", N_("the framework has no role %(code)s"), code=raw["role"])
    else:
        unit_id = _unit_id(session, framework.id, raw["unit"])
        if unit_id is None:
            raise fail("unit", N_("the framework has no unit %(code)s"), code=raw["unit"])

    existing = session.scalar(
        select(ValidationPath).where(
            ValidationPath.code == raw["code"], ValidationPath.version == raw["version"]
        )
    )
    draft = ValidationPath(
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
        achievement_id=achievement_id,
    )
    # Requirements are compared below, once the spec's are resolved.
    if existing is not None and _header(existing) != _header(draft):
        raise PathVersionConflict(existing.code, existing.version)
    elements = {
        e.code: e
        for e in session.scalars(select(Element).where(Element.framework_id == framework.id))
    }
    overrides = raw.get("elements", {})
    unknown = sorted(set(overrides) - set(elements))
    if unknown:
        raise fail("elements", N_("the framework has no element %(code)s"), code=unknown[0])
    scope_ids = scope_element_ids(session, draft)
    by_id = {e.id: e for e in elements.values()}
    wanted: list[dict[str, Any]] = []
    for element_id in scope_ids:
        element = by_id[element_id]
        for stage in STAGES:
            values = {
                **raw.get("defaults", {}).get(stage, {}),
                **overrides.get(element.code, {}).get(stage, {}),
            }
            if values.get("skip"):
                continue
            rubric = values.get("rubric", [])
            if isinstance(rubric, str):
                if rubric not in spec.rubrics:
                    raise fail("rubric", N_("there is no rubric %(name)s"), name=rubric)
                rubric = spec.rubrics[rubric]
            wanted.append(
                {
                    "element_id": element_id,
                    "stage": stage,
                    "evidence_kinds": list(values.get("evidence_kinds", [])),
                    "min_items": int(values.get("min_items", 0)),
                    "approvals_needed": int(values.get("approvals_needed", 1)),
                    "method": values.get("method"),
                    "rubric": rubric,
                    "instructions": dict(values.get("instructions", {})),
                }
            )
    awards: dict[int, int] = {}
    for unit_code, name in raw.get("unit_awards", {}).items():
        award_unit = _unit_id(session, framework.id, unit_code)
        award_achievement = _achievement_id(session, issuer.id, name)
        if award_unit is None or award_achievement is None:
            raise fail(
                "unit_awards",
                N_("unknown unit %(unit)s or achievement %(name)s"),
                unit=unit_code,
                name=name,
            )
        awards[award_unit] = award_achievement

    if existing is not None:
        stored = [_requirement_dict(r) for r in existing.requirements]
        stored_awards = {a.unit_id: a.achievement_id for a in existing.unit_awards}
        if stored != wanted or stored_awards != awards:
            raise PathVersionConflict(existing.code, existing.version)
        if raw.get("publish", True) and existing.state == "draft":
            publish(session, existing.id, now=now)
        return PathImport(existing.code, existing.version, existing.id, created=False)

    path = create_draft(
        session,
        code=draft.code,
        title=draft.title,
        description=draft.description,
        languages=draft.languages,
        framework_id=framework.id,
        scope=draft.scope,
        role_id=role_id,
        unit_id=unit_id,
        issuer_id=issuer.id,
        achievement_id=achievement_id,
        now=now,
        version=draft.version,
    )
    for values in wanted:
        add_requirement(session, path, **values)
    for award_unit, award_achievement in awards.items():
        path.unit_awards.append(PathUnitAward(unit_id=award_unit, achievement_id=award_achievement))
    session.flush()
    if raw.get("publish", True):
        publish(session, path.id, now=now)
    return PathImport(path.code, path.version, path.id, created=True)


def _header(path: ValidationPath) -> tuple[Any, ...]:
    return (
        path.title,
        path.description,
        path.languages,
        path.framework_id,
        path.scope,
        path.role_id,
        path.unit_id,
        path.issuer_id,
        path.achievement_id,
    )


def _requirement_dict(requirement: Any) -> dict[str, Any]:
    return {
        "element_id": requirement.element_id,
        "stage": requirement.stage,
        "evidence_kinds": list(requirement.evidence_kinds),
        "min_items": requirement.min_items,
        "approvals_needed": requirement.approvals_needed,
        "method": requirement.method,
        "rubric": requirement.rubric,
        "instructions": dict(requirement.instructions),
    }


def _unit_id(session: Session, framework_id: int, code: str) -> int | None:
    return session.scalar(
        select(Unit.id).where(Unit.framework_id == framework_id, Unit.code == code)
    )


def _achievement_id(session: Session, issuer_id: int, name: str) -> int | None:
    return session.scalar(
        select(Achievement.id)
        .where(Achievement.issuer_id == issuer_id, Achievement.name == name)
        .order_by(Achievement.archived_at.is_not(None), Achievement.id)
        .limit(1)
    )


def _ensure_achievement(
    session: Session, filename: str, raw: Mapping[str, Any], now: datetime
) -> None:
    """Create a named achievement the paths award, unless the issuer already has it."""
    issuer = session.scalar(select(Issuer).where(Issuer.slug == raw.get("issuer")))
    name = raw.get("name")
    if issuer is None or not isinstance(name, str):
        raise PathInvalid(
            filename,
            [
                FrameworkIssue(
                    filename, "achievements", "issuer", N_("unknown issuer or missing name")
                )
            ],
        )
    if _achievement_id(session, issuer.id, name) is not None:
        return
    session.add(
        Achievement(
            issuer_id=issuer.id,
            name=name,
            description=raw.get("description", name),
            criteria_narrative=raw.get("criteria", ""),
            achievement_type=raw.get("type"),
            validity_days=raw.get("validity_days"),
            language="en",
            version=1,
            created_at=now,
        )
    )
    session.flush()
