"""pyld's node map and RDF of an expanded document (JSON-LD 1.1 §7.2, §8.1 Deserialize to RDF).

The order of the quads and the blank node labels (``b0``, ``b1``… in the order the node map
meets the nodes: each node before its properties, properties sorted by IRI) are pyld's, and so
is its de-duplication of equal values and references on one subject's property
(``add_value(..., allowDuplicate=False)``), so the quads equal pyld ``to_rdf``'s list.
"""

from __future__ import annotations

import re
from typing import Any

from badges.jsonld.fastpath.contexts import Unsupported
from badges.jsonld.fastpath.expand import Node
from badges.rdf.terms import IRI, XSD_STRING, BlankNode, Literal, Quad
from badges.rdf.written import WrittenQuads

RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_DOUBLE_EXPONENT = re.compile(r"(\d)0*E\+?(-)?0*(\d)")

#: subject -> property -> {duplicate key: item}, the node map of the default graph.
_Graph = dict[str, dict[str, dict[Any, Any]]]


def emit_quads(document: Node) -> list[Quad]:
    """The quads of an expanded document, exactly as pyld ``to_rdf`` lists them."""
    graph = _node_map(document)
    quads: list[Quad] = []
    append = quads.append
    predicates: dict[str, IRI] = {}
    for subject_id in sorted(graph):
        subject = _node(subject_id)
        properties = graph[subject_id]
        for prop in sorted(properties):
            items = properties[prop]
            if prop == "@type":
                for type_ in items:
                    append(Quad(subject, RDF_TYPE, IRI(type_)))
                continue
            predicate = predicates.get(prop)
            if predicate is None:
                predicate = predicates[prop] = IRI(prop)
            for key, item in items.items():
                if type(key) is str:
                    append(Quad(subject, predicate, _node(key)))
                else:
                    append(Quad(subject, predicate, Literal(*_literal(*item))))
    return quads


def emit_written(document: Node) -> WrittenQuads:
    """:func:`emit_quads` written straight as N-Quads term strings, same quads, same order.

    The canonicaliser needs only the strings; building :class:`Quad` objects to take them apart
    again was a fifth of a verification. Terms go through :class:`WrittenQuads`, as every quad
    the canonicaliser sees does.
    """
    graph = _node_map(document)
    written = WrittenQuads()
    literal, append, iris = written.literal, written.quads.append, written.iris
    for subject_id in sorted(graph):
        properties = graph[subject_id]
        subject = subject_id if subject_id[:2] == "_:" else ""  # an IRI is written on first use
        for prop in sorted(properties):
            items = properties[prop]
            if not items:
                continue  # no quad, so no IRI to check either (an empty array, say)
            if not subject:
                subject = iris.get(subject_id) or written.iri(subject_id)
            if prop == "@type":
                rdf_type = written.iri(RDF_TYPE.value)
                for type_ in items:
                    append((subject, rdf_type, iris.get(type_) or written.iri(type_), ""))
                continue
            predicate = iris.get(prop) or written.iri(prop)
            for key, item in items.items():
                if type(key) is str:
                    if key[:2] == "_:":
                        append((subject, predicate, key, ""))
                    else:
                        append((subject, predicate, iris.get(key) or written.iri(key), ""))
                elif item[1] is None and type(item[0]) is str:  # a plain string: xsd:string
                    append((subject, predicate, literal(item[0]), ""))
                else:
                    append((subject, predicate, literal(*_literal(*item)), ""))
    return written


def _node_map(document: Node) -> _Graph:
    graph: _Graph = {}
    _NodeMap(graph).visit(document, None, "")
    return graph


class _NodeMap:
    """As pyld's ``_create_node_map`` for the default graph, issuing ``_:b`` labels as pyld does."""

    __slots__ = ("counter", "graph")

    def __init__(self, graph: _Graph) -> None:
        self.graph = graph
        self.counter = 0

    def visit(self, node: Node, parent: dict[str, dict[Any, Any]] | None, prop: str) -> None:
        """Add ``node`` (and the reference from its parent), then its properties by IRI."""
        node_id = node.get("@id")
        if node_id is None:
            node_id = f"_:b{self.counter}"
            self.counter += 1
        properties = self.graph.get(node_id)
        if properties is None:
            properties = self.graph[node_id] = {}
        if parent is not None:
            parent.setdefault(prop, {}).setdefault(node_id, node_id)
        for name in sorted(node):
            if name == "@id":
                continue
            items = properties.setdefault(name, {})
            if name == "@type":
                for type_ in node[name]:
                    items.setdefault(type_, type_)
                continue
            for item in node[name]:
                if type(item) is dict:
                    self.visit(item, properties, name)
                else:
                    value, datatype = item
                    # pyld's compare_values: 1 and 1.0 are the same value, True and 1 are not.
                    items.setdefault((datatype, type(value) is bool, value), item)


def _node(node_id: str) -> IRI | BlankNode:
    return BlankNode(node_id[2:]) if node_id.startswith("_:") else IRI(node_id)


def _literal(value: Any, datatype: str | None) -> tuple[str, str]:
    """As pyld's ``_object_to_rdf`` for a value object, branch for branch: lexical form, type."""
    kind = type(value)
    if kind is bool:
        return ("true" if value else "false", datatype or XSD_BOOLEAN)
    if kind is float and not value.is_integer():
        return (_canonical_double(value), datatype or XSD_DOUBLE)
    if datatype == XSD_DOUBLE:
        try:
            number = float(value)
        except (ValueError, TypeError):
            return (value, XSD_DOUBLE)
        return (_canonical_double(number), XSD_DOUBLE)
    if kind is int or kind is float:
        if abs(value) >= 1e21:  # JSON-LD 1.1 §8.6: written as a double
            if kind is int:
                raise Unsupported("a huge integer")
            return (_canonical_double(value), datatype or XSD_DOUBLE)
        return (str(int(value)), datatype or XSD_INTEGER)
    return (value, datatype or XSD_STRING)


def _canonical_double(value: float) -> str:
    """The canonical ``xsd:double`` lexical form, as pyld writes it."""
    return _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")
