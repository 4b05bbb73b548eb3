"""Errors of the RDF layer: domain errors, so a hostile document never becomes a 500.

The templates are not marked with ``N_`` yet: marking them adds catalogue entries that need
translating (tests/integration/test_i18n.py), which belongs with the verifier's user-facing text.
"""

from __future__ import annotations

from badges.errors import DomainError


class RdfcError(DomainError):
    """Base of every error raised on purpose while reading, writing or canonicalising RDF."""

    code = "rdf_error"


class PoisonGraphError(RdfcError):
    """RDFC-1.0 §4.4 allows a work limit: the n-degree step needed more than ``max_work``."""

    code = "rdf_poison_graph"

    def __init__(self, reason: str, *, blank_nodes: int, work: int, max_work: int) -> None:
        super().__init__(
            "This RDF graph is too costly to canonicalise (RDFC-1.0), as only a deliberately"
            " crafted (poison) graph is: with %(blank_nodes)s blank nodes, %(reason)s.",
            params={"blank_nodes": blank_nodes, "reason": reason},
        )
        self.reason = reason
        #: the work done when it stopped, and the bound it exceeded (see badges.rdf.canon).
        self.work = work
        self.max_work = max_work


class NQuadsSyntaxError(RdfcError, ValueError):
    """The text is not N-Quads (RDF 1.1 N-Quads §4 grammar); ``line`` and ``column`` start at 1."""

    code = "nquads_syntax_error"

    def __init__(self, reason: str, *, line: int, column: int) -> None:
        super().__init__(
            "N-Quads syntax error on line %(line)s, column %(column)s: %(reason)s",
            params={"line": line, "column": column, "reason": reason},
        )
        self.reason = reason
        self.line = line
        self.column = column
