"""What a credential looks like outside JSON: its badge image, baked images, QR code, certificate.

Decision (issue #4): baked images are rendered on demand, not stored. Baking inserts one chunk
(PNG iTXt ``openbadgecredential``) or one element (SVG ``openbadges:credential``) into the
achievement's image, which costs far less than a database round trip for stored copies would,
needs no schema change, and can never go stale when an achievement's image changes. The web
edge adds an ETag and ``Cache-Control`` so browsers and proxies keep the result.

PNG downloads bake into the achievement's PNG, SVG downloads into its SVG; when the achievement
has no image of that kind the platform's default artwork is used (we do not rasterise SVG).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from markdown_it import MarkdownIt
from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from badges.baking import bake_png, bake_svg
from badges.qr import qr_png, qr_svg
from issuer.models import Achievement, Credential, Issuance

PNG = "image/png"
SVG = "image/svg+xml"
FONTS = Path(__file__).parent / "fonts"
#: Where ``/credentials/<uuid>`` lives; the QR code and the certificate point there.
CREDENTIAL_PATH = "/credentials/{public_id}"

#: The platform's default badge: a medal on two ribbons with a tick (our own artwork).
DEFAULT_BADGE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">'
    '<path d="M160 300 96 480l72-24 40 56 48-180z" fill="#08427d"/>'
    '<path d="M352 300l64 180-72-24-40 56-48-180z" fill="#08427d"/>'
    '<circle cx="256" cy="210" r="180" fill="#0b5cab"/>'
    '<circle cx="256" cy="210" r="150" fill="none" stroke="#ffffff" stroke-width="10"/>'
    '<path d="M176 214l56 56 104-112" fill="none" stroke="#ffffff" stroke-width="32" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


#: Distinct criteria texts whose HTML is kept (each is a few kB at most).
MARKDOWN_CACHE_SIZE = 256


@functools.cache
def _markdown() -> MarkdownIt:
    """One CommonMark parser per process: building one costs more than rendering a criteria text.

    Never changed after it is built, so sharing it between threads is safe.
    """
    return MarkdownIt("commonmark", {"html": False})


@functools.lru_cache(maxsize=MARKDOWN_CACHE_SIZE)
def markdown_html(text: str) -> str:
    """CommonMark with raw HTML off and unsafe link schemes refused: HTML safe to embed.

    A pure function of the text, so its answers are kept: every visit to a credential page of the
    same achievement version renders the same criteria.
    """
    html: str = _markdown().render(text)
    return html


@dataclass(frozen=True, slots=True)
class BadgeImage:
    """Image bytes and their media type."""

    data: bytes
    media_type: str


@functools.cache
def default_png() -> bytes:
    """The default artwork as a 512 px PNG, drawn once per process (it never changes)."""
    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    dark, blue, white = (8, 66, 125, 255), (11, 92, 171, 255), (255, 255, 255, 255)
    draw.polygon([(160, 300), (96, 480), (168, 456), (208, 512), (256, 332)], fill=dark)
    draw.polygon([(352, 300), (416, 480), (344, 456), (304, 512), (256, 332)], fill=dark)
    draw.ellipse((76, 30, 436, 390), fill=blue)
    draw.ellipse((106, 60, 406, 360), outline=white, width=10)
    draw.line([(176, 214), (232, 270), (336, 158)], fill=white, width=32, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def badge_image(achievement: Achievement) -> BadgeImage:
    """The achievement's own image, or the platform's default SVG artwork."""
    if achievement.image_data and achievement.image_media_type in {PNG, SVG}:
        return BadgeImage(achievement.image_data, achievement.image_media_type)
    return BadgeImage(DEFAULT_BADGE_SVG.encode(), SVG)


def achievement_for(session: Session, credential: Credential) -> Achievement:
    """The achievement a credential was issued for."""
    issuance = session.get_one(Issuance, credential.issuance_id)
    return session.get_one(Achievement, issuance.achievement_id)


def png_base(achievement: Achievement) -> bytes:
    """The PNG to bake into: the achievement's PNG, else the default artwork."""
    if achievement.image_data and achievement.image_media_type == PNG:
        return achievement.image_data
    return default_png()


