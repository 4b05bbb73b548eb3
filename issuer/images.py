"""Uploaded images (badge images, issuer logos): the one gate they all pass.

Images are untrusted uploads: :func:`check_image` accepts only a PNG of sane size or an SVG that
the baking scanner finds free of scripts and external references, so a stored image can later be
baked into and served without further checks.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image as PILImage

from badges.baking import BakingError, UnsafeSvg, extract_svg
from badges.errors import N_
from issuer.errors import InvalidImage

PNG, SVG = "image/png", "image/svg+xml"
MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_SIDE = 2048
_IMAGE_MESSAGE = N_("The image must be a PNG or SVG file under 1 MB.")


@dataclass(frozen=True, slots=True)
class ImageUpload:
    """Uploaded image bytes and the media type the browser claimed (checked, not trusted)."""

    data: bytes
    media_type: str | None = None


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
