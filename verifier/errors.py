"""Errors of the verifier: domain errors, so a hostile input never becomes a server error."""

from __future__ import annotations

from badges.errors import DomainError, InvalidInput


class UnusableInput(InvalidInput):
    """The input is not a credential in any format we read (JSON, JWS, baked PNG or SVG)."""

    code = "unusable_input"


class FetchError(DomainError):
    """A remote document (DID document, status list, refreshed credential) could not be had."""

    code = "fetch_failed"


class FetchRefused(FetchError):
    """The URL is not one we may fetch: not https, or its host is a private or local address."""

    code = "fetch_refused"


class FetchTooLarge(FetchError):
    """The response is larger than the fetcher's cap."""

    code = "fetch_too_large"


class FetchTimeout(FetchError):
    """The remote server did not answer in time."""

    code = "fetch_timeout"
