"""Write, check and publish validation path versions (issue #6).

A path is edited only as a draft. Publishing checks it against its framework version and freezes
it; an edit after that is :func:`new_version`, a copy with the next number, so participants stay
on the version they enrolled in. Publishing a version retires the earlier published one: it
takes no new enrolments, but its participants carry on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.errors import FrameworkIssue
from paths.models import (
    Element,
    PathUnitAward,
    Requirement,
    RoleUnit,
    Unit,
    ValidationPath,
    WorkRole,
)
from paths.path_errors import PathDraftExists, PathInvalid, PathNotEditable, PathNotFound

STAGES = ("identification", "documentation", "assessment")
#: The EU stage after these three; it has no requirements (it is the credential).
CERTIFICATION = "certification"
EVIDENCE_KINDS = ("file", "link", "text")
METHODS = ("portfolio_review", "interview", "observation", "simulation", "test")
SCOPES = ("role", "unit")


def get_path(session: Session, path_id: int) -> ValidationPath:
    """The path version with this id.

    Raises:
        PathNotFound: there is none.
    """
    path = session.get(ValidationPath, path_id)
    if path is None:
        raise PathNotFound
    return path


def require_draft(path: ValidationPath) -> None:
    """Raise :class:`PathNotEditable` unless ``path`` is a draft."""
    if path.state != "draft":
        raise PathNotEditable(path.code, path.version)


def create_draft(
    session: Session,
    *,
    code: str,
    title: Mapping[str, str],
    description: Mapping[str, str],
    languages: Sequence[str],
    framework_id: int,
    scope: str,
    role_id: int | None,
    unit_id: int | None,
    issuer_id: int,
    achievement_id: int,
    now: datetime,
    version: int | None = None,
) -> ValidationPath:
    """A new draft: version 1 of a new code, or the next version of an existing one.

    Raises:
        PathDraftExists: the code already has a draft (edit that one).
    """
    _refuse_second_draft(session, code)
    if version is None:
        latest = session.scalar(
            select(func.max(ValidationPath.version)).where(ValidationPath.code == code)
        )
        version = (latest or 0) + 1
    path = ValidationPath(
        code=code,
        version=version,
        title=dict(title),
        description=dict(description),
        languages=list(languages),
        framework_id=framework_id,
        scope=scope,
        role_id=role_id,
        unit_id=unit_id,
        issuer_id=issuer_id,
        achievement_id=achievement_id,
        state="draft",
        created_at=now,
    )
    session.add(path)
    session.flush()
    return path


def add_requirement(
    session: Session,
    path: ValidationPath,
    *,
    element_id: int,
    stage: str,
    evidence_kinds: Sequence[str] = (),
    min_items: int = 0,
    approvals_needed: int = 1,
    method: str | None = None,
    rubric: Sequence[Mapping[str, Any]] = (),
    instructions: Mapping[str, str] | None = None,
) -> Requirement:
    """Add a requirement at the end of a draft path (checked when the path is published)."""
    require_draft(path)
    requirement = Requirement(
        element_id=element_id,
        stage=stage,
        evidence_kinds=list(evidence_kinds),
        min_items=min_items,
        approvals_needed=approvals_needed,
        method=method,
        rubric=[dict(level) for level in rubric],
        instructions=dict(instructions or {}),
        position=len(path.requirements),
    )
    path.requirements.append(requirement)
    session.flush()
    return requirement


def remove_requirement(session: Session, path: ValidationPath, requirement_id: int) -> None:
    """Remove a requirement from a draft path."""
    require_draft(path)
    path.requirements[:] = [r for r in path.requirements if r.id != requirement_id]
    for position, requirement in enumerate(path.requirements):
        requirement.position = position
    session.flush()


def new_version(session: Session, path_id: int, *, now: datetime) -> ValidationPath:
    """A draft copy of a published (or retired) path with the next version number.

    Raises:
        PathDraftExists: the path already has a draft.
    """
    source = get_path(session, path_id)
    draft = create_draft(
        session,
        code=source.code,
        title=source.title,
        description=source.description,
        languages=source.languages,
        framework_id=source.framework_id,
        scope=source.scope,
        role_id=source.role_id,
        unit_id=source.unit_id,
        issuer_id=source.issuer_id,
        achievement_id=source.achievement_id,
        now=now,
    )
    for requirement in source.requirements:
        add_requirement(
            session,
            draft,
            element_id=requirement.element_id,
            stage=requirement.stage,
            evidence_kinds=requirement.evidence_kinds,
            min_items=requirement.min_items,
            approvals_needed=requirement.approvals_needed,
            method=requirement.method,
            rubric=requirement.rubric,
            instructions=requirement.instructions,
        )
    for award in source.unit_awards:
        draft.unit_awards.append(
            PathUnitAward(unit_id=award.unit_id, achievement_id=award.achievement_id)
        )
    session.flush()
    return draft


def publish(session: Session, path_id: int, *, now: datetime) -> ValidationPath:
    """Check and freeze a draft; the previously published version of its code retires.

    Raises:
        PathNotEditable: it is not a draft.
        PathInvalid: it breaks a rule (every problem is listed).
    """
    path = get_path(session, path_id)
    require_draft(path)
    issues = check_path(session, path)
    if issues:
        raise PathInvalid(f"{path.code} v{path.version}", issues)
    for older in session.scalars(
        select(ValidationPath).where(
            ValidationPath.code == path.code, ValidationPath.state == "published"
        )
    ):
        older.state = "retired"
        older.retired_at = now
    path.state = "published"
    path.published_at = now
    session.flush()
    return path


def retire(session: Session, path_id: int, *, now: datetime) -> ValidationPath:
    """Close a published path to new enrolments; enrolled participants carry on."""
    path = get_path(session, path_id)
    if path.state == "published":
        path.state = "retired"
        path.retired_at = now
        session.flush()
    return path


def scope_element_ids(session: Session, path: ValidationPath) -> list[int]:
    """The elements the path must cover: all of its role's units, or its one unit."""
    if path.scope == "unit":
        unit_ids = select(Unit.id).where(Unit.id == path.unit_id)
    else:
        unit_ids = select(RoleUnit.unit_id).where(RoleUnit.role_id == path.role_id)
    return list(
        session.scalars(
            select(Element.id)
            .where(Element.unit_id.in_(unit_ids), Element.framework_id == path.framework_id)
            .order_by(Element.unit_id, Element.position)
        )
    )


