"""Why an image could not be baked or read: one class per kind of fault, each a domain error."""

from __future__ import annotations

from badges.errors import InvalidInput


class BakingError(InvalidInput):
    """Base of every baking error: the image or the credential text is unusable."""

    code = "baking_failed"


class InvalidCredentialText(BakingError):
    """The text to bake is neither a JSON object nor a compact JWS, or cannot be stored."""

    code = "baking_invalid_credential"


class DuplicateCredential(BakingError):
    """The image carries more than one credential, which OB 3.0 §5.3 forbids."""

    code = "baking_duplicate_credential"


class ImageTooLarge(BakingError):
    """The image, one of its parts, or the embedded credential exceeds our size caps."""

    code = "baking_image_too_large"


class InvalidPng(BakingError):
    """The bytes are not a well-formed PNG (signature, chunk layout or iTXt fields)."""

    code = "baking_invalid_png"


class TruncatedPng(InvalidPng):
    """The PNG ends before a chunk it announces, or before its IEND chunk."""

    code = "baking_truncated_png"


class PngCrcMismatch(InvalidPng):
    """A chunk's CRC-32 does not match its type and data: the file is damaged or tampered."""

    code = "baking_png_crc_mismatch"


class InvalidSvg(BakingError):
    """The text is not well-formed XML with an ``<svg>`` root, or uses forbidden XML features."""

    code = "baking_invalid_svg"


class UnsafeSvg(BakingError):
    """The SVG holds script, event handlers, foreign content or external references."""

    code = "baking_unsafe_svg"
