"""The competence framework (issue #6): role -> units -> elements with criteria, and curricula.

A framework version is immutable once imported: validation paths and credentials point at one
version, so a change is a new version imported alongside (see :mod:`paths.framework_store`).

Titles and descriptions are JSON columns holding ``{"en": ..., "de": ...}``, not a translation
table: there are four fixed languages, the texts are always read with their row and never queried
by language, and rows never change, so a join table would add only joins. ``position`` columns
keep the file's order, so an export reproduces the imported file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.db import Base, UTCDateTime
from paths.languages import pick_text


class Framework(Base):
    """One version of a competence framework, as imported from its file."""

    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_frameworks_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier across versions (``[a-z0-9-]+``).
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    #: ``{"en": ..., "de": ..., "bg": ..., "ro": ...}``; "en" always present.
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Same shape as ``title``; ``{}`` when the file gives none.
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    publisher: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())

    roles: Mapped[list[WorkRole]] = relationship(
        order_by="WorkRole.position", cascade="all, delete-orphan", passive_deletes=True
    )
    units: Mapped[list[Unit]] = relationship(
        order_by="Unit.position", cascade="all, delete-orphan", passive_deletes=True
    )
    curricula: Mapped[list[Curriculum]] = relationship(
        order_by="Curriculum.position", cascade="all, delete-orphan", passive_deletes=True
    )

    def title_for(self, locale: str) -> str:
        """The title in ``locale``, or in English when there is no translation."""
        return pick_text(self.title, locale)

    def __repr__(self) -> str:
        return f"<Framework {self.id} {self.code} {self.version}>"


class WorkRole(Base):
    """A job role the framework describes (e.g. smart-city project developer).

    Named ``WorkRole`` (as in ARCHITECTURE.md), not ``Role``, to stay apart from the account
    roles in :mod:`badges.accounts`.
    """

    __tablename__ = "framework_roles"
    __table_args__ = (
        UniqueConstraint("framework_id", "code", name="uq_framework_roles_framework_id_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    #: The EQF level the role sits at (1..8), when the framework says.
    eqf_level: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    unit_links: Mapped[list[RoleUnit]] = relationship(
        order_by="RoleUnit.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Unit(Base):
    """A unit of competence: a group of elements; one unit may serve several roles."""

    __tablename__ = "framework_units"
    __table_args__ = (
        UniqueConstraint("framework_id", "code", name="uq_framework_units_framework_id_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)

    elements: Mapped[list[Element]] = relationship(
        order_by="Element.position", cascade="all, delete-orphan", passive_deletes=True
    )


class RoleUnit(Base):
    """Which units make up a role, in the framework's order."""

    __tablename__ = "framework_role_units"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("framework_roles.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("framework_units.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)

    unit: Mapped[Unit] = relationship()


