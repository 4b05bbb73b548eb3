"""Certification, the last EU validation stage: a credential per completed unit and path.

After each approval :func:`check_completion` asks, in a few indexed queries, which of the
enrolment's units (those with a :class:`PathUnitAward`) and whether the whole path are now
complete, and certifies each one once. The :class:`Certification` row (unique per enrolment
and ``scope_key``) is claimed first; the issuance is then requested in the same transaction, so
a rollback leaves neither. A review locks the enrolment row first (see :mod:`paths.review`), so
the second of two racing approvals waits, then sees the first one's approval and certifications:
nothing is lost or certified twice, and no SAVEPOINT is needed. A caller without that lock gets
each row claimed in a SAVEPOINT, so that a lost race rolls back only that. What the
credential says is built by :mod:`paths.certification_extras`; its public evidence pages are
:mod:`paths.public_evidence`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.accounts import User
from issuer import request_issuance
from paths.certification_extras import (
    ExtrasSource,
    ScopeRequirement,
    build_extras,
    load_source,
)
from paths.models import (
    Certification,
    Element,
    Enrolment,
    Framework,
    PathUnitAward,
    Requirement,
    SelfAssessment,
    Submission,
    ValidationPath,
)

PATH_SCOPE = "path"


def unit_scope_key(unit_id: int) -> str:
    """The ``scope_key`` of a unit certification."""
    return f"unit:{unit_id}"


def check_completion(
    session: Session,
    enrolment: Enrolment,
    *,
    now: datetime,
    base_url: str,
    locked: bool = False,
) -> list[Certification]:
    """Certify every unit and the path that the enrolment has just completed; each only once.

    Completing the path also completes the enrolment. Returns the new certifications.
    ``locked`` says the caller holds the enrolment's row lock (``FOR UPDATE``, taken before
    anything below is read, as :func:`paths.review.review_submission` does): no other
    transaction can then certify this enrolment meanwhile, so the rows are inserted without
    a SAVEPOINT (two round trips fewer on the last approval, issue #6).
    """
    requirements, done, awards = _progress(session, enrolment)
    path, framework, scope_keys, name, email = session.execute(
        _CONTEXT,
        {
            "enrolment_id": enrolment.id,
            "path_id": enrolment.path_id,
            "user_id": enrolment.user_id,
        },
    ).one()
    existing = set(scope_keys.split(",")) if scope_keys else set()
    due = _due(requirements, done, awards, existing, path_achievement_id=path.achievement_id)
    if not due:
        return []
    source = load_source(session, enrolment, framework, [r for d in due for r in d.requirements])
    request = _Requester(session, enrolment, path, name, email, now)
    claimed: list[Certification] = []
    for scope in due:
        made = _certify(session, source, enrolment, path, scope, request=request, now=now,
                        base_url=base_url, locked=locked)  # fmt: skip
        if made is None:
            continue
        claimed.append(made)
        if scope.key == PATH_SCOPE:
            enrolment.state = "completed"
            enrolment.completed_at = now
    for certification in claimed:
        if certification.issuance_id is None:
            certification.issuance_id = request(certification.achievement_id, certification.extras)
    session.flush()
    return claimed


@dataclass(frozen=True, slots=True)
class _Due:
    """A scope completed and not yet certified: a unit (with its id) or the whole path."""

    key: str
    unit_id: int | None
    achievement_id: int
    requirements: Sequence[ScopeRequirement]


def _due(
    requirements: list[ScopeRequirement],
    done: set[int],
    awards: list[tuple[int, int]],
    existing: set[str],
    *,
    path_achievement_id: int,
) -> list[_Due]:
    """The scopes to certify now: units with an award, then the path, each once."""
    due: list[_Due] = []
    for award_unit_id, award_achievement_id in awards:
        in_unit = [r for r in requirements if r.unit_id == award_unit_id]
        key = unit_scope_key(award_unit_id)
        if in_unit and key not in existing and all(r.id in done for r in in_unit):
            due.append(_Due(key, award_unit_id, award_achievement_id, in_unit))
    if requirements and PATH_SCOPE not in existing and len(done) == len(requirements):
        due.append(_Due(PATH_SCOPE, None, path_achievement_id, requirements))
    return due


@dataclass(frozen=True, slots=True)
class _Requester:
    """Requests a credential for the enrolment's participant from the path's issuer."""

    session: Session
    enrolment: Enrolment
    path: ValidationPath
    name: str
    email: str
    now: datetime

    def __call__(self, achievement_id: int, extras: dict[str, Any]) -> int:
        return request_issuance(
            self.session,
            issuer_id=self.path.issuer_id,
            achievement_id=achievement_id,
            recipient_name=self.name,
            recipient_email=self.email,
            now=self.now,
            recipient_user_id=self.enrolment.user_id,
            extras=extras,
        ).id


def _context_statement() -> Select[ValidationPath, Framework, str | None, str, str]:
    """The path, its framework, the enrolment's certified scopes, the participant's name, address.

    One query instead of three, built once (issue #6).
    """
    # Portable (string_agg / group_concat); a scope key ("path", "unit:<id>") has no comma.
    scope_keys = select(func.aggregate_strings(Certification.scope_key, ",")).where(
        Certification.enrolment_id == bindparam("enrolment_id", type_=Integer)
    )
    user = select(User.name, User.email).where(User.id == bindparam("user_id", type_=Integer))
    return (
        select(
            ValidationPath,
            Framework,
            scope_keys.scalar_subquery(),
            user.with_only_columns(User.name).scalar_subquery(),
            user.with_only_columns(User.email).scalar_subquery(),
        )
        .join(Framework, Framework.id == ValidationPath.framework_id)
        .where(ValidationPath.id == bindparam("path_id", type_=Integer))
    )


_CONTEXT = _context_statement()


def _certify(
    session: Session,
    source: ExtrasSource,
    enrolment: Enrolment,
    path: ValidationPath,
    scope: _Due,
    *,
    request: _Requester,
    now: datetime,
    base_url: str,
    locked: bool,
) -> Certification | None:
    """Build the scope's credential content and claim its row; None if a race lost it."""
    public_id = str(uuid.uuid4())
    extras = build_extras(source, enrolment, path, scope.requirements, public_id=public_id,
                          now=now, base_url=base_url).to_json()  # fmt: skip
    # Under the lock nothing races: the issuance is requested first and the row inserted
    # whole. Otherwise every row is claimed (SAVEPOINT) before any issuance is requested:
    # a SAVEPOINT after a deferred task would let the outbox send that task early (it
    # listens to every commit, savepoints too).
    issuance_id = request(scope.achievement_id, extras) if locked else None
    return _claim(session, enrolment, scope.key, scope.unit_id, scope.achievement_id,
                  public_id=public_id, extras=extras, now=now, issuance_id=issuance_id)  # fmt: skip


def _progress(
    session: Session, enrolment: Enrolment
) -> tuple[list[ScopeRequirement], set[int], list[tuple[int, int]]]:
    """The path's requirements, the ids of those done, and its unit awards; one query.

    A requirement is done when its element was self-assessed (identification) or a submission
    for it approved (every other stage). Awards are (unit id, achievement id), oldest first;
    an award for a unit without requirements could never be due, so it is not needed.
    """
    requirements: list[ScopeRequirement] = []
    done: set[int] = set()
    awards: dict[int, tuple[int, int]] = {}
    rows = session.execute(_PROGRESS, {"enrolment_id": enrolment.id, "path_id": enrolment.path_id})
    for requirement_id, element_id, stage, unit_id, is_done, award_id, achievement_id in rows:
        requirements.append(ScopeRequirement(requirement_id, element_id, stage, unit_id))
        if is_done:
            done.add(requirement_id)
        if award_id is not None:
            awards[unit_id] = (award_id, achievement_id)
    ordered = sorted(awards.items(), key=lambda item: item[1][0])
    return requirements, done, [(unit_id, award[1]) for unit_id, award in ordered]


def _progress_statement() -> Select[int, int, str, int, bool, int | None, int]:
    """Built once: statement building is a good part of an approval's CPU time (issue #6)."""
    enrolment_id = bindparam("enrolment_id", type_=Integer)
    approved = exists().where(
        Submission.enrolment_id == enrolment_id,
        Submission.requirement_id == Requirement.id,
        Submission.state == "approved",
    )
    assessed = exists().where(
        SelfAssessment.enrolment_id == enrolment_id,
        SelfAssessment.element_id == Requirement.element_id,
    )
    return (
        select(
            Requirement.id,
            Requirement.element_id,
            Requirement.stage,
            Element.unit_id,
            case((Requirement.stage == "identification", assessed), else_=approved),
            PathUnitAward.id,
            PathUnitAward.achievement_id,
        )
        .join(Element, Element.id == Requirement.element_id)
        .outerjoin(
            PathUnitAward,
            (PathUnitAward.path_id == Requirement.path_id)
            & (PathUnitAward.unit_id == Element.unit_id),
        )
        .where(Requirement.path_id == bindparam("path_id", type_=Integer))
        .order_by(Requirement.position)
    )


_PROGRESS = _progress_statement()


def certifications_of(session: Session, enrolment_id: int) -> list[Certification]:
    """The enrolment's certifications, oldest first (the caller checked ownership)."""
    return list(
        session.scalars(
            select(Certification)
            .where(Certification.enrolment_id == enrolment_id)
            .order_by(Certification.certified_at, Certification.id)
        )
    )


def _claim(
    session: Session,
    enrolment: Enrolment,
    scope_key: str,
    unit_id: int | None,
    achievement_id: int,
    *,
    public_id: str,
    extras: dict[str, Any],
    now: datetime,
    issuance_id: int | None = None,
) -> Certification | None:
    """Insert the certification row in a SAVEPOINT; None if a racing transaction has it.

    The row is claimed before the issuance is requested, so a lost race rolls back only the
    SAVEPOINT: no issuance (and no deferred task for one) is left behind. With an
    ``issuance_id`` (requested already: the caller holds the enrolment's lock, so nothing
    races) the row is just added.
    """
    certification = Certification(
        public_id=public_id,
        enrolment_id=enrolment.id,
        scope_key=scope_key,
        unit_id=unit_id,
        achievement_id=achievement_id,
        issuance_id=issuance_id,
        extras=extras,
        evidence_public=False,
        certified_at=now,
    )
    if issuance_id is not None:
        session.add(certification)
        return certification
    try:
        with session.begin_nested():
            session.add(certification)
    except IntegrityError:  # another transaction certified the same scope first
        return None
    return certification
