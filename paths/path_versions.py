"""Write, check and publish validation path versions (issue #6).

A path is edited only as a draft. Publishing checks it against its framework version and freezes
it; an edit after that is :func:`new_version`, a copy with the next number, so participants stay
on the version they enrolled in. Publishing a version retires the earlier published one: it
takes no new enrolments, but its participants carry on. What publishing checks is
:mod:`paths.path_check`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths.models import PathUnitAward, Requirement, ValidationPath
from paths.path_check import (
    CERTIFICATION,
    EVIDENCE_KINDS,
    METHODS,
    SCOPES,
    STAGES,
    check_path,
    scope_element_ids,
)
from paths.path_errors import PathDraftExists, PathInvalid, PathNotEditable, PathNotFound

# The vocabulary and the publishing checks moved to :mod:`paths.path_check`; their names stay
# importable from here.
__all__ = [
    "CERTIFICATION",
    "EVIDENCE_KINDS",
    "METHODS",
    "SCOPES",
    "STAGES",
    "add_requirement",
    "check_path",
    "create_draft",
    "get_path",
    "new_version",
    "publish",
    "remove_requirement",
    "require_draft",
    "retire",
    "scope_element_ids",
]


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


def _refuse_second_draft(session: Session, code: str) -> None:
    draft = session.scalar(
        select(ValidationPath).where(ValidationPath.code == code, ValidationPath.state == "draft")
    )
    if draft is not None:
        raise PathDraftExists(code, draft.version)
