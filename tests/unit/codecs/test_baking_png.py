"""Baked PNG: one uncompressed iTXt chunk, pixels untouched, hostile files refused cleanly."""

from __future__ import annotations

import contextlib
import io
import json
import struct
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from badges.baking import (
    MAX_CREDENTIAL_BYTES,
    BakingError,
    DuplicateCredential,
    ImageTooLarge,
    InvalidCredentialText,
    InvalidPng,
    PngCrcMismatch,
    TruncatedPng,
    bake_png,
    extract_png,
)
from badges.errors import InvalidInput
from tests.unit.codecs.images import SIGNATURE, assemble, chunk, chunks, image

CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Урбанист — Smart City Planner",
    },
    ensure_ascii=False,
)
JWS = "eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVz"
FIXTURES = ["badge.png", "palette.png", "gray16.png"]
QUICK = settings(max_examples=40, deadline=None, database=None)


def credential_chunks(png: bytes) -> list[bytes]:
    return [data for kind, data, _ in chunks(png) if data.startswith(b"openbadgecredential\0")]


def pixels(png: bytes) -> tuple[str, tuple[int, int], bytes, object, object]:
    with Image.open(io.BytesIO(png)) as decoded:
        decoded.load()
        palette = decoded.getpalette() if decoded.mode == "P" else None
        return (
            decoded.mode,
            decoded.size,
            decoded.tobytes(),
            palette,
            decoded.info.get("transparency"),
        )


def itxt(
    text: bytes, *, flag: int = 0, method: int = 0, keyword: bytes = b"openbadgecredential"
) -> bytes:
    return chunk(b"iTXt", keyword + b"\0" + bytes([flag, method]) + b"\0\0" + text)


def with_chunk_after_ihdr(png: bytes, *extra: bytes) -> bytes:
    raw = [whole for _, _, whole in chunks(png)]
    return assemble([raw[0], *extra, *raw[1:]])


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("credential", [CREDENTIAL, JWS])
def test_bake_then_extract_returns_the_credential(name: str, credential: str) -> None:
    baked = bake_png(image(name), credential)

    assert extract_png(baked) == credential


@pytest.mark.parametrize("name", FIXTURES)
def test_baking_leaves_the_pixels_unchanged(name: str) -> None:
    original = image(name)

    assert pixels(bake_png(original, CREDENTIAL)) == pixels(original)


@pytest.mark.parametrize("name", FIXTURES)
def test_the_chunk_follows_the_spec_layout(name: str) -> None:
    original = image(name)

    baked = chunks(bake_png(original, CREDENTIAL))

    kind, data, raw = baked[1]  # right after IHDR, so before PLTE, tRNS and IDAT
    assert baked[0][0] == b"IHDR"
    assert kind == b"iTXt"
    assert data == b"openbadgecredential\0" + b"\0\0" + b"\0" + b"\0" + CREDENTIAL.encode()
    assert raw[-4:] == struct.pack(">I", zlib.crc32(b"iTXt" + data))
    # every other chunk is copied byte for byte, in order
    assert [whole for *_, whole in baked[:1] + baked[2:]] == [
        whole for *_, whole in chunks(original)
    ]


def test_pillow_reads_the_baked_text() -> None:
    with Image.open(io.BytesIO(bake_png(image("badge.png"), CREDENTIAL))) as decoded:
        decoded.load()
        assert decoded.text["openbadgecredential"] == CREDENTIAL  # type: ignore[attr-defined]
        assert decoded.text["Software"] == "badges test fixture"  # type: ignore[attr-defined]


def test_rebaking_replaces_the_chunk() -> None:
    once = bake_png(image("badge.png"), CREDENTIAL)

    twice = bake_png(once, JWS)

    assert credential_chunks(twice) == [b"openbadgecredential\0\0\0\0\0" + JWS.encode()]
    assert extract_png(twice) == JWS
    assert twice == bake_png(image("badge.png"), JWS)


def test_baking_over_duplicates_leaves_exactly_one() -> None:
    doubled = with_chunk_after_ihdr(image("badge.png"), itxt(b"{}"), itxt(b"{}"))

    assert len(credential_chunks(bake_png(doubled, JWS))) == 1


