"""What a validation path must be to be published: its vocabulary and its checks (issue #6).

Split from :mod:`paths.path_versions` (which re-exports these names and publishes only a path
that :func:`check_path` finds nothing wrong with). Every problem is reported, not just the first,
as a :class:`~paths.errors.FrameworkIssue` naming where it is, so an editor fixes them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.errors import FrameworkIssue
from paths.models import Element, Requirement, RoleUnit, Unit, ValidationPath, WorkRole

STAGES = ("identification", "documentation", "assessment")
#: The EU stage after these three; it has no requirements (it is the credential).
CERTIFICATION = "certification"
EVIDENCE_KINDS = ("file", "link", "text")
METHODS = ("portfolio_review", "interview", "observation", "simulation", "test")
SCOPES = ("role", "unit")


@dataclass(slots=True)
class _Issues:
    """The issues found so far in the path ``name``, in the order they are found."""

    name: str
    found: list[FrameworkIssue] = field(default_factory=list)

    def add(self, where: str, field: str, template: str, **params: str | int) -> None:
        self.found.append(FrameworkIssue(self.name, where, field, template, params))


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
    issues = _Issues(f"{path.code} v{path.version}")
    _check_header(session, path, issues)
    in_scope = set(scope_element_ids(session, path))
    assessed = _check_requirements(session, path, in_scope, issues)
    _check_coverage(session, path, in_scope, assessed, issues)
    return issues.found


def _check_header(session: Session, path: ValidationPath, issues: _Issues) -> None:
    """The scope names a role or unit of the path's framework version; there is an English title."""
    if path.scope not in SCOPES:
        issues.add("$", "scope", N_("must be role or unit"))
    elif path.scope == "role":
        role = session.get(WorkRole, path.role_id) if path.role_id is not None else None
        if role is None or role.framework_id != path.framework_id:
            issues.add("$", "role", N_("is not a role of the path's framework version"))
    else:
        unit = session.get(Unit, path.unit_id) if path.unit_id is not None else None
        if unit is None or unit.framework_id != path.framework_id:
            issues.add("$", "unit", N_("is not a unit of the path's framework version"))
    if "en" not in path.title:
        issues.add("$", "title", N_("needs an English title"))


def _check_requirements(
    session: Session,
    path: ValidationPath,
    in_scope: set[int],
    issues: _Issues,
) -> set[int]:
    """Check each requirement; returns the ids of the elements with an assessment requirement."""
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
            issues.add(where, "element", N_("is not an element of the path's framework version"))
            continue
        if element.id not in in_scope:
            issues.add(
                where,
                "element",
                N_("%(code)s is outside the path's role or unit"),
                code=element.code,
            )
        issues.found.extend(_requirement_issues(issues.name, where, requirement))
        if requirement.stage == "assessment":
            assessed.add(element.id)
    return assessed


def _check_coverage(
    session: Session,
    path: ValidationPath,
    in_scope: set[int],
    assessed: set[int],
    issues: _Issues,
) -> None:
    """Every element in scope is assessed; every unit award is for a unit in scope."""
    for element_id in sorted(in_scope - assessed):
        code = session.get(Element, element_id)
        issues.add(
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
            issues.add(f"unit_awards[{index}]", "unit", N_("is outside the path's role or unit"))


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