def check_path(session: Session, path: ValidationPath) -> list[FrameworkIssue]:
    """Every reason the path cannot be published; empty when it can."""
    name = f"{path.code} v{path.version}"
    issues: list[FrameworkIssue] = []

    def issue(where: str, field: str, template: str, **params: str | int) -> None:
        issues.append(FrameworkIssue(name, where, field, template, params))

    if path.scope not in SCOPES:
        issue("$", "scope", N_("must be role or unit"))
    elif path.scope == "role":
        role = session.get(WorkRole, path.role_id) if path.role_id is not None else None
        if role is None or role.framework_id != path.framework_id:
            issue("$", "role", N_("is not a role of the path's framework version"))
    else:
        unit = session.get(Unit, path.unit_id) if path.unit_id is not None else None
        if unit is None or unit.framework_id != path.framework_id:
            issue("$", "unit", N_("is not a unit of the path's framework version"))
    if "en" not in path.title:
        issue("$", "title", N_("needs an English title"))

    in_scope = set(scope_element_ids(session, path))
    elements = {
        e.id: e
        for e in session.scalars(
            select(Element).where(Element.id.in_({r.element_id for r in path.requirements}))
        )
    }
    assessed: set[int] = set()
    for index, requirement in enumerate(path.requirements):
        where = f"requirements[{index}]"
        element = elements.get(requirement.element_id)
        if element is None or element.framework_id != path.framework_id:
            issue(where, "element", N_("is not an element of the path's framework version"))
            continue
        if element.id not in in_scope:
            issue(
                where,
                "element",
                N_("%(code)s is outside the path's role or unit"),
                code=element.code,
            )
        issues.extend(_requirement_issues(name, where, requirement))
        if requirement.stage == "assessment":
            assessed.add(element.id)
    for element_id in sorted(in_scope - assessed):
        code = session.get(Element, element_id)
        issue(
            "requirements",
            "assessment",
            N_("element %(code)s has no assessment requirement"),
            code=code.code if code else element_id,
        )
    scope_units = set(
        session.scalars(select(Element.unit_id).where(Element.id.in_(in_scope))) if in_scope else []
    )
    for index, award in enumerate(path.unit_awards):
        if award.unit_id not in scope_units:
            issue(f"unit_awards[{index}]", "unit", N_("is outside the path's role or unit"))
    return issues


def _requirement_issues(name: str, where: str, requirement: Requirement) -> list[FrameworkIssue]:
    issues: list[FrameworkIssue] = []

    def issue(field: str, template: str) -> None:
        issues.append(FrameworkIssue(name, where, field, template))

    if requirement.stage not in STAGES:
        issue("stage", N_("must be identification, documentation or assessment"))
        return issues
    if any(kind not in EVIDENCE_KINDS for kind in requirement.evidence_kinds):
        issue("evidence_kinds", N_("may only be file, link and text"))
    if requirement.min_items < 0 or requirement.min_items > 20:
        issue("min_items", N_("must be between 0 and 20"))
    if requirement.stage == "documentation":
        if not requirement.evidence_kinds:
            issue("evidence_kinds", N_("name at least one kind of evidence"))
        if requirement.min_items < 1:
            issue("min_items", N_("documentation needs at least one item"))
    if requirement.min_items > 0 and not requirement.evidence_kinds:
        issue("evidence_kinds", N_("name at least one kind of evidence"))
    if requirement.approvals_needed not in (1, 2):
        issue("approvals_needed", N_("must be 1 or 2"))
    if requirement.stage == "assessment":
        if requirement.method not in METHODS:
            issue("method", N_("must be one of the assessment methods"))
        if not _rubric_ok(requirement.rubric):
            issue("rubric", N_("needs levels numbered 1, 2, 3... each with an English title"))
    return issues


def _rubric_ok(rubric: Sequence[Mapping[str, Any]]) -> bool:
    levels = [level.get("level") for level in rubric]
    titled = all(
        isinstance(level.get("title"), dict) and level["title"].get("en") for level in rubric
    )
    return bool(rubric) and levels == list(range(1, len(rubric) + 1)) and titled


def _refuse_second_draft(session: Session, code: str) -> None:
    draft = session.scalar(
        select(ValidationPath).where(ValidationPath.code == code, ValidationPath.state == "draft")
    )
    if draft is not None:
        raise PathDraftExists(code, draft.version)
