"""QR codes for a credential's public page, as SVG (print, web) and PNG (download, e-mail).

Error correction M (15 % of the code may be damaged or covered) and the standard quiet zone of four
modules (ISO/IEC 18004 §6.3.8), black on an opaque white background so that dark-mode pages and
coloured paper do not swallow the quiet zone. The SVG draws one module per millimetre, so a public
page URL (version 4 or 5, 41 to 45 modules with the quiet zone) prints at about 4.5 cm, far above
the legibility limit of phone cameras; its ``viewBox`` lets a page scale it to any size. The PNG
defaults to 10 pixels per module (about 450 px), sharp on screens and scannable from them.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
import qrcode.image.svg

#: Longer URLs need dense codes (beyond version 12) that phones read badly; ours are ~80 chars.
MAX_URL_LENGTH = 256
#: ISO/IEC 18004 quiet zone, in modules.
QUIET_ZONE = 4
#: PNG pixels per module; accepted range for ``box_size``.
DEFAULT_BOX_SIZE = 10
MIN_BOX_SIZE = 4
MAX_BOX_SIZE = 40
#: qrcode's SVG factories map a box of 10 to 1 mm.
_SVG_BOX_SIZE = 10


def qr_svg(url: str) -> str:
    """A standalone ``<svg>`` QR code for ``url`` (1 mm per module, scalable by its viewBox)."""
    code = _code(url, box_size=_SVG_BOX_SIZE)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    svg: str = image.to_string(encoding="unicode")
    return svg


def qr_png(url: str, *, box_size: int = DEFAULT_BOX_SIZE) -> bytes:
    """A PNG QR code for ``url``, ``box_size`` pixels per module, quiet zone included."""
    if not MIN_BOX_SIZE <= box_size <= MAX_BOX_SIZE:
        raise ValueError(
            f"box_size must be {MIN_BOX_SIZE} to {MAX_BOX_SIZE} pixels, not {box_size}"
        )
    image = _code(url, box_size=box_size).make_image()
    buffer = io.BytesIO()
    image.get_image().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _code(url: str, *, box_size: int) -> qrcode.QRCode:
    """A fitted QR code for a checked http(s) URL."""
    _check_url(url)
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=QUIET_ZONE
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def _check_url(url: str) -> None:
    """Refuse anything but a short, absolute, printable-ASCII http(s) URL."""
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"URL longer than {MAX_URL_LENGTH} characters ({len(url)})")
    if not url.isascii() or any(char <= " " or char == "\x7f" for char in url):
        raise ValueError("URL must be ASCII without spaces or control characters (percent-encode)")
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"only absolute http(s) URLs can be encoded, not {url[:40]!r}")
