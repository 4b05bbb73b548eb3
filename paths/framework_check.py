"""Field checks for framework files that record every problem instead of stopping at the first.

City staff fix a file faster when they see all its problems at once, so each reader returns a
placeholder on bad input and the caller raises :class:`~paths.errors.FrameworkInvalid` at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from badges.errors import N_
from paths.errors import FrameworkIssue
from paths.languages import FALLBACK, LANGUAGES

#: Codes of roles, units, elements, criteria, curricula and learning units.
ITEM_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NOT_ALLOWED = N_("%(value)s is not allowed here")
DUPLICATE = N_("%(code)s is used twice (also at %(other)s)")


def child(where: str, field: str, index: int | None = None) -> str:
    """The JSON path of ``field`` (item ``index``) under ``where`` (``$`` is the top)."""
    path = field if where == "$" else f"{where}.{field}"
    return path if index is None else f"{path}[{index}]"


class Checker:
    """Reads fields of one file's objects, collecting a :class:`FrameworkIssue` per problem."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.issues: list[FrameworkIssue] = []
        self._codes: dict[str, dict[str, str]] = {}
        self._references: list[tuple[str, str, str, str]] = []

    def fail(self, where: str, field: str, template: str, **params: str | int) -> None:
        """Record one problem."""
        self.issues.append(FrameworkIssue(self.filename, where, field, template, params))

    def known(self, obj: dict[str, Any], where: str, fields: set[str]) -> None:
        """Report fields the format does not have (usually a typo)."""
        for name in sorted(set(obj) - fields):
            self.fail(where, name, N_("is not a field of the framework format"))

    def items(
        self, obj: dict[str, Any], where: str, field: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object of list ``field`` with its path; a missing list is an empty one."""
        value = obj.get(field, [])
        if not isinstance(value, list):
            self.fail(where, field, N_("must be a list"))
            return
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield child(where, field, index), item
            else:
                self.fail(child(where, field, index), field, N_("must be an object"))

    def texts(
        self, obj: dict[str, Any], where: str, field: str, *, required: bool
    ) -> dict[str, str]:
        """A ``{"en": ..., "de": ...}`` object; when given at all it needs English."""
        value = obj.get(field)
        if value is None or value == {}:
            if required:
                self.fail(where, field, N_("needs an English (en) text"))
            return {}
        if not isinstance(value, dict):
            self.fail(where, field, N_("must give texts by language (en, de, bg, ro)"))
            return {}
        texts: dict[str, str] = {}
        for language, text in value.items():
            if language not in LANGUAGES:
                self.fail(
                    where,
                    f"{field}.{language}",
                    N_("%(language)s is not one of the languages en, de, bg, ro"),
                    language=str(language),
                )
            elif not isinstance(text, str) or not text.strip():
                self.fail(where, f"{field}.{language}", N_("must be a text that is not empty"))
            else:
                texts[language] = text
        if FALLBACK not in value:
            self.fail(where, field, N_("needs an English (en) text"))
        return texts

    def string(
        self,
        obj: dict[str, Any],
        where: str,
        field: str,
        *,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
        problem: str = NOT_ALLOWED,
        max_length: int = 300,
    ) -> str | None:
        """A text field; ``pattern`` must match all of it."""
        value = obj.get(field)
        if value is None or value == "":
            if required:
                self.fail(where, field, N_("is missing"))
            return None
        if not isinstance(value, str):
            self.fail(where, field, N_("must be a text"))
            return None
        if len(value) > max_length:
            self.fail(where, field, N_("is longer than %(max)s characters"), max=max_length)
        elif pattern is not None and not pattern.fullmatch(value):
            self.fail(where, field, problem, value=value)
        return value

    def code(self, obj: dict[str, Any], where: str, kind: str) -> str:
        """An item's code, which must be unique among the file's codes of the same ``kind``."""
        code = self.string(
            obj,
            where,
            "code",
            required=True,
            pattern=ITEM_CODE,
            problem=N_("%(value)s may use only letters, digits, dots, hyphens and underscores"),
            max_length=64,
        )
        if code is None:
            return ""
        seen = self._codes.setdefault(kind, {})
        if code in seen:
            self.fail(where, "code", DUPLICATE, code=code, other=seen[code])
        else:
            seen[code] = where
        return code

    def url(self, obj: dict[str, Any], where: str, field: str) -> str | None:
        """An optional http(s) address."""
        value = self.string(obj, where, field, max_length=2000)
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in {"http", "https"} or not parts.netloc or " " in value:
                self.fail(where, field, N_("must be a web address starting with https://"))
        return value

    def level(
        self, obj: dict[str, Any], where: str, field: str, *, top: int, required: bool
    ) -> int | None:
        """A whole-number level from 1 to ``top`` (EQF 1..8, e-CF 1..5)."""
        value = obj.get(field)
        if value is None:
            if required:
                self.fail(where, field, N_("is missing"))
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            self.fail(where, field, N_("must be a whole number from 1 to %(top)s"), top=top)
            return None
        return value

    def amount(self, obj: dict[str, Any], where: str, field: str) -> float | None:
        """An optional number of hours or credits, zero or more."""
        value = obj.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e6:
            self.fail(where, field, N_("must be a number, zero or more"))
            return None
        return float(value)

    def strings(
        self,
        obj: dict[str, Any],
        where: str,
        field: str,
        *,
        pattern: re.Pattern[str],
        problem: str = NOT_ALLOWED,
    ) -> tuple[str, ...]:
        """An optional list of texts, each matching ``pattern``, none twice."""
        value = obj.get(field, [])
        if not isinstance(value, list):
            self.fail(where, field, N_("must be a list"))
            return ()
        result: list[str] = []
        for index, item in enumerate(value):
            name = f"{field}[{index}]"
            if not isinstance(item, str) or not pattern.fullmatch(item):
                self.fail(where, name, problem, value=str(item))
            elif item in result:
                self.fail(where, name, N_("%(value)s is listed twice"), value=item)
            else:
                result.append(item)
        return tuple(result)

    def refer(self, where: str, field: str, kind: str, code: str) -> None:
        """Note that ``code`` must name a ``kind`` defined somewhere in the file."""
        self._references.append((where, field, kind, code))

    def resolve_references(self, missing: dict[str, str]) -> None:
        """Report references to codes the file never defines, with ``missing[kind]``'s message."""
        for where, field, kind, code in self._references:
            if code not in self._codes.get(kind, {}):
                self.fail(where, field, missing[kind], code=code)
