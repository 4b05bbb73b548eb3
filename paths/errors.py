"""Errors of the validation paths domain; each names what went wrong for city staff."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from badges.errors import N_, Conflict, InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class FrameworkIssue:
    """One problem in a framework file: where it is, which field, and what is wrong.

    ``where`` is a JSON path (``units[2].elements[0]``, ``$`` for the top) or a CSV line number.
    """

    file: str
    where: str
    field: str
    template: str
    params: Mapping[str, str | int] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English message with its parameters filled in."""
        return self.template % self.params if self.params else self.template

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.field}: {self.message}"


class FrameworkInvalid(InvalidInput):
    """A framework file breaks the format; ``issues`` lists every problem found, not just one."""

    code = "framework_invalid"

    def __init__(self, filename: str, issues: Sequence[FrameworkIssue]) -> None:
        super().__init__(
            N_("The framework file %(file)s has %(count)s problem(s)."),
            params={"file": filename, "count": len(issues)},
        )
        self.issues: tuple[FrameworkIssue, ...] = tuple(issues)


class FrameworkVersionConflict(Conflict):
    """The same framework code and version is already imported with different content."""

    code = "framework_version_conflict"

    def __init__(self, code: str, version: str) -> None:
        super().__init__(
            N_(
                "Framework %(code)s version %(version)s is already imported with different "
                "content. An imported version never changes: give the changed file a new version."
            ),
            params={"code": code, "version": version},
        )


class FrameworkNotFound(NotFound):
    """No imported framework has this code (and version)."""

    code = "framework_not_found"

    def __init__(self, code: str, version: str | None) -> None:
        if version is None:
            super().__init__(N_("There is no framework %(code)s."), params={"code": code})
        else:
            super().__init__(
                N_("There is no framework %(code)s version %(version)s."),
                params={"code": code, "version": version},
            )
