"""What a certification's credential says: alignments, results, evidence and narrative.

:func:`load_source` reads, once for every scope certified together, what :func:`build_extras`
needs to turn the approved reviews of a certified scope (a unit's requirements, or
the whole path's) into :class:`~paths.credential_extras.CredentialExtras`, which the issuer
merges into the OB 3.0 credential (:mod:`issuer.extras`). Called by :mod:`paths.certification`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from badges.errors import N_
from paths.credential_extras import (
    CredentialExtras,
    ElementResult,
    EvidenceEntry,
    ExtraAlignment,
    RubricLevel,
)
from paths.languages import pick_text
from paths.models import (
    Element,
    Enrolment,
    Framework,
    Requirement,
    Review,
    Submission,
    ValidationPath,
)

NARRATIVE = N_(
    "Validated against the competence framework %(framework)s, version %(version)s, "
    "in validation path %(path)s version %(path_version)s. Assessment methods: %(methods)s."
)


@dataclass(frozen=True, slots=True)
class ScopeRequirement:
    """A requirement of the certified scope, with its element's unit (one query row)."""

    id: int
    element_id: int
    stage: str
    unit_id: int


@dataclass(frozen=True, slots=True)
class _Element:
    code: str
    title: str
    esco: Sequence[str]


@dataclass(frozen=True, slots=True)
class ExtrasSource:
    """What the credentials of the scopes certified together say, loaded once for all of them.

    One query whatever the number of scopes (a unit and the path often complete together):
    the elements' names, the requirements' rubrics and the approving reviews.
    """

    framework: Framework
    elements: dict[int, _Element]
    rubrics: dict[int, list[dict[str, Any]]]
    reviews: list[tuple[int, int | None, str | None, datetime]]


def load_source(
    session: Session,
    enrolment: Enrolment,
    framework: Framework,
    requirements: Sequence[ScopeRequirement],
) -> ExtrasSource:
    """What :func:`build_extras` reads, for every requirement of the scopes certified now."""
    ids = list(dict.fromkeys(r.id for r in requirements))
    elements: dict[int, _Element] = {}
    rubrics: dict[int, list[dict[str, Any]]] = {}
    reviews: list[tuple[int, int | None, str | None, datetime]] = []
    for requirement_id, rubric, element_id, code, title, esco, level, method, at in session.execute(
        _SOURCE, {"ids": ids, "enrolment_id": enrolment.id}
    ):
        if requirement_id not in rubrics:
            rubrics[requirement_id] = rubric
            elements[element_id] = _Element(code, pick_text(title, "en"), esco)
        if at is not None:  # an approving review (requirements without one have a row too)
            reviews.append((requirement_id, level, method, at))
    return ExtrasSource(framework, elements, rubrics, reviews)


# Built once (statement building is a good part of a completion's CPU time, issue #6): each
# requirement with its element and rubric, once per approving review of its approved submission
# (or once, with no review), the reviews in the order they were made.
_APPROVED = (Submission.requirement_id == Requirement.id) & (
    (Submission.enrolment_id == bindparam("enrolment_id", type_=Integer))
    & (Submission.state == "approved")
)
_SOURCE = (
    select(
        Requirement.id,
        Requirement.rubric,
        Element.id,
        Element.code,
        Element.title,
        Element.esco,
        Review.rubric_level,
        Review.method,
        Review.at,
    )
    .join(Element, Element.id == Requirement.element_id)
    .outerjoin(Submission, _APPROVED)
    .outerjoin(Review, (Review.submission_id == Submission.id) & (Review.decision == "approve"))
    .where(Requirement.id.in_(bindparam("ids", expanding=True)))
    .order_by(Review.at.asc().nulls_last(), Review.id)
)


def build_extras(
    source: ExtrasSource,
    enrolment: Enrolment,
    path: ValidationPath,
    requirements: Sequence[ScopeRequirement],
    *,
    public_id: str,
    now: datetime,
    base_url: str,
) -> CredentialExtras:
    """The credential content for ``requirements`` (a unit's, or the whole path's)."""
    framework = source.framework
    tally = _tally(source, {r.id for r in requirements})
    urls = _Urls(base_url, framework, public_id)
    own, alignments = _alignments(source, requirements, urls)
    results: list[ElementResult] = []
    evidence: list[EvidenceEntry] = []
    for req in requirements:
        if req.stage == "identification" or req.id not in tally.approved_at:
            continue
        element = source.elements[req.element_id]
        achieved = min(tally.levels[req.id]) if tally.levels.get(req.id) else None
        evidence.append(_evidence_entry(req, element, tally, achieved, urls))
        if source.rubrics[req.id] and achieved is not None:
            results.append(_result(req, element, source.rubrics[req.id], achieved=achieved,
                                   alignment=own[req.element_id], urls=urls))  # fmt: skip
    all_methods = tuple(sorted({m for ms in tally.methods.values() for m in ms}))
    return CredentialExtras(
        alignments=tuple(alignments),
        results=tuple(results),
        evidence=tuple(evidence),
        narrative=_narrative(framework, path, all_methods),
        framework_code=framework.code,
        framework_version=framework.version,
        methods=all_methods,
        activity_start=enrolment.enrolled_at,
        activity_end=now,
    )


