"""What the verifier's web front needs per app: one document loader, a fetcher, a status cache.

STYLE rule 5: the loader and fetcher are injected, never module-level. :func:`install_services`
puts them in ``app.extensions`` once per app; tests swap the fetcher for a
:class:`verifier.MapFetcher` with :func:`use_fetcher`. Credentials and recipient emails pass
through these functions and are never stored or logged (issue #5, "Web").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from badges.context import current_clock
from badges.errors import N_
from badges.jsonld.loader import StaticDocumentLoader
from verifier import (
    Fetcher,
    FetchError,
    SafeFetcher,
    StatusListCache,
    UnusableInput,
    VerificationReport,
    read_credential,
    verify_credential,
)

LOADER_EXTENSION = "verifier.loader"
FETCHER_EXTENSION = "verifier.fetcher"
STATUS_CACHE_EXTENSION = "verifier.status_cache"
#: Longest address accepted in the "https URL" field.
MAX_URL_LENGTH = 2048


def install_services(app: Flask) -> None:
    """Give ``app`` its loader, safe fetcher and status list cache (kept if already given)."""
    app.extensions.setdefault(LOADER_EXTENSION, StaticDocumentLoader())
    app.extensions.setdefault(FETCHER_EXTENSION, SafeFetcher())
    app.extensions.setdefault(STATUS_CACHE_EXTENSION, StatusListCache())


def use_fetcher(app: Flask, fetcher: Fetcher) -> None:
    """Resolve DID documents and status lists through ``fetcher`` (offline maps in tests)."""
    app.extensions[FETCHER_EXTENSION] = fetcher
    app.extensions[STATUS_CACHE_EXTENSION] = StatusListCache()


def verify_input(
    data: bytes | str | Mapping[str, Any], *, expected_recipient_email: str | None = None
) -> VerificationReport:
    """Read an upload, a paste or a parsed object and verify it now, with the app's services.

    Raises:
        UnusableInput: the input is not a credential in any format we read.
    """
    credential = read_credential(data)
    extensions = current_app.extensions
    return verify_credential(
        credential,
        loader=extensions[LOADER_EXTENSION],
        fetcher=extensions[FETCHER_EXTENSION],
        now=current_clock().now(),
        expected_recipient_email=expected_recipient_email or None,
        status_cache=extensions[STATUS_CACHE_EXTENSION],
    )


def fetch_credential(url: str) -> bytes:
    """The bytes at ``url`` through the app's safe fetcher (https, public addresses, capped).

    Raises:
        UnusableInput: the address is refused or did not answer with a document.
    """
    if len(url) > MAX_URL_LENGTH:
        raise UnusableInput(N_("The address is too long."))
    # Checked here as well as in SafeFetcher, so page and API refuse the same, whatever fetcher.
    if not url.lower().startswith("https://"):
        raise UnusableInput(N_("Give an address that starts with https://."))
    fetcher: Fetcher = current_app.extensions[FETCHER_EXTENSION]
    try:
        return fetcher.fetch(url, accept="application/json, image/png, image/svg+xml, */*")
    except FetchError as err:
        raise UnusableInput(err.template, params=err.params) from err
