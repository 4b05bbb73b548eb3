"""Achievement and what describes it: Criteria, Alignment, ResultDescription, Result, Related.

OB 3.0 §B.1.1 Achievement, §B.1.5 Alignment, §B.1.6 Criteria, §B.1.15 Related, §B.1.16 Result,
§B.1.17 ResultDescription, §B.1.18 RubricCriterionLevel
(https://www.imsglobal.org/spec/ob/v3p0/#achievement); summary in ``reference/ob3-spec.md`` §1.5,
§1.6. Enumerated terms (``achievementType``, ``targetType``, ``resultType``, ``status``) are plain
strings here; the JSON Schema check (:mod:`badges.ob3.schema`) holds the vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass

from badges.ob3.profile import IdentifierEntry, Image, Profile
from badges.ob3.values import JsonObject, require_finite, require_type, require_uri

#: ``AlignmentTargetType`` (closed list plus ``ext:`` extensions).
ALIGNMENT_TARGET_TYPES = frozenset(
    {
        "ceasn:Competency",
        "ceterms:Credential",
        "CFItem",
        "CFRubric",
        "CFRubricCriterion",
        "CFRubricCriterionLevel",
        "CTDL",
    }
)
#: ``ResultStatusType`` (closed).
RESULT_STATUSES = frozenset(
    {"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Criteria:
    """How to earn the achievement: a page (``id``) and/or a Markdown ``narrative``.

    The spec makes both optional (SHOULD give one); the 1EdTech validator errors when neither is
    present, so our issuer always writes a narrative.
    """

    id: str | None = None
    narrative: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Alignment:
    """A link to a node in a framework, e.g. an ESCO skill (``targetType`` ``ext:ESCOSkill``)."""

    type: tuple[str, ...] = ("Alignment",)
    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    target_type: str | None = None

    def __post_init__(self) -> None:
        require_type(self.type, "Alignment", "Alignment.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class RubricCriterionLevel:
    """One level of a rubric criterion (e.g. "Mastered")."""

    id: str
    type: tuple[str, ...] = ("RubricCriterionLevel",)
    name: str
    description: str | None = None
    level: str | None = None
    points: str | None = None
    alignment: tuple[Alignment, ...] = ()

    def __post_init__(self) -> None:
        require_type(self.type, "RubricCriterionLevel", "RubricCriterionLevel.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultDescription:
    """A possible result of the achievement; a :class:`Result` links to it by ``id``."""

    id: str
    type: tuple[str, ...] = ("ResultDescription",)
    name: str
    result_type: str
    allowed_value: tuple[str, ...] = ()
    required_level: str | None = None
    required_value: str | None = None
    rubric_criterion_level: tuple[RubricCriterionLevel, ...] = ()
    value_min: str | None = None
    value_max: str | None = None
    alignment: tuple[Alignment, ...] = ()

    def __post_init__(self) -> None:
        require_type(self.type, "ResultDescription", "ResultDescription.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """A result achieved; ``status`` is required when the linked description's type is Status."""

    type: tuple[str, ...] = ("Result",)
    result_description: str | None = None
    achieved_level: str | None = None
    status: str | None = None
    value: str | None = None
    alignment: tuple[Alignment, ...] = ()

    def __post_init__(self) -> None:
        require_type(self.type, "Result", "Result.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class Related:
    """Another achievement that is the same for most purposes (a translation, a prior version)."""

    id: str
    type: tuple[str, ...] = ("Related",)
    in_language: str | None = None
    version: str | None = None

    def __post_init__(self) -> None:
        require_type(self.type, "Related", "Related.type")


@dataclass(frozen=True, slots=True, kw_only=True)
class Achievement:
    """What was achieved: the badge definition embedded in every credential "as issued".

    ``endorsement`` entries are opaque JSON objects (signed EndorsementCredentials).
    """

    id: str
    type: tuple[str, ...] = ("Achievement",)
    name: str
    description: str
    criteria: Criteria
    achievement_type: str | None = None
    image: Image | None = None
    alignment: tuple[Alignment, ...] = ()
    result_description: tuple[ResultDescription, ...] = ()
    creator: Profile | None = None
    credits_available: float | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    in_language: str | None = None
    other_identifier: tuple[IdentifierEntry, ...] = ()
    related: tuple[Related, ...] = ()
    specialization: str | None = None
    tag: tuple[str, ...] = ()
    version: str | None = None
    endorsement: tuple[JsonObject, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_uri(self.id, "Achievement.id")
        require_type(self.type, "Achievement", "Achievement.type")
        require_finite(self.credits_available, "Achievement.creditsAvailable")
