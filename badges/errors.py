"""Domain errors: a stable machine-readable code and a human message, never an HTTP status.

Only :mod:`badges.web.errors` turns these into responses, so domain code stays usable from the CLI,
tasks and tests.
"""

from __future__ import annotations

from collections.abc import Mapping


def N_(message: str) -> str:  # noqa: N802 - the conventional name gettext tools look for
    """Mark ``message`` for translation without translating it (the edge translates)."""
    return message


class DomainError(Exception):
    """Base of every error the domain raises on purpose.

    ``template`` is an English message marked with :func:`N_`; ``params`` fill its ``%(name)s``
    slots. The web edge translates the template into the reader's language before filling it.
    """

    code: str = "domain_error"

    def __init__(
        self,
        template: str,
        *,
        code: str | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> None:
        self.template = template
        self.params: dict[str, str | int] = dict(params or {})
        super().__init__(self.message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The English message with its parameters filled in."""
        return self.template % self.params if self.params else self.template


class NotFound(DomainError):
    """The thing asked for does not exist (or the caller may not know it exists)."""

    code = "not_found"


class Conflict(DomainError):
    """The request contradicts what is already stored (a duplicate, a stale state)."""

    code = "conflict"


class InvalidInput(DomainError):
    """The input is malformed or breaks a rule; ``field`` names the culprit when there is one."""

    code = "invalid_input"

    def __init__(
        self,
        template: str,
        *,
        code: str | None = None,
        params: Mapping[str, str | int] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(template, code=code, params=params)
        self.field = field


class Unauthenticated(DomainError):
    """The caller has not proved who they are (or the proof was wrong)."""

    code = "unauthenticated"


class PermissionDenied(DomainError):
    """The caller is known but not allowed to do this."""

    code = "permission_denied"


class ConfigurationError(DomainError):
    """The environment asks for something unsafe or impossible; the app refuses to start."""

    code = "configuration_error"
