"""Badge images, baking bases, QR targets and the PDF certificate (no database)."""

from __future__ import annotations

import io
import json

from PIL import Image

from badges.baking import bake_png, bake_svg, extract_png, extract_svg
from issuer.models import Achievement
from issuer.rendering import (
    DEFAULT_BADGE_SVG,
    PNG,
    SVG,
    Certificate,
    badge_image,
    certificate_pdf,
    credential_url,
    default_png,
    png_base,
    svg_base,
)

CREDENTIAL = json.dumps({"id": "urn:uuid:1", "type": ["VerifiableCredential"]})
LABELS = {
    "title": "Сертификат",
    "awarded_to": "Се удостоверява, че",
    "issued_by": "Издаден от",
    "issued": "Издаден на",
    "expires": "Валиден до",
    "verify": "Проверка:",
}


def _achievement(data: bytes | None = None, media_type: str | None = None) -> Achievement:
    return Achievement(name="IoT", image_data=data, image_media_type=media_type)


def test_the_default_png_is_a_512_pixel_image_drawn_once() -> None:
    image = Image.open(io.BytesIO(default_png()))

    assert image.format == "PNG"
    assert image.size == (512, 512)
    assert default_png() is default_png()


def test_an_achievement_without_an_image_gets_the_default_artwork() -> None:
    image = badge_image(_achievement())

    assert image.media_type == SVG
    assert image.data == DEFAULT_BADGE_SVG.encode()
    assert png_base(_achievement()) == default_png()
    assert svg_base(_achievement()) == DEFAULT_BADGE_SVG


def test_an_svg_only_achievement_bakes_pngs_into_the_default_png() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    achievement = _achievement(svg, SVG)

    assert badge_image(achievement).data == svg
    assert png_base(achievement) == default_png()
    assert svg_base(achievement) == svg.decode()


def test_an_achievement_png_is_its_own_base() -> None:
    png = default_png()
    achievement = _achievement(png, PNG)

    assert badge_image(achievement).media_type == PNG
    assert png_base(achievement) is png


def test_the_default_artwork_bakes_and_extracts() -> None:
    assert extract_png(bake_png(default_png(), CREDENTIAL)) == CREDENTIAL
    assert extract_svg(bake_svg(DEFAULT_BADGE_SVG, CREDENTIAL)) == CREDENTIAL


def test_credential_url_is_the_public_page() -> None:
    assert credential_url("https://b.example/", "abc") == "https://b.example/credentials/abc"


def test_the_certificate_is_a_pdf_in_cyrillic_and_romanian() -> None:
    certificate = Certificate(
        recipient_name="Ștefan Țăranu",
        achievement_name="Техник по IoT",
        description="Инсталира сензори.",
        issuer_name="София Академия",
        issued="25.11.2026",
        expires="25.11.2027",
        url="https://badges.example.org/credentials/abc",
        labels=LABELS,
    )

    pdf = certificate_pdf(certificate)

    assert pdf.startswith(b"%PDF")
    title = "Техник по IoT - Ștefan Țăranu".encode("utf-16-be").hex().encode()
    assert title in pdf
    assert b"DejaVu" in pdf  # the vendored font is embedded
