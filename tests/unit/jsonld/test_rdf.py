"""to_quads: pyld's own RDF, in safe mode, and the same answer however often it is asked."""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from badges.jsonld.contexts import BUNDLED_CONTEXTS
from badges.jsonld.errors import ContextNotAllowed, DataLossError, JsonLdProcessingError
from badges.jsonld.loader import StaticDocumentLoader
from badges.jsonld.rdf import to_quads
from badges.rdf.nquads import parse_nquads, serialize_quad
from badges.rdf.terms import IRI, BlankNode, Literal, Quad, Term
from tests.unit.jsonld.conftest import EXAMPLES_V2, FIXTURES
from tests.vectors import vectors_dir


def pyld_quads(document: dict[str, Any], loader: StaticDocumentLoader) -> list[Quad]:
    """Plain pyld ``to_rdf`` (default options), converted term by term, in pyld's order."""

    def term(value: dict[str, Any]) -> Term:
        if value["type"] == "IRI":
            return IRI(value["value"])
        if value["type"] == "blank node":
            return BlankNode(value["value"].removeprefix("_:"))
        return Literal(value["value"], value["datatype"], value.get("language"))

    def node(name: str) -> IRI | BlankNode:
        return BlankNode(name[2:]) if name.startswith("_:") else IRI(name)

    dataset = jsonld.to_rdf(document, {"documentLoader": loader})
    quads = []
    for graph_name, triples in dataset.items():
        graph = None if graph_name == "@default" else node(graph_name)
        for triple in triples:
            subject, predicate = term(triple["subject"]), term(triple["predicate"])
            assert isinstance(subject, IRI | BlankNode)
            assert isinstance(predicate, IRI)
            quads.append(Quad(subject, predicate, term(triple["object"]), graph))
    return quads


def pyld_nquads(document: dict[str, Any], loader: StaticDocumentLoader) -> Counter[Quad]:
    text = jsonld.to_rdf(document, {"documentLoader": loader, "format": "application/n-quads"})
    return Counter(parse_nquads(text))


# ------------------------------------------------------------------ same output as pyld


def test_w3c_credential_gives_exactly_pyld_to_rdf(
    unsigned_credential: dict[str, Any], vector_loader: StaticDocumentLoader
) -> None:
    quads = to_quads(unsigned_credential, loader=vector_loader)
    assert quads == pyld_quads(unsigned_credential, vector_loader)
    assert Counter(quads) == pyld_nquads(unsigned_credential, vector_loader)


def test_w3c_credential_gives_the_vector_canonical_document(
    unsigned_credential: dict[str, Any], vector_loader: StaticDocumentLoader
) -> None:
    """No blank nodes here, so the canonical N-Quads are the quads, sorted (vc-di-eddsa)."""
    expected = vectors_dir("vc-di-eddsa", "eddsa-rdfc-2022") / "canonDocDataInt.txt"
    lines = sorted(serialize_quad(q) for q in to_quads(unsigned_credential, loader=vector_loader))
    assert "".join(lines) == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("folder", "config", "canon"),
    [
        ("eddsa-rdfc-2022", "proofConfigDataInt.json", "proofCanonDataInt.txt"),
        ("Ed25519Signature2020", "proofConfigEdSig.json", "proofCanonEdSig.txt"),
    ],
)
def test_proof_configurations_give_the_vector_quads(
    folder: str, config: str, canon: str, vector_loader: StaticDocumentLoader
) -> None:
    """The bundled Data Integrity / Ed25519-2020 contexts give the RDF the W3C vectors sign."""
    document = json.loads((vectors_dir("vc-di-eddsa", folder) / config).read_text("utf-8"))
    quads = to_quads(document, loader=vector_loader)
    # One blank node (the proof), labelled b0 by pyld and c14n0 by RDFC-1.0.
    relabelled = (
        Quad(
            BlankNode("c14n0") if q.subject == BlankNode("b0") else q.subject,
            q.predicate,
            q.object,
            q.graph,
        )
        for q in quads
    )
    canonical = (vectors_dir("vc-di-eddsa", folder) / canon).read_text(encoding="utf-8")
    assert "".join(sorted(serialize_quad(q) for q in relabelled)) == canonical


def test_ob_credential_gives_exactly_pyld_to_rdf(ob_credential: dict[str, Any]) -> None:
    loader = StaticDocumentLoader()
    quads = to_quads(ob_credential, loader=loader)
    assert quads == pyld_quads(ob_credential, StaticDocumentLoader())
    assert len(quads) > 40


