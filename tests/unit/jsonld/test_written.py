"""The term-string route (``to_written``) against the quad route, which is held to pyld.

``canonize`` (what every RDF proof hashes) writes the compiled fast path's quads straight as
N-Quads term strings. These tests hold that route to the quad route on the same corpus as
``test_fastpath``: the same strings in the same order, the same IRIs to check, the same
errors, and the same canonical N-Quads as pyld's own quads give.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from badges.jsonld.compiled import compiled_quads, compiled_written
from badges.jsonld.loader import StaticDocumentLoader
from badges.jsonld.rdf import to_quads, to_written
from badges.proofs.canonical import canonize
from badges.proofs.errors import CanonicalizationError, DataLossDetected
from badges.rdf import canonicalize, canonicalize_written, write_quads
from badges.rdf.terms import IRI, Literal, Quad
from badges.rdf.written import WrittenQuads
from tests.unit.jsonld.test_fastpath import (
    CONTEXTS,
    CREDENTIAL,
    FALLBACKS,
    FIXTURE_FILES,
    SAFE_MODE_BREAKERS,
    W3C_DOCUMENTS,
    json_documents,
    pyld_path,
    smart_city,
    variants,
)
from tests.vectors import vectors_dir

Loader = Callable[..., dict[str, Any]]


def check_written(document: dict[str, Any], loader: StaticDocumentLoader) -> WrittenQuads | None:
    """Assert the written route equals the pyld quads, written; return the fast answer."""
    before = copy.deepcopy(document)
    try:
        expected: list[Quad] | Exception = to_quads(document, loader=pyld_path(loader))
    except Exception as error:
        expected = error
    fast = compiled_written(document, loader=loader)
    assert (fast is None) == (compiled_quads(document, loader=loader) is None)
    assert document == before
    if isinstance(expected, Exception):
        assert fast is None
        with pytest.raises(type(expected)) as caught:
            to_written(document, loader=loader)
        assert str(caught.value) == str(expected)
        with pytest.raises((DataLossDetected, CanonicalizationError)):
            canonize(document, loader=loader)
        return None
    reference = write_quads(expected)
    written = to_written(document, loader=loader)
    assert written.quads == reference.quads
    assert written.iris == reference.iris
    if fast is not None:
        assert fast.quads == reference.quads
    try:
        canonical = canonicalize(expected)
    except ValueError:  # a term N-Quads cannot carry: refused on both routes
        with pytest.raises(CanonicalizationError):
            canonize(document, loader=loader)
    else:
        assert canonize(document, loader=loader) == canonical
    return fast


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_document_is_written_as_pyld_quads(path: Path) -> None:
    loader = StaticDocumentLoader()
    for document in json_documents(json.loads(path.read_text(encoding="utf-8"))):
        for variant in variants(document):
            check_written(variant, loader)


@pytest.mark.parametrize("name", W3C_DOCUMENTS)
def test_w3c_documents_are_written_as_pyld_quads(
    name: str, vector_loader: StaticDocumentLoader
) -> None:
    document = json.loads((vectors_dir("vc-di-eddsa") / name).read_text(encoding="utf-8"))
    for variant in variants(document):
        check_written(variant, vector_loader)


def test_the_smart_city_credential_takes_the_written_fast_path() -> None:
    assert check_written(smart_city(), StaticDocumentLoader()) is not None


@pytest.mark.parametrize(
    "change",
    [*SAFE_MODE_BREAKERS.values(), *FALLBACKS.values()],
    ids=[*SAFE_MODE_BREAKERS, *FALLBACKS],
)
def test_rejected_and_unsupported_shapes_match(change: Callable[[dict[str, Any]], None]) -> None:
    document = smart_city()
    change(document)
    assert check_written(document, StaticDocumentLoader()) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(name='say "hi" \\ back\nthen\ttab\x01\x7f'),
        lambda d: d.update(name="ünïcødé ✓ \u2028 \U0001f600"),
        lambda d: d.update(name=""),
        lambda d: d["credentialSubject"].update(creditsEarned=2.5),
        lambda d: d["credentialSubject"].update(creditsEarned="3.5"),
        lambda d: d.update({"https://example.org/ns#extra": [1, 1.0, True, "1", 1e300, -0.5]}),
        lambda d: d["issuer"].update(id="https://example.org/i d"),
        lambda d: d["issuer"].update(id="urn:x:{a}"),
        lambda d: d["issuer"].update(id="urn:x:{a}", name=[], url=[], type=[]),
        lambda d: d["credentialSubject"].update({"https://example.org/{p}": []}),
        lambda d: d.update(id="urn:x:{a}", name=[]),
        lambda d: (
            [d.pop(key) for key in list(d) if key != "@context"]
            + [d.update(id="urn:x:{a}", name=[])]
        ),
    ],
    ids=[
        "escapes",
        "unicode",
        "empty",
        "double",
        "xsd-typed string",
        "numbers",
        "space",
        "brace",
        "subject without quads",
        "property without quads",
        "top subject",
        "only subject without quads",
    ],
)
def test_literals_and_iris_are_written_as_the_quad_route_writes_them(
    change: Callable[[dict[str, Any]], None],
) -> None:
    document = smart_city()
    change(document)
    check_written(document, StaticDocumentLoader())


SHARED_LOADER = StaticDocumentLoader()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credential=CREDENTIAL, context=CONTEXTS)
def test_generated_credentials_are_written_as_pyld_quads(
    credential: dict[str, Any], context: list[str]
) -> None:
    check_written({"@context": context, **credential}, SHARED_LOADER)


def test_an_iri_n_quads_cannot_carry_is_refused_before_hashing() -> None:
    written = write_quads(
        [Quad(IRI("https://example.org/a b"), IRI("https://e.org/p"), IRI("x:y"))]
    )
    with pytest.raises(ValueError, match="absolute IRI"):
        canonicalize_written(written)


def test_a_typed_literal_checks_its_datatype_iri() -> None:
    quad = Quad(IRI("https://example.org/a"), IRI("https://e.org/p"), Literal("1", "not an iri"))
    with pytest.raises(ValueError, match="absolute IRI"):
        canonicalize_written(write_quads([quad]))


def test_written_quads_canonicalise_as_quads_do() -> None:
    quads = to_quads(smart_city(), loader=StaticDocumentLoader())
    assert canonicalize_written(write_quads(quads)) == canonicalize(quads)
