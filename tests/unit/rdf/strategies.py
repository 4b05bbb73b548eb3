"""Hypothesis strategies for RDF terms and quads, awkward literals included."""

from __future__ import annotations

from hypothesis import strategies as st

from badges.rdf import IRI, RDF_LANG_STRING, XSD_STRING, BlankNode, Literal, Quad, Term

#: Characters an IRI may hold raw in N-Quads: no controls, space or <>"{}|^`\ (and no surrogates).
IRI_CHARACTERS = st.characters(exclude_categories=["Cs", "Cc"], exclude_characters=' <>"{}|^`\\')
#: Anything a literal can hold: control characters, quotes, backslashes, line separators, emoji.
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
LITERAL_CHARACTERS = st.one_of(
    ANY_CHARACTER,
    st.sampled_from("\x00\x01\b\t\n\x0b\x0c\r\x1f\x7f\x85\u2028\u2029\"\\'\U0001f303"),
)

iris = st.builds(IRI, st.builds("urn:ex:{}".format, st.text(IRI_CHARACTERS, max_size=12)))
blank_nodes = st.builds(BlankNode, st.from_regex(r"[A-Za-z_][A-Za-z0-9_\-]{0,6}", fullmatch=True))
language_tags = st.from_regex(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True)
literals = st.one_of(
    st.builds(Literal, st.text(LITERAL_CHARACTERS, max_size=20)),
    st.builds(Literal, st.text(LITERAL_CHARACTERS, max_size=20), iris.map(lambda iri: iri.value)),
    st.builds(
        Literal,
        st.text(LITERAL_CHARACTERS, max_size=20),
        st.just(RDF_LANG_STRING),
        language_tags,
    ),
)
objects: st.SearchStrategy[Term] = st.one_of(iris, blank_nodes, literals)
quads = st.builds(
    Quad,
    st.one_of(iris, blank_nodes),
    iris,
    objects,
    st.one_of(st.none(), iris, blank_nodes),
)


def small_graphs(
    labels: int = 4, texts: tuple[str, ...] = ("x", "y\n\x01\\")
) -> st.SearchStrategy[list[Quad]]:
    """Graphs over a few blank nodes and IRIs, so blank nodes meet and hashes collide."""
    nodes = st.one_of(
        st.sampled_from([BlankNode(f"n{index}") for index in range(labels)]),
        st.sampled_from([IRI("urn:ex:a"), IRI("urn:ex:b")]),
    )
    predicates = st.sampled_from([IRI("urn:ex:p"), IRI("urn:ex:q")])
    values = st.one_of(nodes, st.sampled_from([Literal(text, XSD_STRING) for text in texts]))
    graphs = st.one_of(st.none(), nodes)
    return st.lists(st.builds(Quad, nodes, predicates, values, graphs), max_size=9)
