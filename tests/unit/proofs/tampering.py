"""Every single-field change of a JSON document, for tamper tests."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

Path = tuple[str | int, ...]


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Each scalar in the document with the path that reaches it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def members(value: Any, path: Path = ()) -> Iterator[Path]:
    """Each object member (to delete) in the document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from members(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from members(item, (*path, index))


def nudge(text: str) -> str:
    """Change one character: the last digit if there is one, else the last letter."""
    chars = list(text)
    for wanted in (str.isdigit, str.isalpha):
        for index in range(len(chars) - 1, -1, -1):
            char = chars[index]
            if char.isascii() and wanted(char):
                if char.isdigit():
                    chars[index] = str((int(char) + 1) % 10)
                else:
                    base = ord("a") if char.islower() else ord("A")
                    chars[index] = chr(base + (ord(char) - base + 1) % 26)
                return "".join(chars)
    return text + "x"


def replaced(document: dict[str, Any], path: Path, new: Any) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    target: Any = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copied


def deleted(document: dict[str, Any], path: Path) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    target: Any = copied
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return copied


def single_field_changes(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(description, changed copy) for every leaf nudged and every member deleted."""
    for path, value in leaves(document):
        new = nudge(value) if isinstance(value, str) else "changed"
        yield f"change {'/'.join(map(str, path))}", replaced(document, path, new)
    for path in members(document):
        yield f"delete {'/'.join(map(str, path))}", deleted(document, path)
