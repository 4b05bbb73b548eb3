"""The small test images in ``tests/fixtures/images`` and hand-built PNG chunks."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

IMAGES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def image(name: str) -> bytes:
    """The bytes of a fixture image."""
    return (IMAGES / name).read_bytes()


def chunk(chunk_type: bytes, data: bytes) -> bytes:
    """A PNG chunk with a correct CRC, built independently of the code under test."""
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def chunks(png: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """``(type, data, raw)`` for each chunk of a well-formed PNG."""
    assert png.startswith(SIGNATURE)
    found = []
    position = len(SIGNATURE)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        end = position + 12 + length
        found.append(
            (png[position + 4 : position + 8], png[position + 8 : end - 4], png[position:end])
        )
        position = end
    return found


def assemble(raw_chunks: list[bytes]) -> bytes:
    """A PNG made of the signature and the given serialised chunks."""
    return SIGNATURE + b"".join(raw_chunks)