def test_a_png_without_credential_extracts_none() -> None:
    assert extract_png(image("palette.png")) is None


def test_other_itxt_keywords_are_ignored() -> None:
    png = with_chunk_after_ihdr(image("badge.png"), itxt(b"{}", keyword=b"openbadges"))

    assert extract_png(png) is None
    assert len(chunks(bake_png(png, JWS))) == len(chunks(png)) + 1


def test_image_data_split_over_many_chunks_survives() -> None:
    raw = chunks(image("badge.png"))
    data = b"".join(d for kind, d, _ in raw if kind == b"IDAT")
    pieces = [chunk(b"IDAT", data[i : i + 7]) for i in range(0, len(data), 7)]
    png = assemble([raw[0][2], *pieces, chunk(b"IEND", b"")])

    baked = bake_png(png, CREDENTIAL)

    assert pixels(baked) == pixels(image("badge.png"))
    assert extract_png(baked) == CREDENTIAL


def test_a_compressed_itxt_is_read() -> None:
    png = with_chunk_after_ihdr(
        image("badge.png"), itxt(zlib.compress(CREDENTIAL.encode()), flag=1)
    )

    assert extract_png(png) == CREDENTIAL


def test_a_zlib_bomb_in_a_compressed_itxt_is_refused() -> None:
    bomb = zlib.compress(bytes(64 * 1024 * 1024), 9)
    png = with_chunk_after_ihdr(image("badge.png"), itxt(bomb, flag=1))

    tracemalloc.start()
    try:
        with pytest.raises(ImageTooLarge, match="expands past"):
            extract_png(png)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(png) < 200_000
    assert peak < 4 * MAX_CREDENTIAL_BYTES  # stopped at the cap, not at 64 MiB


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (itxt(b"not zlib", flag=1), InvalidPng, "corrupt"),
        (itxt(zlib.compress(b"{}")[:-3], flag=1), InvalidPng, "truncated"),
        (itxt(b"{}", flag=1, method=1), InvalidPng, "unknown compression"),
        (itxt(b"{}", flag=2), InvalidPng, "unknown compression"),
        (itxt(b"\xff\xfe{}"), InvalidPng, "not UTF-8"),
        (chunk(b"iTXt", b"openbadgecredential\0\0"), InvalidPng, "cut short"),
        (chunk(b"iTXt", b"openbadgecredential\0\0\0en"), InvalidPng, "language tag"),
        (chunk(b"iTXt", b"openbadgecredential\0"), InvalidPng, "cut short"),
    ],
)
def test_malformed_credential_chunks_are_refused(
    body: bytes, error: type[BakingError], message: str
) -> None:
    with pytest.raises(error, match=message):
        extract_png(with_chunk_after_ihdr(image("badge.png"), body))


def test_two_credential_chunks_are_refused_on_extract() -> None:
    png = with_chunk_after_ihdr(image("badge.png"), itxt(b"{}"), itxt(b"{}"))

    with pytest.raises(DuplicateCredential, match="2 openbadgecredential chunks"):
        extract_png(png)


@pytest.mark.parametrize("cut", [0, 5, 8, 9, 20, 33, 40, -13, -12, -1])
def test_truncated_pngs_are_refused(cut: int) -> None:
    png = bake_png(image("badge.png"), CREDENTIAL)

    with pytest.raises(InvalidPng) as error:
        extract_png(png[:cut])

    expected = InvalidPng if 0 <= cut < len(SIGNATURE) else TruncatedPng
    assert type(error.value) is expected


def test_a_bad_crc_is_refused() -> None:
    png = bytearray(image("badge.png"))
    idat = png.index(b"IDAT")
    png[idat + 6] ^= 0x01

    with pytest.raises(PngCrcMismatch, match="CRC of the PNG chunk IDAT"):
        extract_png(bytes(png))
    with pytest.raises(PngCrcMismatch):
        bake_png(bytes(png), CREDENTIAL)


def test_a_tampered_credential_fails_its_crc() -> None:
    png = bytearray(bake_png(image("badge.png"), CREDENTIAL))
    png[png.index(b"Smart")] = ord("s")

    with pytest.raises(PngCrcMismatch, match="iTXt"):
        extract_png(bytes(png))


