"""What a path credential says beyond its achievement: alignments, results, evidence, narrative.

OB 3.0 §B.1.5 Alignment, §B.1.16 Result, §B.1.17 ResultDescription, §B.1.18
RubricCriterionLevel, §B.1.8 Evidence (https://www.imsglobal.org/spec/ob/v3p0/; summary in
``reference/ob3-spec.md`` §1.6, "Mapping a validation path"). The certification module builds a
:class:`CredentialExtras` per certification; :meth:`CredentialExtras.to_json` gives OB 3.0 JSON
fragments that the issuer merges into the credential it signs (see the report for issue #6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: ``AlignmentTargetType`` of a framework element or an ESCO skill.
COMPETENCY = "ceasn:Competency"


@dataclass(frozen=True, slots=True)
class ExtraAlignment:
    """An alignment of the achievement to a framework element (or its ESCO skill)."""

    target_name: str
    target_url: str
    target_framework: str
    target_code: str | None = None
    target_type: str = COMPETENCY

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 ``Alignment``."""
        node: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
            "targetFramework": self.target_framework,
            "targetType": self.target_type,
        }
        if self.target_code is not None:
            node["targetCode"] = self.target_code
        return node


@dataclass(frozen=True, slots=True)
class RubricLevel:
    """One level of an element's rubric, with a URI so a Result can point at it."""

    id: str
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class ElementResult:
    """The rubric level an assessed element reached (a ResultDescription plus its Result)."""

    description_id: str
    name: str
    levels: tuple[RubricLevel, ...]
    achieved_level_id: str
    alignment: ExtraAlignment

    def description_json(self) -> dict[str, Any]:
        """OB 3.0 ``ResultDescription``, to sit in the achievement."""
        return {
            "id": self.description_id,
            "type": ["ResultDescription"],
            "name": self.name,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": [
                {
                    "id": level.id,
                    "type": ["RubricCriterionLevel"],
                    "name": level.name,
                    "level": str(level.level),
                }
                for level in self.levels
            ],
            "alignment": [self.alignment.to_json()],
        }

    def result_json(self) -> dict[str, Any]:
        """OB 3.0 ``Result``, to sit in the credential subject."""
        return {
            "type": ["Result"],
            "resultDescription": self.description_id,
            "achievedLevel": self.achieved_level_id,
        }


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """One validated requirement; ``id`` is its page, shown only if the participant allows."""

    id: str
    name: str
    narrative: str
    genre: str

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 ``Evidence``."""
        return {
            "id": self.id,
            "type": ["Evidence"],
            "name": self.name,
            "narrative": self.narrative,
            "genre": self.genre,
        }


@dataclass(frozen=True, slots=True)
class CredentialExtras:
    """Everything a path (or unit) credential carries beyond the achievement row."""

    alignments: tuple[ExtraAlignment, ...]
    results: tuple[ElementResult, ...]
    evidence: tuple[EvidenceEntry, ...]
    narrative: str
    framework_code: str
    framework_version: str
    methods: tuple[str, ...]
    activity_start: datetime
    activity_end: datetime

    def to_json(self) -> dict[str, Any]:
        """OB 3.0 fragments keyed by where they go in the credential.

        ``achievement`` lists are appended to ``credentialSubject.achievement``;
        ``credentialSubject`` to the subject; ``evidence`` to the credential. ``framework``
        and ``methods`` are for our own pages and are not merged.
        """
        return {
            "achievement": {
                "alignment": [a.to_json() for a in self.alignments],
                "resultDescription": [r.description_json() for r in self.results],
            },
            "credentialSubject": {
                "result": [r.result_json() for r in self.results],
                "narrative": self.narrative,
                "activityStartDate": _timestamp(self.activity_start),
                "activityEndDate": _timestamp(self.activity_end),
            },
            "evidence": [e.to_json() for e in self.evidence],
            "framework": {"code": self.framework_code, "version": self.framework_version},
            "methods": list(self.methods),
        }


def _timestamp(value: datetime) -> str:
    """OB ``DateTimeZ``: UTC, seconds, ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