def test_repeated_and_interleaved_calls_keep_giving_pyld_output(
    ob_credential: dict[str, Any],
    unsigned_credential: dict[str, Any],
    vector_loader: StaticDocumentLoader,
) -> None:
    """The per-loader cache is shared by every document; it must never leak between them."""
    variant = copy.deepcopy(ob_credential)
    variant["credentialSubject"]["achievement"]["name"] = "Another achievement"
    variant["evidence"].append({"type": ["Evidence"], "narrative": "A second step."})
    documents = [ob_credential, unsigned_credential, variant, ob_credential, variant]
    expected = [pyld_quads(doc, vector_loader) for doc in documents]
    for _ in range(3):
        assert [to_quads(doc, loader=vector_loader) for doc in documents] == expected


def test_threads_sharing_a_loader_get_the_same_answer(
    ob_credential: dict[str, Any],
    unsigned_credential: dict[str, Any],
    examples_context: dict[str, Any],
) -> None:
    loader = StaticDocumentLoader({EXAMPLES_V2: examples_context})
    documents = [ob_credential, unsigned_credential] * 4
    expected = [pyld_quads(doc, loader) for doc in documents]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda doc: to_quads(doc, loader=loader), documents))
    assert results == expected


def test_inline_contexts_are_processed_afresh(vector_loader: StaticDocumentLoader) -> None:
    def document(iri: str) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/credentials/v2", {"extra": iri}],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential"],
            "extra": "value",
        }

    for iri in ("https://example.org/a", "https://example.org/b", "https://example.org/a"):
        assert to_quads(document(iri), loader=vector_loader) == pyld_quads(
            document(iri), vector_loader
        )


def test_the_document_is_not_modified(ob_credential: dict[str, Any]) -> None:
    before = copy.deepcopy(ob_credential)
    to_quads(ob_credential, loader=StaticDocumentLoader())
    assert ob_credential == before


def test_a_plain_callable_loader_works_too(ob_credential: dict[str, Any]) -> None:
    loader = StaticDocumentLoader()

    def plain(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return loader(url, options)

    assert to_quads(ob_credential, loader=plain) == pyld_quads(ob_credential, loader)


# ------------------------------------------------------------------ safe mode


def mutated(document: dict[str, Any], change: Any) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    change(copied)
    return copied


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        pytest.param(lambda d: d.update(foo="bar"), "'foo'", id="undefined term"),
        pytest.param(
            lambda d: d["credentialSubject"]["achievement"].update(level="expert"),
            "'level'",
            id="undefined term in a type-scoped node",
        ),
        pytest.param(
            lambda d: d.update(type=["VerifiableCredential", "OpenBadgeCredential", "Bogus"]),
            "'Bogus'",
            id="undefined type",
        ),
        pytest.param(
            lambda d: d["credentialSubject"].update(type=["AchievementSubject", "Learner"]),
            "'Learner'",
            id="undefined type in a nested node",
        ),
        pytest.param(lambda d: d.update(id="credentials/42"), "'credentials/42'", id="relative id"),
        pytest.param(
            lambda d: d["evidence"][0].update(id="evidence.pdf"),
            "'evidence.pdf'",
            id="relative IRI in a nested node",
        ),
        pytest.param(
            lambda d: d["credentialStatus"].update(statusListCredential="lists/1"),
            "'lists/1'",
            id="relative IRI in an @id-typed term",
        ),
        pytest.param(lambda d: d.update({"@foo": "x"}), "keyword", id="keyword look-alike"),
        pytest.param(
            lambda d: d.update(name={"@value": "x", "@language": "ar", "@direction": "rtl"}),
            "@direction",
            id="base direction",
        ),
    ],
)
def test_safe_mode_rejects_data_that_would_be_dropped(
    ob_credential: dict[str, Any], change: Any, finding: str
) -> None:
    with pytest.raises(DataLossError) as caught:
        to_quads(mutated(ob_credential, change), loader=StaticDocumentLoader())
    assert caught.value.code == "DATA_LOSS_DETECTION_ERROR"
    assert any(finding in f for f in caught.value.findings), caught.value.findings


def test_safe_mode_reports_every_loss_at_once(ob_credential: dict[str, Any]) -> None:
    def change(d: dict[str, Any]) -> None:
        d.update(foo="bar", type=["VerifiableCredential", "Bogus"], id="relative")

    with pytest.raises(DataLossError) as caught:
        to_quads(mutated(ob_credential, change), loader=StaticDocumentLoader())
    assert len(caught.value.findings) == 3


