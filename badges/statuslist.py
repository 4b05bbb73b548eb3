"""Bitstring Status List codec: the bits, their GZIP + multibase encoding, and nothing else.

W3C Bitstring Status List v1.0, https://www.w3.org/TR/vc-bitstring-status-list/ . The issuer's
bookkeeping (which index belongs to which credential) and the verifier's check (fetch, verify the
list credential, compare purposes) live elsewhere; this module only turns bits into an
``encodedList`` and back, safely, because verifiers feed it lists fetched from strangers.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from badges.errors import N_, InvalidInput

#: §Bitstring Generation Algorithm: at least 16 KB (131,072 entries) for herd privacy.
MINIMUM_ENTRIES = 131_072
#: Our own ceiling on a decompressed list (16 MiB = 134 million one-bit entries); a gzip bomb
#: stops here instead of filling memory.
MAX_LIST_BYTES = 16 * 1024 * 1024
#: Multibase prefix of base64url without padding (§Bitstring Encoding).
MULTIBASE_BASE64URL = "u"

_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
#: StatusList2021 lists are plain base64url, sometimes padded.
_BASE64URL_PADDED = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_GZIP_MAGIC = b"\x1f\x8b"
#: base64url of the GZIP magic and deflate method (1f 8b 08): how StatusList2021 lists start.
_GZIP_BASE64URL = "H4sI"


class StatusListError(InvalidInput):
    """A status list cannot be built or read; ``w3c_type`` names the spec's error type."""

    code = "status_list_invalid"
    #: The error name of §Processing Errors, for ``https://www.w3.org/ns/credentials/status-list#``.
    w3c_type: ClassVar[str] = "MALFORMED_VALUE_ERROR"


class MalformedStatusList(StatusListError):
    """The ``encodedList`` is not multibase base64url of a GZIP stream within our size cap."""

    code = "status_list_malformed"


class StatusListLengthError(StatusListError):
    """The list has fewer entries than the spec's minimum."""

    code = "status_list_too_short"
    w3c_type = "STATUS_LIST_LENGTH_ERROR"


class StatusRangeError(StatusListError):
    """An index or a status value falls outside the list."""

    code = "status_list_range"
    w3c_type = "RANGE_ERROR"


