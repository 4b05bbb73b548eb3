"""QR codes: sizes from the QR capacity tables, quiet zone, finder pattern, safe SVG."""

from __future__ import annotations

import io

import defusedxml.ElementTree as SafeET
import pytest
from PIL import Image

from badges.baking import extract_svg
from badges.qr import qr_png, qr_svg

SVG = "{http://www.w3.org/2000/svg}"
#: 19 characters: more than version 1-M holds in byte mode (14), within version 2-M (26).
SHORT = "https://a.example/x"
#: 78 characters: beyond version 4-M (62), within version 5-M (84): 37 modules.
PUBLIC_PAGE = "https://badges.example.org/credentials/0b0e6c1e-0000-4000-8000-000000000000"


def modules(version: int) -> int:
    return 17 + 4 * version


@pytest.mark.parametrize(("url", "version"), [(SHORT, 2), (PUBLIC_PAGE, 5)])
def test_the_png_has_the_expected_size(url: str, version: int) -> None:
    with Image.open(io.BytesIO(qr_png(url))) as image:
        assert image.format == "PNG"
        assert image.size == ((modules(version) + 8) * 10,) * 2


def test_box_size_scales_the_png() -> None:
    with Image.open(io.BytesIO(qr_png(PUBLIC_PAGE, box_size=4))) as image:
        assert image.size == (45 * 4, 45 * 4)


def test_the_png_has_a_white_quiet_zone_and_a_finder_pattern() -> None:
    with Image.open(io.BytesIO(qr_png(PUBLIC_PAGE))) as image:
        grey = image.convert("L")
        side = grey.size[0]
        quiet = 4 * 10
        border = [
            grey.getpixel((x, y))
            for x in range(side)
            for y in range(side)
            if min(x, y) < quiet or max(x, y) >= side - quiet
        ]

        def module(row: int, column: int) -> object:
            return grey.getpixel((quiet + column * 10 + 5, quiet + row * 10 + 5))

        assert set(border) == {255}
        # top-left finder: dark 7x7 ring, light ring inside, dark 3x3 centre
        assert [module(0, c) for c in range(7)] == [0] * 7
        assert [module(1, c) for c in range(1, 6)] == [255] * 5
        assert [module(r, c) for r in range(2, 5) for c in range(2, 5)] == [0] * 9
        assert module(7, 7) == 255  # separator


def test_the_svg_is_well_formed_sized_in_millimetres_and_scriptless() -> None:
    text = qr_svg(PUBLIC_PAGE)

    root = SafeET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 45 45"
    assert root.get("width") == "45mm"
    assert all("script" not in element.tag.lower() for element in root.iter())
    assert all(
        not name.lower().startswith("on") for element in root.iter() for name in element.attrib
    )
    assert root[0].get("fill") == "white"  # opaque background behind the quiet zone
    assert extract_svg(text) is None  # and it passes the baking safety scan


@pytest.mark.parametrize(
    "url",
    [
        "ftp://a.example/x",
        "javascript:alert(1)",
        "data:text/html,<script>",
        "https://",
        "/credentials/1",
        "https://a.example/with space",
        "https://a.example/\n",
        "https://bücher.example/",
        "https://a.example/" + "x" * 239,
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        qr_png(url)
    with pytest.raises(ValueError, match="URL"):
        qr_svg(url)


def test_urls_up_to_the_limit_are_accepted() -> None:
    longest = "https://a.example/" + "x" * 238

    assert len(longest) == 256
    assert qr_png(longest).startswith(b"\x89PNG")
    assert qr_svg("HTTPS://A.EXAMPLE/X").startswith("<svg")


@pytest.mark.parametrize("box_size", [0, 3, 41])
def test_box_size_is_bounded(box_size: int) -> None:
    with pytest.raises(ValueError, match="box_size"):
        qr_png(PUBLIC_PAGE, box_size=box_size)