def test_safe_mode_rejects_a_term_nullified_by_an_inline_context(
    unsigned_credential: dict[str, Any], vector_loader: StaticDocumentLoader
) -> None:
    document = copy.deepcopy(unsigned_credential)
    document["credentialSubject"]["@context"] = {"nickname": None}
    document["credentialSubject"]["nickname"] = "Ex"
    with pytest.raises(DataLossError):
        to_quads(document, loader=vector_loader)


def test_a_document_that_expands_to_nothing_is_rejected() -> None:
    document = {"@context": "https://www.w3.org/ns/credentials/v2", "undefined": "x"}
    with pytest.raises(DataLossError):
        to_quads(document, loader=StaticDocumentLoader())


def test_full_iris_are_kept_not_dropped(ob_credential: dict[str, Any]) -> None:
    """A full IRI as a key is ordinary signed data, not a loss (as in jsonld.js)."""
    document = mutated(ob_credential, lambda d: d.update({"https://example.org/ns#x": "y"}))
    quads = to_quads(document, loader=StaticDocumentLoader())
    assert any(q.predicate == IRI("https://example.org/ns#x") for q in quads)


def test_unknown_contexts_raise_context_not_allowed(ob_credential: dict[str, Any]) -> None:
    document = mutated(
        ob_credential, lambda d: d["@context"].append("https://evil.example/context.json")
    )
    with pytest.raises(ContextNotAllowed) as caught:
        to_quads(document, loader=StaticDocumentLoader())
    assert caught.value.iri == "https://evil.example/context.json"


def test_the_examples_context_needs_the_test_loader(unsigned_credential: dict[str, Any]) -> None:
    with pytest.raises(ContextNotAllowed):
        to_quads(unsigned_credential, loader=StaticDocumentLoader())


def test_invalid_json_ld_is_a_domain_error() -> None:
    document = {"@context": "https://www.w3.org/ns/credentials/v2", "@id": 42, "name": "x"}
    with pytest.raises(JsonLdProcessingError):
        to_quads(document, loader=StaticDocumentLoader())


# ------------------------------------------------------------------ property: unknown keys


def defined_terms() -> frozenset[str]:
    """Every key any bundled context defines, at any depth (scoped contexts included)."""
    loader = StaticDocumentLoader()
    terms: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                terms.add(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for iri in BUNDLED_CONTEXTS:
        walk(loader.document(iri))
    return frozenset(terms)


DEFINED = defined_terms()
JSON_LD_KEYWORDS = frozenset(
    {
        *("@base", "@container", "@context", "@direction", "@graph", "@id", "@import"),
        *("@included", "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix"),
        *("@propagate", "@protected", "@reverse", "@set", "@type", "@value", "@version"),
        "@vocab",
    }
)


def node_objects(document: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every JSON object (node) in a credential, the top level included."""
    if isinstance(document, dict):
        yield path
        for key, value in document.items():
            if key != "@context":
                yield from node_objects(value, (*path, key))
    elif isinstance(document, list):
        for index, item in enumerate(document):
            yield from node_objects(item, (*path, index))


FIXTURE_OB: dict[str, Any] = json.loads((FIXTURES / "ob3-minimal.json").read_text(encoding="utf-8"))
FIXTURE_OB_PATHS = list(node_objects(FIXTURE_OB))
HYPOTHESIS_LOADER = StaticDocumentLoader()  # shared on purpose: the cache must not matter

unknown_keys = st.text(min_size=0, max_size=20).filter(
    # a colon makes the key an absolute IRI or compact IRI: signed data, not a loss
    lambda key: ":" not in key and key not in DEFINED and key not in JSON_LD_KEYWORDS
)
values = st.one_of(
    st.text(max_size=20), st.integers(), st.booleans(), st.floats(allow_nan=False, width=32)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_unknown_keys_anywhere_are_always_rejected(data: st.DataObject) -> None:
    path = FIXTURE_OB_PATHS[data.draw(st.integers(0, len(FIXTURE_OB_PATHS) - 1))]
    additions = data.draw(st.dictionaries(unknown_keys, values, min_size=1, max_size=3))
    document = copy.deepcopy(FIXTURE_OB)
    node = document
    for step in path:
        node = node[step]
    if set(additions) & set(node):
        return  # replacing a defined value is not adding an unknown key
    node.update(additions)
    with pytest.raises(DataLossError) as caught:
        to_quads(document, loader=HYPOTHESIS_LOADER)
    assert len(caught.value.findings) >= len(additions)
