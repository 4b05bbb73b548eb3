r"""N-Quads reading and canonical writing (RDF 1.1 N-Quads; RDFC-1.0 §4.3 canonical form).

We write our own rather than use pyld's because the canonical escaping of literals is part of
what gets signed: RDFC-1.0 (https://www.w3.org/TR/rdf-canon/#canonical-quads) escapes BS, HT,
LF, FF, CR, ``"`` and ``\`` as ECHAR (``\b \t \n \f \r \" \\``) and every other control
character (U+0000-U+001F, U+007F) as ``\uXXXX`` with upper-case hex (W3C test060); everything
else is written as itself, including in IRIs. pyld escapes differently.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from types import MappingProxyType

from badges.rdf.errors import NQuadsSyntaxError
from badges.rdf.terms import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Literal, Quad, Term

# RDF 1.1 N-Quads §4 grammar productions, as regular expressions.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_:"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF = re.compile(rf'<((?:[^\x00-\x20<>"{{}}|^`\\]|{_UCHAR})*)>')
_BLANK_NODE_LABEL = re.compile(rf"_:([{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)")
_STRING_LITERAL_QUOTE = re.compile(rf'"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|{_UCHAR})*)"')
_LANGTAG = re.compile(r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)")
_END = re.compile(r"\.[ \t]*(?:#.*)?")
_EMPTY = re.compile(r"[ \t]*(?:#.*)?")
_EOL = re.compile(r"\r\n?|\n")
# A whole statement without escapes or comments, the common case (see parse_nquads).
_IRI_TEXT = r'<([^\x00-\x20<>"{}|^`\\]*)>'
_NODE = rf"(?:{_IRI_TEXT}|_:([{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?))"
_STATEMENT = re.compile(
    rf"[ \t]*{_NODE}[ \t]*{_IRI_TEXT}[ \t]*"
    rf'(?:{_IRI_TEXT}|_:([{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)|"([^"\\\n\r]*)"'
    rf"(?:\^\^{_IRI_TEXT}|@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*))?)"
    rf"[ \t]*{_NODE}?[ \t]*\.[ \t]*"
)
_ESCAPE = re.compile(rf"{_UCHAR}|\\.")

# What the writer checks: an absolute IRI with nothing N-Quads cannot carry raw, a label, a tag.
_ABSOLUTE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*')
# Many IRIs checked at once (see check_iris): the characters, then the schemes, one IRI a line.
_IRI_FORBIDDEN_BYTES = bytes(range(0x21)) + b'<>"{}|^`\\'
_LINE_WITHOUT_SCHEME = re.compile(r"\n(?![A-Za-z][A-Za-z0-9+.\-]*:)")
_LABEL = re.compile(rf"[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?")
_LANGUAGE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_CANONICAL_ESCAPES = MappingProxyType(
    {
        **{code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F)},
        0x08: "\\b",
        0x09: "\\t",
        0x0A: "\\n",
        0x0C: "\\f",
        0x0D: "\\r",
        0x22: '\\"',
        0x5C: "\\\\",
    }
)
_ECHAR_VALUES = MappingProxyType(
    {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
)


def serialize_iri(value: str) -> str:
    """Write an IRI as ``<value>``; refuse one N-Quads cannot carry unambiguously."""
    if _ABSOLUTE_IRI.fullmatch(value) is None:
        raise ValueError(f"not an absolute IRI that N-Quads can carry: {value!r}")
    return f"<{value}>"


def check_iris(values: Collection[str]) -> None:
    """Check many IRIs as :func:`serialize_iri` does, at C speed when all are ordinary.

    A regular expression spends about 4 ns a character, most of the canonicalisation budget;
    deleting the forbidden bytes from the UTF-8 (where multi-byte sequences never hold an ASCII
    byte) and looking for a line not opening with a scheme are about ten times faster.
    """
    if not values:
        return
    data = "".join(values).encode()
    if len(data.translate(None, _IRI_FORBIDDEN_BYTES)) != len(data):
        for value in values:  # the rare slow path finds and names the culprit
            serialize_iri(value)
    # No value holds a line break now, so one a line is unambiguous.
    if _LINE_WITHOUT_SCHEME.search("\n" + "\n".join(values)) is not None:
        for value in values:
            serialize_iri(value)


def _canonical_escape(match: re.Match[str]) -> str:
    return _CANONICAL_ESCAPES[ord(match.group())]


def serialize_literal(literal: Literal) -> str:
    """Write a literal in canonical form (RDFC-1.0 §4.3; plain when its type is xsd:string)."""
    value = literal.value
    if _NEEDS_ESCAPE.search(value) is not None:
        # Only the few characters that need it: ``str.translate`` through the mapping looks
        # every character up, 20 µs on a paragraph with one line break.
        value = _NEEDS_ESCAPE.sub(_canonical_escape, value)
    if literal.language is not None:
        if _LANGUAGE.fullmatch(literal.language) is None:
            raise ValueError(f"not a language tag: {literal.language!r}")
        return f'"{value}"@{literal.language}'
    if literal.datatype == XSD_STRING:
        return f'"{value}"'
    return f'"{value}"^^{serialize_iri(literal.datatype)}'


def serialize_term(term: Term) -> str:
    """Write one term as it appears in a canonical N-Quads line."""
    if isinstance(term, IRI):
        return serialize_iri(term.value)
    if isinstance(term, BlankNode):
        if _LABEL.fullmatch(term.id) is None:
            raise ValueError(f"not a blank node label (give it without '_:'): {term.id!r}")
        return f"_:{term.id}"
    return serialize_literal(term)


def serialize_quad(quad: Quad) -> str:
    """Write one quad as a canonical N-Quads line, ending in a line feed."""
    parts = [
        serialize_term(quad.subject),
        serialize_term(quad.predicate),
        serialize_term(quad.object),
    ]
    if quad.graph is not None:
        parts.append(serialize_term(quad.graph))
    parts.append(".\n")
    return " ".join(parts)


def serialize_nquads(quads: Iterable[Quad]) -> str:
    """Write quads as an N-Quads document, in the order given (sort lines to canonicalise)."""
    return "".join(serialize_quad(quad) for quad in quads)


def parse_nquads(text: str) -> list[Quad]:
    """Read an N-Quads document strictly (RDF 1.1 N-Quads §4), naming the line of any error.

    One regular expression reads an ordinary line at once; a line with an escape, a comment or
    an error goes to :class:`_LineParser`, which reads it token by token and names the column.
    """
    quads: list[Quad] = []
    iris: dict[str, IRI] = {}  # one object per IRI: credentials repeat the same few
    blank_nodes: dict[str, BlankNode] = {}
    for number, line in enumerate(_lines(text), start=1):
        match = None if "\\" in line else _STATEMENT.fullmatch(line)
        if match is None:
            if _EMPTY.fullmatch(line) is None:
                quads.append(_LineParser(line, number).statement())
            continue
        s_iri, s_node, p_iri, o_iri, o_node, o_text, o_type, o_tag, g_iri, g_node = match.groups()
        subject = (
            iris.get(s_iri) or iris.setdefault(s_iri, IRI(s_iri))
            if s_iri is not None
            else blank_nodes.get(s_node) or blank_nodes.setdefault(s_node, BlankNode(s_node))
        )
        predicate = iris.get(p_iri) or iris.setdefault(p_iri, IRI(p_iri))
        obj: Term
        if o_text is not None:
            if o_tag is not None:
                obj = Literal(o_text, RDF_LANG_STRING, o_tag)
            else:
                obj = Literal(o_text, o_type or XSD_STRING)
                if o_type is not None:
                    iris.setdefault(o_type, IRI(o_type))  # checked with the others below
        elif o_iri is not None:
            obj = iris.get(o_iri) or iris.setdefault(o_iri, IRI(o_iri))
        else:
            obj = blank_nodes.get(o_node) or blank_nodes.setdefault(o_node, BlankNode(o_node))
        graph: IRI | BlankNode | None = None
        if g_iri is not None:
            graph = iris.get(g_iri) or iris.setdefault(g_iri, IRI(g_iri))
        elif g_node is not None:
            graph = blank_nodes.get(g_node) or blank_nodes.setdefault(g_node, BlankNode(g_node))
        quads.append(Quad(subject, predicate, obj, graph))
    try:
        check_iris(iris)  # the expression checked the characters; this checks the schemes
    except ValueError:
        for number, line in enumerate(_lines(text), start=1):
            if _EMPTY.fullmatch(line) is None:
                _LineParser(line, number).statement()  # raises, naming the line
        raise
    return quads


def _lines(text: str) -> list[str]:
    """Split at ``EOL`` (CR, LF or CRLF only: ``str.splitlines`` also splits at U+2028 and more)."""
    return _EOL.split(text) if "\r" in text else text.split("\n")


class _LineParser:
    """Reads one ``statement`` production, tracking the column for error messages."""

    def __init__(self, line: str, number: int) -> None:
        self.line = line
        self.number = number
        self.pos = 0

    def error(self, reason: str) -> NQuadsSyntaxError:
        """An error at the current column."""
        return NQuadsSyntaxError(reason, line=self.number, column=self.pos + 1)

    def statement(self) -> Quad:
        """``subject predicate object graphLabel? '.'``."""
        subject = self.node("a subject (IRI or blank node)")
        self.skip_space()
        if not self.line.startswith("<", self.pos):
            raise self.error("expected a predicate (IRI)")
        predicate = IRI(self.iri())
        obj = self.object()
        graph: IRI | BlankNode | None = None
        self.skip_space()
        if not self.line.startswith(".", self.pos):
            graph = self.node("a graph label (IRI or blank node) or '.'")
            self.skip_space()
        end = _END.match(self.line, self.pos)
        if end is None or end.end() != len(self.line):
            raise self.error("expected '.' to end the statement")
        return Quad(subject, predicate, obj, graph)

    def skip_space(self) -> None:
        """Step over spaces and tabs (the grammar allows them between any two tokens)."""
        while self.line.startswith((" ", "\t"), self.pos):
            self.pos += 1

    def node(self, expected: str) -> IRI | BlankNode:
        """``IRIREF | BLANK_NODE_LABEL``, with the white space before it."""
        self.skip_space()
        if self.line.startswith("<", self.pos):
            return IRI(self.iri())
        if self.line.startswith("_", self.pos):
            match = _BLANK_NODE_LABEL.match(self.line, self.pos)
            if match is None:
                raise self.error("malformed blank node label")
            self.pos = match.end()
            return BlankNode(match.group(1))
        raise self.error(f"expected {expected}")

    def object(self) -> Term:
        """``IRIREF | BLANK_NODE_LABEL | literal``."""
        self.skip_space()
        if self.line.startswith('"', self.pos):
            return self.literal()
        return self.node("an object (IRI, blank node or literal)")

    def iri(self) -> str:
        """``IRIREF``, unescaped, and absolute with no character N-Quads forbids in it."""
        match = _IRIREF.match(self.line, self.pos)
        if match is None:
            raise self.error("malformed IRI (unclosed '<', or a character not allowed in IRIs)")
        value = self.unescape(match.group(1))
        if _ABSOLUTE_IRI.fullmatch(value) is None:
            raise self.error(f"not an absolute IRI: <{value}>")
        self.pos = match.end()
        return value

    def literal(self) -> Literal:
        """``STRING_LITERAL_QUOTE ('^^' IRIREF | LANGTAG)?``."""
        match = _STRING_LITERAL_QUOTE.match(self.line, self.pos)
        if match is None:
            raise self.error("malformed string literal (unclosed quote or bad escape)")
        value = self.unescape(match.group(1))
        self.pos = match.end()
        if self.line.startswith("^^", self.pos):
            self.pos += 2
            if not self.line.startswith("<", self.pos):
                raise self.error("expected a datatype IRI after '^^'")
            return Literal(value, self.iri())
        if self.line.startswith("@", self.pos):
            tag = _LANGTAG.match(self.line, self.pos)
            if tag is None:
                raise self.error("malformed language tag")
            self.pos = tag.end()
            return Literal(value, RDF_LANG_STRING, tag.group(1))
        return Literal(value)

    def unescape(self, text: str) -> str:
        """Decode ``UCHAR`` and ``ECHAR``, refusing surrogates and code points beyond U+10FFFF."""
        if "\\" not in text:
            return text
        parts: list[str] = []
        last = 0
        for escape in _ESCAPE.finditer(text):
            parts.append(text[last : escape.start()])
            last = escape.end()
            code = escape.group()
            if code[1] in "uU":
                point = int(code[2:], 16)
                if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
                    raise self.error(f"escape {code} is not a Unicode scalar value")
                parts.append(chr(point))
            else:
                parts.append(_ECHAR_VALUES[code[1]])
        parts.append(text[last:])
        return "".join(parts)
