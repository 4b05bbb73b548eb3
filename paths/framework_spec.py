"""A framework file's content as frozen values: what the JSON and CSV readers produce.

Import compares a file with what is stored through these values, so that "the same file twice"
is a plain equality test (see :func:`paths.framework_store.import_framework`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: ``{"en": ..., "de": ...}``; "en" always present where a text is required.
Texts = Mapping[str, str]
FORMAT = "smart-city-framework/1"


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """A performance criterion of an element."""

    code: str
    text: Texts


@dataclass(frozen=True, slots=True)
class ElementSpec:
    """An element (competence) with its levels, alignments and criteria."""

    code: str
    title: Texts
    description: Texts
    eqf_level: int
    ecf_code: str | None
    ecf_level: int | None
    esco: tuple[str, ...]
    digcomp: tuple[str, ...]
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A unit of competence and its elements."""

    code: str
    title: Texts
    description: Texts
    elements: tuple[ElementSpec, ...]


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """A work role and the codes of its units."""

    code: str
    title: Texts
    description: Texts
    eqf_level: int | None
    units: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LearningUnitSpec:
    """A learning unit of a curriculum and the codes of the elements it builds."""

    code: str
    title: Texts
    description: Texts
    hours: float | None
    ects: float | None
    elements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CurriculumSpec:
    """A curriculum and its learning units."""

    code: str
    title: Texts
    description: Texts
    learning_units: tuple[LearningUnitSpec, ...]


@dataclass(frozen=True, slots=True)
class FrameworkSpec:
    """One version of a framework, valid: every code unique and every reference resolved."""

    code: str
    version: str
    title: Texts
    description: Texts
    publisher: str | None
    source_url: str | None
    roles: tuple[RoleSpec, ...]
    units: tuple[UnitSpec, ...]
    curricula: tuple[CurriculumSpec, ...]
