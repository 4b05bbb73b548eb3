"""Reading JSON values with their JSONPath: the primitives the OB 3.0 reader is built from.

Every problem becomes a :class:`CredentialFormatError` naming where it is, never a ``KeyError``,
``TypeError`` or ``RecursionError``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar

from badges.errors import N_, InvalidInput
from badges.ob3.values import JsonObject, JsonValue, require_uri, utc_timestamp

T = TypeVar("T")

#: Opaque JSON (proofs, endorsements) nested deeper than this is refused, not recursed into.
MAX_JSON_DEPTH = 64
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class CredentialFormatError(InvalidInput):
    """The document is not a well-formed OB 3.0 credential; ``path`` says where (JSONPath)."""

    code = "credential_format"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(
            N_("Malformed credential at %(path)s: %(problem)s"),
            params={"path": path, "problem": problem},
            field=path,
        )
        self.path = path
        self.problem = problem


class Node:
    """One JSON object being read, and its path."""

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise CredentialFormatError(path, "expected a JSON object")
        self.data: Mapping[object, object] = value
        self.path = path

    def at(self, key: str) -> str:
        """The JSONPath of ``key`` in this object."""
        return child(self.path, key)

    def get(self, key: str) -> object:
        """The value under ``key``; ``None`` when absent or null (nulls count as absent)."""
        return self.data.get(key)

    def required(self, key: str) -> object:
        """The value under ``key``, which must be present and not null."""
        value = self.data.get(key)
        if value is None:
            raise CredentialFormatError(self.at(key), "is required")
        return value

    def text(self, key: str) -> str:
        """A required string."""
        return text_value(self.required(key), self.at(key))

    def opt_text(self, key: str) -> str | None:
        """An optional string."""
        value = self.get(key)
        return None if value is None else text_value(value, self.at(key))

    def texts(self, key: str) -> tuple[str, ...]:
        """A string or an array of strings."""
        return self.many(key, text_value)

    def flag(self, key: str) -> bool:
        """A required boolean."""
        value = self.required(key)
        if not isinstance(value, bool):
            raise CredentialFormatError(self.at(key), "expected true or false")
        return value

    def number(self, key: str) -> float:
        """A required finite number."""
        return number_value(self.required(key), self.at(key))

    def opt_number(self, key: str) -> float | None:
        """An optional finite number."""
        value = self.get(key)
        return None if value is None else number_value(value, self.at(key))

    def timestamp(self, key: str) -> datetime:
        """A required ``DateTimeZ``."""
        return timestamp_value(self.required(key), self.at(key))

    def opt_timestamp(self, key: str) -> datetime | None:
        """An optional ``DateTimeZ``."""
        value = self.get(key)
        return None if value is None else timestamp_value(value, self.at(key))

    def opt_date(self, key: str) -> date | None:
        """An optional ``YYYY-MM-DD`` date."""
        value = self.get(key)
        if value is None:
            return None
        path = self.at(key)
        text = text_value(value, path)
        if not _DATE.fullmatch(text):
            raise CredentialFormatError(path, "expected a date YYYY-MM-DD")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CredentialFormatError(path, "not a valid date") from None

    def types(self, required: str | None = None) -> tuple[str, ...]:
        """A ``type`` set: one IRI string or an array of them, holding ``required`` if given."""
        types = self.many("type", text_value, required=True)
        if required is not None and required not in types:
            raise CredentialFormatError(self.at("type"), f"must include {required!r}")
        return types

    def uri(self, key: str) -> str:
        """A required absolute URI (``urn:uuid:…``, ``https://…``, a DID)."""
        value = self.text(key)
        with building(self.at(key)):
            require_uri(value, key)
        return value

    def fixed_type(self, expected: str) -> None:
        """Check a single-IRI ``type`` (Image, IdentityObject…), tolerating a one-item array."""
        self.types(expected)

    def opt(self, key: str, load: Callable[[object, str], T], *, single: bool = False) -> T | None:
        """An optional object; with ``single``, a one-item array is accepted too."""
        value = self.get(key)
        path = self.at(key)
        if single and isinstance(value, list):
            if len(value) != 1:
                raise CredentialFormatError(path, "expected one object")
            value, path = value[0], child(path, 0)
        return None if value is None else load(value, path)

    def many(
        self, key: str, load: Callable[[object, str], T], *, required: bool = False
    ) -> tuple[T, ...]:
        """An array (or one compacted value) of items read with ``load``."""
        value = self.required(key) if required else self.get(key)
        path = self.at(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            return (load(value, path),)
        if required and not value:
            raise CredentialFormatError(path, "must not be empty")
        return tuple(load(item, child(path, index)) for index, item in enumerate(value))


@contextmanager
def building(path: str) -> Iterator[None]:
    """Turn a model invariant broken by the document into a CredentialFormatError at ``path``."""
    try:
        yield
    except ValueError as error:
        raise CredentialFormatError(path, str(error)) from None


def child(path: str, key: str | int) -> str:
    """The JSONPath of ``key`` (a member name or an array index) under ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _NAME.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"


def text_value(value: object, path: str) -> str:
    """A string, or an error at ``path``."""
    if not isinstance(value, str):
        raise CredentialFormatError(path, "expected a string")
    return value


def number_value(value: object, path: str) -> float:
    """A finite number (not a boolean), or an error at ``path``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CredentialFormatError(path, "expected a number")
    try:
        number = float(value)
    except OverflowError:
        raise CredentialFormatError(path, "number out of range") from None
    if not math.isfinite(number):
        raise CredentialFormatError(path, "expected a finite number")
    return number


def timestamp_value(value: object, path: str) -> datetime:
    """A ``DateTimeZ``: RFC 3339 with a time zone; fractions of a second are dropped."""
    match = _DATE_TIME.fullmatch(text_value(value, path))
    if match is None:
        raise CredentialFormatError(path, "expected a date-time with a time zone, e.g. …T00:00:00Z")
    day, time, _fraction, zone = match.groups()
    zone = "+00:00" if zone in {"Z", "z"} else zone
    try:
        return utc_timestamp(datetime.fromisoformat(f"{day}T{time}{zone}"), "date-time")
    except ValueError:
        raise CredentialFormatError(path, "not a valid date-time") from None


def json_value(value: object, path: str, depth: int = 0) -> JsonValue:
    """A deep copy of an opaque JSON value, checked to be JSON and bounded in depth."""
    if depth > MAX_JSON_DEPTH:
        raise CredentialFormatError(path, "nested too deeply")
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return number_value(value, path)
    if isinstance(value, list):
        return [json_value(item, child(path, index), depth + 1) for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        return _json_members(value, path, depth)
    raise CredentialFormatError(path, "not a JSON value")


def _json_members(value: Mapping[object, object], path: str, depth: int) -> JsonObject:
    copied: JsonObject = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise CredentialFormatError(path, "object keys must be strings")
        copied[key] = json_value(item, child(path, key), depth + 1)
    return copied


def json_object(value: object, path: str) -> JsonObject:
    """A checked deep copy of a JSON object (proofs, endorsements)."""
    if not isinstance(value, Mapping):
        raise CredentialFormatError(path, "expected a JSON object")
    return _json_members(value, path, 0)
