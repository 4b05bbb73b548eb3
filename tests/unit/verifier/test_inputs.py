"""read_credential: one reader per format, sniffed by content; bounded; only UnusableInput."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.baking import bake_png, bake_svg
from tests.unit.verifier.builders import CORPUS
from verifier import UnusableInput, read_credential
from verifier.inputs import MAX_INPUT_BYTES

ROOT = Path(__file__).resolve().parents[3]
IMAGES = ROOT / "tests" / "fixtures" / "images"
CREDENTIAL_TEXT = (CORPUS / "valid-did-web.json").read_text(encoding="utf-8")
JWS_TEXT = (CORPUS / "valid-vc-jwt-eddsa.jws").read_text(encoding="utf-8").strip()


def test_reads_json_text_bytes_and_objects() -> None:
    expected = json.loads(CREDENTIAL_TEXT)

    assert read_credential(CREDENTIAL_TEXT) == expected
    assert read_credential(b"\xef\xbb\xbf" + CREDENTIAL_TEXT.encode()) == expected
    assert read_credential(expected) == expected


def test_reads_a_compact_jws() -> None:
    assert read_credential(JWS_TEXT + "\n") == JWS_TEXT


@pytest.mark.parametrize("text", [CREDENTIAL_TEXT, JWS_TEXT])
def test_reads_baked_png_whatever_the_file_is_called(text: str) -> None:
    baked = bake_png((IMAGES / "badge.png").read_bytes(), text)

    result = read_credential(baked, filename="badge.json")

    assert result == (json.loads(text) if text.startswith("{") else text)


@pytest.mark.parametrize("text", [CREDENTIAL_TEXT, JWS_TEXT])
def test_reads_baked_svg(text: str) -> None:
    baked = bake_svg((IMAGES / "badge.svg").read_text(encoding="utf-8"), text)

    result = read_credential(baked.encode(), filename="badge.png")

    assert result == (json.loads(text) if text.startswith("{") else text)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "neither"),
        (b"[1, 2, 3]", "neither"),
        (b'{"a": 1,}', "not valid JSON"),
        (b'{"a": 1, "a": 2}', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "neither"),
        (b"\x89PNG\r\n\x1a\nnot really", "PNG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG"),
        (b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x 'y'>]><svg>&x;</svg>", "SVG"),
        (b"header.payload", "neither"),
    ],
)
def test_unusable_inputs_say_why(data: bytes, message: str) -> None:
    with pytest.raises(UnusableInput, match=message):
        read_credential(data)


def test_a_png_without_a_credential_is_unusable() -> None:
    with pytest.raises(UnusableInput, match="does not carry"):
        read_credential((IMAGES / "badge.png").read_bytes())


def test_json_nested_ten_thousand_deep_is_refused_quickly() -> None:
    deep = "{" + '"a":[' * 10_000 + "1" + "]" * 10_000 + "}"
    started = time.perf_counter()

    with pytest.raises(UnusableInput, match="nested"):
        read_credential(deep)
    nested: dict[str, object] = {}
    current = nested
    for _ in range(10_000):
        current["a"] = current = {}
    with pytest.raises(UnusableInput, match="nested"):
        read_credential(nested)
    assert time.perf_counter() - started < 1.0


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert read_credential('{"a": "' + "[{" * 1000 + '\\"}"}') == {"a": "[{" * 1000 + '"}'}


def test_enormous_inputs_are_refused_before_parsing() -> None:
    with pytest.raises(UnusableInput, match="larger"):
        read_credential(b"{" + b" " * MAX_INPUT_BYTES + b"}")
    with pytest.raises(UnusableInput, match="more than"):
        read_credential('{"a": [' + "1," * 200_000 + "1]}")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_unusable_input(data: bytes) -> None:
    with contextlib.suppress(UnusableInput):
        read_credential(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=512))
def test_random_text_raises_only_unusable_input(text: str) -> None:
    try:
        result = read_credential(text)
    except UnusableInput:
        return
    assert isinstance(result, dict | str)
