"""The competence-map SVG: well-formed, inert, escaped, deterministic, readable without colour."""

from __future__ import annotations

from xml.etree.ElementTree import Element as XmlElement

from defusedxml import ElementTree

from paths.competence_map import CompetenceMap, ElementStatus, MapElement, MapRole, MapUnit
from paths.competence_svg import STYLES, MapLabels, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def a_map(*, title: str = "Framework", statuses: bool = False) -> CompetenceMap:
    kinds = list(ElementStatus) if statuses else [None] * 4
    elements = tuple(
        MapElement(n, f"U1.E{n}", f"Competence {n}", kinds[n - 1]) for n in range(1, 5)
    )
    return CompetenceMap(
        title=title,
        framework_code="demo",
        framework_version="1.0.0",
        roles=(
            MapRole("DEV", "Developer", frozenset({1, 2})),
            MapRole("MGR", "Manager", frozenset({1, 2, 3, 4})),
        ),
        units=(MapUnit("U1", "Planning", elements),),
    )


def parse(svg: str) -> XmlElement:
    root: XmlElement = ElementTree.fromstring(svg)
    return root


def texts(root: XmlElement) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def test_the_svg_is_an_accessible_image_with_title_desc_and_labels() -> None:
    root = parse(render_svg(a_map()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "competence-map-title competence-map-desc"
    assert root.findtext(f"{SVG}title") == "Framework"
    assert root.findtext(f"{SVG}desc") == MapLabels().description
    shown = texts(root)
    assert shown[1:3] == ["DEV", "MGR"]
    assert "U1  Planning" in shown
    assert "U1.E3  Competence 3" in shown
    assert "MGR  Manager" in shown
    assert "Needed by the role" in shown


def test_a_mark_is_drawn_only_where_the_role_needs_the_competence() -> None:
    root = parse(render_svg(a_map()))
    marks = [e for e in root.iter(f"{SVG}rect") if e.get("width") == "20"]
    # DEV needs 2, MGR needs 4, plus the one legend entry.
    assert len(marks) == 2 + 4 + 1


def test_status_is_shown_by_colour_and_by_symbol() -> None:
    root = parse(render_svg(a_map(statuses=True)))
    shown = texts(root)
    symbols = {STYLES[status][2] for status in ElementStatus}
    assert len(symbols) == len(ElementStatus)
    assert symbols <= set(shown)
    fills = {e.get("fill") for e in root.iter(f"{SVG}rect")}
    assert {STYLES[status][0] for status in ElementStatus} <= fills
    for words in ("Not started", "Submitted, waiting for review", "Needs work", "Approved"):
        assert words in shown
    desc = root.findtext(f"{SVG}desc")
    assert desc == (
        "My competences and where I stand on each. Not started: 1; "
        "Submitted, waiting for review: 1; Needs work: 1; Approved: 1."
    )


def test_text_is_escaped_and_characters_xml_forbids_are_dropped() -> None:
    svg = render_svg(a_map(title='<script>&"x"</script>\x01'))
    assert "<script" not in svg
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == '<script>&"x"</script>'
    assert not list(root.iter(f"{SVG}script"))


def test_there_are_no_scripts_styles_or_external_references() -> None:
    svg = render_svg(a_map(statuses=True))
    root = parse(svg)
    assert not [e for e in root.iter() if any("href" in name for name in e.attrib)]
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}style")]
    assert not [e for e in root.iter() if any(name.startswith("on") for name in e.attrib)]


def test_translated_labels_are_used_and_output_is_deterministic() -> None:
    labels = MapLabels(legend="Legende", needed="Von der Rolle verlangt")
    first = render_svg(a_map(), labels)
    assert first == render_svg(a_map(), labels)
    assert {"Legende", "Von der Rolle verlangt"} <= set(texts(parse(first)))


def test_the_picture_is_wide_enough_for_its_longest_label() -> None:
    long = CompetenceMap(
        title="F",
        framework_code="f",
        framework_version="1",
        roles=(MapRole("R", "A role", frozenset({1})),),
        units=(MapUnit("U", "Unit", (MapElement(1, "E", "x" * 120),)),),
    )
    root = parse(render_svg(long))
    assert int(root.get("width", "0")) >= 120 * 7
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