@dataclass(frozen=True, slots=True)
class _Tally:
    """The approving reviews of the scope, per requirement id: levels, methods, last approval."""

    levels: dict[int, list[int]]
    methods: dict[int, list[str]]
    approved_at: dict[int, datetime]


def _tally(source: ExtrasSource, in_scope: set[int]) -> _Tally:
    tally = _Tally({}, {}, {})
    for requirement_id, level, method, at in source.reviews:
        if requirement_id not in in_scope:
            continue
        if level is not None:
            tally.levels.setdefault(requirement_id, []).append(level)
        if method:
            tally.methods.setdefault(requirement_id, []).append(method)
        tally.approved_at[requirement_id] = at
    return tally


@dataclass(frozen=True, slots=True)
class _Urls:
    """Where the credential's links point: the framework's element pages, the evidence pages."""

    base_url: str
    framework: Framework
    public_id: str

    def element(self, element: _Element) -> str:
        framework = self.framework
        return (
            f"{self.base_url}/paths/frameworks/{framework.code}/{framework.version}"
            f"/elements/{element.code}"
        )

    def evidence(self, requirement_id: int) -> str:
        return f"{self.base_url}/paths/certifications/{self.public_id}/evidence/{requirement_id}"


def _alignments(
    source: ExtrasSource, requirements: Sequence[ScopeRequirement], urls: _Urls
) -> tuple[dict[int, ExtraAlignment], list[ExtraAlignment]]:
    """Each element's own alignment (by element id), and all alignments, ESCO's included."""
    framework = source.framework
    framework_name = framework.title_for("en")
    own: dict[int, ExtraAlignment] = {}
    alignments: list[ExtraAlignment] = []
    for element_id in dict.fromkeys(r.element_id for r in requirements):
        element = source.elements[element_id]
        own[element_id] = ExtraAlignment(
            target_name=element.title,
            target_url=urls.element(element),
            target_framework=f"{framework_name} {framework.version}",
            target_code=element.code,
        )
        alignments.append(own[element_id])
        alignments.extend(
            ExtraAlignment(target_name=element.title, target_url=uri, target_framework="ESCO")
            for uri in element.esco
        )
    return own, alignments


def _evidence_entry(
    req: ScopeRequirement, element: _Element, tally: _Tally, achieved: int | None, urls: _Urls
) -> EvidenceEntry:
    used = sorted(set(tally.methods.get(req.id, [])))
    return EvidenceEntry(
        id=urls.evidence(req.id),
        name=f"{element.title} ({req.stage})",
        narrative=_evidence_narrative(tally.approved_at[req.id], used, achieved),
        genre=req.stage,
    )


def _result(
    req: ScopeRequirement,
    element: _Element,
    rubric_levels: Sequence[dict[str, Any]],
    *,
    achieved: int,
    alignment: ExtraAlignment,
    urls: _Urls,
) -> ElementResult:
    """One result per assessment requirement: its id (and its levels') name it."""
    url = f"{urls.element(element)}#result-{req.id}"
    rubric = [
        RubricLevel(
            id=f"{url}-level-{int(level['level'])}",
            name=_title(level.get("title"), default=str(level["level"])),
            level=int(level["level"]),
        )
        for level in rubric_levels
    ]
    return ElementResult(
        description_id=url,
        name=element.title,
        levels=tuple(rubric),
        achieved_level_id=f"{url}-level-{achieved}",
        alignment=alignment,
    )


def _narrative(framework: Framework, path: ValidationPath, methods: Sequence[str]) -> str:
    return NARRATIVE % {
        "framework": framework.title_for("en"),
        "version": framework.version,
        "path": path.code,
        "path_version": path.version,
        "methods": ", ".join(m.replace("_", " ") for m in methods) or "-",
    }


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
