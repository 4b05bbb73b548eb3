"""Value rules the OB 3.0 model shares: JSON values, timestamps, URIs, ``type`` sets, contexts.

Constructors in :mod:`badges.ob3.model` call these from ``__post_init__`` and raise
:class:`ValueError` on a broken invariant (a programmer error when building a credential);
:func:`badges.ob3.serialize.from_json_ld` turns that into a ``CredentialFormatError`` with a path.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeAlias

from badges.jsonld.contexts import (
    OB_V3_CONTEXT,
    OB_V3_CONTEXTS,
    OB_V3_EXTENSIONS_CONTEXT,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
)

__all__ = [
    "OB_V3_CONTEXT",
    "OB_V3_CONTEXTS",
    "OB_V3_EXTENSIONS_CONTEXT",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "JsonObject",
    "JsonValue",
    "require_finite",
    "require_type",
    "require_uri",
    "utc_timestamp",
]

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"

#: An absolute URI: a scheme, a colon, and no white space (``urn:uuid:…``, ``https://…``, DIDs).
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def utc_timestamp(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC at whole seconds, the precision OB timestamps are written with.

    Raises:
        ValueError: ``value`` is naive; OB ``DateTimeZ`` values need a time zone, and guessing one
            would silently move the instant.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    try:
        return value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise ValueError(f"{name} is out of range in UTC") from None


def require_uri(value: str, name: str) -> None:
    """Check that ``value`` is an absolute URI (``urn:uuid:…``, ``https://…``, a DID)."""
    if not _URI.fullmatch(value):
        raise ValueError(f"{name} must be an absolute URI, got {value!r}")


def require_type(types: Iterable[str], required: str, name: str) -> None:
    """Check that a ``type`` set contains ``required`` (spec: "One of the items MUST be …")."""
    if required not in types:
        raise ValueError(f"{name} must include {required!r}")


def require_finite(value: float | None, name: str) -> None:
    """Check that a ``Float`` term is a finite number; JSON has no NaN or infinity."""
    if value is not None and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
