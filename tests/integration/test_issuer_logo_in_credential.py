"""The issuer's uploaded logo travels in its credentials as ``issuer.image`` (issue #4)."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.config import Settings
from badges.ob3 import Image
from issuer import Achievement, Credential, Issuer, issuer_profile
from issuer.images import ImageUpload
from issuer.profile import ProfileFields, update_issuer_profile
from tests.integration.test_achievements import png
from tests.integration.test_issuance import issue, make_achievement, verify_stored


def _issued_document(app: Flask, session: Session, achievement: Achievement) -> dict[str, object]:
    with app.app_context():
        issue(session, achievement)
    credential = session.scalars(select(Credential)).one()
    assert verify_stored(session, credential).verified
    document: dict[str, object] = json.loads(credential.document)
    return document


def test_a_credential_carries_the_uploaded_logo_and_its_url_serves_it(
    app: Flask, client: FlaskClient, session: Session, settings: Settings
) -> None:
    logo = png(32, 32)
    achievement = make_achievement(session)
    issuer = session.get_one(Issuer, achievement.issuer_id)
    update_issuer_profile(
        session, issuer, ProfileFields(name=issuer.name), logo=ImageUpload(logo, "image/png")
    )
    session.commit()

    document = _issued_document(app, session, achievement)

    expected = f"{settings.base_url}/issuers/academy/logo"
    profile = document["issuer"]
    assert isinstance(profile, dict)
    assert profile["image"] == {"id": expected, "type": "Image"}
    response = client.get(expected.removeprefix(settings.base_url))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.get_data() == logo


def test_without_a_logo_the_issuer_has_no_image(app: Flask, session: Session) -> None:
    achievement = make_achievement(session)

    document = _issued_document(app, session, achievement)

    profile = document["issuer"]
    assert isinstance(profile, dict)
    assert "image" not in profile
    assert profile["name"] == "Sofia Academy"


def _issuer(**fields: object) -> Issuer:
    return Issuer(slug="academy", name="Sofia Academy", did="did:web:x.example", **fields)


def test_the_uploaded_logo_wins_over_an_external_image_url() -> None:
    issuer = _issuer(logo_media_type="image/svg+xml", image_url="https://elsewhere.example/l.png")

    with_base = issuer_profile(issuer, base_url="https://badges.example/")
    without_base = issuer_profile(issuer)

    assert with_base.image == Image(id="https://badges.example/issuers/academy/logo")
    assert without_base.image == Image(id="https://elsewhere.example/l.png")
    assert issuer_profile(_issuer(), base_url="https://badges.example").image is None
