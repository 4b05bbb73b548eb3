"""Import parsed validation paths idempotently: resolve every name, then create and publish.

Every element of the path's role or unit gets one requirement per stage (the file's ``defaults``
with per-element overrides), so a path always covers its scope. Importing the same file twice
changes nothing; a changed path under the same version is refused (publish it as the next
version). The file itself is read by :mod:`paths.path_json`; its names are resolved by
:mod:`paths.path_resolve`.
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
from paths.models import PathUnitAward, ValidationPath
from paths.path_errors import PathInvalid, PathVersionConflict
from paths.path_json import PathsSpec
from paths.path_resolve import (
    Where,
    achievement_id,
    resolve_header,
    wanted_awards,
    wanted_requirements,
)
from paths.path_versions import add_requirement, create_draft, publish


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
    where = Where(spec.filename, f"paths[{index}]")
    draft = resolve_header(session, where, raw)
    existing = session.scalar(
        select(ValidationPath).where(
            ValidationPath.code == raw["code"], ValidationPath.version == raw["version"]
        )
    )
    # Requirements are compared below, once the spec's are resolved.
    if existing is not None and _header(existing) != _header(draft):
        raise PathVersionConflict(existing.code, existing.version)
    wanted = wanted_requirements(session, spec, where, raw, draft)
    awards = wanted_awards(session, where, raw, draft)
    publish_it = bool(raw.get("publish", True))
    if existing is not None:
        return _reimport(session, existing, wanted, awards, publish_it=publish_it, now=now)
    return _create(session, draft, wanted, awards, publish_it=publish_it, now=now)


def _reimport(
    session: Session,
    existing: ValidationPath,
    wanted: list[dict[str, Any]],
    awards: dict[int, int],
    *,
    publish_it: bool,
    now: datetime,
) -> PathImport:
    """The path is stored already: refuse other content, publish a draft if asked."""
    stored = [_requirement_dict(r) for r in existing.requirements]
    stored_awards = {a.unit_id: a.achievement_id for a in existing.unit_awards}
    if stored != wanted or stored_awards != awards:
        raise PathVersionConflict(existing.code, existing.version)
    if publish_it and existing.state == "draft":
        publish(session, existing.id, now=now)
    return PathImport(existing.code, existing.version, existing.id, created=False)


def _create(
    session: Session,
    draft: ValidationPath,
    wanted: list[dict[str, Any]],
    awards: dict[int, int],
    *,
    publish_it: bool,
    now: datetime,
) -> PathImport:
    """Store the new path with its requirements and awards; publish it if asked."""
    path = create_draft(
        session,
        code=draft.code,
        title=draft.title,
        description=draft.description,
        languages=draft.languages,
        framework_id=draft.framework_id,
        scope=draft.scope,
        role_id=draft.role_id,
        unit_id=draft.unit_id,
        issuer_id=draft.issuer_id,
        achievement_id=draft.achievement_id,
        now=now,
        version=draft.version,
    )
    for values in wanted:
        add_requirement(session, path, **values)
    for award_unit, award_achievement in awards.items():
        path.unit_awards.append(PathUnitAward(unit_id=award_unit, achievement_id=award_achievement))
    session.flush()
    if publish_it:
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
    if achievement_id(session, issuer.id, name) is not None:
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
