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

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
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
