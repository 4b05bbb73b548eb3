"""Achievements, images and the issuer profile on both databases: the rules and what is stored."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from PIL import Image as PILImage
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.errors import InvalidInput
from issuer import Achievement, Credential, Issuer
from issuer.achievements import (
    AchievementFields,
    archive_achievement,
    create_achievement,
    get_achievement,
    list_achievements,
    update_achievement,
)
from issuer.errors import AchievementNotFound, InvalidAchievement, InvalidImage, InvalidIssuer
from issuer.images import ImageUpload, check_image
from issuer.profile import ProfileFields, update_issuer_profile
from tests.environment import NOW
from tests.integration.test_issuance import BASE_URL, issue, make_achievement, verify_stored

LATER = NOW.replace(hour=10)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>'
SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>'
)


def png(width: int = 16, height: int = 16) -> bytes:
    """A real PNG of the given size."""
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def fields(**overrides: Any) -> AchievementFields:
    """Valid achievement fields, with any of them replaced."""
    values: dict[str, Any] = {
        "name": "Smart lighting planner",
        "description": "Plans adaptive street lighting.",
        "criteria_narrative": "Completed the **lighting** path.",
        "achievement_type": "Badge",
        "validity_days": 730,
        "language": "de",
        "alignments": [
            {"targetName": "ESCO: plan lighting", "targetUrl": "https://esco.example/1"},
        ],
    }
    values.update(overrides)
    return AchievementFields(**values)


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    """Eager Celery tasks find the app's database through the app context."""
    with app.app_context():
        yield


@pytest.fixture
def issuer_id(context: None, session: Session) -> int:
    """An issuer with a key (from the issuance tests' helper)."""
    return make_achievement(session).issuer_id


def count(session: Session, model: type[Any]) -> int:
    """Rows of ``model``."""
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_list_get_and_update_bumps_version_only_on_change(
    session: Session, issuer_id: int
) -> None:
    achievement = create_achievement(session, issuer_id, fields(), now=NOW)
    session.commit()

    assert achievement.version == 1
    assert achievement.language == "de"
    assert json.loads(achievement.alignments_json or "[]") == [
        {"targetName": "ESCO: plan lighting", "targetUrl": "https://esco.example/1"}
    ]
    assert get_achievement(session, issuer_id, achievement.id) is achievement

    update_achievement(session, issuer_id, achievement.id, fields(), now=LATER)
    assert (achievement.version, achievement.updated_at) == (1, None)

    update_achievement(
        session, issuer_id, achievement.id, fields(name="Lighting planner"), now=LATER
    )
    session.commit()
    assert (achievement.version, achievement.updated_at) == (2, LATER)
    assert achievement.name == "Lighting planner"


def test_archived_achievements_are_listed_only_on_request(session: Session, issuer_id: int) -> None:
    achievement = create_achievement(session, issuer_id, fields(), now=NOW)
    archive_achievement(session, issuer_id, achievement.id, now=LATER)
    session.commit()

    names = [a.name for a in list_achievements(session, issuer_id)]
    everything = [a.name for a in list_achievements(session, issuer_id, include_archived=True)]

    assert "Smart lighting planner" not in names
    assert "Smart lighting planner" in everything
    assert achievement.archived_at == LATER


def test_another_issuers_achievement_is_not_found(session: Session, issuer_id: int) -> None:
    achievement = create_achievement(session, issuer_id, fields(), now=NOW)
    with pytest.raises(AchievementNotFound):
        get_achievement(session, issuer_id + 1, achievement.id)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"achievement_type": "Trophy"},
            "achievement_type",
            "Trophy is not an Open Badges achievement type.",
        ),
        ({"validity_days": 0}, "validity_days", None),
        ({"validity_days": 36501}, "validity_days", None),
        ({"language": "German"}, "language", None),
        ({"name": "  "}, "name", None),
        ({"alignments": [{"targetName": "x", "targetUrl": "ftp://x"}]}, "alignments", None),
        ({"alignments": [{"targetUrl": "https://x.example"}]}, "alignments", None),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_stored(
    session: Session, issuer_id: int, overrides: dict[str, Any], field: str, message: str | None
) -> None:
    before = count(session, Achievement)
    with pytest.raises(InvalidAchievement) as raised:
        create_achievement(session, issuer_id, fields(**overrides), now=NOW)
    session.commit()

    assert raised.value.field == field
    if message:
        assert raised.value.message == message
    assert count(session, Achievement) == before


def test_extension_types_and_other_language_tags_are_accepted(
    session: Session, issuer_id: int
) -> None:
    achievement = create_achievement(
        session, issuer_id, fields(achievement_type="ext:SmartCityBadge", language="pt-BR"), now=NOW
    )
    assert (achievement.achievement_type, achievement.language) == ("ext:SmartCityBadge", "pt-BR")


