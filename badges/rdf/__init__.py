"""RDF terms, N-Quads and RDFC-1.0 canonicalisation with a work bound, in pure Python.

See :mod:`badges.rdf.canon` for the algorithm and :mod:`badges.rdf.nquads` for the canonical
escaping that makes our output differ from pyld's on control characters.
"""

from badges.rdf.canon import (
    DEFAULT_HASH_ALGORITHM,
    DEFAULT_MAX_WORK,
    HASH_ALGORITHMS,
    canonical_labels,
    canonicalize,
    canonicalize_written,
)
from badges.rdf.errors import NQuadsSyntaxError, PoisonGraphError, RdfcError
from badges.rdf.nquads import (
    parse_nquads,
    serialize_iri,
    serialize_literal,
    serialize_nquads,
    serialize_quad,
    serialize_term,
)
from badges.rdf.terms import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Literal, Quad, Term
from badges.rdf.written import WrittenQuads, write_quads

__all__ = [
    "DEFAULT_HASH_ALGORITHM",
    "DEFAULT_MAX_WORK",
    "HASH_ALGORITHMS",
    "IRI",
    "RDF_LANG_STRING",
    "XSD_STRING",
    "BlankNode",
    "Literal",
    "NQuadsSyntaxError",
    "PoisonGraphError",
    "Quad",
    "RdfcError",
    "Term",
    "WrittenQuads",
    "canonical_labels",
    "canonicalize",
    "canonicalize_written",
    "parse_nquads",
    "serialize_iri",
    "serialize_literal",
    "serialize_nquads",
    "serialize_quad",
    "serialize_term",
    "write_quads",
]
