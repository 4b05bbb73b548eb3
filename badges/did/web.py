"""``did:web``: a DID that names an HTTPS location of its DID document.

did:web Method Specification (https://w3c-ccg.github.io/did-method-web/) §3.2 "Read (Resolve)":
``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A8443:issuers:abc`` -> ``https://example.com:8443/issuers/abc/did.json``.
Only the mapping and the document lives here; fetching is ``verifier/fetch.py``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote

from badges.did.document import VerificationKey, build_did_document
from badges.did.errors import InvalidDid

PREFIX = "did:web:"
WELL_KNOWN = "/.well-known/did.json"
DOCUMENT_NAME = "did.json"

#: DID Core §3.1 ``idchar``: ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
_ID_SEGMENT = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*", re.ASCII)
_IPV4 = re.compile(r"\d+(?:\.\d+){3}")
_PORT = re.compile(r"[0-9]{1,5}")
#: RFC 3986 URL characters (unreserved, reserved and '%'); anything else is refused outright.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
#: RFC 3986 ``segment`` characters (pchar), checked before percent-decoding a URL path.
_URL_SEGMENT = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+")


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of the DID document of a ``did:web`` (did:web §3.2 "Read", steps 1-5)."""
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise InvalidDid("A did:web starts with 'did:web:'.")
    segments = did[len(PREFIX) :].split(":")
    if any(_ID_SEGMENT.fullmatch(segment) is None for segment in segments):
        raise InvalidDid(
            "A did:web is 'did:web:' then ':'-separated non-empty segments of letters, digits, "
            "'.', '-', '_' and %%XX escapes: %(did)s",
            params={"did": did[:200]},
        )
    host, port = _split_host(_decode(segments[0]))
    authority = f"{host}:{port}" if port else host
    path = [_decode(segment) for segment in segments[1:]]
    for segment in path:
        if "/" in segment or segment in (".", ".."):
            raise InvalidDid("A did:web path segment cannot be '.', '..' or contain '/'.")
    if not path:
        return f"https://{authority}{WELL_KNOWN}"
    return f"https://{authority}/{'/'.join(quote(s, safe='') for s in path)}/{DOCUMENT_NAME}"


def did_web_from_url(url: str) -> str:
    """The ``did:web`` whose document lives at ``url`` (the inverse of :func:`did_web_to_url`).

    ``url`` is an https origin (``https://example.com``), its ``/.well-known/did.json``, or a
    ``…/did.json`` below a path. The DID comes out in canonical form: upper-case escapes and
    nothing escaped that need not be.
    """
    if not isinstance(url, str) or not url.startswith("https://"):
        raise InvalidDid("A did:web document is served over https.")
    # Parsed by hand: urlsplit silently drops tabs and newlines and raises on a stray '['.
    rest = url[len("https://") :]
    if _URL_CHARS.fullmatch(rest) is None or "?" in rest or "#" in rest:
        raise InvalidDid("A did:web document URL is a plain https URL, no query or fragment.")
    authority, slash, path = rest.partition("/")
    path = slash + path
    if "@" in authority:
        raise InvalidDid("A did:web document URL has no user name or password.")
    host, port = _split_host(authority)
    first = _encode(host) + (f"%3A{port}" if port else "")
    if path in ("", "/", WELL_KNOWN):
        return PREFIX + first
    raw = path.split("/")
    if raw[0] != "" or raw[-1] != DOCUMENT_NAME or len(raw) < 3:
        raise InvalidDid("A did:web document URL ends in /did.json or /.well-known/did.json.")
    segments = raw[1:-1]
    if any(_URL_SEGMENT.fullmatch(segment) is None for segment in segments):
        raise InvalidDid("A did:web document URL has an empty or malformed path segment.")
    decoded = [_decode(segment) for segment in segments]
    if any("/" in s or s in (".", "..") for s in decoded):
        raise InvalidDid("A did:web path segment cannot be '.', '..' or contain '/'.")
    return PREFIX + ":".join([first, *(_encode(segment) for segment in decoded)])


def did_web_document(
    did: str,
    keys: Sequence[VerificationKey],
    *,
    relationships: Sequence[str] = ("assertionMethod",),
) -> dict[str, Any]:
    """The DID document to publish at :func:`did_web_to_url` (ob3-spec §3.5's recommended shape)."""
    did_web_to_url(did)
    return build_did_document(did, keys, relationships=relationships)


def _split_host(authority: str) -> tuple[str, str]:
    host, sep, port = authority.partition(":")
    if _HOST.fullmatch(host) is None or _IPV4.fullmatch(host) is not None:
        raise InvalidDid(
            "A did:web names a DNS host (not an IP address): %(host)s",
            params={"host": host[:200]},
        )
    if sep and (_PORT.fullmatch(port) is None or not 0 < int(port) < 65536):
        raise InvalidDid("A did:web port is a number from 1 to 65535.")
    return host, port


def _decode(segment: str) -> str:
    try:
        return unquote(segment, errors="strict")
    except UnicodeDecodeError as err:
        raise InvalidDid("A did:web escape sequence is not UTF-8.") from err


def _encode(segment: str) -> str:
    return "".join(
        char
        if char.isascii() and (char.isalnum() or char in "._-")
        else "".join(f"%{byte:02X}" for byte in char.encode())
        for char in segment
    )