def test_check_image_accepts_png_and_safe_svg() -> None:
    assert check_image(png(), "image/png") == "image/png"
    assert check_image(png(), None) == "image/png"
    assert check_image(SVG, "image/svg+xml") == "image/svg+xml"


@pytest.mark.parametrize(
    ("data", "media_type", "message"),
    [
        (b"GIF89a....", "image/gif", "The image must be a PNG or SVG file under 1 MB."),
        (b"", "image/png", "The image must be a PNG or SVG file under 1 MB."),
        (
            b"\x89PNG\r\n\x1a\nbroken",
            "image/png",
            "The image must be a PNG or SVG file under 1 MB.",
        ),
        (b"<svg" + b" " * (1024 * 1024), "image/svg+xml", None),
        (SCRIPTED_SVG, "image/svg+xml", None),
        (b"<html><body/></html>", "image/svg+xml", None),
        (png(2049, 10), "image/png", "The image may be at most 2048 by 2048 pixels."),
    ],
)
def test_check_image_refuses_other_files(data: bytes, media_type: str, message: str | None) -> None:
    with pytest.raises(InvalidImage) as raised:
        check_image(data, media_type)
    if message:
        assert raised.value.message == message


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    # A PNG header announcing a huge image (Pillow's bomb check reads only the header).
    bomb = png(1, 1)
    header = bytearray(bomb)
    header[16:24] = (100_000).to_bytes(4, "big") + (100_000).to_bytes(4, "big")
    with pytest.raises(InvalidImage):
        check_image(bytes(header), "image/png")


def test_an_unsafe_svg_is_named_and_nothing_is_stored(session: Session, issuer_id: int) -> None:
    with pytest.raises(InvalidImage) as raised:
        create_achievement(
            session, issuer_id, fields(), now=NOW, image=ImageUpload(SCRIPTED_SVG, "image/svg+xml")
        )
    session.commit()

    assert "scripts" in raised.value.message
    assert count(session, Achievement) == 1  # only the fixture's


def test_a_bad_image_on_update_changes_nothing(session: Session, issuer_id: int) -> None:
    achievement = create_achievement(session, issuer_id, fields(), now=NOW)
    session.commit()

    with pytest.raises(InvalidImage):
        update_achievement(
            session,
            issuer_id,
            achievement.id,
            fields(name="Renamed"),
            now=LATER,
            image=ImageUpload(b"nope", "image/png"),
        )
    session.rollback()

    assert (achievement.name, achievement.version) == ("Smart lighting planner", 1)


def test_a_credential_carries_image_alignment_and_language(
    session: Session, issuer_id: int
) -> None:
    achievement = create_achievement(
        session, issuer_id, fields(), now=NOW, image=ImageUpload(png(), "image/png")
    )
    session.commit()

    issue(session, achievement)

    credential = session.scalars(select(Credential)).one()
    awarded = json.loads(credential.document)["credentialSubject"]["achievement"]
    assert awarded["image"] == {
        "id": f"{BASE_URL}/achievements/{achievement.id}/image",
        "type": "Image",
    }
    assert awarded["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "ESCO: plan lighting",
            "targetUrl": "https://esco.example/1",
        }
    ]
    assert awarded["inLanguage"] == "de"
    assert verify_stored(session, credential).verified


def test_update_issuer_profile_checks_and_stores(session: Session, issuer_id: int) -> None:
    issuer = session.get_one(Issuer, issuer_id)
    values = ProfileFields(
        name=" Sofia Smart City Academy ",
        url="https://academy.example",
        email="Info@Academy.Example",
        description="Training for city staff.",
        address_locality="Sofia",
        address_country_code="bg",
    )
    update_issuer_profile(session, issuer, values, logo=ImageUpload(SVG, "image/svg+xml"))
    session.commit()

    assert issuer.name == "Sofia Smart City Academy"
    assert issuer.email == "info@academy.example"
    assert issuer.address_country_code == "BG"
    assert issuer.logo_media_type == "image/svg+xml"
    assert issuer.logo_data == SVG


@pytest.mark.parametrize(
    ("values", "logo"),
    [
        (ProfileFields(name="A", url="javascript:alert(1)"), None),
        (ProfileFields(name="A", email="not an address"), None),
        (ProfileFields(name=""), None),
        (ProfileFields(name="A", address_country_code="B1"), None),
        (ProfileFields(name="A"), ImageUpload(SCRIPTED_SVG, "image/svg+xml")),
    ],
)
def test_a_bad_profile_changes_nothing(
    session: Session, issuer_id: int, values: ProfileFields, logo: ImageUpload | None
) -> None:
    issuer = session.get_one(Issuer, issuer_id)
    with pytest.raises((InvalidIssuer, InvalidImage)) as raised:
        update_issuer_profile(session, issuer, values, logo=logo)
    session.commit()

    assert isinstance(raised.value, InvalidInput)
    assert issuer.name == "Sofia Academy"
    assert issuer.logo_data is None
