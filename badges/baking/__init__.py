"""Baked badges (OB 3.0 §5.3): a credential carried inside its own PNG or SVG image.

Pure codecs: bytes or text in, bytes or text out, no storage and no network. Extraction is safe on
untrusted uploads (size caps, strict parsing); every failure is a :class:`BakingError`.
"""

from __future__ import annotations

from badges.baking.credential import MAX_CREDENTIAL_BYTES, CredentialFormat, credential_format
from badges.baking.errors import (
    BakingError,
    DuplicateCredential,
    ImageTooLarge,
    InvalidCredentialText,
    InvalidPng,
    InvalidSvg,
    PngCrcMismatch,
    TruncatedPng,
    UnsafeSvg,
)
from badges.baking.png import bake_png, extract_png
from badges.baking.svg import bake_svg, extract_svg

__all__ = [
    "MAX_CREDENTIAL_BYTES",
    "BakingError",
    "CredentialFormat",
    "DuplicateCredential",
    "ImageTooLarge",
    "InvalidCredentialText",
    "InvalidPng",
    "InvalidSvg",
    "PngCrcMismatch",
    "TruncatedPng",
    "UnsafeSvg",
    "bake_png",
    "bake_svg",
    "credential_format",
    "extract_png",
    "extract_svg",
]
