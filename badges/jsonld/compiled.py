"""Compact JSON-LD -> RDF quads without pyld's per-document work, for the usual shapes.

pyld spends about 4 ms expanding an Open Badges credential against the large, type-scoped VC v2
and OB 3.0 contexts and writing its RDF (``reference/performance.md``), because it interprets
the contexts again on every node of every document. :func:`compiled_quads` does the same work
with the processed contexts compiled into look-up tables once per loader
(:mod:`badges.jsonld.fastpath.contexts`), then expands (:mod:`~badges.jsonld.fastpath.expand`)
and writes the node map and quads (:mod:`~badges.jsonld.fastpath.emit`) the way pyld does, so
the quads, their order and the blank node labels are exactly pyld ``to_rdf``'s.

It answers only when it is sure: for anything it does not handle, and for anything safe mode
would report (an undefined term or type, a relative IRI…), it returns None and
:func:`badges.jsonld.rdf.to_quads` runs pyld with its safe-mode checks, which then raise with
their usual findings. The differential tests in ``tests/unit/jsonld/test_fastpath.py`` hold the
two paths to the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from badges.jsonld.fastpath.contexts import CompiledContexts, Unsupported
from badges.jsonld.fastpath.emit import emit_quads, emit_written
from badges.jsonld.fastpath.expand import Node, expand_document
from badges.jsonld.loader import ProcessingCache
from badges.rdf.terms import Quad
from badges.rdf.written import WrittenQuads

#: The attribute of a loader's :class:`ProcessingCache` that holds its compiled contexts.
_COMPILED = "compiled_contexts"
_Emitted = TypeVar("_Emitted")


def compiled_quads(
    document: Mapping[str, Any], *, loader: Callable[..., dict[str, Any]]
) -> list[Quad] | None:
    """The quads pyld ``to_rdf`` gives for ``document``, or None to let pyld do it.

    Args:
        document: compact JSON-LD whose ``@context`` is one IRI or a list of IRIs the loader
            serves; it is not modified.
        loader: a loader with a ``processing_cache`` (a
            :class:`~badges.jsonld.loader.StaticDocumentLoader`); any other gets None.

    Returns:
        The quads in pyld's order with pyld's blank node labels, or None when the document uses
        something the fast path leaves to pyld, or would lose data in safe mode.
    """
    return _compiled(document, loader, emit_quads)


def compiled_written(
    document: Mapping[str, Any], *, loader: Callable[..., dict[str, Any]]
) -> WrittenQuads | None:
    """:func:`compiled_quads` as N-Quads term strings, for the canonicaliser; None as there."""
    return _compiled(document, loader, emit_written)


def _compiled(
    document: Mapping[str, Any],
    loader: Callable[..., dict[str, Any]],
    emit: Callable[[Node], _Emitted],
) -> _Emitted | None:
    try:
        context = document.get("@context")
        if not isinstance(context, str) and not (
            type(context) is list and context and all(type(item) is str for item in context)
        ):
            return None
        compiled = _compiled_contexts(loader)
        if compiled is None:
            return None
        return emit(expand_document(document, compiled.top(context)))
    except Unsupported:
        return None
    except Exception:
        # RecursionError (deep nesting) or any other surprise: pyld is the authority, and its
        # path turns bad input into the right domain error.
        return None


def _compiled_contexts(loader: Callable[..., dict[str, Any]]) -> CompiledContexts | None:
    """The loader's compiled contexts, made on first use and kept on its processing cache."""
    cache = getattr(loader, "processing_cache", None)
    if not isinstance(cache, ProcessingCache):
        return None
    compiled = getattr(cache, _COMPILED, None)
    if not isinstance(compiled, CompiledContexts):
        with cache.lock:
            compiled = getattr(cache, _COMPILED, None)
            if not isinstance(compiled, CompiledContexts):
                compiled = CompiledContexts(loader, cache)
                # ProcessingCache is the loader's home for caches (badges.jsonld.loader); it has
                # no slot for this one yet, so it is added here, once, under the cache's lock.
                setattr(cache, _COMPILED, compiled)
    return compiled
