"""RDFC-1.0 canonical N-Quads of a JSON-LD document, the input of the RDF-based suites.

JSON-LD to RDF runs in safe mode (:func:`badges.jsonld.rdf.to_quads` raises when a term would be
dropped) and canonicalisation is :func:`badges.rdf.canonicalize`, which passes the W3C rdf-canon
suite and escapes N-Quads the RDFC-1.0 way. pyld's ``normalize`` does neither (ob3-spec §2.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from badges.errors import DomainError
from badges.jsonld.errors import DataLossError
from badges.jsonld.rdf import DocumentLoader, to_written
from badges.proofs.errors import CanonicalizationError, DataLossDetected
from badges.rdf import DEFAULT_MAX_WORK, canonicalize_written

__all__ = ["DocumentLoader", "canonize"]


def canonize(document: Mapping[str, Any], *, loader: DocumentLoader) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document, refusing any data loss."""
    try:
        # Term strings, not quad objects: all the canonicaliser needs (badges.rdf.written).
        written = to_written(dict(document), loader=loader)
        # The work bound stops poison graphs (RDFC-1.0 §4.4, rdf-canon test074); an ordinary
        # credential, whose blank nodes all have distinct first-degree hashes, needs none of it.
        return canonicalize_written(written, max_work=DEFAULT_MAX_WORK)
    except DataLossError as err:
        raise DataLossDetected(
            "The document has data that JSON-LD would drop, so it cannot be signed or verified: "
            "%(reason)s",
            params={"reason": str(err)},
        ) from err
    except (DomainError, ValueError) as err:
        # ValueError: the N-Quads writer refusing a term; safe mode should have caught it first,
        # but hostile input must come back as a proof failure, never as a crash.
        raise CanonicalizationError(
            "The document cannot be canonicalised: %(reason)s", params={"reason": str(err)}
        ) from err
