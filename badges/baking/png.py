"""Bake a credential into a PNG, and read it back (OB 3.0 §5.3 Baked Badge, PNG).

The credential travels in one ``iTXt`` chunk (PNG spec §11.3.4.5) with the keyword
``openbadgecredential``, uncompressed, with empty language tag and translated keyword. Every other
chunk is copied byte for byte, so the image is never re-encoded; only the new chunk's CRC is
computed. Reading is strict (signature, every CRC, chunk layout) and bounded (total size, chunk
count, decompressed text), because extraction runs on uploads from anyone.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from badges.baking.credential import MAX_CREDENTIAL_BYTES, credential_format
from badges.baking.errors import (
    DuplicateCredential,
    ImageTooLarge,
    InvalidPng,
    PngCrcMismatch,
    TruncatedPng,
)
from badges.errors import N_

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: OB 3.0 §5.3: the iTXt keyword (OB 2.0 used ``openbadges``, CLR 2.0 ``clrcredential``).
KEYWORD = "openbadgecredential"
#: Largest PNG we read or write; matches the default upload limit (``MAX_UPLOAD_MB``).
MAX_PNG_BYTES = 20 * 1024 * 1024
#: Most chunks we walk; real images have tens to a few thousand (IDAT split in 8 KB pieces).
MAX_CHUNKS = 20_000
#: PNG spec §5.3: a chunk length is at most 2**31 - 1.
_MAX_CHUNK_LENGTH = 2**31 - 1
_PREFIX = KEYWORD.encode("latin-1") + b"\0"


@dataclass(frozen=True, slots=True)
class _Chunk:
    """One chunk: its type, its data, and its bytes exactly as they were in the file."""

    type: bytes
    data: bytes
    raw: bytes


def bake_png(png: bytes, credential: str, *, max_size: int = MAX_PNG_BYTES) -> bytes:
    """Return ``png`` carrying ``credential`` (JSON text or compact JWS) in one iTXt chunk.

    Any credential chunk already there is replaced, so re-baking leaves exactly one (§5.3: the
    chunk "MUST NOT appear more than once"). The new chunk goes right after IHDR, before any
    image data, so streaming readers meet it first.
    """
    credential_format(credential)
    chunks = _read_chunks(png, max_size=max_size)
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translation NUL
    data = _PREFIX + b"\0\0" + b"\0" + b"\0" + credential.encode("utf-8")
    baked = b"".join(
        [
            PNG_SIGNATURE,
            chunks[0].raw,
            _chunk_bytes(b"iTXt", data),
            *(chunk.raw for chunk in chunks[1:] if not _is_credential(chunk)),
        ]
    )
    if len(baked) > max_size:
        raise ImageTooLarge(
            N_("The baked image would exceed %(max)s bytes."), params={"max": max_size}
        )
    return baked


def extract_png(png: bytes, *, max_size: int = MAX_PNG_BYTES) -> str | None:
    """The credential baked into ``png``, or ``None`` when it carries none.

    The whole file is checked first (signature, CRCs, layout), so a damaged or tampered image is
    reported as such. A compressed iTXt is accepted on input, with its expansion capped.
    """
    found = [chunk for chunk in _read_chunks(png, max_size=max_size) if _is_credential(chunk)]
    if not found:
        return None
    if len(found) > 1:
        raise DuplicateCredential(
            N_("The PNG holds %(count)s openbadgecredential chunks; only one is allowed."),
            params={"count": len(found)},
        )
    return _credential_text(found[0].data)


def _is_credential(chunk: _Chunk) -> bool:
    return chunk.type == b"iTXt" and chunk.data.startswith(_PREFIX)


def _chunk_bytes(chunk_type: bytes, data: bytes) -> bytes:
    """Serialise a chunk: length, type, data, CRC-32 over type and data (PNG spec §5.3)."""
    crc = zlib.crc32(data, zlib.crc32(chunk_type))
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _read_chunks(png: bytes, *, max_size: int) -> list[_Chunk]:
    """Split ``png`` into validated chunks: IHDR first, IEND last, nothing after it."""
    if len(png) > max_size:
        raise ImageTooLarge(N_("The PNG is larger than %(max)s bytes."), params={"max": max_size})
    if not png.startswith(PNG_SIGNATURE):
        raise InvalidPng(N_("The file is not a PNG image (the PNG signature is missing)."))
    chunks: list[_Chunk] = []
    position = len(PNG_SIGNATURE)
    while position < len(png) and (not chunks or chunks[-1].type != b"IEND"):
        if len(chunks) >= MAX_CHUNKS:
            raise ImageTooLarge(
                N_("The PNG has more than %(max)s chunks."), params={"max": MAX_CHUNKS}
            )
        chunks.append(_read_chunk(png, position))
        position += len(chunks[-1].raw)
    if not chunks or chunks[-1].type != b"IEND":
        raise TruncatedPng(N_("The PNG ends before its IEND chunk."))
    if position != len(png):
        raise InvalidPng(
            N_("The PNG has %(count)s bytes after its IEND chunk."),
            params={"count": len(png) - position},
        )
    if chunks[0].type != b"IHDR" or len(chunks[0].data) != 13:
        raise InvalidPng(N_("The PNG does not start with a 13-byte IHDR chunk."))
    if not any(chunk.type == b"IDAT" for chunk in chunks):
        raise InvalidPng(N_("The PNG has no image data (IDAT chunk)."))
    return chunks


def _read_chunk(png: bytes, position: int) -> _Chunk:
    """The chunk at ``position``, after checking its bounds, type and CRC."""
    if len(png) - position < 12:
        raise TruncatedPng(
            N_("The PNG is cut off inside the chunk header at byte %(offset)s."),
            params={"offset": position},
        )
    length, chunk_type = struct.unpack_from(">I4s", png, position)
    if length > _MAX_CHUNK_LENGTH:
        raise InvalidPng(
            N_("A PNG chunk at byte %(offset)s declares an impossible length (%(length)s)."),
            params={"offset": position, "length": length},
        )
    end = position + 12 + length
    if end > len(png):
        raise TruncatedPng(
            N_("A PNG chunk at byte %(offset)s declares %(length)s bytes; only %(left)s remain."),
            params={"offset": position, "length": length, "left": len(png) - position - 12},
        )
    if not chunk_type.isalpha():
        raise InvalidPng(
            N_("The PNG has an invalid chunk type at byte %(offset)s."),
            params={"offset": position},
        )
    data = png[position + 8 : end - 4]
    (crc,) = struct.unpack_from(">I", png, end - 4)
    if zlib.crc32(data, zlib.crc32(chunk_type)) != crc:
        raise PngCrcMismatch(
            N_("The CRC of the PNG chunk %(type)s at byte %(offset)s is wrong."),
            params={"type": chunk_type.decode("ascii"), "offset": position},
        )
    return _Chunk(chunk_type, data, png[position:end])


def _credential_text(data: bytes) -> str:
    """Decode an ``openbadgecredential`` iTXt body (PNG spec §11.3.4.5)."""
    body = data[len(_PREFIX) :]
    if len(body) < 2:
        raise InvalidPng(N_("The openbadgecredential iTXt chunk is cut short."))
    flag, method = body[0], body[1]
    fields = body[2:].split(b"\0", 2)
    if len(fields) != 3:
        raise InvalidPng(
            N_("The openbadgecredential iTXt chunk lacks its language tag or translated keyword.")
        )
    text = fields[2]
    if flag == 1 and method == 0:
        text = _inflate(text)
    elif flag != 0:
        raise InvalidPng(
            N_("The openbadgecredential iTXt chunk has unknown compression %(flag)s/%(method)s."),
            params={"flag": flag, "method": method},
        )
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise ImageTooLarge(
            N_("The baked credential is larger than %(max)s bytes."),
            params={"max": MAX_CREDENTIAL_BYTES},
        )
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidPng(N_("The baked credential is not UTF-8 text.")) from error


def _inflate(compressed: bytes) -> bytes:
    """Inflate a compressed iTXt text, streaming, refusing to expand past the credential cap."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_CREDENTIAL_BYTES + 1)
    except zlib.error as error:
        raise InvalidPng(
            N_("The compressed credential in the PNG is corrupt: %(reason)s."),
            params={"reason": str(error)},
        ) from error
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise ImageTooLarge(
            N_("The compressed credential expands past %(max)s bytes; refusing to read it."),
            params={"max": MAX_CREDENTIAL_BYTES},
        )
    if not inflater.eof or inflater.unused_data:
        raise InvalidPng(N_("The compressed credential in the PNG is truncated or padded."))
    return text
