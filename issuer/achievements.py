"""What an issuer awards (OB ``Achievement``) and how it presents itself: fields, images, profile.

Every field is checked here, so the admin pages, the CLI and tests share one set of rules, and a
credential never carries a term, language tag or alignment URL that OB 3.0 would refuse
(reference/ob3-spec.md §1.5, §1.6). Images are untrusted uploads: :func:`check_image` is the one
gate for badge images and issuer logos.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from PIL import Image as PILImage
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.baking import BakingError, UnsafeSvg, extract_svg
from badges.errors import N_
from issuer.errors import AchievementNotFound, InvalidAchievement, InvalidImage, InvalidIssuer
from issuer.models import Achievement, Issuer

PNG, SVG = "image/png", "image/svg+xml"
MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_SIDE = 2048
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
_IMAGE_MESSAGE = N_("The image must be a PNG or SVG file under 1 MB.")


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


@dataclass(frozen=True, slots=True)
class ImageUpload:
    """Uploaded image bytes and the media type the browser claimed (checked, not trusted)."""

    data: bytes
    media_type: str | None = None


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


def check_image(data: bytes, media_type: str | None) -> str:
    """Accept a safe PNG or SVG under 1 MB and return its media type; refuse anything else."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise InvalidImage(_IMAGE_MESSAGE, field="image")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_png(data)
        return PNG
    if (media_type or "").split(";")[0].strip().lower() not in {"", SVG, "application/xml"}:
        raise InvalidImage(_IMAGE_MESSAGE, field="image")
    try:
        # The baking scanner is our SVG safety: defusedxml, and no script, handlers,
        # foreignObject or external references.
        extract_svg(data, max_size=MAX_IMAGE_BYTES)
    except UnsafeSvg as err:
        raise InvalidImage(
            N_("The SVG image contains scripts or links to other files, which are not allowed."),
            field="image",
        ) from err
    except BakingError as err:
        raise InvalidImage(_IMAGE_MESSAGE, field="image") from err
    return SVG


def _check_png(data: bytes) -> None:
    """Read the header first, so a decompression bomb is refused before it is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=["PNG"]) as image:
                width, height = image.size
                if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
                    raise InvalidImage(
                        N_("The image may be at most 2048 by 2048 pixels."), field="image"
                    )
                image.load()
    except InvalidImage:
        raise
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError, Warning) as err:
        raise InvalidImage(_IMAGE_MESSAGE, field="image") from err


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


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileFields:
    """The issuer's public profile as an admin edits it (OB ``Profile`` and ``Address``)."""

    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    street_address: str | None = None
    postal_code: str | None = None
    address_locality: str | None = None
    address_region: str | None = None
    address_country_code: str | None = None


def update_issuer_profile(
    session: Session, issuer: Issuer, values: ProfileFields, *, logo: ImageUpload | None = None
) -> Issuer:
    """Check and store the issuer's public profile; a new logo replaces the old one."""
    name = (values.name or "").strip()
    if not name or len(name) > 200:
        raise InvalidIssuer(N_("Give the issuer a name of at most 200 characters."), field="name")
    url = _optional(values.url, 2000)
    if url is not None and not _HTTP_URL.fullmatch(url):
        raise InvalidIssuer(
            N_("The issuer's web address must start with http:// or https://."), field="url"
        )
    country = _optional(values.address_country_code, 2)
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise InvalidIssuer(
            N_("Give the country as a two-letter code such as DE or BG."),
            field="address_country_code",
        )
    media_type = check_image(logo.data, logo.media_type) if logo is not None else None
    issuer.name, issuer.url, issuer.email = name, url, _issuer_email(values.email)
    issuer.description = _optional(values.description, 5000)
    issuer.street_address = _optional(values.street_address, 300)
    issuer.postal_code = _optional(values.postal_code, 32)
    issuer.address_locality = _optional(values.address_locality, 200)
    issuer.address_region = _optional(values.address_region, 200)
    issuer.address_country_code = country.upper() if country else None
    if logo is not None:
        issuer.logo_data, issuer.logo_media_type = logo.data, media_type
    session.flush()
    return issuer


def _optional(value: str | None, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise InvalidIssuer(
            N_("A field is longer than %(limit)s characters."), params={"limit": limit}
        )
    return text or None


def _issuer_email(value: str | None) -> str | None:
    address = (value or "").strip().lower()
    if not address:
        return None
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidIssuer(N_("Give the issuer a valid email address."), field="email") from None
    return address
