"""What an issuer awards (OB ``Achievement``): its fields, image, versions and archiving.

Every field is checked here, so the admin pages, the CLI and tests share one set of rules, and a
credential never carries a term, language tag or alignment URL that OB 3.0 would refuse
(reference/ob3-spec.md §1.5, §1.6). Badge images pass :func:`issuer.images.check_image`; the
issuer's own profile is :mod:`issuer.profile`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.errors import N_
from issuer.errors import AchievementNotFound, InvalidAchievement
from issuer.images import ImageUpload, check_image
from issuer.models import Achievement

MAX_VALIDITY_DAYS = 36500
#: OB 3.0 ``AchievementType`` (closed list plus ``ext:`` extensions, reference/ob3-spec.md §1.6).
# fmt: off
ACHIEVEMENT_TYPES = frozenset({
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
    "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
    "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma",
    "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate",
    "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
    "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
    "ResearchDoctorate", "SecondarySchoolDiploma",
})
# fmt: on
_EXTENSION_TERM = re.compile(r"ext:[A-Za-z0-9.\-_]+")
#: OB's ``inLanguage`` pattern (reference/ob3-spec.md §1.5).
_LANGUAGE = re.compile(r"[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementFields:
    """What an admin enters for an achievement; ``alignments`` use OB's member names."""

    name: str
    description: str
    criteria_narrative: str
    achievement_type: str | None = None
    validity_days: int | None = None
    language: str | None = None
    alignments: Sequence[Mapping[str, str]] = ()
    allow_suspension: bool = False


def create_achievement(
    session: Session,
    issuer_id: int,
    values: AchievementFields,
    *,
    now: datetime,
    image: ImageUpload | None = None,
) -> Achievement:
    """Add a checked achievement (version 1) to the issuer."""
    achievement = Achievement(issuer_id=issuer_id, version=1, created_at=now)
    _apply(achievement, _checked(values))
    if image is not None:
        _set_image(achievement, image)
    session.add(achievement)
    session.flush()
    return achievement


def update_achievement(
    session: Session,
    issuer_id: int,
    achievement_id: int,
    values: AchievementFields,
    *,
    now: datetime,
    image: ImageUpload | None = None,
) -> Achievement:
    """Change an achievement; the version goes up only when something really changed."""
    achievement = get_achievement(session, issuer_id, achievement_id)
    columns = _checked(values)
    if image is not None:  # checked before anything changes, so a bad image stores nothing
        columns["image_media_type"] = check_image(image.data, image.media_type)
        columns["image_data"] = image.data
    changed = any(getattr(achievement, name) != value for name, value in columns.items())
    _apply(achievement, columns)
    if changed:
        achievement.version += 1
        achievement.updated_at = now
    session.flush()
    return achievement


def archive_achievement(
    session: Session, issuer_id: int, achievement_id: int, *, now: datetime
) -> Achievement:
    """Hide the achievement from award forms; what was awarded stays valid (idempotent)."""
    achievement = get_achievement(session, issuer_id, achievement_id)
    if achievement.archived_at is None:
        achievement.archived_at = now
        session.flush()
    return achievement


def list_achievements(
    session: Session, issuer_id: int, *, include_archived: bool = False
) -> list[Achievement]:
    """The issuer's achievements by name."""
    query = select(Achievement).where(Achievement.issuer_id == issuer_id)
    if not include_archived:
        query = query.where(Achievement.archived_at.is_(None))
    return list(session.scalars(query.order_by(Achievement.name, Achievement.id)))


def get_achievement(session: Session, issuer_id: int, achievement_id: int) -> Achievement:
    """One of the issuer's achievements; another issuer's answers as not found."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None or achievement.issuer_id != issuer_id:
        raise AchievementNotFound(N_("No achievement %(id)s."), params={"id": achievement_id})
    return achievement


def alignments_of(achievement: Achievement) -> list[dict[str, str]]:
    """The stored OB ``Alignment`` members (``targetName``, ``targetUrl``…), in order."""
    stored = json.loads(achievement.alignments_json) if achievement.alignments_json else []
    return [dict(item) for item in stored]


def _set_image(achievement: Achievement, image: ImageUpload) -> None:
    achievement.image_media_type = check_image(image.data, image.media_type)
    achievement.image_data = image.data


def _apply(achievement: Achievement, columns: Mapping[str, object]) -> None:
    for name, value in columns.items():
        setattr(achievement, name, value)


def _checked(values: AchievementFields) -> dict[str, object]:
    """The model's column values for ``values``, each checked; the first bad one raises."""
    alignments = [_alignment(item) for item in values.alignments]
    columns: dict[str, object] = {
        "name": _text(values.name, "name", 200, N_("Give the achievement a name.")),
        "description": _text(values.description, "description", 5000, N_("Add a description.")),
        "criteria_narrative": _text(
            values.criteria_narrative, "criteria_narrative", 20000, N_("Describe the criteria.")
        ),
        "achievement_type": _achievement_type(values.achievement_type),
        "validity_days": _validity(values.validity_days),
        "language": _language(values.language),
        "alignments_json": json.dumps(alignments, ensure_ascii=False) if alignments else None,
        "allow_suspension": bool(values.allow_suspension),
    }
    return columns


def _text(value: str, field: str, limit: int, message: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > limit:
        raise InvalidAchievement(message, field=field)
    return text


def _achievement_type(value: str | None) -> str | None:
    term = (value or "").strip()
    if not term:
        return None
    if term in ACHIEVEMENT_TYPES or _EXTENSION_TERM.fullmatch(term):
        return term
    raise InvalidAchievement(
        N_("%(term)s is not an Open Badges achievement type."),
        params={"term": term[:100]},
        field="achievement_type",
    )


def _validity(value: int | None) -> int | None:
    if value is None:
        return None
    if not 1 <= value <= MAX_VALIDITY_DAYS:
        raise InvalidAchievement(
            N_("The validity must be between 1 and 36500 days, or empty."), field="validity_days"
        )
    return value


def _language(value: str | None) -> str | None:
    tag = (value or "").strip()
    if not tag:
        return None
    if not _LANGUAGE.fullmatch(tag):
        raise InvalidAchievement(
            N_("Give the language as a code such as en, de, bg or ro."), field="language"
        )
    return tag


def _alignment(item: Mapping[str, str]) -> dict[str, str]:
    name = (item.get("targetName") or "").strip()
    url = (item.get("targetUrl") or "").strip()
    if not name or len(name) > 500 or not _HTTP_URL.fullmatch(url) or len(url) > 2000:
        raise InvalidAchievement(
            N_("Each alignment needs a name and a web address starting with http:// or https://."),
            field="alignments",
        )
    alignment = {"targetName": name, "targetUrl": url}
    for key in ("targetFramework", "targetCode"):
        extra = (item.get(key) or "").strip()
        if extra:
            alignment[key] = extra[:500]
    return alignment
