"""The W3C RDFC-1.0 test suite (../shared/vectors/rdf-canon), read from its manifest at run time.

Every entry becomes one test: evaluation tests compare the canonical N-Quads byte for byte, map
tests the issued identifiers map, negative tests expect the work bound to stop a poison graph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from badges.rdf import (
    DEFAULT_MAX_WORK,
    BlankNode,
    PoisonGraphError,
    Quad,
    canonical_labels,
    canonicalize,
    parse_nquads,
)
from tests.vectors import vectors_dir

EVAL = "rdfc:RDFC10EvalTest"
MAP = "rdfc:RDFC10MapTest"
NEGATIVE = "rdfc:RDFC10NegativeEvalTest"
FIXTURES = (("eval_test", EVAL), ("map_test", MAP), ("negative_test", NEGATIVE))


@dataclass(frozen=True)
class Entry:
    """One manifest entry, with its files resolved."""

    id: str
    type: str
    name: str
    action: Path
    result: Path | None
    hash_algorithm: str

    def quads(self) -> list[Quad]:
        return parse_nquads(self.action.read_text(encoding="utf-8"))


def manifest() -> list[Entry]:
    base = vectors_dir("rdf-canon")
    document = json.loads((base / "manifest.jsonld").read_text(encoding="utf-8"))
    return [
        Entry(
            id=entry["id"].lstrip("#"),
            type=entry["type"],
            name=entry["name"],
            action=base / entry["action"],
            result=base / entry["result"] if "result" in entry else None,
            hash_algorithm=entry.get("hashAlgorithm", "SHA256"),
        )
        for entry in document["entries"]
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for fixture, kind in FIXTURES:
        if fixture in metafunc.fixturenames:
            entries = [entry for entry in manifest() if entry.type == kind]
            metafunc.parametrize(fixture, entries, ids=[entry.id for entry in entries])


def test_the_manifest_has_every_kind_of_test() -> None:
    kinds = [entry.type for entry in manifest()]

    assert kinds.count(EVAL) >= 64
    assert kinds.count(MAP) >= 21
    assert kinds.count(NEGATIVE) >= 1
    assert set(kinds) == {kind for _, kind in FIXTURES}, "a test type this suite does not run"


def test_evaluation(eval_test: Entry) -> None:
    assert eval_test.result is not None
    expected = eval_test.result.read_bytes()

    canonical = canonicalize(eval_test.quads(), hash_algorithm=eval_test.hash_algorithm)

    assert canonical.encode() == expected


def test_evaluation_leaves_a_tenfold_margin_under_the_default_work_bound(eval_test: Entry) -> None:
    canonicalize(
        eval_test.quads(),
        max_work=DEFAULT_MAX_WORK // 10,
        hash_algorithm=eval_test.hash_algorithm,
    )


def test_issued_identifiers_map(map_test: Entry) -> None:
    assert map_test.result is not None
    expected = json.loads(map_test.result.read_text(encoding="utf-8"))
    quads = map_test.quads()
    blank_nodes = {
        term.id
        for quad in quads
        for term in (quad.subject, quad.object, quad.graph)
        if isinstance(term, BlankNode)
    }

    labels = canonical_labels(quads, hash_algorithm=map_test.hash_algorithm)

    assert labels == expected
    assert set(labels) == blank_nodes


@pytest.mark.parametrize("max_work", [DEFAULT_MAX_WORK, 1_000])
def test_negative_evaluation_stops_within_the_work_bound(
    negative_test: Entry, max_work: int
) -> None:
    with pytest.raises(PoisonGraphError) as raised:
        canonicalize(
            negative_test.quads(), max_work=max_work, hash_algorithm=negative_test.hash_algorithm
        )

    # It stops at the first charge past the bound; one charge is at most one permutation or
    # call over this graph's quads, far below the bound itself.
    assert max_work < raised.value.work <= max_work + len(negative_test.quads())
    assert raised.value.code == "rdf_poison_graph"
    assert "too costly" in raised.value.message
