"""RDF terms and quads as small immutable values (RDF 1.1 Concepts §3).

These are what the canonicaliser works on; other modules build them from pyld's ``to_rdf`` output
or from :func:`badges.rdf.nquads.parse_nquads`. They do no validation on construction, because
they are built on the hot path of every verification; the serialiser checks what it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class IRI:
    """An IRI, held without the angle brackets and with escapes already decoded."""

    value: str


@dataclass(frozen=True, slots=True)
class BlankNode:
    """A blank node; ``id`` is its label without the ``_:`` prefix (``b0``, not ``_:b0``)."""

    id: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal: lexical form, datatype IRI and, for ``rdf:langString``, a language tag."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None


Term: TypeAlias = IRI | BlankNode | Literal


@dataclass(frozen=True, slots=True)
class Quad:
    """A triple in a graph; ``graph`` is ``None`` for the default graph."""

    subject: IRI | BlankNode
    predicate: IRI
    object: Term
    graph: IRI | BlankNode | None = None
