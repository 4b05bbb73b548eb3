"""RDFC-1.0 canonicalisation beyond the W3C suite: invariances, pyld agreement, the work bound."""

from __future__ import annotations

import sys
from random import Random
from types import MappingProxyType

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from badges.rdf import (
    DEFAULT_MAX_WORK,
    IRI,
    BlankNode,
    Literal,
    PoisonGraphError,
    Quad,
    canonical_labels,
    canonicalize,
    parse_nquads,
    serialize_nquads,
)
from tests.unit.rdf.strategies import small_graphs
from tests.vectors import vectors_dir

P, Q = IRI("urn:ex:p"), IRI("urn:ex:q")
NQUADS = "application/n-quads"
PYLD_OPTIONS = MappingProxyType({"algorithm": "URDNA2015", "inputFormat": NQUADS, "format": NQUADS})


def rename(quads: list[Quad], names: dict[str, str]) -> list[Quad]:
    def term(value: object) -> object:
        return BlankNode(names[value.id]) if isinstance(value, BlankNode) else value

    return [
        Quad(term(q.subject), q.predicate, term(q.object), term(q.graph))  # type: ignore[arg-type]
        for q in quads
    ]


@given(small_graphs(), st.randoms(use_true_random=False))
def test_quad_order_does_not_matter(quads: list[Quad], random: Random) -> None:
    shuffled = list(quads)
    random.shuffle(shuffled)

    assert canonicalize(shuffled) == canonicalize(quads)


@given(small_graphs(labels=5), st.permutations(range(5)))
def test_blank_node_names_do_not_matter(quads: list[Quad], order: list[int]) -> None:
    names = {f"n{index}": f"other{target}" for index, target in enumerate(order)}

    assert canonicalize(rename(quads, names)) == canonicalize(quads)


@given(small_graphs())
def test_canonical_output_is_sorted_unique_and_a_fixed_point(quads: list[Quad]) -> None:
    canonical = canonicalize(quads)
    lines = canonical.splitlines(keepends=True)

    assert lines == sorted(set(lines))
    assert all(line.endswith(" .\n") for line in lines)
    assert canonicalize(parse_nquads(canonical)) == canonical


@given(small_graphs())
def test_labels_cover_every_blank_node_once(quads: list[Quad]) -> None:
    blank_nodes = {
        term.id
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph)
        if isinstance(term, BlankNode)
    }

    labels = canonical_labels(quads)

    assert set(labels) == blank_nodes
    assert sorted(labels.values()) == sorted(f"c14n{index}" for index in range(len(blank_nodes)))


def mentions_a_blank_node_twice(quad: Quad) -> bool:
    nodes = [t for t in (quad.subject, quad.object, quad.graph) if isinstance(t, BlankNode)]
    return len(nodes) != len(set(nodes))


@settings(deadline=None)
@given(small_graphs(texts=("x", "y z", "é∞")))
def test_agrees_with_pyld_urdna2015_where_escaping_is_not_involved(quads: list[Quad]) -> None:
    assume(not any(mentions_a_blank_node_twice(quad) for quad in quads))

    assert canonicalize(quads) == jsonld.normalize(serialize_nquads(quads), dict(PYLD_OPTIONS))


def test_a_quad_mentioning_a_blank_node_twice_is_one_quad_of_that_node() -> None:
    # RDFC-1.0 §4.4.3 step 2 adds Q once "for each blank node that is a component of Q", as the
    # JavaScript reference (rdf-canonize, a Set) does; pyld 3.3 adds it once per position.
    quads = [
        Quad(BlankNode("n0"), P, BlankNode("n0")),
        Quad(BlankNode("n1"), P, BlankNode("n0"), BlankNode("n0")),
    ]

    assert canonicalize(quads) == (
        "_:c14n0 <urn:ex:p> _:c14n0 .\n_:c14n1 <urn:ex:p> _:c14n0 _:c14n0 .\n"
    )
    assert canonicalize(quads) != jsonld.normalize(serialize_nquads(quads), dict(PYLD_OPTIONS))


def test_control_characters_are_escaped_as_rdfc_10_says_not_as_pyld_does() -> None:
    quads = [Quad(BlankNode("b0"), P, Literal("\x01\x7f\b"))]

    assert canonicalize(quads) == '_:c14n0 <urn:ex:p> "\\u0001\\u007F\\b" .\n'


