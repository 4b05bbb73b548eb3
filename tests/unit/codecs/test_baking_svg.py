"""Baked SVG: one <openbadges:credential>, the image otherwise intact, hostile SVGs refused."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges.baking import (
    BakingError,
    DuplicateCredential,
    ImageTooLarge,
    InvalidCredentialText,
    InvalidSvg,
    UnsafeSvg,
    bake_svg,
    extract_svg,
)
from tests.unit.codecs.images import IMAGES

OB = "https://purl.imsglobal.org/ob/v3p0"
SVG = "http://www.w3.org/2000/svg"
CREDENTIAL = json.dumps(
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Картограф <GIS> & ]]> done"},
    ensure_ascii=False,
)
JWS = "eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVz"
QUICK = settings(max_examples=40, deadline=None, database=None)
PLAIN = f'<svg xmlns="{SVG}" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def badge() -> str:
    return (IMAGES / "badge.svg").read_text(encoding="utf-8")


def svg(body: str, *, attributes: str = "") -> str:
    return (
        f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink" {attributes}>{body}</svg>'
    )


def shape(root: Element) -> Iterator[tuple[str, list[tuple[str, str]], str, str]]:
    """Every element but credentials: tag, attributes, text and tail (whitespace trimmed)."""
    for element in root.iter():
        if element.tag != f"{{{OB}}}credential":
            yield (
                element.tag,
                sorted(element.attrib.items()),
                (element.text or "").strip(),
                (element.tail or "").strip(),
            )


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS])
def test_bake_then_extract_returns_the_credential(credential: str) -> None:
    baked = bake_svg(badge(), credential)

    assert extract_svg(baked) == credential
    assert extract_svg(baked.encode("utf-8")) == credential


def test_json_goes_in_cdata_as_the_first_child_of_the_root() -> None:
    baked = bake_svg(badge(), CREDENTIAL)

    root = SafeET.fromstring(baked)
    assert root[0].tag == f"{{{OB}}}credential"
    assert root[0].text == CREDENTIAL
    assert "verify" not in root[0].attrib
    assert f'xmlns:openbadges="{OB}"' in baked
    assert "<openbadges:credential><![CDATA[{" in baked


def test_a_compact_jws_goes_in_the_verify_attribute() -> None:
    baked = bake_svg(badge(), JWS)

    root = SafeET.fromstring(baked)
    assert root[0].tag == f"{{{OB}}}credential"
    assert root[0].get("verify") == JWS
    assert not root[0].text
    assert f'<openbadges:credential verify="{JWS}"/>' in baked


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS])
def test_baking_leaves_the_rest_of_the_image_unchanged(credential: str) -> None:
    original = badge()

    baked = bake_svg(original, credential)

    assert list(shape(SafeET.fromstring(baked))) == list(shape(SafeET.fromstring(original)))
    assert "<!DOCTYPE svg" in baked
    assert "Smart City Badges test fixture" in baked


def test_rebaking_replaces_the_element() -> None:
    once = bake_svg(badge(), CREDENTIAL)

    twice = bake_svg(once, JWS)

    credentials = SafeET.fromstring(twice).findall(f".//{{{OB}}}credential")
    assert len(credentials) == 1
    assert extract_svg(twice) == JWS
    assert twice == bake_svg(bake_svg(badge(), "{}"), JWS)
    assert twice.count("xmlns:openbadges") == 1


def test_baking_over_duplicates_and_other_prefixes_leaves_exactly_one() -> None:
    doubled = svg(
        f'<ob:credential xmlns:ob="{OB}">{{}}</ob:credential><g>'
        f'<ob:credential xmlns:ob="{OB}" verify="a.b.c"/></g>'
    )

    baked = bake_svg(doubled, JWS)

    assert len(SafeET.fromstring(baked).findall(f".//{{{OB}}}credential")) == 1
    assert extract_svg(baked) == JWS


def test_credentials_baked_by_other_tools_are_read() -> None:
    credential = '{"name": "<GIS> & co"}'
    other = svg(
        f'<ob:credential xmlns:ob="{OB}">\n  <![CDATA[{credential}]]>\n</ob:credential>'
        '<circle r="1"/>'
    )

    assert extract_svg(other) == credential
    assert extract_svg(svg(f'<c:credential xmlns:c="{OB}" verify=" {JWS} "/>')) == JWS


def test_an_svg_without_credential_extracts_none() -> None:
    assert extract_svg(badge()) is None
    assert extract_svg(svg('<assertion xmlns="http://openbadges.org">x</assertion>')) is None


def test_two_credentials_are_refused_on_extract() -> None:
    doubled = svg(f'<c xmlns="{OB}" verify="a.b.c"/><credential xmlns="{OB}" verify="a.b.c"/>')
    assert extract_svg(doubled) == "a.b.c"  # "c" is not "credential"

    doubled = doubled.replace("<c ", "<credential ")
    with pytest.raises(DuplicateCredential, match="2 openbadges:credential elements"):
        extract_svg(doubled)


def test_an_empty_credential_element_is_refused() -> None:
    with pytest.raises(InvalidSvg, match="empty"):
        extract_svg(svg(f'<credential xmlns="{OB}">  </credential>'))


def test_an_svg_that_binds_the_prefix_elsewhere_is_not_baked() -> None:
    ob2 = svg("<openbadges:assertion/>", attributes='xmlns:openbadges="http://openbadges.org"')

    with pytest.raises(InvalidSvg, match=re.escape("http://openbadges.org")):
        bake_svg(ob2, JWS)


def bake(text: str) -> object:
    return bake_svg(text, JWS)


OPERATIONS: list[Callable[[str], object]] = [bake, extract_svg]
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + f']>\n<svg xmlns="{SVG}"><text>&lol9;</text></svg>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<svg xmlns="{SVG}"><text>&xxe;</text></svg>'
)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        (svg("<script>alert(1)</script>"), "<script>"),
        (svg('<script xlink:href="#x"/>'), "<script>"),
        (svg("<SCRIPT>alert(1)</SCRIPT>"), "<SCRIPT>"),
        (svg("<g/>", attributes='onload="alert(1)"'), "event-handler attribute onload"),
        (svg('<rect onClick="alert(1)"/>'), "onClick"),
        (svg("<foreignObject><div/></foreignObject>"), "foreignObject"),
        (svg('<iframe src="https://x.example"/>'), "iframe"),
        (svg('<image href="https://tracker.example/p.png"/>'), "external resource"),
        (svg('<use xlink:href="https://x.example/s.svg#a"/>'), "external resource"),
        (svg('<a href="javascript:alert(1)"><text>x</text></a>'), "javascript:alert"),
        (svg('<image href=" data:image/svg+xml;base64,PHN2Zz4="/>'), "external resource"),
        (svg('<image href=""/>'), "external resource"),
        (svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>'), "animates"),
        (svg('<a><animate attributeName="xlink:href" values="x"/></a>'), "animates"),
        (svg('<rect><set attributeName="onclick" to="alert(1)"/></rect>'), "animates"),
        (svg('<rect fill="url(https://x.example/g.svg#g)"/>'), "external resource"),
        (svg("<rect style=\"fill: url( '//x.example/a' )\"/>"), "external resource"),
        (svg("<style>@import url(#x);</style>"), "imports"),
        (svg("<style>rect { fill: url(http://x.example/a.svg#g) }</style>"), "external"),
        (
            f'<?xml-stylesheet href="https://x.example/a.css"?><svg xmlns="{SVG}"/>',
            "external stylesheet",
        ),
        (BILLION_LAUGHS, "XML entities"),
        (XXE, "XML entities"),
    ],
)
def test_hostile_svgs_are_refused(
    operation: Callable[[str], object], hostile: str, message: str
) -> None:
    with pytest.raises(UnsafeSvg, match=message):
        operation(hostile)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("", "not well-formed"),
        ("<svg", "not well-formed"),
        (f'<svg xmlns="{SVG}"><g></svg>', "not well-formed"),
        ("<html><body/></html>", "root element is not <svg>"),
        ("<svg><rect/></svg>", "root element is not <svg>"),  # no SVG namespace
        ("not xml at all", "not well-formed"),
    ],
)
def test_malformed_svgs_are_refused(
    operation: Callable[[str], object], broken: str, message: str
) -> None:
    with pytest.raises(InvalidSvg, match=message):
        operation(broken)


def test_size_element_count_and_depth_are_capped() -> None:
    with pytest.raises(ImageTooLarge, match="larger than 100"):
        extract_svg(badge(), max_size=100)
    with pytest.raises(ImageTooLarge, match="elements"):
        extract_svg(svg("<g/>" * 100_001))
    with pytest.raises(ImageTooLarge, match="levels"):
        extract_svg(svg("<g>" * 300 + "</g>" * 300))
    with pytest.raises(ImageTooLarge, match="would exceed"):
        bake_svg(PLAIN, CREDENTIAL, max_size=len(PLAIN) + 20)


def test_safe_references_are_accepted() -> None:
    safe = svg(
        '<defs><linearGradient id="g"/></defs>'
        '<rect fill="url(#g)" style="fill:url( &quot;#g&quot; )"/>'
        '<use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo="/>'
        '<a href="#top"><set attributeName="fill" to="red"/></a>'
        '<style>rect { fill: url("#g") }</style>'
    )

    assert extract_svg(bake_svg(safe, JWS)) == JWS


def test_bytes_with_an_encoding_declaration_are_decoded() -> None:
    latin = f'<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="{SVG}"><text>\xe9</text></svg>'

    baked = bake_svg(latin, CREDENTIAL)

    assert extract_svg(baked.encode("utf-8")) == CREDENTIAL
    assert extract_svg(latin.encode("latin-1")) is None


@pytest.mark.parametrize(
    "encoding", ["bogus", "rot13", "base64", "zlib", "shift_jis", "utf-7", "idna", "undefined"]
)
def test_unusable_encoding_declarations_in_bytes_are_invalid(encoding: str) -> None:
    declared = f'<?xml version="1.0" encoding="{encoding}"?><svg xmlns="{SVG}"/>'

    with pytest.raises(InvalidSvg, match="not well-formed"):
        extract_svg(declared.encode("ascii"))
    # text is already decoded, so its declaration is ignored
    assert extract_svg(declared) is None
    assert extract_svg(bake_svg(declared, JWS)) == JWS


@pytest.mark.parametrize(
    ("credential", "error"),
    [
        ("hello", InvalidCredentialText),
        ('{"a": "\ufffe"}', InvalidCredentialText),
        ('{"a": "\x7f\x1b"}', InvalidCredentialText),  # raw control characters: invalid JSON
    ],
)
def test_credentials_that_cannot_be_stored_are_refused(
    credential: str, error: type[BakingError]
) -> None:
    with pytest.raises(error):
        bake_svg(PLAIN, credential)


def is_xml_char(char: str) -> bool:
    """XML 1.0 §2.2 Char, written out independently of the module."""
    return (
        char in "\t\n\r"
        or " " <= char <= "\ud7ff"
        or "\ue000" <= char <= "\ufffd"
        or char >= "\U00010000"
    )


@QUICK
@given(st.dictionaries(st.text(max_size=10), st.text(max_size=40), max_size=5))
def test_round_trip_over_random_json(document: dict[str, str]) -> None:
    credential = json.dumps(document, ensure_ascii=False)
    if any(not is_xml_char(char) for char in credential):
        with pytest.raises(InvalidCredentialText):
            bake_svg(PLAIN, credential)
        return

    baked = bake_svg(badge(), credential)

    assert extract_svg(baked) == credential
    assert len(SafeET.fromstring(bake_svg(baked, JWS)).findall(f".//{{{OB}}}credential")) == 1


@QUICK
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_random_input_raises_only_baking_errors(data: str | bytes) -> None:
    with contextlib.suppress(BakingError):
        extract_svg(data)


@QUICK
@given(st.integers(0, 2_000), st.text(min_size=1, max_size=5))
def test_mangled_baked_svgs_raise_only_baking_errors(position: int, junk: str) -> None:
    baked = bake_svg(PLAIN, CREDENTIAL)
    position %= len(baked)

    with contextlib.suppress(BakingError):
        extract_svg(baked[:position] + junk + baked[position:])