def svg_base(achievement: Achievement) -> str:
    """The SVG to bake into: the achievement's SVG, else the default artwork."""
    if achievement.image_data and achievement.image_media_type == SVG:
        return achievement.image_data.decode("utf-8")
    return DEFAULT_BADGE_SVG


def baked_png(session: Session, credential: Credential) -> bytes:
    """The badge PNG carrying the signed credential (OB 3.0 §5.3.1)."""
    return bake_png(png_base(achievement_for(session, credential)), credential.document)


def baked_svg(session: Session, credential: Credential) -> str:
    """The badge SVG carrying the signed credential (OB 3.0 §5.3.2)."""
    return bake_svg(svg_base(achievement_for(session, credential)), credential.document)


def credential_url(base_url: str, public_id: str) -> str:
    """The public page of a credential (the QR code's target)."""
    return base_url.rstrip("/") + CREDENTIAL_PATH.format(public_id=public_id)


def credential_qr_png(base_url: str, public_id: str) -> bytes:
    """QR code (PNG) of the credential's public page."""
    return qr_png(credential_url(base_url, public_id))


def credential_qr_svg(base_url: str, public_id: str) -> str:
    """QR code (SVG) of the credential's public page."""
    return qr_svg(credential_url(base_url, public_id))


@dataclass(frozen=True, slots=True)
class Certificate:
    """What a printed certificate says; labels and dates come translated from the caller."""

    #: Empty when the viewer may not see the name.
    recipient_name: str
    achievement_name: str
    description: str
    issuer_name: str
    issued: str
    expires: str | None
    url: str
    #: Translated captions: ``title``, ``awarded_to``, ``issued_by``, ``issued``, ``expires``,
    #: ``verify``.
    labels: dict[str, str]


def certificate_pdf(certificate: Certificate) -> bytes:
    """A printable A4 landscape certificate with the QR code of the public page."""
    labels = certificate.labels
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"{certificate.achievement_name} - {certificate.recipient_name}")
    pdf.set_author(certificate.issuer_name)
    pdf.set_creator("Smart City Badges")
    # DejaVu Sans covers Cyrillic (bg) and Romanian comma-below letters (ș ț).
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(11, 92, 171)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    _centred(pdf, labels["title"], size=30, style="B", top=28)
    if certificate.recipient_name:  # left out unless the recipient allows it (or asks)
        _centred(pdf, labels["awarded_to"], size=14, top=52)
        _centred(pdf, certificate.recipient_name, size=26, style="B", top=62)
    _centred(pdf, certificate.achievement_name, size=20, style="B", top=84)
    pdf.set_font("DejaVu", "", 11)
    pdf.set_xy(40, 100)
    pdf.multi_cell(217, 6, certificate.description[:600], align="C")
    _footer(pdf, certificate)
    return bytes(pdf.output())


def _centred(pdf: FPDF, text: str, *, size: int, top: float, style: str = "") -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_xy(20, top)
    pdf.cell(257, size * 0.6, text, align="C")


def _footer(pdf: FPDF, certificate: Certificate) -> None:
    labels = certificate.labels
    pdf.set_font("DejaVu", "", 12)
    lines = [
        f"{labels['issued_by']}: {certificate.issuer_name}",
        f"{labels['issued']}: {certificate.issued}",
    ]
    if certificate.expires:
        lines.append(f"{labels['expires']}: {certificate.expires}")
    pdf.set_xy(30, 140)
    pdf.multi_cell(170, 8, "\n".join(lines))
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(30, 178)
    pdf.multi_cell(170, 5, f"{labels['verify']}\n{certificate.url}")
    pdf.image(io.BytesIO(qr_png(certificate.url)), x=222, y=135, w=50, h=50)
