"""The framework's languages, and picking a text for the reader's locale."""

from __future__ import annotations

from collections.abc import Mapping

#: The programme's languages; every framework text has "en", the others where given.
LANGUAGES: tuple[str, ...] = ("en", "de", "bg", "ro")
FALLBACK = "en"


def pick_text(texts: Mapping[str, str], locale: str) -> str:
    """The text in ``locale`` (``de`` or ``de_AT``), else English, else empty."""
    language = locale.replace("-", "_").split("_", 1)[0].lower()
    return texts.get(language) or texts.get(FALLBACK) or ""