class Element(Base):
    """A competence (element of a unit): what validation paths ask participants to prove."""

    __tablename__ = "framework_elements"
    __table_args__ = (
        UniqueConstraint("framework_id", "code", name="uq_framework_elements_framework_id_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Repeated from the unit so that "element X of framework version Y" is one lookup.
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("framework_units.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    #: European Qualifications Framework level, 1..8.
    eqf_level: Mapped[int] = mapped_column(Integer)
    #: e-CF 4.0 competence (``A.1`` .. ``E.10``) and its proficiency level 1..5, where it applies.
    ecf_code: Mapped[str | None] = mapped_column(String(8))
    ecf_level: Mapped[int | None] = mapped_column(Integer)
    #: ESCO skill URIs (JSON list).
    esco: Mapped[list[str]] = mapped_column(JSON)
    #: DigComp 2.2 competence numbers such as ``"2.4"`` (JSON list).
    digcomp: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)

    criteria: Mapped[list[PerformanceCriterion]] = relationship(
        order_by="PerformanceCriterion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def title_for(self, locale: str) -> str:
        """The title in ``locale``, or in English when there is no translation."""
        return pick_text(self.title, locale)


class PerformanceCriterion(Base):
    """What an assessor looks for to judge an element achieved."""

    __tablename__ = "framework_performance_criteria"
    __table_args__ = (
        UniqueConstraint(
            "element_id", "code", name="uq_framework_performance_criteria_element_id_code"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("framework_elements.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)


class Curriculum(Base):
    """A training programme that builds the framework's elements."""

    __tablename__ = "framework_curricula"
    __table_args__ = (
        UniqueConstraint("framework_id", "code", name="uq_framework_curricula_framework_id_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)

    learning_units: Mapped[list[LearningUnit]] = relationship(
        order_by="LearningUnit.position", cascade="all, delete-orphan", passive_deletes=True
    )


class LearningUnit(Base):
    """A module of a curriculum, with its workload and the elements it builds."""

    __tablename__ = "framework_learning_units"
    __table_args__ = (
        UniqueConstraint(
            "curriculum_id", "code", name="uq_framework_learning_units_curriculum_id_code"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_id: Mapped[int] = mapped_column(
        ForeignKey("framework_curricula.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Contact hours and ECTS credits; None when the file leaves them out.
    hours: Mapped[float | None] = mapped_column(Float)
    ects: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)

    element_links: Mapped[list[LearningUnitElement]] = relationship(
        order_by="LearningUnitElement.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class LearningUnitElement(Base):
    """Which elements a learning unit builds, in the file's order."""

    __tablename__ = "framework_learning_unit_elements"

    learning_unit_id: Mapped[int] = mapped_column(
        ForeignKey("framework_learning_units.id", ondelete="CASCADE"), primary_key=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_elements.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)

    element: Mapped[Element] = relationship()


# ---------------------------------------------------------------- validation paths
#
# A validation path sets out, for one framework version, the evidence each competence needs,
# in the four stages of the Council Recommendation of 20 December 2012: identification,
# documentation, assessment and certification. Like a framework version, a published path never
# changes: an edit is a new draft version (same ``code``, ``version`` + 1), and enrolments stay on
# the version they enrolled in. The rows below are the whole life of a participant's evidence up
# to review; certification (the next slice) adds its own rows pointing at enrolments.


class ValidationPath(Base):
    """One version of a validation path for a role (or a unit) of one framework version."""

    __tablename__ = "validation_paths"
    __table_args__ = (
        UniqueConstraint("code", "version", name="uq_validation_paths_code_version"),
        Index("ix_validation_paths_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier across versions (``[a-z0-9-]+``).
    code: Mapped[str] = mapped_column(String(64))
    #: 1, 2, ...: a published version never changes, so an edit is the next number.
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Languages the path is offered in (assessors who speak them), for the catalogue filter.
    languages: Mapped[list[str]] = mapped_column(JSON)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="RESTRICT"))
    #: ``role`` (every element of the role's units) or ``unit`` (one unit's elements).
    scope: Mapped[str] = mapped_column(String(8))
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_roles.id", ondelete="RESTRICT")
    )
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_units.id", ondelete="RESTRICT")
    )
    #: Who certifies, and the achievement awarded on completing the whole path.
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuers.id", ondelete="RESTRICT"))
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="RESTRICT"))
    #: ``draft`` -> ``published`` -> ``retired``; only a draft may change.
    state: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    framework: Mapped[Framework] = relationship()
    requirements: Mapped[list[Requirement]] = relationship(
        order_by="Requirement.position", cascade="all, delete-orphan", passive_deletes=True
    )
    unit_awards: Mapped[list[PathUnitAward]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    def title_for(self, locale: str) -> str:
        """The title in ``locale``, or in English when there is no translation."""
        return pick_text(self.title, locale)

    def __repr__(self) -> str:
        return f"<ValidationPath {self.id} {self.code} v{self.version} {self.state}>"


class PathUnitAward(Base):
    """The badge a path awards for one completed unit (stacking into the path's credential)."""

    __tablename__ = "validation_path_unit_awards"
    __table_args__ = (
        UniqueConstraint(
            "path_id", "unit_id", name="uq_validation_path_unit_awards_path_id_unit_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("validation_paths.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("framework_units.id", ondelete="RESTRICT"))
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="RESTRICT"))


class Requirement(Base):
    """What one element needs at one stage: a self-assessment, evidence, or an assessment.

    ``identification`` is met by the participant's self-assessment of the element;
    ``documentation`` and ``assessment`` by a submission an assessor approves
    (``approvals_needed`` different assessors). An assessment requirement may take no items
    (``min_items`` 0: e.g. an interview the participant asks for).
    """

    __tablename__ = "validation_path_requirements"
    __table_args__ = (
        Index("ix_validation_path_requirements_path_element", "path_id", "element_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("validation_paths.id", ondelete="CASCADE"))
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_elements.id", ondelete="RESTRICT")
    )
    #: ``identification`` | ``documentation`` | ``assessment``.
    stage: Mapped[str] = mapped_column(String(16))
    #: What the participant is asked for, ``{"en": ...}``; ``{}`` for the default wording.
    instructions: Mapped[dict[str, str]] = mapped_column(JSON)
    #: Subset of ``["file", "link", "text"]``.
    evidence_kinds: Mapped[list[str]] = mapped_column(JSON)
    min_items: Mapped[int] = mapped_column(Integer, default=1)
    #: 1, or 2 different assessors.
    approvals_needed: Mapped[int] = mapped_column(Integer, default=1)
    #: ``portfolio_review`` | ``interview`` | ``observation`` | ``simulation`` | ``test``.
    method: Mapped[str | None] = mapped_column(String(20))
    #: ``[{"level": 1, "title": {...}, "description": {...}}, ...]``, lowest level first.
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)

    element: Mapped[Element] = relationship()


class Enrolment(Base):
    """A participant on one path version; at most one active or completed per user and version."""

    __tablename__ = "enrolments"
    __table_args__ = (
        Index(
            "uq_enrolments_user_path_current",
            "user_id",
            "path_id",
            unique=True,
            sqlite_where=text("state != 'withdrawn'"),
            postgresql_where=text("state != 'withdrawn'"),
        ),
        Index("ix_enrolments_path_state", "path_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("validation_paths.id", ondelete="RESTRICT"))
    #: ``active`` -> ``completed`` | ``withdrawn``.
    state: Mapped[str] = mapped_column(String(16), default="active")
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    path: Mapped[ValidationPath] = relationship()

    def __repr__(self) -> str:
        return f"<Enrolment {self.id} {self.state}>"


class SelfAssessment(Base):
    """The participant's own level for one element (0: none; else the EQF level they claim)."""

    __tablename__ = "self_assessments"
    __table_args__ = (
        UniqueConstraint(
            "enrolment_id", "element_id", name="uq_self_assessments_enrolment_id_element_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_elements.id", ondelete="RESTRICT")
    )
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EvidenceFile(Base):
    """A stored file, by content: one row and one copy however many artefacts point at it."""

    __tablename__ = "evidence_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    #: Sniffed from the content, never taken from the name or the browser.
    media_type: Mapped[str] = mapped_column(String(100))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Artefact(Base):
    """One piece of a participant's evidence (a file, a link or a text) in one enrolment.

    Submissions point at artefacts through :class:`SubmissionItem`, so one artefact can serve
    several requirements. ``content_hash`` (SHA-256 of kind and content) makes the same evidence
    given twice the same artefact.
    """

    __tablename__ = "artefacts"
    __table_args__ = (
        UniqueConstraint(
            "enrolment_id", "content_hash", name="uq_artefacts_enrolment_id_content_hash"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    #: ``file`` | ``link`` | ``text``.
    kind: Mapped[str] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(2000))
    file_sha256: Mapped[str | None] = mapped_column(
        ForeignKey("evidence_files.sha256", ondelete="RESTRICT"), index=True
    )
    #: The name the participant's file had; shown, never used to decide the type.
    filename: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    file: Mapped[EvidenceFile | None] = relationship()


class Submission(Base):
    """One version of a participant's answer to one requirement; every version is kept.

    ``submitted`` -> ``approved`` | ``rejected`` (by reviews), or ``superseded`` when the
    participant replaces a version before it was reviewed.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint(
            "enrolment_id",
            "requirement_id",
            "version",
            name="uq_submissions_enrolment_id_requirement_id_version",
        ),
        # The review queue: pending submissions, oldest first.
        Index("ix_submissions_state_submitted_at", "state", "submitted_at"),
        Index("ix_submissions_requirement_state", "requirement_id", "state"),
        # The review queue (0009): only pending rows, in queue order; stays small at 1M rows.
        Index(
            "ix_submissions_pending_queue",
            "submitted_at",
            "id",
            sqlite_where=text("state IN ('submitted', 'appealed')"),
            postgresql_where=text("state IN ('submitted', 'appealed')"),
        ),
        # The queue filtered by competence (0012): one requirement's pending rows, in queue
        # order, so a rare competence's page does not walk the whole queue.
        Index(
            "ix_submissions_pending_requirement",
            "requirement_id",
            "submitted_at",
            "id",
            sqlite_where=text("state IN ('submitted', 'appealed')"),
            postgresql_where=text("state IN ('submitted', 'appealed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("validation_path_requirements.id", ondelete="RESTRICT")
    )
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    #: The participant's note to the assessor.
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    items: Mapped[list[SubmissionItem]] = relationship(
        order_by="SubmissionItem.position", cascade="all, delete-orphan", passive_deletes=True
    )
    requirement: Mapped[Requirement] = relationship()

    def __repr__(self) -> str:
        return f"<Submission {self.id} v{self.version} {self.state}>"


class SubmissionItem(Base):
    """Which artefacts a submission is made of, in the participant's order."""

    __tablename__ = "submission_items"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    artefact_id: Mapped[int] = mapped_column(
        ForeignKey("artefacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    artefact: Mapped[Artefact] = relationship()


class Review(Base):
    """An assessor's decision on a submission, against the requirement's rubric (audit log too).

    Unique per submission and assessor: a two-approval requirement needs two different
    assessors, and an assessor racing themself records one decision. ``appeal_of_id`` marks the
    second assessor's review of an appealed rejection.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint(
            "submission_id", "assessor_id", name="uq_reviews_submission_id_assessor_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    assessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: ``approve`` | ``reject``.
    decision: Mapped[str] = mapped_column(String(16))
    feedback: Mapped[str] = mapped_column(Text, default="")
    rubric_level: Mapped[int | None] = mapped_column(Integer)
    #: How it was assessed (one of the requirement's methods), named on the credential.
    method: Mapped[str | None] = mapped_column(String(20))
    appeal_of_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


# ---------------------------------------------------------------- review and certification
#
# Who may review which path, declared conflicts of interest, appeals, the audit log of every
# review step, and the certifications that end a path (or one of its units) in a credential.

#: Submission states an assessor still has to decide; the review queue's partial index is on them.
PENDING_REVIEW = ("submitted", "appealed")
#: The review queue's predicate, written once so that PostgreSQL matches its partial index.
PENDING_REVIEW_SQL = "state IN ('submitted', 'appealed')"


class AssessorAssignment(Base):
    """An assessor may review a path: by path code, so every version of the path keeps them."""

    __tablename__ = "assessor_assignments"
    __table_args__ = (
        UniqueConstraint("path_code", "user_id", name="uq_assessor_assignments_path_code_user_id"),
        Index("ix_assessor_assignments_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path_code: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConflictDeclaration(Base):
    """An assessor declared they must not judge this participant (colleague, relative...)."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (
        UniqueConstraint(
            "assessor_id",
            "participant_id",
            name="uq_conflict_declarations_assessor_id_participant_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Appeal(Base):
    """A participant's appeal of a rejected submission version: at most one per version."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    #: The rejection appealed against; its assessor does not decide the appeal.
    rejected_review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text)
    appealed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewEvent(Base):
    """The audit log: who did what to which submission version, and when; rows never change."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_actor_id_id", "actor_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    #: The submission's version at the time, repeated so the log reads on its own.
    submission_version: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: ``approve`` | ``reject`` (an assessor's review), ``appeal`` (the participant),
    #: ``approved`` | ``rejected`` (the submission's resulting decision).
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Certification(Base):
    """A completed unit or path of one enrolment, and the issuance it requested.

    ``scope_key`` is ``path`` or ``unit:<unit id>``: a plain unique key (no NULL unit) so that
    both backends allow exactly one certification per enrolment and scope, even when the last
    two approvals race. ``extras`` keeps the credential content built for it (alignments,
    results, evidence, narrative) as OB 3.0 JSON fragments.
    """

    __tablename__ = "certifications"
    __table_args__ = (
        UniqueConstraint(
            "enrolment_id", "scope_key", name="uq_certifications_enrolment_id_scope_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: In links to the evidence pages; unguessable, unlike ``id``.
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"))
    scope_key: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_units.id", ondelete="RESTRICT")
    )
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="RESTRICT"))
    issuance_id: Mapped[int | None] = mapped_column(
        ForeignKey("issuances.id", ondelete="SET NULL"), index=True
    )
    extras: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The participant chose to let anyone with the credential open its evidence pages.
    evidence_public: Mapped[bool] = mapped_column(default=False)
    certified_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Certification {self.id} {self.scope_key}>"


class CohortSnapshot(Base):
    """A path's cohort figures as last computed, and when (see :mod:`paths.cohort`).

    Computing them reads every submission of the path, about a second with a million
    submissions, so the cohort page shows this copy while it is a few minutes old (issue #6).
    One row per path code, replaced in place.
    """

    __tablename__ = "cohort_snapshots"

    path_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Per path version id: enrolment counts by state and per-competence shares (JSON).
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


#: ValidationPath columns that may change after publishing: only its life-cycle fields.
_PATH_LIFECYCLE = frozenset({"state", "published_at", "retired_at"})


@event.listens_for(ValidationPath, "before_update")
def _published_path_is_fixed(_mapper: Any, _connection: Any, target: ValidationPath) -> None:
    """Refuse any change but the life cycle to a path that was not a draft when loaded.

    The domain functions check first and raise a clear error; this is the lock behind them,
    so that no code path (an admin form, a script) changes a path under enrolled participants.
    """
    state_history = inspect(target).attrs.state.history
    was = state_history.deleted[0] if state_history.deleted else target.state
    if was == "draft":
        return
    for attr in inspect(target).attrs:
        if attr.key not in _PATH_LIFECYCLE and attr.history.has_changes():
            raise PublishedPathChanged(target.code, target.version)


@event.listens_for(Requirement, "before_insert")
@event.listens_for(Requirement, "before_update")
@event.listens_for(Requirement, "before_delete")
@event.listens_for(PathUnitAward, "before_insert")
@event.listens_for(PathUnitAward, "before_update")
@event.listens_for(PathUnitAward, "before_delete")
def _published_requirements_are_fixed(
    _mapper: Any, connection: Connection, target: Requirement | PathUnitAward
) -> None:
    """A published path's requirements and unit badges never change either."""
    row = connection.execute(
        select(ValidationPath.state, ValidationPath.code, ValidationPath.version).where(
            ValidationPath.id == target.path_id
        )
    ).one_or_none()
    if row is not None and row.state != "draft":
        raise PublishedPathChanged(row.code, row.version)


class PublishedPathChanged(RuntimeError):
    """Programmer error: code tried to change a published path behind the domain's back."""

    def __init__(self, code: str, version: int) -> None:
        super().__init__(f"validation path {code} v{version} is published and cannot change")
