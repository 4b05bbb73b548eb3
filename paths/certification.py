"""Certification, the last EU validation stage: a credential per completed unit and path.

After each approval :func:`check_completion` asks, in a few indexed queries, which of the
enrolment's units (those with a :class:`PathUnitAward`) and whether the whole path are now
complete, and certifies each one once. The :class:`Certification` row is claimed first in a
SAVEPOINT (unique per enrolment and ``scope_key``), so when the last two approvals race only one
transaction certifies; the issuance is then requested in the same transaction, so a rollback
leaves neither. The caller locks the enrolment row first (see :mod:`paths.review`), so the
second of two racing approvals sees the first one's approval and nothing is lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.accounts import User
from badges.errors import N_
from issuer import request_issuance
from paths.credential_extras import (
    CredentialExtras,
    ElementResult,
    EvidenceEntry,
    ExtraAlignment,
    RubricLevel,
)
from paths.models import (
    Certification,
    Element,
    Enrolment,
    Framework,
    PathUnitAward,
    Requirement,
    Review,
    SelfAssessment,
    Submission,
    ValidationPath,
)
from paths.review_errors import CertificationNotFound

PATH_SCOPE = "path"
NARRATIVE = N_(
    "Validated against the competence framework %(framework)s, version %(version)s, "
    "in validation path %(path)s version %(path_version)s. Assessment methods: %(methods)s."
)


@dataclass(frozen=True, slots=True)
class _Req:
    id: int
    element_id: int
    stage: str
    unit_id: int


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
        _Req(*row)
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
    due: list[tuple[str, int | None, int, Sequence[_Req]]] = []
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


def set_evidence_public(
    session: Session, certification_id: int, *, user_id: int, public: bool
) -> Certification:
    """Let anyone holding the credential open its evidence pages, or stop them.

    Raises:
        CertificationNotFound: none with this id belongs to ``user_id``.
    """
    certification = session.get(Certification, certification_id)
    enrolment = session.get(Enrolment, certification.enrolment_id) if certification else None
    if certification is None or enrolment is None or enrolment.user_id != user_id:
        raise CertificationNotFound
    certification.evidence_public = public
    session.flush()
    return certification


@dataclass(frozen=True, slots=True)
class PublicEvidence:
    """What an evidence page shows: the certification, the requirement, the approved version."""

    certification: Certification
    requirement: Requirement
    submission: Submission


def public_evidence(session: Session, public_id: str, requirement_id: int) -> PublicEvidence:
    """The evidence behind one entry of a credential, if its holder made it public.

    Raises:
        CertificationNotFound: unknown, not public, or the requirement is not in it.
    """
    certification = session.scalar(
        select(Certification).where(Certification.public_id == public_id)
    )
    if certification is None or not certification.evidence_public:
        raise CertificationNotFound
    listed = {
        entry.get("id", "").rsplit("/", 1)[-1] for entry in certification.extras.get("evidence", [])
    }
    submission = session.scalar(
        select(Submission)
        .where(
            Submission.enrolment_id == certification.enrolment_id,
            Submission.requirement_id == requirement_id,
            Submission.state == "approved",
        )
        .order_by(Submission.version.desc())
        .limit(1)
    )
    if str(requirement_id) not in listed or submission is None:
        raise CertificationNotFound
    return PublicEvidence(certification, session.get_one(Requirement, requirement_id), submission)


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


def build_extras(
    session: Session,
    enrolment: Enrolment,
    path: ValidationPath,
    requirements: Sequence[_Req],
    *,
    public_id: str,
    now: datetime,
    base_url: str,
) -> CredentialExtras:
    """The credential content for ``requirements`` (a unit's, or the whole path's)."""
    framework = session.get_one(Framework, path.framework_id)
    framework_name = framework.title_for("en")
    element_ids = list(dict.fromkeys(r.element_id for r in requirements))
    elements = {
        e.id: e for e in session.scalars(select(Element).where(Element.id.in_(element_ids)))
    }
    by_id = {
        r.id: r
        for r in session.scalars(
            select(Requirement).where(Requirement.id.in_([q.id for q in requirements]))
        )
    }
    reviews = session.execute(
        select(Submission.requirement_id, Review.rubric_level, Review.method, Review.at)
        .join(Review, Review.submission_id == Submission.id)
        .where(
            Submission.enrolment_id == enrolment.id,
            Submission.state == "approved",
            Submission.requirement_id.in_(list(by_id)),
            Review.decision == "approve",
        )
        .order_by(Review.at, Review.id)
    ).all()
    levels: dict[int, list[int]] = {}
    methods: dict[int, list[str]] = {}
    approved_at: dict[int, datetime] = {}
    for requirement_id, level, method, at in reviews:
        if level is not None:
            levels.setdefault(requirement_id, []).append(level)
        if method:
            methods.setdefault(requirement_id, []).append(method)
        approved_at[requirement_id] = at

    def element_url(element: Element) -> str:
        return (
            f"{base_url}/paths/frameworks/{framework.code}/{framework.version}"
            f"/elements/{element.code}"
        )

    own: dict[int, ExtraAlignment] = {}
    alignments: list[ExtraAlignment] = []
    for element_id in element_ids:
        element = elements[element_id]
        own[element_id] = ExtraAlignment(
            target_name=element.title_for("en"),
            target_url=element_url(element),
            target_framework=f"{framework_name} {framework.version}",
            target_code=element.code,
        )
        alignments.append(own[element_id])
        alignments.extend(
            ExtraAlignment(
                target_name=element.title_for("en"), target_url=uri, target_framework="ESCO"
            )
            for uri in element.esco
        )
    results: list[ElementResult] = []
    evidence: list[EvidenceEntry] = []
    for req in requirements:
        requirement = by_id[req.id]
        element = elements[req.element_id]
        if req.stage == "identification" or req.id not in approved_at:
            continue
        used = sorted(set(methods.get(req.id, [])))
        achieved = min(levels[req.id]) if levels.get(req.id) else None
        evidence.append(
            EvidenceEntry(
                id=f"{base_url}/paths/certifications/{public_id}/evidence/{req.id}",
                name=f"{element.title_for('en')} ({req.stage})",
                narrative=_evidence_narrative(approved_at[req.id], used, achieved),
                genre=req.stage,
            )
        )
        if requirement.rubric and achieved is not None:
            # One result per assessment requirement: its id (and its levels') name it.
            url = f"{element_url(element)}#result-{req.id}"
            rubric = [
                RubricLevel(
                    id=f"{url}-level-{int(level['level'])}",
                    name=_title(level.get("title"), default=str(level["level"])),
                    level=int(level["level"]),
                )
                for level in requirement.rubric
            ]
            results.append(
                ElementResult(
                    description_id=url,
                    name=element.title_for("en"),
                    levels=tuple(rubric),
                    achieved_level_id=f"{url}-level-{achieved}",
                    alignment=own[req.element_id],
                )
            )
    all_methods = tuple(sorted({m for ms in methods.values() for m in ms}))
    narrative = NARRATIVE % {
        "framework": framework_name,
        "version": framework.version,
        "path": path.code,
        "path_version": path.version,
        "methods": ", ".join(m.replace("_", " ") for m in all_methods) or "-",
    }
    return CredentialExtras(
        alignments=tuple(alignments),
        results=tuple(results),
        evidence=tuple(evidence),
        narrative=narrative,
        framework_code=framework.code,
        framework_version=framework.version,
        methods=all_methods,
        activity_start=enrolment.enrolled_at,
        activity_end=now,
    )


def _evidence_narrative(at: datetime, methods: Sequence[str], level: int | None) -> str:
    how = ", ".join(m.replace("_", " ") for m in methods) or "review"
    text = f"Approved on {at.date().isoformat()} after {how}."
    return text if level is None else f"{text} Rubric level {level}."


def _title(value: object, *, default: str) -> str:
    if isinstance(value, dict):
        english = value.get("en")
        if isinstance(english, str) and english:
            return english
    return default