@pytest.mark.parametrize(
    ("length", "error", "message"),
    [
        (0x7FFF_FFFF, TruncatedPng, "declares 2147483647 bytes"),
        (0xFFFF_FFFF, InvalidPng, "impossible length"),
    ],
)
def test_a_huge_declared_chunk_length_is_refused(
    length: int, error: type[InvalidPng], message: str
) -> None:
    png = bytearray(image("badge.png"))
    png[8:12] = struct.pack(">I", length)

    with pytest.raises(error, match=message):
        extract_png(bytes(png))


@pytest.mark.parametrize(
    ("png", "message"),
    [
        (b"GIF89a" + bytes(40), "signature"),
        (image("badge.png") + b"trailing", "after its IEND"),
        (assemble([chunks(image("badge.png"))[0][2], chunk(b"IEND", b"")]), "no image data"),
        (assemble([chunk(b"IDAT", b"x"), chunk(b"IEND", b"")]), "IHDR"),
        (assemble([chunks(image("badge.png"))[0][2], chunk(b"ID4T", b"x")]), "invalid chunk type"),
    ],
)
def test_structurally_broken_pngs_are_refused(png: bytes, message: str) -> None:
    with pytest.raises(InvalidPng, match=message):
        extract_png(png)


def test_a_png_without_iend_is_truncated() -> None:
    raw = [whole for _, _, whole in chunks(image("badge.png"))]

    with pytest.raises(TruncatedPng, match="IEND"):
        extract_png(assemble(raw[:-1]))


def test_size_and_chunk_count_are_capped() -> None:
    raw = [whole for _, _, whole in chunks(image("badge.png"))]
    many = assemble([raw[0], *[chunk(b"prVt", b"")] * 20_000, *raw[1:]])

    with pytest.raises(ImageTooLarge, match="larger than 100 bytes"):
        extract_png(image("badge.png"), max_size=100)
    with pytest.raises(ImageTooLarge, match="more than 20000 chunks"):
        extract_png(many)
    with pytest.raises(ImageTooLarge, match="would exceed"):
        bake_png(image("badge.png"), CREDENTIAL, max_size=len(image("badge.png")) + 10)


@pytest.mark.parametrize(
    ("credential", "message"),
    [
        ("", "JSON object or a compact JWS"),
        ("hello", "JSON object or a compact JWS"),
        ("[1, 2]", "JSON object or a compact JWS"),
        ('{"a": ', "not valid JSON"),
        ("{" + "[" * 100_000 + "]" * 100_000 + "}", "not valid JSON"),
        ('{"a": "\ud800"}', "not valid Unicode"),
        ("a.b", "JSON object or a compact JWS"),
    ],
)
def test_only_json_objects_and_compact_jws_are_baked(credential: str, message: str) -> None:
    with pytest.raises(InvalidCredentialText, match=message) as error:
        bake_png(image("badge.png"), credential)

    assert isinstance(error.value, InvalidInput)


def test_an_oversized_credential_is_refused() -> None:
    with pytest.raises(ImageTooLarge, match="credential is larger"):
        bake_png(image("badge.png"), json.dumps({"x": "a" * (4 * 1024 * 1024)}))


@QUICK
@given(
    st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=5),
    st.sampled_from(FIXTURES),
)
def test_round_trip_over_random_json(document: dict[str, str], name: str) -> None:
    credential = json.dumps(document, ensure_ascii=False)

    baked = bake_png(image(name), credential)

    assert extract_png(baked) == credential
    assert len(credential_chunks(bake_png(baked, credential))) == 1


@QUICK
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_baking_errors(data: bytes) -> None:
    for candidate in (data, SIGNATURE + data):
        with contextlib.suppress(BakingError):
            extract_png(candidate)


@QUICK
@given(st.integers(0, 10_000), st.integers(1, 255))
def test_corrupted_baked_pngs_raise_only_baking_errors(position: int, flip: int) -> None:
    png = bytearray(bake_png(image("badge.png"), CREDENTIAL))
    png[position % len(png)] ^= flip

    with contextlib.suppress(BakingError):
        extract_png(bytes(png))