def test_duplicate_quads_count_once() -> None:
    quad = Quad(BlankNode("a"), P, BlankNode("b"))

    assert canonicalize([quad, quad]) == canonicalize([quad])
    assert canonicalize([quad, quad]).count("\n") == 1
    assert canonical_labels([quad, quad]) == canonical_labels([quad])


@pytest.mark.parametrize("name", ["canonDocDataInt.txt", "proofCanonDataInt.txt"])
def test_the_vc_di_eddsa_canonical_documents_are_fixed_points(name: str) -> None:
    text = (vectors_dir("vc-di-eddsa", "eddsa-rdfc-2022") / name).read_text(encoding="utf-8")
    text = text if text.endswith("\n") else f"{text}\n"

    assert canonicalize(parse_nquads(text)) == text


def test_unique_first_degree_hashes_need_no_n_degree_work() -> None:
    # The shape of a credential: every blank node differs from the others in its own quads.
    quads = [
        Quad(IRI("urn:ex:credential"), P, BlankNode("subject")),
        Quad(BlankNode("subject"), Q, BlankNode("result")),
        Quad(BlankNode("result"), P, Literal("passed")),
        Quad(BlankNode("evidence"), P, Literal("report")),
    ]

    labels = canonical_labels(quads, max_work=0)

    assert labels == canonical_labels(quads)
    assert sorted(labels.values()) == ["c14n0", "c14n1", "c14n2"]


def test_shared_first_degree_hashes_are_charged() -> None:
    quads = [Quad(BlankNode("a"), P, BlankNode("b")), Quad(BlankNode("b"), P, BlankNode("a"))]

    with pytest.raises(PoisonGraphError):
        canonicalize(quads, max_work=0)
    assert canonicalize(quads, max_work=100) == (
        "_:c14n0 <urn:ex:p> _:c14n1 .\n_:c14n1 <urn:ex:p> _:c14n0 .\n"
    )


def test_a_large_clique_stops_at_the_bound() -> None:
    size = 60
    quads = [
        Quad(BlankNode(f"e{i}"), P, BlankNode(f"e{j}")) for i in range(size) for j in range(size)
    ]

    with pytest.raises(PoisonGraphError) as raised:
        canonicalize(quads)

    assert DEFAULT_MAX_WORK < raised.value.work <= DEFAULT_MAX_WORK + 4 * size


def test_a_long_chain_of_look_alike_nodes_is_refused_not_crashed() -> None:
    length = sys.getrecursionlimit() + 100
    quads = [
        Quad(BlankNode(f"{chain}{index}"), P, BlankNode(f"{chain}{index + 1}"))
        for chain in "ab"
        for index in range(length)
    ]

    with pytest.raises(PoisonGraphError, match="chain too long"):
        canonicalize(quads)


def test_sha384_is_available_and_changes_the_hashes() -> None:
    quads = [Quad(BlankNode("x"), P, Literal("1")), Quad(BlankNode("y"), P, Literal("3"))]

    assert canonical_labels(quads) == {"x": "c14n0", "y": "c14n1"}
    assert canonical_labels(quads, hash_algorithm="SHA-384") == {"x": "c14n1", "y": "c14n0"}


def test_an_unknown_hash_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        canonicalize([], hash_algorithm="md5")


@pytest.mark.parametrize(
    "quad",
    [
        Quad(Literal("s"), P, P),  # type: ignore[arg-type]
        Quad(P, BlankNode("p"), P),  # type: ignore[arg-type]
        Quad(P, P, P, Literal("g")),  # type: ignore[arg-type]
        Quad(P, P, "o"),  # type: ignore[arg-type]
        Quad(IRI("not absolute"), P, P),
        Quad(IRI("relative/path"), P, P),
        Quad(P, P, P, IRI("urn:ex:g>")),
        Quad(P, IRI("urn:ex:p\x00"), P),
        Quad(P, P, Literal("x", "urn:ex:bad>type")),
    ],
)
def test_terms_that_cannot_stand_where_they_are_are_refused(quad: Quad) -> None:
    with pytest.raises(ValueError, match=r"cannot be the|not an absolute IRI"):
        canonicalize([quad])


def test_iris_may_hold_any_character_n_quads_allows_raw() -> None:
    odd = IRI("http://é.example/\xa0\x7f\u2028∞\U0001f303")

    assert (
        canonicalize([Quad(odd, P, odd, odd)])
        == f"<{odd.value}> <urn:ex:p> <{odd.value}> <{odd.value}> .\n"
    )


def test_an_empty_dataset_is_an_empty_document() -> None:
    assert canonicalize([]) == ""
    assert canonical_labels([]) == {}
