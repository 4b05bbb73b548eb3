"""Compact JSON-LD -> RDF quads, in safe mode, reusing processed contexts between calls.

**Safe mode** (Data Integrity 1.0 §4.5 "Securing Data Losslessly"; ob3-spec §2.2 and §9): JSON-LD
silently drops a key that no context defines, and RDF drops a relative IRI, so a signature over
the RDF would not cover them and a verifier that did not look would accept unsigned additions.
pyld 3.3 has no ``safe`` option (``digitalbazaar/pyld#50``), so :func:`to_quads` checks for itself,
reporting what jsonld.js's safe mode reports:

* every key dropped during expansion (pyld's ``on_property_dropped`` hook): undefined terms,
  terms defined as ``null``, and keyword look-alikes such as ``@foo``;
* every ``@id``, ``@type`` and property IRI in the expanded document that is not absolute, or a
  blank node used as a property (the RDF step would drop those triples); the base IRI is null,
  as Data Integrity requires, so relative IRIs stay relative instead of being resolved against
  pyld's ``http://example.org/base/`` default;
* ``@direction`` on a value (RDF 1.1 has nowhere to put it without an ``rdfDirection`` mode);
* a document that expands to nothing at all.

Any finding raises :class:`DataLossError` (``DATA_LOSS_DETECTION_ERROR``) listing them all.

**Speed** (``reference/performance.md``): pyld processes the big type-scoped VC v2 and OB 3.0
contexts again on every call, because its own cache keys type-scoped results by a fresh random
id each time. Processing a context is a pure function of the active context, the local context
and the loader, so :class:`_Processor` memoises it per loader, keyed by the identity of the
active context (only an immutable, frozen one: itself a memoised result, so the chain repeats
exactly; never one pyld is still building) and by the
context IRIs or the identity of the (bundled, hence long-lived) scoped context object. Entries
keep strong references to their keys and are checked with ``is`` on every hit, so an id can
never be confused with a recycled one. The output is pyld's own ``to_rdf`` output: only the
repeated context work is skipped.

Before any of that, :func:`badges.jsonld.compiled.compiled_quads` tries the compiled fast path,
which gives these same quads (order and blank node labels included) for the usual credential
shapes in a tenth of the time, and declines anything else, or anything safe mode would report,
so that pyld and the checks above handle it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from frozendict import frozendict
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError, JsonLdProcessor

from badges.errors import DomainError
from badges.jsonld.compiled import compiled_quads, compiled_written
from badges.jsonld.errors import DataLossError, JsonLdProcessingError
from badges.jsonld.loader import ProcessingCache, RemoteDocument
from badges.rdf.terms import IRI, BlankNode, Literal, Quad, Term
from badges.rdf.written import WrittenQuads, write_quads

DocumentLoader = Callable[..., RemoteDocument]
"""``loader(url, options=None) -> {'contextUrl', 'documentUrl', 'document'}``, as pyld calls it."""

# The test pyld applies before keeping an IRI in RDF (``pyld.jsonld._is_absolute_iri``).
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")


def to_quads(document: Mapping[str, Any], *, loader: DocumentLoader) -> list[Quad]:
    """Turn a compact JSON-LD document into RDF quads, refusing to lose any data (safe mode).

    The quads are exactly those of pyld's ``to_rdf`` on the same document and loader, in the same
    order, with blank nodes labelled ``b0``, ``b1``… as pyld labels them.

    Args:
        document: the compact JSON-LD document (a credential, a proof configuration…). It is not
            modified.
        loader: the document loader; with a :class:`~badges.jsonld.loader.StaticDocumentLoader`
            the processed contexts are reused by every later call with the same loader.

    Returns:
        The quads, default graph first, then any named graphs by name.

    Raises:
        DataLossError: some term, type or IRI would be dropped (see the module docstring).
        ContextNotAllowed: the document names a context the loader does not serve.
        JsonLdProcessingError: the document is not valid JSON-LD.
    """
    # The compiled fast path gives these same quads for the usual shapes, and None for anything
    # else (or anything safe mode would report), which pyld then handles below.
    fast = compiled_quads(document, loader=loader)
    if fast is not None:
        return fast
    return _pyld_quads(document, loader=loader)


def to_written(document: Mapping[str, Any], *, loader: DocumentLoader) -> WrittenQuads:
    """:func:`to_quads` as N-Quads term strings, what the canonicaliser takes.

    The compiled fast path writes the strings directly; otherwise pyld's quads are written (both
    through :class:`~badges.rdf.written.WrittenQuads`). Same quads, same errors as
    :func:`to_quads`.
    """
    fast = compiled_written(document, loader=loader)
    if fast is not None:
        return fast
    return write_quads(_pyld_quads(document, loader=loader))


def _pyld_quads(document: Mapping[str, Any], *, loader: DocumentLoader) -> list[Quad]:
    """Run pyld's ``to_rdf`` with the safe-mode checks and the memoised context processing."""
    cache = getattr(loader, "processing_cache", None)
    if not isinstance(cache, ProcessingCache):
        cache = ProcessingCache()

    def tagged_loader(url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        # "static" lets pyld's resolver keep the resolved context in ``cache.resolved``, which
        # belongs to this loader alone (pyld's own module-level cache is never given one).
        return {**loader(url, options), "tag": "static"}

    processor = _Processor(cache.processed)
    options = {
        "base": None,
        "documentLoader": tagged_loader,
        "contextResolver": ContextResolver(cache.resolved, tagged_loader),
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
    }
    with cache.lock:
        try:
            dataset = processor.to_rdf(dict(document), options)
        except JsonLdError as error:
            raise _domain_error(error) from error
        except RecursionError as error:
            raise JsonLdProcessingError("the document is nested too deeply") from error

    findings = list(processor.dropped)
    findings.extend(_relative_iris(processor.expanded))
    if not processor.expanded and any(key != "@context" for key in document):
        findings.append("the document expands to nothing")
    if findings:
        raise DataLossError(findings)
    return list(_quads(dataset))


class _Processor(JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped
    """pyld's processor, recording dropped keys and the expanded document, with memoisation."""

    def __init__(self, memo: Any) -> None:
        super().__init__(on_property_dropped=self._on_property_dropped)
        self.dropped: list[str] = []
        self.expanded: Any = None
        self._memo = memo

    def _on_property_dropped(self, expanded_property: str | None) -> None:
        if expanded_property is None:
            self.dropped.append("a key that is undefined or looks like a JSON-LD keyword")
        else:
            self.dropped.append(f"undefined term or relative IRI {expanded_property!r}")

    def expand(self, input_: Any, options: Any) -> Any:
        self.expanded = super().expand(input_, options)
        return self.expanded

    def _process_context(  # noqa: PLR0917 - pyld calls it with this signature
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        # Only an immutable (frozen) active context can be a key: pyld also processes scoped
        # contexts against half-built, still-changing ones while it validates a context.
        if not isinstance(active_ctx, frozendict):
            return super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected=override_protected,
                propagate=propagate,
                validate_scoped=validate_scoped,
                cycles=cycles,
            )
        by_value = _context_value_key(local_ctx)
        key = (
            id(active_ctx),
            by_value if by_value is not None else id(local_ctx),
            override_protected,
            propagate,
            validate_scoped,
        )
        hit = self._memo.get(key)
        if (
            hit is not None
            and hit[0] is active_ctx
            and (by_value is not None or hit[1] is local_ctx)
        ):
            return hit[2]
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        # Only frozen results are shared: pyld never modifies them, so every caller sees the
        # same definitions it would have computed itself.
        if isinstance(result, frozendict):
            self._memo[key] = (active_ctx, local_ctx, result)
        return result


def _context_value_key(local_ctx: Any) -> tuple[str, ...] | None:
    """A by-value key for a context given as IRIs (the usual top-level ``@context``), else None."""
    if isinstance(local_ctx, str):
        return (local_ctx,)
    if isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        return tuple(local_ctx)
    return None


def _domain_error(error: JsonLdError) -> DomainError:
    """The domain error behind a pyld error (e.g. ContextNotAllowed), or a processing error."""
    reasons: list[str] = []
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DomainError):
            return cause
        message = getattr(cause, "message", None) or str(cause)
        reasons.append(str(message).split("\n", 1)[0])
        cause = cause.__cause__
    return JsonLdProcessingError(" ".join(reasons[1:] or reasons))


def _relative_iris(expanded: Any) -> Iterator[str]:
    """Yield a finding for every IRI in an expanded document that RDF would drop."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _relative_iris(item)
        return
    if not isinstance(expanded, dict):
        return
    if "@value" in expanded:
        if "@direction" in expanded:
            yield f"the base direction of {expanded['@value']!r} (@direction)"
        return
    for key, value in expanded.items():
        if key == "@id":
            if not _is_absolute(value):
                yield f"relative IRI {value!r} as an identifier"
        elif key == "@type":
            for type_ in value if isinstance(value, list) else [value]:
                if not _is_absolute(type_):
                    yield f"undefined type or relative IRI {type_!r}"
        elif key == "@reverse":
            for prop, objects in value.items():
                yield from _property_findings(prop)
                yield from _relative_iris(objects)
        elif key in ("@graph", "@included", "@list", "@set"):
            yield from _relative_iris(value)
        elif not key.startswith("@"):
            yield from _property_findings(key)
            yield from _relative_iris(value)


def _property_findings(prop: str) -> Iterator[str]:
    if prop.startswith("_:"):
        yield f"blank node {prop!r} used as a property"
    elif not _is_absolute(prop):
        yield f"undefined term or relative IRI {prop!r}"


def _is_absolute(value: Any) -> bool:
    return isinstance(value, str) and _ABSOLUTE_IRI.match(value) is not None


def _quads(dataset: Mapping[str, list[dict[str, Any]]]) -> Iterator[Quad]:
    """Convert pyld's RDF dataset (``{graph name: [triple]}``) to :mod:`badges.rdf.terms`."""
    for graph_name, triples in dataset.items():
        graph = None if graph_name == "@default" else _node(graph_name)
        for triple in triples:
            subject = _term(triple["subject"])
            predicate = _term(triple["predicate"])
            if isinstance(subject, Literal) or not isinstance(predicate, IRI):
                raise JsonLdProcessingError("pyld produced a triple that is not RDF")
            yield Quad(subject, predicate, _term(triple["object"]), graph)


def _node(value: str) -> IRI | BlankNode:
    return BlankNode(value[2:]) if value.startswith("_:") else IRI(value)


def _term(term: Mapping[str, Any]) -> Term:
    kind = term["type"]
    if kind == "IRI":
        return IRI(term["value"])
    if kind == "blank node":
        return BlankNode(term["value"][2:])
    language = term.get("language")
    return Literal(term["value"], term["datatype"], language)