@dataclass(frozen=True, slots=True)
class StatusBits:
    """An immutable bitstring of ``len(self)`` entries of ``status_size`` bits each.

    Entry ``i`` occupies bits ``i * status_size`` to ``(i + 1) * status_size - 1``, where bit 0
    is the left-most (most significant) bit of byte 0 (§Bitstring Generation Algorithm). The value
    is immutable so that a list read for verification cannot be changed by accident: :meth:`set`
    and :meth:`set_many` return a new ``StatusBits`` (copying 16 KB costs microseconds; use
    :meth:`set_many` to apply a batch with one copy).
    """

    bitstring: bytes
    status_size: int = 1

    def __post_init__(self) -> None:
        if self.status_size < 1:
            raise StatusListError(
                N_("statusSize must be a positive integer, not %(size)s."),
                params={"size": self.status_size},
            )
        if len(self) < MINIMUM_ENTRIES:
            raise StatusListLengthError(
                N_("The status list has %(entries)s entries; at least %(minimum)s are required."),
                params={"entries": len(self), "minimum": MINIMUM_ENTRIES},
            )

    @classmethod
    def create(cls, *, length: int = MINIMUM_ENTRIES, status_size: int = 1) -> StatusBits:
        """All-zero list of at least ``length`` entries (rounded up to whole bytes)."""
        if length < MINIMUM_ENTRIES:
            raise StatusListLengthError(
                N_("A status list needs at least %(minimum)s entries, not %(entries)s."),
                params={"entries": length, "minimum": MINIMUM_ENTRIES},
            )
        if status_size < 1:
            raise StatusListError(
                N_("statusSize must be a positive integer, not %(size)s."),
                params={"size": status_size},
            )
        size = -(-length * status_size // 8)
        if size > MAX_LIST_BYTES:
            raise StatusListError(
                N_("A status list may hold at most %(max)s bytes."), params={"max": MAX_LIST_BYTES}
            )
        return cls(bytes(size), status_size)

    def __len__(self) -> int:
        return len(self.bitstring) * 8 // self.status_size

    def get(self, index: int) -> int:
        """The status at ``index`` (§Validate Algorithm step 6), as an unsigned integer."""
        start, end, shift = self._locate(index)
        chunk = int.from_bytes(self.bitstring[start:end], "big")
        return (chunk >> shift) & ((1 << self.status_size) - 1)

    def set(self, index: int, value: int) -> StatusBits:
        """A copy with the status at ``index`` replaced by ``value`` (0 or 1 when size is 1)."""
        return self.set_many([(index, value)])

    def set_many(self, updates: Iterable[tuple[int, int]]) -> StatusBits:
        """A copy with every ``(index, value)`` of ``updates`` applied, in order."""
        mask = (1 << self.status_size) - 1
        buffer = bytearray(self.bitstring)
        for index, value in updates:
            if not 0 <= value <= mask:
                raise StatusRangeError(
                    N_("Status %(value)s does not fit in %(size)s bits."),
                    params={"value": value, "size": self.status_size},
                )
            start, end, shift = self._locate(index)
            chunk = int.from_bytes(buffer[start:end], "big")
            chunk = (chunk & ~(mask << shift)) | (value << shift)
            buffer[start:end] = chunk.to_bytes(end - start, "big")
        return StatusBits(bytes(buffer), self.status_size)

    def _locate(self, index: int) -> tuple[int, int, int]:
        """Byte slice holding entry ``index`` and the right shift that brings it to bit 0."""
        if not 0 <= index < len(self):
            raise StatusRangeError(
                N_("Status index %(index)s is outside the list (0 to %(last)s)."),
                params={"index": index, "last": len(self) - 1},
            )
        first_bit = index * self.status_size
        start = first_bit // 8
        end = (first_bit + self.status_size - 1) // 8 + 1
        shift = (end - start) * 8 - first_bit % 8 - self.status_size
        return start, end, shift

    def encode(self) -> str:
        """``encodedList``: GZIP, then multibase base64url without padding (§Bitstring Encoding)."""
        # mtime=0 makes the output depend on the bits alone, so republishing is reproducible.
        compressed = gzip.compress(self.bitstring, compresslevel=9, mtime=0)
        return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).decode().rstrip("=")

    @classmethod
    def decode(
        cls, encoded: str, *, status_size: int = 1, max_bytes: int = MAX_LIST_BYTES
    ) -> StatusBits:
        """Read an ``encodedList`` (§Bitstring Expansion Algorithm).

        Accepts the multibase form (``u`` + base64url) and StatusList2021's bare base64url, which
        can never start with ``u`` because every GZIP stream encodes to ``H4sI``. Decompresses at
        most ``max_bytes``; anything larger is refused as a likely gzip bomb.
        """
        if encoded.startswith(MULTIBASE_BASE64URL):
            text, alphabet = encoded[1:], _BASE64URL
        elif encoded.startswith(_GZIP_BASE64URL):
            text, alphabet = encoded, _BASE64URL_PADDED
        else:
            raise MalformedStatusList(
                N_("The encoded status list must start with the multibase prefix 'u' (base64url).")
            )
        # Base64 of a maximal GZIP stream is at most ~4/3 of it plus headers; refuse more unread.
        if len(text) > max_bytes * 4 // 3 + 1024:
            raise MalformedStatusList(
                N_("The encoded status list is longer than %(max)s characters."),
                params={"max": max_bytes * 4 // 3 + 1024},
            )
        if not alphabet.fullmatch(text):
            raise MalformedStatusList(
                N_("The encoded status list must be multibase base64url ('u' prefix, no padding).")
            )
        text = text.rstrip("=")
        try:
            compressed = base64.b64decode(text + "=" * (-len(text) % 4), b"-_", validate=True)
        except binascii.Error as error:
            raise MalformedStatusList(
                N_("The encoded status list is not valid base64url: %(reason)s."),
                params={"reason": str(error)},
            ) from error
        return cls(_gunzip(compressed, max_bytes=max_bytes), status_size)


def _gunzip(data: bytes, *, max_bytes: int) -> bytes:
    """Decompress one GZIP member, streaming, and stop past ``max_bytes``."""
    if not data.startswith(_GZIP_MAGIC):
        raise MalformedStatusList(N_("The status list is not GZIP-compressed."))
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # 16+: GZIP header and trailer only
    try:
        bits = inflater.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise MalformedStatusList(
            N_("The status list's GZIP data is corrupt: %(reason)s."),
            params={"reason": str(error)},
        ) from error
    if len(bits) > max_bytes:
        raise MalformedStatusList(
            N_("The status list expands to more than %(max)s bytes; refusing to read it."),
            params={"max": max_bytes},
        )
    if not inflater.eof:
        raise MalformedStatusList(N_("The status list's GZIP data is truncated."))
    if inflater.unused_data:
        raise MalformedStatusList(N_("The status list has data after its GZIP stream."))
    return bits
