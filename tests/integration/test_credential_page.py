"""The public credential page and its downloads, status lists and achievement pages (issue #4)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from badges.accounts import Role, add_membership, create_organisation, register
from badges.baking import extract_png, extract_svg
from badges.jsonld.loader import StaticDocumentLoader
from badges.qr import qr_svg
from issuer import (
    Achievement,
    Credential,
    Issuer,
    Keyring,
    StatusList,
    create_issuer,
    generate_key,
    request_issuance,
    revoke,
    status_list_credential,
)
from issuer.credentials import verify_stored
from issuer.rendering import default_png
from tests.environment import NOW, TEST_KEK
from tests.forms import TEST_PASSWORD, csrf_token

BASE_URL = "http://127.0.0.1:5000"
KEYRING = Keyring([TEST_KEK])
VC_JSON = "application/vc+ld+json"


@dataclass
class Awarded:
    """One issued credential with its recipient and the issuer's admin."""

    credential: Credential
    achievement: Achievement
    recipient_id: int
    admin_id: int


def make_user(session: Session, email: str, name: str = "Ana Petrova") -> int:
    """A committed participant account."""
    user = register(session, email=email, name=name, password=TEST_PASSWORD, now=NOW)
    session.commit()
    return user.id


def sign_in(client: FlaskClient, email: str) -> None:
    """Sign in through the real form."""
    response = client.post(
        "/login", data={"csrf_token": csrf_token(client), "email": email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def award(
    app: Flask,
    session: Session,
    *,
    recipient_name: str = "Ана Петрова",
    criteria: str = (
        "Passed the **field** assessment. <script>alert(1)</script> [x](javascript:alert(1))"
    ),
    slug: str = "academy",
) -> Awarded:
    """An issuer (with an admin), an achievement and one credential tied to a recipient."""
    organisation = create_organisation(session, slug=slug, name="Sofia Academy", now=NOW)
    issuer = create_issuer(
        session, organisation.id, name="Sofia Academy", base_url=BASE_URL, now=NOW
    )
    generate_key(session, issuer.id, keyring=KEYRING, now=NOW)
    achievement = Achievement(
        issuer_id=issuer.id,
        name="IoT field technician",
        description="Installs and maintains city sensor networks.",
        criteria_narrative=criteria,
        achievement_type="Certificate",
        validity_days=365,
        version=1,
        created_at=NOW,
    )
    session.add(achievement)
    session.commit()
    recipient_id = make_user(session, f"recipient@{slug}.example.org")
    admin_id = make_user(session, f"admin@{slug}.example.org", name="Admin")
    add_membership(session, admin_id, organisation.id, Role.ISSUER_ADMIN)
    issuance = request_issuance(
        session,
        issuer_id=issuer.id,
        achievement_id=achievement.id,
        recipient_name=recipient_name,
        recipient_email=f"recipient@{slug}.example.org",
        now=NOW,
    )
    issuance.recipient_user_id = recipient_id
    # Eager tasks find the database through an app context; requests must not share it (g).
    with app.app_context():
        session.commit()
    session.refresh(issuance)
    assert issuance.state == "issued", issuance.failure_reason
    credential = session.query(Credential).filter_by(issuance_id=issuance.id).one()
    return Awarded(credential, achievement, recipient_id, admin_id)


def share(session: Session, credential: Credential, *, show_name: bool = False) -> None:
    """Turn the public link on, as the recipient would."""
    credential.shared = True
    credential.show_name = show_name
    session.commit()


def urls(public_id: str) -> list[str]:
    """Every address the visibility rule covers."""
    base = f"/credentials/{public_id}"
    return [
        base,
        f"{base}.json",
        f"{base}.png",
        f"{base}.svg",
        f"{base}/qr.svg",
        f"{base}/qr.png",
        f"{base}/certificate.pdf",
    ]


def test_a_private_credential_is_404_for_strangers_and_other_users(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    make_user(session, "someone@example.org")

    for url in urls(awarded.credential.public_id):
        assert client.get(url).status_code == 404, url
    sign_in(client, "someone@example.org")
    for url in urls(awarded.credential.public_id):
        assert client.get(url).status_code == 404, url


def test_the_recipient_and_the_issuers_admin_see_a_private_credential_with_a_notice(
    app: Flask, session: Session
) -> None:
    awarded = award(app, session)

    for email in ("recipient@academy.example.org", "admin@academy.example.org"):
        client = app.test_client()
        sign_in(client, email)
        for url in urls(awarded.credential.public_id):
            assert client.get(url).status_code == 200, (email, url)
        page = client.get(f"/credentials/{awarded.credential.public_id}").get_data(as_text=True)
        assert "Only you can see this page until you turn on the public link." in page


def test_another_issuers_admin_cannot_see_a_private_credential(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    award(app, session, slug="other")

    sign_in(client, "admin@other.example.org")

    assert client.get(f"/credentials/{awarded.credential.public_id}").status_code == 404


def test_a_shared_credential_page_shows_the_badge_and_a_verified_verdict(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    public_id = awarded.credential.public_id

    response = client.get(f"/credentials/{public_id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-verdict="verified"' in page
    assert "IoT field technician" in page
    assert "Sofia Academy" in page
    assert "<strong>field</strong>" in page  # Markdown rendered
    assert "<script>alert(1)</script>" not in page  # raw HTML escaped
    assert 'href="javascript:' not in page  # unsafe link schemes refused
    assert "Ана Петрова" not in page  # the name only with show_name
    assert "Only you can see this page" not in page
    assert f'property="og:url" content="{BASE_URL}/credentials/{public_id}"' in page
    assert f"/credentials/{public_id}.png" in page
    assert 'property="og:title" content="IoT field technician"' in page
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_show_name_puts_the_recipients_name_on_the_page(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential, show_name=True)

    page = client.get(f"/credentials/{awarded.credential.public_id}").get_data(as_text=True)

    assert "Ана Петрова" in page


def test_a_revoked_credential_page_says_it_could_not_be_verified(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)

    revoke(session, awarded.credential.id, reason="Issued in error", now=NOW)
    with app.app_context():
        session.commit()  # the eager task re-signs the status list after commit

    page = client.get(f"/credentials/{awarded.credential.public_id}").get_data(as_text=True)
    assert 'data-verdict="invalid"' in page
    assert 'data-check="status"' in page


def test_downloads_have_the_right_types_and_carry_the_same_credential(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    public_id = awarded.credential.public_id
    document = json.loads(awarded.credential.document)

    as_json = client.get(f"/credentials/{public_id}.json")
    assert as_json.mimetype == VC_JSON
    assert as_json.headers["Content-Disposition"] == f'attachment; filename="{public_id}.json"'
    assert json.loads(as_json.get_data()) == document

    png = client.get(f"/credentials/{public_id}.png")
    assert png.mimetype == "image/png"
    assert json.loads(extract_png(png.get_data()) or "") == document
    assert png.headers["ETag"]
    again = client.get(
        f"/credentials/{public_id}.png", headers={"If-None-Match": png.headers["ETag"]}
    )
    assert again.status_code == 304

    svg = client.get(f"/credentials/{public_id}.svg")
    assert svg.mimetype == "image/svg+xml"
    assert svg.headers["Content-Disposition"].startswith("attachment;")
    assert "default-src 'none'" in svg.headers["Content-Security-Policy"]
    assert "sandbox" in svg.headers["Content-Security-Policy"]
    # extract_svg refuses SVGs with script or foreignObject elements.
    assert json.loads(extract_svg(svg.get_data()) or "") == document


def test_qr_codes_point_at_the_public_page(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    public_id = awarded.credential.public_id

    svg = client.get(f"/credentials/{public_id}/qr.svg")
    png = client.get(f"/credentials/{public_id}/qr.png")

    assert svg.mimetype == "image/svg+xml"
    assert svg.get_data(as_text=True) == qr_svg(f"{BASE_URL}/credentials/{public_id}")
    assert png.mimetype == "image/png"
    assert png.get_data().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_certificate_is_a_pdf_with_the_recipients_name(app: Flask, session: Session) -> None:
    awarded = award(app, session, recipient_name="Ștefan Țăranu")
    client = app.test_client()
    sign_in(client, "recipient@academy.example.org")

    response = client.get(f"/credentials/{awarded.credential.public_id}/certificate.pdf")

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF")
    # The document title (UTF-16BE, hex) names the achievement and the recipient.
    assert "Ștefan Țăranu".encode("utf-16-be").hex().encode() in pdf


def test_unknown_and_malformed_credential_ids_are_404(client: FlaskClient) -> None:
    assert client.get("/credentials/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/credentials/not-a-uuid").status_code == 404
    assert client.get("/credentials/not-a-uuid.json").status_code == 404


def test_the_status_list_is_public_cacheable_and_signed(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    list_id = awarded.credential.status_list_id

    response = client.get(f"/status/{list_id}")

    assert response.status_code == 200
    assert response.mimetype == VC_JSON
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.get_data())
    assert document["id"] == f"{BASE_URL}/status/{list_id}"
    assert document["proof"]
    assert client.get("/status/999999").status_code == 404


def test_an_unsigned_status_list_is_404(app: Flask, client: FlaskClient, session: Session) -> None:
    awarded = award(app, session)
    status_list = awarded.credential.status_list_id

    row = session.get_one(StatusList, status_list)
    row.credential_json = None
    session.commit()

    assert client.get(f"/status/{status_list}").status_code == 404


def test_the_achievement_page_and_json(app: Flask, client: FlaskClient, session: Session) -> None:
    awarded = award(app, session)
    achievement_id = awarded.achievement.id

    page = client.get(f"/achievements/{achievement_id}")
    as_json = client.get(f"/achievements/{achievement_id}", headers={"Accept": "application/json"})

    assert page.status_code == 200
    assert "IoT field technician" in page.get_data(as_text=True)
    assert as_json.mimetype == "application/json"
    document = as_json.get_json()
    assert document["id"] == f"{BASE_URL}/achievements/{achievement_id}"
    assert document["type"] == ["Achievement"]
    assert document["criteria"]["narrative"].startswith("Passed the **field** assessment.")
    assert document["achievementType"] == "Certificate"
    assert client.get("/achievements/999999").status_code == 404


def test_achievement_image_defaults_to_the_platform_svg_under_a_strict_csp(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)

    response = client.get(f"/achievements/{awarded.achievement.id}/image")

    assert response.mimetype == "image/svg+xml"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.get_data().startswith(b"<svg")


def test_an_uploaded_png_is_the_base_of_the_baked_png(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    awarded = award(app, session)
    share(session, awarded.credential)
    own_png = default_png()
    awarded.achievement.image_data = own_png
    awarded.achievement.image_media_type = "image/png"
    session.commit()

    image = client.get(f"/achievements/{awarded.achievement.id}/image")
    baked = client.get(f"/credentials/{awarded.credential.public_id}.png").get_data()

    assert image.get_data() == own_png
    assert image.mimetype == "image/png"
    assert extract_png(baked) == awarded.credential.document


def test_issuer_logo_is_served_or_404(app: Flask, client: FlaskClient, session: Session) -> None:
    awarded = award(app, session)
    issuer = session.get_one(Issuer, awarded.credential.issuer_id)
    assert client.get(f"/issuers/{issuer.slug}/logo").status_code == 404
    assert client.get("/issuers/nobody/logo").status_code == 404

    issuer.logo_data = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    issuer.logo_media_type = "image/svg+xml"
    session.commit()
    response = client.get(f"/issuers/{issuer.slug}/logo")

    assert response.status_code == 200
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_verify_stored_uses_the_published_status_list(app: Flask, session: Session) -> None:
    awarded = award(app, session)
    loader = StaticDocumentLoader()
    assert verify_stored(session, awarded.credential, loader=loader, now=NOW).verified

    revoke(session, awarded.credential.id, reason="Issued in error", now=NOW)
    session.flush()
    # Not yet republished: what strangers fetch still says "not revoked".
    assert verify_stored(session, awarded.credential, loader=loader, now=NOW).verified
    status_list_credential(
        session, awarded.credential.status_list_id, keyring=KEYRING, base_url=BASE_URL, now=NOW
    )
    assert not verify_stored(session, awarded.credential, loader=loader, now=NOW).verified
    session.rollback()
