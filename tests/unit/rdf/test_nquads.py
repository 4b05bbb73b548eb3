"""N-Quads reading and canonical writing: round trips, escaping, and errors that name the line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badges.rdf import (
    IRI,
    RDF_LANG_STRING,
    BlankNode,
    Literal,
    NQuadsSyntaxError,
    Quad,
    parse_nquads,
    serialize_nquads,
    serialize_quad,
)
from tests.unit.rdf.strategies import quads

S, P = IRI("urn:ex:s"), IRI("urn:ex:p")


@given(st.lists(quads, max_size=8))
def test_serialize_then_parse_round_trips(dataset: list[Quad]) -> None:
    assert parse_nquads(serialize_nquads(dataset)) == dataset


@given(quads)
def test_a_serialized_quad_is_one_line(quad: Quad) -> None:
    line = serialize_quad(quad)

    assert line.endswith(" .\n")
    assert "\n" not in line[:-1]
    assert "\r" not in line


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("\b\t\n\f\r", r'"\b\t\n\f\r"'),
        ("\x00\x01\x0b\x0e\x1f\x7f", r'"\u0000\u0001\u000B\u000E\u001F\u007F"'),
        ("\x85\u2028é∞\U0001f303", '"\x85\u2028é∞\U0001f303"'),
        ("it's", '"it\'s"'),
    ],
)
def test_literals_use_the_canonical_escapes(value: str, written: str) -> None:
    assert serialize_quad(Quad(S, P, Literal(value))) == f"<urn:ex:s> <urn:ex:p> {written} .\n"


def test_typed_and_tagged_literals() -> None:
    typed = Literal("1", "http://www.w3.org/2001/XMLSchema#integer")
    tagged = Literal("hallo", RDF_LANG_STRING, "de-AT")

    assert serialize_nquads([Quad(S, P, typed), Quad(S, P, tagged, BlankNode("g"))]) == (
        '<urn:ex:s> <urn:ex:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<urn:ex:s> <urn:ex:p> "hallo"@de-AT _:g .\n'
    )


def test_parsing_decodes_escapes_and_skips_comments_and_blank_lines() -> None:
    text = (
        "# a comment\n"
        "\n"
        '<urn:ex:\\u0073> <urn:ex:p> "a\\tb\\u00e9\\U0001F303\\"" . # trailing\r\n'
        '_:x <urn:ex:p> "1"^^<urn:ex:t> <urn:ex:g>.\r'
        '<urn:ex:s><urn:ex:p>"v"@en .'
    )

    assert parse_nquads(text) == [
        Quad(IRI("urn:ex:s"), P, Literal('a\tbé\U0001f303"')),
        Quad(BlankNode("x"), P, Literal("1", "urn:ex:t"), IRI("urn:ex:g")),
        Quad(S, P, Literal("v", RDF_LANG_STRING, "en")),
    ]


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("<urn:ex:s> <urn:ex:p> <urn:ex:o>", 33, "or '.'"),
        ('"s" <urn:ex:p> <urn:ex:o> .', 1, "expected a subject"),
        ("<urn:ex:s> _:p <urn:ex:o> .", 12, "expected a predicate"),
        ("<urn:ex:s> <urn:ex:p> <urn:ex:o> <urn:ex:g> <urn:ex:h> .", 45, "expected '.'"),
        ("<urn:ex:s> <urn:ex:p> <urn:ex:o> . extra", 34, "expected '.'"),
        ("<urn:ex:s> <urn:ex:p> <urn ex:o> .", 23, "malformed IRI"),
        ("<urn:ex:s> <urn:ex:p> <relative> .", 23, "not an absolute IRI"),
        ("<urn:ex:s> <urn:ex:p> <urn:ex:\\u0020> .", 23, "not an absolute IRI"),
        ('<urn:ex:s> <urn:ex:p> "open .', 23, "malformed string literal"),
        ('<urn:ex:s> <urn:ex:p> "bad \\x" .', 23, "malformed string literal"),
        ('<urn:ex:s> <urn:ex:p> "\\uD800" .', 23, "not a Unicode scalar value"),
        ('<urn:ex:s> <urn:ex:p> "\\U00110000" .', 23, "not a Unicode scalar value"),
        ('<urn:ex:s> <urn:ex:p> "v"@ .', 26, "malformed language tag"),
        ('<urn:ex:s> <urn:ex:p> "v"^^"t" .', 28, "expected a datatype IRI"),
        ("_:a. <urn:ex:p> <urn:ex:o> .", 4, "expected a predicate"),
        ("_:-a <urn:ex:p> <urn:ex:o> .", 1, "malformed blank node label"),
        ("<urn:ex:s> <urn:ex:p> 42 .", 23, "expected an object"),
    ],
)
def test_a_malformed_line_names_its_line_and_column(line: str, column: int, reason: str) -> None:
    text = f"<urn:ex:s> <urn:ex:p> <urn:ex:o> .\n# fine so far\n{line}\n"

    with pytest.raises(NQuadsSyntaxError) as raised:
        parse_nquads(text)

    assert (raised.value.line, raised.value.column) == (3, column)
    assert reason in raised.value.reason
    assert str(raised.value).startswith(f"N-Quads syntax error on line 3, column {column}: ")
    assert isinstance(raised.value, ValueError)


def test_a_carriage_return_alone_ends_a_line_too() -> None:
    with pytest.raises(NQuadsSyntaxError) as raised:
        parse_nquads("<urn:ex:s> <urn:ex:p> <urn:ex:o> .\r<urn:ex:s> <urn:ex:p> .")

    assert raised.value.line == 2


@pytest.mark.parametrize(
    "quad",
    [
        Quad(IRI("urn:ex:a> <urn:ex:b"), P, S),
        Quad(IRI("relative/path"), P, S),
        Quad(S, P, IRI("urn:ex:\n")),
        Quad(BlankNode("a b"), P, S),
        Quad(BlankNode(""), P, S),
        Quad(S, P, Literal("x", RDF_LANG_STRING, 'en" .')),
        Quad(S, P, Literal("x", "urn:ex:t>")),
    ],
)
def test_the_writer_refuses_what_n_quads_cannot_carry(quad: Quad) -> None:
    with pytest.raises(ValueError, match="not a"):
        serialize_quad(quad)


@given(st.lists(quads, max_size=8))
def test_the_line_parser_reads_what_the_fast_path_reads(dataset: list[Quad]) -> None:
    # A comment keeps a line off the one-expression fast path, so both readers are compared.
    lines = [serialize_quad(quad) for quad in dataset]
    commented = "".join(f"{line[:-1]} # slow path\n" for line in lines)

    assert parse_nquads(commented) == parse_nquads("".join(lines)) == dataset


def test_a_relative_iri_on_the_fast_path_is_still_refused_with_its_line() -> None:
    text = "<urn:ex:s> <urn:ex:p> <urn:ex:o> .\n<urn:ex:s> <urn:ex:p> <o> .\n"

    with pytest.raises(NQuadsSyntaxError, match="line 2, column 23: not an absolute IRI"):
        parse_nquads(text)
