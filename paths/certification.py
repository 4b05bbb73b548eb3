"""Certification, the last EU validation stage: a credential per completed unit and path.

After each approval :func:`check_completion` asks, in a few indexed queries, which of the
enrolment's units (those with a :class:`PathUnitAward`) and whether the whole path are now
complete, and certifies each one once. The :class:`Certification` row is claimed first in a
SAVEPOINT (unique per enrolment and ``scope_key``), so when the last two approvals race only one
transaction certifies; the issuance is then requested in the same transaction, so a rollback
leaves neither. The caller locks the enrolment row first (see :mod:`paths.review`), so the
second of two racing approvals sees the first one's approval and nothing is lost. What the
credential says is built by :mod:`paths.certification_extras`; its public evidence pages are
:mod:`paths.public_evidence`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.accounts import User
from issuer import request_issuance
from paths.certification_extras import ScopeRequirement, build_extras
from paths.models import (
    Certification,
    Element,
    Enrolment,
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
    session: Session, enrolment: Enrolment, *, now: datetime, base_url: str
) -> list[Certification]:
    """Certify every unit and the path that the enrolment has just completed; each only once.

    Completing the path also completes the enrolment. Returns the new certifications.
    """
    requirements = [
        ScopeRequirement(*row)
        for row in session.execute(
            select(Requirement.id, Requirement.element_id, Requirement.stage, Element.unit_id)
            .join(Element, Element.id == Requirement.element_id)
            .where(Requirement.path_id == enrolment.path_id)
            .order_by(Requirement.position)
        )
    ]
    approved = set(
        session.scalars(
            select(Submission.requirement_id).where(
                Submission.enrolment_id == enrolment.id, Submission.state == "approved"
            )
        )
    )
    assessed = set(
        session.scalars(
            select(SelfAssessment.element_id).where(SelfAssessment.enrolment_id == enrolment.id)
        )
    )
    done = {
        r.id
        for r in requirements
        if (r.element_id in assessed if r.stage == "identification" else r.id in approved)
    }
    existing = set(
        session.scalars(
            select(Certification.scope_key).where(Certification.enrolment_id == enrolment.id)
        )
    )
    path = session.get_one(ValidationPath, enrolment.path_id)
    awards = session.execute(
        select(PathUnitAward.unit_id, PathUnitAward.achievement_id).where(
            PathUnitAward.path_id == path.id
        )
    ).all()
    due: list[tuple[str, int | None, int, Sequence[ScopeRequirement]]] = []
    for award_unit_id, award_achievement_id in awards:
        in_unit = [r for r in requirements if r.unit_id == award_unit_id]
        key = unit_scope_key(award_unit_id)
        if in_unit and key not in existing and all(r.id in done for r in in_unit):
            due.append((key, award_unit_id, award_achievement_id, in_unit))
    if requirements and PATH_SCOPE not in existing and len(done) == len(requirements):
        due.append((PATH_SCOPE, None, path.achievement_id, requirements))
    # Claim every row first, then request the issuances: a SAVEPOINT after a deferred task
    # would let the outbox send that task early (it listens to every commit, savepoints too).
    claimed: list[Certification] = []
    for key, unit_id, achievement_id, scope in due:
        public_id = str(uuid.uuid4())
        extras = build_extras(session, enrolment, path, scope, public_id=public_id, now=now,
                              base_url=base_url)  # fmt: skip
        made = _claim(session, enrolment, key, unit_id, achievement_id, public_id=public_id,
                      extras=extras.to_json(), now=now)  # fmt: skip
        if made is None:
            continue
        claimed.append(made)
        if key == PATH_SCOPE:
            enrolment.state = "completed"
            enrolment.completed_at = now
    if claimed:
        name, email = session.execute(
            select(User.name, User.email).where(User.id == enrolment.user_id)
        ).one()
        for certification in claimed:
            certification.issuance_id = request_issuance(
                session,
                issuer_id=path.issuer_id,
                achievement_id=certification.achievement_id,
                recipient_name=name,
                recipient_email=email,
                now=now,
                recipient_user_id=enrolment.user_id,
                extras=certification.extras,
            ).id
        session.flush()
    return claimed


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
) -> Certification | None:
    """Insert the certification row in a SAVEPOINT; None if a racing transaction has it.

    The row is claimed before the issuance is requested, so a lost race rolls back only the
    SAVEPOINT: no issuance (and no deferred task for one) is left behind.
    """
    certification = Certification(
        public_id=public_id,
        enrolment_id=enrolment.id,
        scope_key=scope_key,
        unit_id=unit_id,
        achievement_id=achievement_id,
        extras=extras,
        evidence_public=False,
        certified_at=now,
    )
    try:
        with session.begin_nested():
            session.add(certification)
    except IntegrityError:  # another transaction certified the same scope first
        return None
    return certification
