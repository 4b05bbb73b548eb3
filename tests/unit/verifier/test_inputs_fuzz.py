"""Fuzz each input reader, and the verifier behind it (issue #5, "Bad input").

One property per format the verifier reads (JSON, compact JWS, baked PNG, baked SVG): whatever
the content, reading raises only ``UnusableInput``, and whatever is read verifies to a report
without raising. Inputs are shaped like the format (real PNG chunk framing, an SVG carrying
a credential element, JWS segments) so the fuzzer gets past the sniffing into each parser.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badges.baking import BakingError, bake_png, bake_svg
from badges.jsonld.loader import StaticDocumentLoader
from tests.unit.verifier.builders import CORPUS, NOW
from verifier import (
    CheckId,
    MapFetcher,
    Outcome,
    UnusableInput,
    VerificationReport,
    read_credential,
    verify_credential,
)

IMAGES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
PNG = (IMAGES / "badge.png").read_bytes()
SVG = (IMAGES / "badge.svg").read_text(encoding="utf-8")
CREDENTIAL = json.loads((CORPUS / "valid-did-web.json").read_text(encoding="utf-8"))
FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
#: Objects shaped a little like a credential, with the known keys holding anything at all.
credential_like = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        ("@context", "type", "issuer", "credentialSubject", "proof", "validFrom"), json_values
    ),
)
segment = st.binary(max_size=60).map(
    lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
)


def verify(
    credential: dict[str, Any] | str, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> VerificationReport:
    return verify_credential(credential, loader=loader, fetcher=fetcher, now=NOW)


def read_or_none(data: bytes | str) -> dict[str, Any] | str | None:
    try:
        return read_credential(data)
    except UnusableInput:
        return None


@FUZZ
@given(document=credential_like)
def test_any_json_object_reads_back_and_verifies_to_a_report(
    document: dict[str, Any], loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    read = read_credential(json.dumps(document))

    assert read == document
    report = verify(read, loader, fetcher)
    assert report.verified is False
    assert report.outcome(CheckId.PARSE) is not None


@FUZZ
@given(token=st.tuples(segment, segment, segment).map(".".join))
def test_any_jws_shaped_text_verifies_to_a_failed_report(
    token: str, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    read = read_or_none(token)
    if read is None:
        return  # an empty segment is not a compact JWS
    assert read == token
    report = verify(read, loader, fetcher)
    assert report.verified is False
    assert report.failures


@FUZZ
@given(json_values.map(json.dumps), st.sampled_from(["png", "svg"]))
def test_any_baked_json_is_read_back_or_refused_plainly(text: str, image: str) -> None:
    try:
        baked: bytes = bake_png(PNG, text) if image == "png" else bake_svg(SVG, text).encode()
    except BakingError:
        return  # only JSON objects and compact JWS are baked
    read = read_or_none(baked)

    assert read is None or read == json.loads(text)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


chunk_kinds = st.sampled_from([b"iTXt", b"tEXt", b"zTXt", b"IDAT", b"IHDR", b"IEND", b"abCd"])
itxt_bodies = st.tuples(
    st.sampled_from([b"openbadgecredential", b"openbadges", b""]),
    st.sampled_from([b"\0\0\0", b"\0\1\0", b"\0\1\7", b"\0"]),
    st.binary(max_size=40),
    st.binary(max_size=200) | st.binary(max_size=200).map(zlib.compress),
).map(lambda parts: parts[0] + parts[1] + parts[2] + b"\0\0" + parts[3])


@FUZZ
@given(chunks=st.lists(st.tuples(chunk_kinds, itxt_bodies | st.binary(max_size=100)), max_size=6))
def test_pngs_of_random_chunks_raise_only_unusable_input(
    chunks: list[tuple[bytes, bytes]], loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    head = PNG[: 8 + 25]  # signature and the real IHDR chunk
    png = head + b"".join(png_chunk(kind, data) for kind, data in chunks) + png_chunk(b"IEND", b"")

    read = read_or_none(png)

    if read is not None:
        assert verify(read, loader, fetcher).outcome(CheckId.PARSE) is not None


svg_payloads = (
    st.text(max_size=200)
    | json_values.map(json.dumps)
    | st.sampled_from(
        [
            '<!DOCTYPE svg [<!ENTITY x "y">]>',
            "<script>alert(1)</script>",
            "]]><a/><![CDATA[",
            "&x;",
        ]
    )
)


@FUZZ
@given(payload=svg_payloads, cdata=st.booleans())
def test_svgs_carrying_anything_raise_only_unusable_input(
    payload: str, cdata: bool, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    inner = f"<![CDATA[{payload}]]>" if cdata else payload
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        f"<openbadges:credential>{inner}</openbadges:credential></svg>"
    )

    read = read_or_none(svg.encode("utf-8", errors="surrogatepass"))

    if read is not None:
        report = verify(read, loader, fetcher)
        assert report.outcome(CheckId.PARSE) in {Outcome.PASS, Outcome.FAIL}


def test_the_svg_shape_used_above_is_the_one_baking_writes() -> None:
    # Guards the fuzzer: if the element changed, the SVG property would only test refusals.
    svg = bake_svg(SVG, json.dumps(CREDENTIAL))

    assert "openbadges:credential" in svg
    assert (
        read_credential(
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
            f"<openbadges:credential><![CDATA[{json.dumps(CREDENTIAL)}]]></openbadges:credential></svg>"
        )
        == CREDENTIAL
    )


def paths_of(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path into ``value`` (keys and list indexes), the root excluded."""
    found: list[tuple[str | int, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths_of(child, (*prefix, key)))
    return found


CREDENTIAL_PATHS = paths_of(CREDENTIAL)


@FUZZ
@given(path=st.sampled_from(CREDENTIAL_PATHS), value=json_values)
def test_a_real_credential_with_any_value_swapped_in_verifies_to_a_report(
    path: tuple[str | int, ...], value: Any, loader: StaticDocumentLoader, fetcher: MapFetcher
) -> None:
    document = json.loads(json.dumps(CREDENTIAL))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value

    report = verify(read_credential(json.dumps(document)), loader, fetcher)

    # Every value is signed, so any real change must fail a check, and nothing may raise.
    assert report.verified is (document == CREDENTIAL)
    assert report.verified or report.failures
