"""A static document loader: the bundled contexts, and nothing else, ever.

pyld calls a document loader for every ``@context`` IRI it meets. Fetching them at verification
time would let a context host change what a signature covers, and turn the verifier into an SSRF
vector, so this loader answers only from ``badges.jsonld.contexts`` (plus documents a caller hands
it explicitly, which only tests do) and raises :class:`ContextNotAllowed` for anything else
(ob3-spec §2.2 "Context loading"; ``security-document-loader`` ``fetchRemoteContexts = false``).

A loader also carries the :class:`ProcessingCache` that :func:`badges.jsonld.rdf.to_quads` reuses
across conversions, so all state lives in an object the caller creates and injects.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from badges.jsonld.contexts import BUNDLED_CONTEXTS, read_context_bytes
from badges.jsonld.errors import ContextNotAllowed

RemoteDocument = dict[str, Any]
"""What pyld expects from a loader: ``contextUrl``, ``documentUrl`` and ``document``."""


class LruCache:
    """A small bounded mapping that forgets the least recently used entry when full.

    It offers only what pyld's ``ContextResolver`` uses of its shared cache (``get`` and item
    assignment), so that a document full of distinct inline contexts cannot grow memory.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the value for ``key`` (marking it recently used), or ``default``."""
        try:
            self._data.move_to_end(key)
        except KeyError:
            return default
        return self._data[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class ProcessingCache:
    """Processed JSON-LD contexts kept between conversions that use the same loader.

    ``resolved`` is the shared cache handed to pyld's ``ContextResolver``; ``processed`` memoises
    context processing (see :mod:`badges.jsonld.rdf`). pyld's caches are not thread-safe, so
    conversions that use them hold ``lock``.
    """

    def __init__(self, maxsize: int = 512) -> None:
        self.resolved = LruCache(maxsize)
        self.processed = LruCache(maxsize)
        self.lock = threading.Lock()


class StaticDocumentLoader:
    """A pyld document loader serving the bundled contexts and explicitly given extra documents.

    Args:
        extra_documents: IRI -> parsed JSON document, served in addition to the bundled contexts.
            Only tests pass these (e.g. the W3C examples context); they can never replace a
            bundled context.

    Raises:
        ValueError: an extra document claims the IRI of a bundled context.
    """

    def __init__(self, extra_documents: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        extras = dict(extra_documents or {})
        clashes = sorted(set(extras) & set(BUNDLED_CONTEXTS))
        if clashes:
            raise ValueError(f"extra documents may not replace bundled contexts: {clashes}")
        self._extra: dict[str, dict[str, Any]] = {
            iri: copy.deepcopy(dict(document)) for iri, document in extras.items()
        }
        self._parsed: dict[str, dict[str, Any]] = {}
        self._parsed_lock = threading.Lock()
        self.processing_cache = ProcessingCache()

    @property
    def iris(self) -> frozenset[str]:
        """Every IRI this loader serves."""
        return frozenset(BUNDLED_CONTEXTS) | frozenset(self._extra)

    def allows(self, url: str) -> bool:
        """Whether this loader serves ``url`` (an exact match; nothing is normalised)."""
        return url in BUNDLED_CONTEXTS or url in self._extra

    def document(self, url: str) -> dict[str, Any]:
        """Return the parsed document for ``url``, shared between calls: do not modify it.

        Bundled contexts are read and checked against their pinned hash once per loader.

        Raises:
            ContextNotAllowed: ``url`` is neither bundled nor an extra document.
            ContextIntegrityError: a bundled file does not match its pinned hash.
        """
        extra = self._extra.get(url)
        if extra is not None:
            return extra
        with self._parsed_lock:
            parsed = self._parsed.get(url)
            if parsed is None:
                parsed = json.loads(read_context_bytes(url))
                if not isinstance(parsed, dict):
                    raise ContextNotAllowed(url)
                self._parsed[url] = parsed
            return parsed

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
        """Load ``url`` the way pyld's ``documentLoader`` option expects (a fresh copy each call).

        Raises:
            ContextNotAllowed: ``url`` is neither bundled nor an extra document.
        """
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(self.document(url)),
        }
