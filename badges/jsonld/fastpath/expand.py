"""Expansion of a compact document (JSON-LD 1.1 Processing Algorithms §5.1), pyld's way.

Each function mirrors a step of pyld 3.3's ``_expand`` / ``_expand_object`` /
``_prepare_nested_context`` / ``_expand_value`` for the shapes credentials use: node objects
with ``@id`` and ``@type`` (or aliases), properties with no container or ``@set``, values coerced
by ``@id``, ``@vocab`` or a datatype, nested arrays, and strings, numbers and booleans. Whatever
else it meets (``@value`` objects, ``@list``, language maps, ``@reverse``, ``@json``, ``@graph``,
inline contexts, blank node identifiers, an undefined term or a relative IRI, which safe mode
must report) raises :class:`Unsupported`, and pyld expands the document instead.

The result has pyld's expanded shape, with two simplifications the node map does not notice: a
value object is a ``(value, datatype)`` tuple and a node reference is ``{"@id": iri}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeAlias

from badges.jsonld.fastpath.contexts import ID, PROPERTY, TYPE, Context, Term, Unsupported
from badges.jsonld.fastpath.contexts import is_node_iri as _is_node_iri

Node: TypeAlias = dict[str, Any]
Value: TypeAlias = tuple[str | int | float | bool, str | None]
_NOT_A_DATATYPE = frozenset({None, "@id", "@vocab", "@none"})


def expand_document(document: Mapping[str, Any], top: Context) -> Node:
    """Expand a document whose ``@context`` gave ``top``; it must stay a node with data."""
    active, type_key, type_scoped = _prepare(top, document)
    node = _expand_object(active, document, type_key, type_scoped)
    if not node or (len(node) == 1 and "@id" in node):
        raise Unsupported("the document expands to nothing (pyld drops it)")
    return node


def _expand_node(active: Context, term: Term, element: Mapping[str, Any]) -> Node:
    """As pyld's ``_expand`` for an object, the value of ``term`` in ``active``."""
    if "@context" in element:
        raise Unsupported("an inline context")
    revert = True
    if active.has_previous and len(element) <= 2:
        # A subject reference keeps the type-scoped context (a value object would too).
        for key in sorted(element):
            expanded = active.expand(key)
            if expanded == "@value":
                raise Unsupported("a value object")
            if expanded == "@id" and len(element) == 1:
                revert = False
                break
    if revert:
        active = active.reverted
    if term.scoped is not None:
        active = active.scoped(term.scoped)
    active, type_key, type_scoped = _prepare(active, element)
    return _expand_object(active, element, type_key, type_scoped)


def _prepare(active: Context, element: Mapping[str, Any]) -> tuple[Context, str | None, Context]:
    """As pyld's ``_prepare_nested_context``: apply the type-scoped contexts of the node's types.

    pyld looks for keys expanding to ``@type`` in sorted order, each under the context the
    earlier ones made; one such key is supported, and any later key that the new context makes
    a ``@type`` alias too is left to pyld.
    """
    aliases = active.type_aliases
    found = [key for key in aliases if key in element]  # at most one is supported
    if not found:
        return active, None, active
    if len(found) > 1:
        raise Unsupported("two keys expand to @type")
    type_key = found[0]
    types = element[type_key]
    types = [types] if type(types) is str else types
    if type(types) is not list or not all(type(t) is str for t in types):
        raise Unsupported("@type is not a string or an array of strings")
    ordered = tuple(sorted(types))
    typed = active.typed(ordered)
    if typed is None:
        typed = active
        for type_ in ordered:
            scoped = active.type_context(type_)
            if scoped is not None:
                typed = typed.scoped(scoped, propagate=False)
        active.remember_typed(ordered, typed)
    # The aliases are a handful and the node's keys many: look the former up in the latter.
    if typed is not active and any(key > type_key and key in element for key in typed.type_aliases):
        raise Unsupported("a type-scoped context aliases @type again")
    return typed, type_key, active


def _expand_object(
    active: Context, element: Mapping[str, Any], type_key: str | None, type_scoped: Context
) -> Node:
    """As pyld's ``_expand_object`` for the supported keys (every key, in sorted order)."""
    if type_key is not None:
        types = element[type_key]
        first = types if isinstance(types, str) else (types[0] if types else None)
        if first is not None and active.expand(first) == "@json":
            raise Unsupported("a JSON literal")
    node: Node = {}
    for key in sorted(element):
        if key == "@context":
            continue
        term = active.term(key)
        value = element[key]
        if term.kind == PROPERTY:
            _add_property(node, active, key, term, value)
        elif term.kind == ID:
            if "@id" in node or type(value) is not str:
                raise Unsupported("colliding or invalid @id")
            iri = active.expand_id(value)
            if not _is_node_iri(iri):
                raise Unsupported("relative IRI or blank node identifier")
            node["@id"] = iri
        elif term.kind == TYPE:
            if key != type_key:
                raise Unsupported("a second @type key")
            expanded = [type_scoped.expand(t) for t in ((value,) if type(value) is str else value)]
            if not all(_is_node_iri(t) for t in expanded):
                raise Unsupported("undefined type, relative IRI or blank node type")
            if expanded:
                node["@type"] = expanded
    return node


def _add_property(node: Node, active: Context, key: str, term: Term, value: Any) -> None:
    """Expand one property value with its term's scoped context, as pyld does."""
    inner = active
    if term.scoped is not None:
        inner = active.scoped(term.scoped)
        term = inner.term(key)
        if term.kind != PROPERTY:
            raise Unsupported("a scoped context redefines its own term")
    expanded = _expand_value(inner, key, term, value)
    if expanded is None:
        return
    items = node.get(term.iri)
    if items is None:
        node[term.iri] = expanded
    else:
        items.extend(expanded)


def _expand_value(active: Context, key: str, term: Term, value: Any) -> list[Any] | None:
    """As pyld's ``_expand`` of a property's value: a list of items, or None when it is dropped."""
    kind = type(value)
    if kind is list:
        items: list[Any] = []
        for element in value:
            expanded = _expand_value(active, key, term, element)
            if expanded is not None:
                items.extend(expanded)
        return items
    if kind is dict:
        return [_expand_node(active, term, value)]
    if value is None:
        return None
    return [_scalar(active, term, value)]


def _scalar(active: Context, term: Term, value: Any) -> Node | Value:
    """As pyld's ``_expand_value``: a node reference or a ``(value, datatype)`` value."""
    coercion = term.coercion
    kind = type(value)
    if kind is str:
        if coercion == "@id":
            iri = active.expand_id(value)
        elif coercion == "@vocab":
            iri = active.expand(value)
        else:
            return (value, None if coercion in _NOT_A_DATATYPE else coercion)
        if not _is_node_iri(iri):
            raise Unsupported("relative IRI or blank node identifier")
        return {"@id": iri}
    if kind is bool or kind is int or (kind is float and math.isfinite(value)):
        return (value, None if coercion in _NOT_A_DATATYPE else coercion)
    raise Unsupported("a value that is not JSON")
