"""Quads as their N-Quads term strings, the form the canonicaliser works on.

:func:`badges.rdf.canon.canonicalize` writes every term of every quad before it hashes anything.
A producer that knows its terms (the compiled JSON-LD path) can write them straight into a
:class:`WrittenQuads` and skip building :class:`~badges.rdf.terms.Quad` objects only to have them
taken apart again: on a credential that is a fifth of a verification. Both routes write through
the methods below, so a term is written the same way whichever way it came; IRIs are collected
and checked all together by :meth:`WrittenQuads.check` before anything is hashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from badges.rdf.nquads import check_iris, serialize_literal, serialize_term
from badges.rdf.terms import IRI, XSD_STRING, BlankNode, Literal, Quad

#: subject, predicate, object and graph as N-Quads text; the graph is ``""`` for the default one.
Strings: TypeAlias = tuple[str, str, str, str]


class WrittenQuads:
    """A dataset as term strings, with the IRIs it used (unchecked until :meth:`check`)."""

    __slots__ = ("iris", "quads")

    def __init__(self) -> None:
        self.quads: list[Strings] = []
        #: IRI -> ``<IRI>``: each written once, all checked at once.
        self.iris: dict[str, str] = {}

    def iri(self, value: str) -> str:
        """``<value>``; checked by :meth:`check`."""
        iris = self.iris
        return iris.get(value) or iris.setdefault(value, f"<{value}>")

    def literal(self, value: str, datatype: str = XSD_STRING) -> str:
        """A literal without a language tag, escaped the RDFC-1.0 way when it needs it."""
        if not value.isprintable() or '"' in value or "\\" in value:
            return serialize_literal(Literal(value, datatype))
        if datatype == XSD_STRING:
            return f'"{value}"'
        return f'"{value}"^^{self.iri(datatype)}'

    def check(self) -> None:
        """Refuse any IRI N-Quads cannot carry (raises ``ValueError``), as the serialiser does."""
        check_iris(self.iris)


def write_quads(quads: Sequence[Quad]) -> WrittenQuads:
    """Write each quad's terms once (the general route, for quads built as objects).

    The hot path when pyld made the quads, hence unrolled. Anything unusual (tagged literals,
    subclasses, misplaced terms) takes the slow path, which refuses what cannot stand where it is.
    """
    written = WrittenQuads()
    iri, literal, result = written.iri, written.literal, written.quads
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        if type(subject) is IRI:
            s = iri(subject.value)
        elif type(subject) is BlankNode:
            s = f"_:{subject.id}"
        else:
            s = _slow_term(subject, "subject", IRI, BlankNode)
        if type(predicate) is IRI:
            p = iri(predicate.value)
        else:
            p = _slow_term(predicate, "predicate", IRI)
        if type(obj) is Literal:
            o = literal(obj.value, obj.datatype) if obj.language is None else serialize_literal(obj)
        elif type(obj) is IRI:
            o = iri(obj.value)
        elif type(obj) is BlankNode:
            o = f"_:{obj.id}"
        else:
            o = _slow_term(obj, "object", IRI, BlankNode, Literal)
        graph = quad.graph
        if graph is None:
            g = ""
        elif type(graph) is BlankNode:
            g = f"_:{graph.id}"
        elif type(graph) is IRI:
            g = iri(graph.value)
        else:
            g = _slow_term(graph, "graph", IRI, BlankNode)
        result.append((s, p, o, g))
    return written


def _slow_term(term: object, position: str, *kinds: type) -> str:
    """Write a term the general way, refusing one that cannot stand where it is."""
    if not isinstance(term, kinds):
        raise ValueError(f"a {type(term).__name__} cannot be the {position} of a quad")
    text = serialize_term(term)  # type: ignore[arg-type]  # isinstance checked it is a Term
    return text
