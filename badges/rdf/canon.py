"""RDFC-1.0 canonicalisation (https://www.w3.org/TR/rdf-canon/), pure Python, with a work bound.

The functions below follow the spec's algorithms and names: §4.4 canonicalization, §4.6 hash
first degree quads, §4.7 hash related blank node, §4.8 hash n-degree quads. Internally a quad is a
tuple of its four N-Quads term strings (the graph is ``""`` for the default graph), so a blank node
is any term starting with ``_``; that keeps the common case (every first-degree hash unique, as in
ordinary credentials) to a few string operations per quad. The n-degree step is exponential on
crafted input (poison graphs), so each of its calls and permutations is charged against
``max_work`` and :class:`PoisonGraphError` stops it early.

Writing the terms is :mod:`badges.rdf.written`'s job, so a producer that knows its terms can
hand over strings instead of quad objects (:func:`canonicalize_written`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from itertools import permutations
from types import MappingProxyType
from typing import Protocol, TypeAlias

from badges.rdf.errors import PoisonGraphError
from badges.rdf.terms import Quad
from badges.rdf.written import Strings, WrittenQuads, write_quads


class _Hasher(Protocol):
    """What the hash algorithm of §4.2 gives back."""

    def hexdigest(self) -> str:
        """The digest in lower-case hexadecimal."""


#: Work the n-degree step (§4.8) may do per canonicalisation, in units of about a microsecond:
#: a call costs 1 plus its blank node's quads, a permutation its length (plus the issuer copied,
#: a sixteenth per identifier). The hardest positive W3C tests, the "evil" poison graphs
#: 044-046, need 6,636; ordinary credentials need none. The 10-node clique of negative test 074
#: would need billions and stops here after about 0.1 s of one core.
DEFAULT_MAX_WORK = 100_000
#: The hash algorithm RDFC-1.0 §4.2 uses by default; §4.4 lets the caller choose another.
DEFAULT_HASH_ALGORITHM = "sha256"
HASH_ALGORITHMS: MappingProxyType[str, Callable[[bytes], _Hasher]] = MappingProxyType(
    {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
)


_Strings: TypeAlias = Strings
#: A temporary identifier issuer (§4.3): issued identifiers in the order issued; prefix ``b``.
_Issuer: TypeAlias = dict[str, str]


class _State:
    """The canonicalization state of §4.3, plus the work counter."""

    __slots__ = ("blank_node_quads", "canonical", "digest", "first_degree", "max_work", "work")

    def __init__(self, digest: Callable[[bytes], _Hasher], max_work: int) -> None:
        #: blank node to quads map: ``_:id`` -> the quads it occurs in.
        self.blank_node_quads: dict[str, list[_Strings]] = {}
        #: first degree hashes, kept for §4.7 step 3.
        self.first_degree: dict[str, str] = {}
        #: canonical issuer (prefix ``c14n``): ``_:id`` -> ``c14nN``.
        self.canonical: dict[str, str] = {}
        self.digest = digest
        self.max_work = max_work
        self.work = 0

    def hash(self, data: str) -> str:
        """The hexadecimal digest of ``data`` encoded as UTF-8 (§4.2 hash algorithm)."""
        return self.digest(data.encode()).hexdigest()

    def charge(self, amount: int) -> None:
        """Count n-degree work; refuse once ``max_work`` is exceeded (§4.4, the note on limits)."""
        self.work += amount
        if self.work > self.max_work:
            raise PoisonGraphError(
                f"it needed more than {self.max_work} steps of n-degree hashing",
                blank_nodes=len(self.blank_node_quads),
                work=self.work,
                max_work=self.max_work,
            )


def canonicalize(
    quads: Sequence[Quad],
    *,
    max_work: int = DEFAULT_MAX_WORK,
    hash_algorithm: str = DEFAULT_HASH_ALGORITHM,
) -> str:
    """Return the canonical N-Quads document of a dataset (RDFC-1.0 §4.4 step 6).

    Args:
        quads: The dataset; duplicates are ignored, as a dataset is a set.
        max_work: How much n-degree work to allow before giving up (see DEFAULT_MAX_WORK).
        hash_algorithm: ``sha256`` (the default of RDFC-1.0), ``sha384`` or ``sha512``.

    Returns:
        Sorted canonical N-Quads lines, each ending in a line feed.

    Raises:
        PoisonGraphError: The n-degree step needed more than ``max_work``.
        ValueError: A term cannot be written as N-Quads, or the hash algorithm is unknown.
    """
    return canonicalize_written(
        write_quads(quads), max_work=max_work, hash_algorithm=hash_algorithm
    )


def canonicalize_written(
    written: WrittenQuads,
    *,
    max_work: int = DEFAULT_MAX_WORK,
    hash_algorithm: str = DEFAULT_HASH_ALGORITHM,
) -> str:
    """:func:`canonicalize` for quads already written as term strings (checked here first).

    Arguments and errors are those of :func:`canonicalize`.
    """
    written.check()
    unique = dict.fromkeys(written.quads)
    state = _canonicalization_state(unique, max_work, hash_algorithm)
    label = {identifier: f"_:{canonical}" for identifier, canonical in state.canonical.items()}
    lines = []
    for subject, p, obj, g in unique:
        s = label[subject] if subject[0] == "_" else subject
        o = label[obj] if obj[0] == "_" else obj
        if not g:
            lines.append(f"{s} {p} {o} .\n")
        else:
            lines.append(f"{s} {p} {o} {label[g] if g[0] == '_' else g} .\n")
    lines.sort()
    return "".join(lines)


def canonical_labels(
    quads: Sequence[Quad],
    *,
    max_work: int = DEFAULT_MAX_WORK,
    hash_algorithm: str = DEFAULT_HASH_ALGORITHM,
) -> dict[str, str]:
    """Return the issued identifiers map: input blank node id -> ``c14nN`` (§4.4 step 7).

    Arguments and errors are those of :func:`canonicalize`.
    """
    written = write_quads(quads)
    written.check()
    state = _canonicalization_state(dict.fromkeys(written.quads), max_work, hash_algorithm)
    return {identifier[2:]: canonical for identifier, canonical in state.canonical.items()}


def _canonicalization_state(
    quads: dict[_Strings, None], max_work: int, hash_algorithm: str
) -> _State:
    """RDFC-1.0 §4.4.3 steps 1-5: issue a canonical identifier to every blank node."""
    digest = HASH_ALGORITHMS.get(hash_algorithm.lower().replace("-", ""))
    if digest is None:
        raise ValueError(f"unsupported RDFC-1.0 hash algorithm: {hash_algorithm!r}")
    state = _State(digest, max_work)
    # Step 2: the blank node to quads map (a quad is listed once per blank node in it).
    blank_node_quads = state.blank_node_quads
    for quad in quads:
        s, _, o, g = quad
        if s[0] == "_":
            blank_node_quads.setdefault(s, []).append(quad)
        if o[0] == "_" and o != s:
            blank_node_quads.setdefault(o, []).append(quad)
        if g[:1] == "_" and g not in (s, o):
            blank_node_quads.setdefault(g, []).append(quad)
    # Step 3: first degree hashes, grouped by hash.
    hash_to_blank_nodes: dict[str, list[str]] = {}
    for identifier in blank_node_quads:
        first = state.first_degree[identifier] = hash_first_degree_quads(state, identifier)
        hash_to_blank_nodes.setdefault(first, []).append(identifier)
    # Step 4: a unique hash issues its canonical identifier at once, in code point order.
    canonical = state.canonical
    shared = []
    for first in sorted(hash_to_blank_nodes):
        identifiers = hash_to_blank_nodes[first]
        if len(identifiers) == 1:
            canonical[identifiers[0]] = f"c14n{len(canonical)}"
        else:
            shared.append(identifiers)
    # Step 5: shared hashes are told apart by their n-degree hash (the only costly step).
    try:
        _issue_n_degree_identifiers(state, shared)
    except RecursionError as error:  # a long chain of look-alike nodes: refuse it too
        raise PoisonGraphError(
            "its blank nodes form a chain too long to hash",
            blank_nodes=len(blank_node_quads),
            work=state.work,
            max_work=max_work,
        ) from error
    return state


def _issue_n_degree_identifiers(state: _State, shared: list[list[str]]) -> None:
    """RDFC-1.0 §4.4.3 step 5: issue identifiers in the order of n-degree hashes."""
    canonical = state.canonical
    for identifiers in shared:
        hash_path_list = []
        for identifier in identifiers:
            if identifier in canonical:
                continue
            temporary: _Issuer = {identifier: "b0"}
            hash_path_list.append(hash_n_degree_quads(state, identifier, temporary))
        hash_path_list.sort(key=lambda result: result[0])
        for _, issuer in hash_path_list:
            for existing in issuer:
                if existing not in canonical:
                    canonical[existing] = f"c14n{len(canonical)}"


def hash_first_degree_quads(state: _State, reference: str) -> str:
    """RDFC-1.0 §4.6: hash the quads of one blank node, itself as ``_:a``, others as ``_:z``."""
    nquads = []
    for subject, p, obj, g in state.blank_node_quads[reference]:
        s = ("_:a" if subject == reference else "_:z") if subject[0] == "_" else subject
        o = ("_:a" if obj == reference else "_:z") if obj[0] == "_" else obj
        if not g:
            nquads.append(f"{s} {p} {o} .\n")
        elif g[0] == "_":
            nquads.append(f"{s} {p} {o} {'_:a' if g == reference else '_:z'} .\n")
        else:
            nquads.append(f"{s} {p} {o} {g} .\n")
    nquads.sort()
    return state.hash("".join(nquads))


def hash_related_blank_node(
    state: _State, related: str, predicate: str, issuer: _Issuer, position: str
) -> str:
    """RDFC-1.0 §4.7: hash a neighbour by position, predicate and its best-known identifier."""
    identifier = state.canonical.get(related) or issuer.get(related)
    name = f"_:{identifier}" if identifier is not None else state.first_degree[related]
    if position == "g":
        return state.hash(f"g{name}")
    return state.hash(f"{position}{predicate}{name}")


def hash_n_degree_quads(state: _State, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
    """RDFC-1.0 §4.8: hash a blank node with its neighbourhood, trying every neighbour order.

    Longer than the house budget of 40 lines because it follows the spec's steps one to one.
    ``issuer`` is never changed: each permutation works on a copy (step 5.4.1).
    """
    quads = state.blank_node_quads[identifier]
    state.charge(1 + len(quads))  # one related hash per quad, at most three
    # Steps 1-3: the hash to related blank nodes map.
    related_map: dict[str, list[str]] = {}
    for s, p, o, g in quads:
        for component, position in ((s, "s"), (o, "o"), (g, "g")):
            if component[:1] == "_" and component != identifier:
                related_hash = hash_related_blank_node(state, component, p, issuer, position)
                related_map.setdefault(related_hash, []).append(component)
    # Steps 4-5: for each related hash, the code point least path over all permutations.
    data_to_hash = []
    canonical = state.canonical
    for related_hash in sorted(related_map):
        data_to_hash.append(related_hash)
        chosen_path = ""
        chosen_issuer = issuer
        related_list = related_map[related_hash]
        for permutation in permutations(related_list):
            state.charge(len(related_list) + len(issuer) // 16)  # the loop, and the copy
            issuer_copy = dict(issuer)
            path = ""
            recursion_list = []
            for related in permutation:
                if related in canonical:
                    path += f"_:{canonical[related]}"
                else:
                    if related not in issuer_copy:
                        recursion_list.append(related)
                        issuer_copy[related] = f"b{len(issuer_copy)}"
                    path += f"_:{issuer_copy[related]}"
                if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                    break  # step 5.4.4.3: skip to the next permutation
            else:
                for related in recursion_list:
                    result_hash, issuer_copy = hash_n_degree_quads(state, related, issuer_copy)
                    path += f"_:{issuer_copy[related]}<{result_hash}>"
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        break  # step 5.4.5.5: skip to the next permutation
                else:
                    if not chosen_path or path < chosen_path:
                        chosen_path, chosen_issuer = path, issuer_copy
        data_to_hash.append(chosen_path)
        issuer = chosen_issuer
    return state.hash("".join(data_to_hash)), issuer
