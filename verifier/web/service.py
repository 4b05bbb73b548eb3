"""What the verifier's web front needs per app: a document loader, a fetcher and its caches.

STYLE rule 5: the loader and fetcher are injected, never module-level. :func:`install_services`
puts them in ``app.extensions`` once per app; tests swap the fetcher for a
:class:`verifier.MapFetcher` with :func:`use_fetcher`. Credentials and recipient emails pass
through these functions and are never stored or logged (issue #5, "Web").

The caches (issue #5, p99 under 100 ms): verified status lists by their bytes; recent reports
(:class:`verifier.ReportCache`, only of inputs verified without an email, under a digest of the
input, reused while every fetched document is unchanged); and what those reports look like in
each language (:class:`verifier.web.translated.Translated`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale, get_locale

from badges.context import current_clock
from badges.errors import N_
from badges.jsonld.loader import StaticDocumentLoader
from verifier import (
    Fetcher,
    FetchError,
    RecordingFetcher,
    ReportCache,
    SafeFetcher,
    StatusListCache,
    UnusableInput,
    VerificationReport,
    read_credential,
    report_key,
    verify_credential,
)
from verifier.web.presentation import CheckLine, check_lines, report_json
from verifier.web.translated import Translated

LOADER_EXTENSION = "verifier.loader"
FETCHER_EXTENSION = "verifier.fetcher"
STATUS_CACHE_EXTENSION = "verifier.status_cache"
REPORT_CACHE_EXTENSION = "verifier.report_cache"
TRANSLATED_LINES_EXTENSION = "verifier.translated_lines"
TRANSLATED_JSON_EXTENSION = "verifier.translated_json"
#: Longest address accepted in the "https URL" field.
MAX_URL_LENGTH = 2048


def install_services(app: Flask) -> None:
    """Give ``app`` its loader, safe fetcher and caches (each kept if already given)."""
    app.extensions.setdefault(LOADER_EXTENSION, StaticDocumentLoader())
    app.extensions.setdefault(FETCHER_EXTENSION, SafeFetcher())
    app.extensions.setdefault(STATUS_CACHE_EXTENSION, StatusListCache())
    app.extensions.setdefault(REPORT_CACHE_EXTENSION, ReportCache())
    app.extensions.setdefault(TRANSLATED_LINES_EXTENSION, Translated[tuple[CheckLine, ...]]())
    app.extensions.setdefault(TRANSLATED_JSON_EXTENSION, Translated[str]())


def use_fetcher(app: Flask, fetcher: Fetcher) -> None:
    """Resolve DID documents and status lists through ``fetcher`` (offline maps in tests)."""
    app.extensions[FETCHER_EXTENSION] = fetcher
    app.extensions[STATUS_CACHE_EXTENSION] = StatusListCache()
    app.extensions[REPORT_CACHE_EXTENSION] = ReportCache()


@dataclass(frozen=True, slots=True)
class Lookup:
    """One request's look in the report cache: the key, the instant and the fetcher to use.

    A report made on a miss must use :attr:`now` and :attr:`fetcher`, so that what is kept
    matches its key and records every document it rests on.
    """

    key: bytes | None
    now: datetime
    fetcher: RecordingFetcher
    #: A recent report for the same input whose documents are unchanged, if any.
    report: VerificationReport | None


def look_up(kind: str, data: bytes | None, *, options: str = "") -> Lookup:
    """Look for a recent report on exactly ``data`` (``None``: nothing to look for)."""
    extensions = current_app.extensions
    now = current_clock().now()
    fetcher = RecordingFetcher(extensions[FETCHER_EXTENSION])
    key = None if data is None else report_key(kind, data, now=now, options=options)
    cache: ReportCache = extensions[REPORT_CACHE_EXTENSION]
    report = None if key is None else cache.get(key, fetcher)
    return Lookup(key, now, fetcher, report)


def remember(lookup: Lookup, report: VerificationReport) -> bool:
    """Keep ``report``, made with ``lookup``'s fetcher and instant, for the next same request.

    Returns whether it was kept (not when the input is too large or a fetch failed).
    """
    if lookup.key is None:
        return False
    cache: ReportCache = current_app.extensions[REPORT_CACHE_EXTENSION]
    return cache.put(lookup.key, report, lookup.fetcher)


def verify_input(
    data: bytes | str | Mapping[str, Any],
    *,
    expected_recipient_email: str | None = None,
    lookup: Lookup | None = None,
) -> VerificationReport:
    """Read an upload, a paste or a parsed object and verify it now, with the app's services.

    With a ``lookup`` (from :func:`look_up`), its instant and recording fetcher are used.

    Raises:
        UnusableInput: the input is not a credential in any format we read.
    """
    credential = read_credential(data)
    extensions = current_app.extensions
    return verify_credential(
        credential,
        loader=extensions[LOADER_EXTENSION],
        fetcher=lookup.fetcher if lookup else extensions[FETCHER_EXTENSION],
        now=lookup.now if lookup else current_clock().now(),
        expected_recipient_email=expected_recipient_email or None,
        status_cache=extensions[STATUS_CACHE_EXTENSION],
    )


def verify_document(document: str) -> tuple[VerificationReport, bool]:
    """Verify a credential we stored (its JSON text), reusing a recent report when still true.

    For the credential page: the same badge is looked at again and again, and its report
    changes only with the clock or with a document it rests on (a re-signed status list).
    Returns the report and whether it is kept (so its renderings may be kept too).
    """
    lookup = look_up("document", document.encode())
    if lookup.report is not None:
        return lookup.report, True
    extensions = current_app.extensions
    report = verify_credential(
        json.loads(document),
        loader=extensions[LOADER_EXTENSION],
        fetcher=lookup.fetcher,
        now=lookup.now,
        status_cache=extensions[STATUS_CACHE_EXTENSION],
    )
    return report, remember(lookup, report)


def translated_check_lines(report: VerificationReport, *, keep: bool) -> tuple[CheckLine, ...]:
    """:func:`check_lines` in the reader's language; kept with the report if ``keep``.

    Only a report the report cache keeps may be kept here: any other may be large, or have
    been made for a recipient email.
    """
    if not keep:
        return _lines_of(report)
    kept: Translated[tuple[CheckLine, ...]] = current_app.extensions[TRANSLATED_LINES_EXTENSION]
    return kept.get(report, str(get_locale()), _lines_of)


def translated_report_json(report: VerificationReport, language: str, *, keep: bool) -> str:
    """:func:`report_json` in ``language`` as compact JSON text; kept likewise if ``keep``."""

    def render(fresh: VerificationReport) -> str:
        with force_locale(language):
            return str(current_app.json.dumps(report_json(fresh), separators=(",", ":")))

    if not keep:
        return render(report)
    kept: Translated[str] = current_app.extensions[TRANSLATED_JSON_EXTENSION]
    return kept.get(report, language, render)


def _lines_of(report: VerificationReport) -> tuple[CheckLine, ...]:
    return tuple(check_lines(report))


def fetch_credential(url: str, *, fetcher: Fetcher | None = None) -> bytes:
    """The bytes at ``url`` through ``fetcher`` or the app's (https, public addresses, capped).

    Raises:
        UnusableInput: the address is refused or did not answer with a document.
    """
    if len(url) > MAX_URL_LENGTH:
        raise UnusableInput(N_("The address is too long."))
    # Checked here as well as in SafeFetcher, so page and API refuse the same, whatever fetcher.
    if not url.lower().startswith("https://"):
        raise UnusableInput(N_("Give an address that starts with https://."))
    if fetcher is None:
        fetcher = current_app.extensions[FETCHER_EXTENSION]
    try:
        return fetcher.fetch(url, accept="application/json, image/png, image/svg+xml, */*")
    except FetchError as err:
        raise UnusableInput(err.template, params=err.params) from err
