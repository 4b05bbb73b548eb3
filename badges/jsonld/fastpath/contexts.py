"""pyld's processed active contexts, compiled into lookup tables and memoised per loader.

Context processing (JSON-LD 1.1 Processing Algorithms §4.1) is left to pyld itself: each active
context the fast path meets is one pyld computed, with the same options :mod:`badges.jsonld.rdf`
uses, so term definitions, ``@protected`` checks and scoped contexts are exactly pyld's. What is
compiled is the *use* of a context: IRI expansion of a key (§5.2 with ``vocab = true``), its term
definition reduced to what expansion needs, and the transitions between contexts (reverting a
type-scoped context, applying a property- or type-scoped one), each computed once and then a
dictionary look-up. Only frozen contexts are wrapped: they never change, and the wrapper keeps a
strong reference, so ``id`` keys can never be confused with a recycled object.

Every table is bounded (:data:`MAX_CONTEXTS`, :data:`MAX_TERMS`): a flood of unusual documents
makes the fast path give up (pyld takes over), never grow memory without limit.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from frozendict import frozendict
from pyld.context_resolver import ContextResolver
from pyld.jsonld import KEYWORDS, JsonLdProcessor

#: pyld's test for an IRI it keeps in RDF (``pyld.jsonld._is_absolute_iri``).
ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_KEYWORDS = frozenset(KEYWORDS)
#: Most distinct active contexts compiled per loader; ordinary credentials need a few dozen.
MAX_CONTEXTS = 512
#: Most distinct keys remembered per active context.
MAX_TERMS = 4096

ID = 0
TYPE = 1
PROPERTY = 2


class Unsupported(Exception):
    """The fast path does not handle this document (or not exactly): pyld must."""


@dataclass(frozen=True, slots=True)
class Term:
    """What expansion needs of one key in one active context.

    ``kind`` is :data:`ID`, :data:`TYPE` or :data:`PROPERTY`; for a property, ``iri`` is its
    absolute IRI, ``coercion`` its ``@type`` mapping (``@id``, ``@vocab``, ``@none``, a datatype
    IRI or None) and ``scoped`` its property-scoped context (the raw local context) or None.
    """

    kind: int
    iri: str
    coercion: str | None
    scoped: Any


def is_node_iri(value: object) -> bool:
    """An IRI pyld keeps in RDF as a node, and not a blank node identifier (which we leave)."""
    return (
        isinstance(value, str)
        and not value.startswith("_:")
        and ABSOLUTE_IRI.match(value) is not None
    )


class Context:
    """One frozen pyld active context with its compiled look-ups and transitions."""

    __slots__ = (
        "_iris",
        "_previous",
        "_scoped",
        "_terms",
        "_type_aliases",
        "_typed",
        "ctx",
        "has_previous",
        "table",
    )

    def __init__(self, ctx: Mapping[str, Any], table: CompiledContexts) -> None:
        self.ctx = ctx
        self.table = table
        self.has_previous = bool(ctx.get("previousContext"))
        self._previous: Context | None = None
        self._iris: dict[str, str | None] = {}
        self._terms: dict[str, Term | None] = {}
        self._scoped: dict[tuple[int, bool], tuple[Any, Context]] = {}
        self._typed: dict[tuple[str, ...], Context] = {}
        self._type_aliases: frozenset[str] | None = None

    def expand(self, value: str) -> str | None:
        """IRI expansion with ``vocab = true`` and a null base (pyld ``_expand_iri``)."""
        iri = self._iris.get(value, self)
        if iri is self:
            iri = _expand_iri(self.ctx, value, vocab=True)
            if len(self._iris) < MAX_TERMS:
                self._iris[value] = iri
        return iri  # type: ignore[return-value]  # the sentinel never escapes

    def expand_id(self, value: str) -> str | None:
        """IRI expansion of an ``@id`` value: no terms, no ``@vocab``, a null base."""
        return _expand_iri(self.ctx, value, vocab=False)

    def term(self, key: str) -> Term:
        """The compiled definition of ``key``; raises Unsupported when pyld must decide."""
        term = self._terms.get(key)
        if term is None:
            if key in self._terms:
                raise Unsupported(key)
            term = self._compile(key)
            if len(self._terms) < MAX_TERMS:
                self._terms[key] = term
            if term is None:
                raise Unsupported(key)
        return term

    def _compile(self, key: str) -> Term | None:
        iri = self.expand(key)
        if iri is None:
            return None  # dropped: safe mode must report it
        if iri in _KEYWORDS:
            if iri == "@id":
                return Term(ID, iri, None, None)
            return Term(TYPE, iri, None, None) if iri == "@type" else None
        if not is_node_iri(iri):
            return None  # relative, or a blank node used as a property
        if "@language" in self.ctx or "@direction" in self.ctx:
            return None
        mapping = self.ctx["mappings"].get(key)
        if mapping is None:
            return Term(PROPERTY, iri, None, None)
        if (
            mapping.get("reverse")
            or any(container != "@set" for container in mapping.get("@container", ()))
            or mapping.get("@type") == "@json"
            or "@language" in mapping
            or "@direction" in mapping
        ):
            return None
        return Term(PROPERTY, iri, mapping.get("@type"), mapping.get("@context"))

    @property
    def type_aliases(self) -> frozenset[str]:
        """Every key that expands to ``@type`` here: ``@type`` and the terms aliasing it.

        Nothing else can: a compact IRI's prefix never maps to a keyword, and neither an
        absolute IRI nor ``@vocab`` plus a key is one.
        """
        aliases = self._type_aliases
        if aliases is None:
            mappings = self.ctx["mappings"]
            aliases = frozenset(
                ["@type", *(k for k, m in mappings.items() if m and m.get("@id") == "@type")]
            )
            self._type_aliases = aliases
        return aliases

    def type_context(self, type_: str) -> Any:
        """The type-scoped context the term ``type_`` defines here, or None."""
        mapping = self.ctx["mappings"].get(type_)
        if not mapping:
            return None
        scoped = mapping.get("@context")
        return None if scoped is None or scoped is False else scoped

    @property
    def reverted(self) -> Context:
        """The context before any type-scoped context (pyld ``_revert_to_previous_context``)."""
        previous = self._previous
        if previous is None:
            previous = self
            if "previousContext" in self.ctx:
                previous = self.table.wrap(self.ctx["previousContext"])
            self._previous = previous
        return previous

    def scoped(self, local: Any, *, propagate: bool = True) -> Context:
        """This context with a property-scoped (or, not propagating, type-scoped) context."""
        key = (id(local), propagate)
        hit = self._scoped.get(key)
        if hit is not None and hit[0] is local:
            return hit[1]
        result = self.table.process(self, local, override_protected=propagate, propagate=propagate)
        self._scoped[key] = (local, result)
        return result

    def typed(self, types: tuple[str, ...]) -> Context | None:
        """The memoised context after the type-scoped contexts of sorted ``types``, if known."""
        return self._typed.get(types)

    def remember_typed(self, types: tuple[str, ...], result: Context) -> None:
        """Remember :meth:`typed` (bounded like every table here)."""
        if len(self._typed) < MAX_TERMS:
            self._typed[types] = result


class CompiledContexts:
    """Every compiled active context of one loader, and the pyld processor that makes them."""

    def __init__(self, loader: Callable[..., dict[str, Any]], cache: Any) -> None:
        def tagged_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
            # As in badges.jsonld.rdf: pyld keeps the resolved context in this loader's cache.
            return {**loader(url, options), "tag": "static"}

        self._options = {
            "base": None,
            "documentLoader": tagged_loader,
            "contextResolver": ContextResolver(cache.resolved, tagged_loader),
            "processingMode": "json-ld-1.1",
        }
        self._lock: threading.Lock = cache.lock
        self._processor = JsonLdProcessor()
        self._contexts: dict[int, Context] = {}
        self._tops: dict[tuple[str, ...] | str, Context] = {}
        self.initial = self.wrap(self._processor._get_initial_context(self._options))

    def wrap(self, ctx: Any) -> Context:
        """The compiled form of a frozen pyld active context."""
        if not isinstance(ctx, frozendict):
            raise Unsupported("an active context pyld did not freeze")
        compiled = self._contexts.get(id(ctx))
        if compiled is not None and compiled.ctx is ctx:
            return compiled
        if len(self._contexts) >= MAX_CONTEXTS:
            raise Unsupported("too many distinct active contexts")
        compiled = Context(ctx, self)
        self._contexts[id(ctx)] = compiled
        return compiled

    def top(self, local: str | list[str]) -> Context:
        """The active context of a document whose ``@context`` is ``local`` (IRIs only)."""
        key = local if isinstance(local, str) else tuple(local)
        compiled = self._tops.get(key)
        if compiled is None:
            value = local if isinstance(local, str) else list(local)
            compiled = self.process(self.initial, value, override_protected=False, propagate=True)
            if len(self._tops) < MAX_TERMS:
                self._tops[key] = compiled
        return compiled

    def process(
        self, active: Context, local: Any, *, override_protected: bool, propagate: bool
    ) -> Context:
        """Context processing (§4.1) by pyld, under the loader's lock; any error: Unsupported."""
        with self._lock:
            try:
                result = self._processor._process_context(
                    active.ctx,
                    local,
                    self._options,
                    override_protected=override_protected,
                    propagate=propagate,
                )
            except Exception as error:  # pyld will raise it again, properly, on its own path
                raise Unsupported("context processing failed") from error
            return self.wrap(result)


def _expand_iri(ctx: Mapping[str, Any], value: str, *, vocab: bool) -> str | None:
    """As pyld's ``_expand_iri`` for a string, with a null base and no local context."""
    if value in _KEYWORDS:
        return value
    if _KEYWORD_LIKE.match(value):
        return None
    mappings = ctx["mappings"]
    if vocab and value in mappings:
        mapping = mappings[value]
        return None if mapping is None else mapping["@id"]
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        mapping = mappings.get(prefix)
        if mapping and mapping["_prefix"]:
            return mapping["@id"] + suffix  # type: ignore[no-any-return]
        if ABSOLUTE_IRI.match(value):
            return value
    if vocab and "@vocab" in ctx:
        return ctx["@vocab"] + value  # type: ignore[no-any-return]
    return value
