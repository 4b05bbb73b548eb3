"""The static loader: bundled contexts and explicit extras only, never the network."""

from __future__ import annotations

from typing import Any

import pytest
from pyld import jsonld

from badges.errors import DomainError
from badges.jsonld.contexts import BUNDLED_CONTEXTS, OB_V3_CONTEXT, VC_V2_CONTEXT
from badges.jsonld.errors import ContextNotAllowed
from badges.jsonld.loader import LruCache, StaticDocumentLoader
from tests.unit.jsonld.conftest import EXAMPLES_V2


@pytest.mark.parametrize("iri", sorted(BUNDLED_CONTEXTS))
def test_serves_every_bundled_context_in_pyld_shape(iri: str) -> None:
    remote = StaticDocumentLoader()(iri)
    assert remote["contextUrl"] is None
    assert remote["documentUrl"] == iri
    assert "@context" in remote["document"]


@pytest.mark.parametrize(
    "iri",
    [
        "https://evil.example/context.json",
        "https://www.w3.org/ns/credentials/v2/",  # no normalisation: exact match only
        "http://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        EXAMPLES_V2,  # a test vector, only ever given explicitly
        "",
    ],
)
def test_anything_else_is_not_allowed(iri: str) -> None:
    loader = StaticDocumentLoader()
    assert not loader.allows(iri)
    with pytest.raises(ContextNotAllowed) as caught:
        loader(iri, {})
    assert caught.value.iri == iri
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == "context_not_allowed"


def test_extra_documents_are_served_only_by_the_loader_given_them(
    examples_context: dict[str, Any],
) -> None:
    with_extra = StaticDocumentLoader({EXAMPLES_V2: examples_context})
    assert with_extra(EXAMPLES_V2)["document"] == examples_context
    assert EXAMPLES_V2 in with_extra.iris
    with pytest.raises(ContextNotAllowed):
        StaticDocumentLoader()(EXAMPLES_V2)


def test_extras_cannot_replace_a_bundled_context() -> None:
    with pytest.raises(ValueError, match="replace bundled"):
        StaticDocumentLoader({VC_V2_CONTEXT: {"@context": {"@vocab": "https://evil.example/#"}}})


def test_callers_get_copies_so_the_cache_cannot_be_poisoned() -> None:
    loader = StaticDocumentLoader()
    first = loader(OB_V3_CONTEXT)
    first["document"]["@context"]["name"] = "https://evil.example/name"
    assert loader(OB_V3_CONTEXT)["document"] != first["document"]


def test_parsed_contexts_are_cached_per_loader() -> None:
    loader = StaticDocumentLoader()
    assert loader.document(VC_V2_CONTEXT) is loader.document(VC_V2_CONTEXT)
    assert StaticDocumentLoader().document(VC_V2_CONTEXT) is not loader.document(VC_V2_CONTEXT)


def test_pyld_reports_the_refusal_instead_of_fetching() -> None:
    document = {"@context": "https://evil.example/context.json", "name": "x"}
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand(document, {"documentLoader": StaticDocumentLoader()})
    causes = []
    cause: BaseException | None = caught.value
    while cause is not None:
        causes.append(cause)
        cause = cause.__cause__
    assert any(isinstance(c, ContextNotAllowed) for c in causes)


def test_lru_cache_forgets_the_least_recently_used() -> None:
    cache = LruCache(2)
    cache["a"] = 1
    cache["b"] = 2
    assert cache.get("a") == 1
    cache["c"] = 3
    assert cache.get("b") is None
    assert cache.get("a") == 1
    assert cache.get("c") == 3
    assert len(cache) == 2
