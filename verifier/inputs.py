"""Read a credential from whatever a person hands us: JSON, a compact JWS, a baked PNG or SVG.

One reader per format, chosen by sniffing the content, never by the file name (a ``.png`` that
holds JSON is read as JSON). Everything is bounded before it is parsed: total size, JSON nesting
depth and member count, so a 50 MB body or JSON nested 10,000 deep is refused at once with a
clear message instead of a ``RecursionError`` (issue #5, "Bad input"). Every refusal is an
:class:`~verifier.errors.UnusableInput`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from badges.baking import BakingError, extract_png, extract_svg
from badges.errors import N_
from verifier.errors import UnusableInput

#: Largest input we read at all (a baked PNG with its artwork); the web edge caps uploads lower.
MAX_INPUT_BYTES = 20 * 1024 * 1024
#: Largest credential text (JSON or JWS) once out of its image.
MAX_CREDENTIAL_BYTES = 4 * 1024 * 1024
#: Deepest JSON nesting accepted; real credentials stay under 12.
MAX_JSON_DEPTH = 64
#: Most JSON values (objects, arrays, scalars) in one credential.
MAX_JSON_VALUES = 100_000

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_SVG_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(svg|!DOCTYPE)", re.DOTALL)

#: What :func:`read_credential` returns: the parsed credential, or a compact JWS string.
Credential = dict[str, Any] | str


def read_credential(
    data: bytes | str | Mapping[str, Any], *, filename: str | None = None
) -> Credential:
    """Turn an upload, a paste or a parsed object into a credential dict or a compact JWS.

    Args:
        data: raw bytes (a file), text (a paste) or an already parsed JSON object.
        filename: only used in messages; the format is sniffed from the content.

    Raises:
        UnusableInput: the input is too large, malformed, or not a credential in any format.
    """
    del filename  # the content decides, never the name; kept for callers' symmetry
    if isinstance(data, Mapping):
        return _checked_object(dict(data))
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    if not isinstance(raw, bytes | bytearray):
        raise UnusableInput(N_("The credential must be given as text, bytes or a JSON object."))
    if len(raw) > MAX_INPUT_BYTES:
        raise UnusableInput(
            N_("The file is larger than %(max)s bytes; a credential is much smaller."),
            params={"max": MAX_INPUT_BYTES},
        )
    raw = bytes(raw)
    if raw.startswith(_PNG_SIGNATURE):
        return _read_text(_from_png(raw))
    if _SVG_START.match(raw[:4096]):
        return _read_text(_from_svg(raw))
    return _read_text(_decode_utf8(raw))


def _from_png(raw: bytes) -> str:
    try:
        text = extract_png(raw)
    except BakingError as err:
        raise UnusableInput(
            N_("The PNG image could not be read: %(reason)s"), params={"reason": err.message}
        ) from err
    if text is None:
        raise UnusableInput(N_("This PNG image does not carry an Open Badges credential."))
    return text


def _from_svg(raw: bytes) -> str:
    try:
        text = extract_svg(raw)
    except BakingError as err:
        raise UnusableInput(
            N_("The SVG image could not be read: %(reason)s"), params={"reason": err.message}
        ) from err
    if text is None:
        raise UnusableInput(N_("This SVG image does not carry an Open Badges credential."))
    return text


def _decode_utf8(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnusableInput(
            N_("This is neither a credential (JSON or JWS) nor a baked PNG or SVG badge.")
        ) from err


def _read_text(text: str) -> Credential:
    """JSON object text, or a compact JWS; the two text forms OB 3.0 §5.3 allows."""
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise UnusableInput(
            N_("The credential is larger than %(max)s bytes."),
            params={"max": MAX_CREDENTIAL_BYTES},
        )
    stripped = text.strip()
    if _COMPACT_JWS.fullmatch(stripped):
        return stripped
    if not stripped.startswith("{"):
        raise UnusableInput(
            N_("This is neither a credential (JSON or JWS) nor a baked PNG or SVG badge.")
        )
    _check_json_shape(stripped)
    try:
        value = json.loads(stripped, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError) as err:
        raise UnusableInput(
            N_("The credential is not valid JSON: %(reason)s"), params={"reason": str(err)[:200]}
        ) from err
    if not isinstance(value, dict):
        raise UnusableInput(N_("The credential must be a JSON object."))
    return value


def _check_json_shape(text: str) -> None:
    """Refuse JSON nested too deeply or with too many values, in one linear scan, unparsed.

    Brackets inside strings are skipped by tracking quotes and escapes, so the scan sees what
    the parser will see, without recursion and before any allocation.
    """
    depth = values = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
            values += 1
        elif char in "[{":
            depth += 1
            values += 1
            if depth > MAX_JSON_DEPTH:
                raise UnusableInput(
                    N_("The JSON is nested more than %(max)s levels deep."),
                    params={"max": MAX_JSON_DEPTH},
                )
        elif char in "]}":
            depth -= 1
        elif char == ",":
            values += 1
        if values > MAX_JSON_VALUES:
            raise UnusableInput(
                N_("The JSON holds more than %(max)s values."), params={"max": MAX_JSON_VALUES}
            )


def _checked_object(value: dict[str, Any]) -> dict[str, Any]:
    """An object handed over already parsed: apply the same depth and size caps, iteratively."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    values = 0
    while stack:
        item, depth = stack.pop()
        values += 1
        if depth > MAX_JSON_DEPTH:
            raise UnusableInput(
                N_("The JSON is nested more than %(max)s levels deep."),
                params={"max": MAX_JSON_DEPTH},
            )
        if values > MAX_JSON_VALUES:
            raise UnusableInput(
                N_("The JSON holds more than %(max)s values."), params={"max": MAX_JSON_VALUES}
            )
        if isinstance(item, Mapping):
            if not all(isinstance(key, str) for key in item):
                raise UnusableInput(N_("The credential must be a JSON object."))
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
        elif not (item is None or isinstance(item, str | int | float | bool)):
            raise UnusableInput(N_("The credential must be a JSON object."))
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a member name appears twice in one object")
    return result
